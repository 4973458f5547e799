// A small pattern-rewrite engine (tinygrad's PatternMatcher, MLIR's greedy driver). A rule
// names the op it matches at the root and returns a replacement node, or undefined for "no
// match"; rules never mutate (nodes are immutable and hash-consed). `rewriteWithRules` applies
// them bottom-up: each node is rebuilt on its rewritten sources and then rewritten at its root
// until no rule matches; the whole walk repeats until the function stops changing. Step limits
// turn a rule cycle into a CompilerBug instead of a hang.

import { CompilerBug } from "../diag/diagnostic.js";
import { IrBuilder } from "../ir/builder.js";
import type { IrFunction } from "../ir/function.js";
import { rewriteFunction } from "../ir/graph.js";
import type { Node } from "../ir/node.js";
import type { Op } from "../ir/ops.js";

export interface Rule {
  readonly name: string;
  /** The ops this rule can match at the root. */
  readonly ops: readonly Op[];
  readonly apply: (node: Node, b: IrBuilder) => Node | undefined;
}

export function rule<O extends Op>(name: string, ops: O | readonly O[], apply: (node: Node<O>, b: IrBuilder) => Node | undefined): Rule {
  return { name, ops: typeof ops === "string" ? [ops] : ops, apply: apply as Rule["apply"] };
}

const MAX_STEPS_PER_NODE = 100;
const MAX_SWEEPS = 20;

export function rewriteWithRules(fn: IrFunction, rules: readonly Rule[]): IrFunction {
  const byOp = new Map<Op, Rule[]>();
  for (const r of rules) for (const op of r.ops) byOp.set(op, [...(byOp.get(op) ?? []), r]);
  const first = fn.outputs[0]?.node;
  if (first === undefined) return fn;
  const b = new IrBuilder(first.ctx);
  const visit = (node: Node): Node => {
    let cur = node;
    for (let step = 0; step < MAX_STEPS_PER_NODE; step++) {
      const next = applyOnce(cur, byOp.get(cur.op), b);
      if (next === undefined || next === cur) return cur;
      if (next.dtype !== cur.dtype || next.shape.join() !== cur.shape.join()) throw new CompilerBug(`rewrite of \`${cur.op}\` changed its type to ${next.dtype}[${next.shape.join(",")}]`);
      cur = next;
    }
    throw new CompilerBug(`infinite loop in rewrite at \`${node.op}\` (more than ${MAX_STEPS_PER_NODE} steps)`);
  };
  let cur = fn;
  for (let sweep = 0; sweep < MAX_SWEEPS; sweep++) {
    const next = rewriteFunction(cur, visit);
    if (next.outputs.every((o, i) => o.node === cur.outputs[i]!.node)) return next;
    cur = next;
  }
  return cur;
}

function applyOnce(node: Node, rules: readonly Rule[] | undefined, b: IrBuilder): Node | undefined {
  if (rules === undefined) return undefined;
  for (const r of rules) {
    const out = r.apply(node, b);
    if (out !== undefined && out !== node) return out;
  }
  return undefined;
}
