// The IR verifier, run on every stage boundary and, in tests, after every pass. It checks that
// inputs and outputs are named uniquely and that the inputs are `input` nodes of those names;
// that every node reachable from the outputs belongs to one context, is in SSA order (sources
// interned before users, hence acyclic) and has the dtype and shape its primitive's shape rule
// gives; and that every `input` node used is a declared input. A failure is a CompilerBug whose
// message shows the printed IR around the offending node (as jax's check_jaxpr does).

import { CompilerBug } from "../diag/diagnostic.js";
import type { IrFunction } from "./function.js";
import { toposort } from "./graph.js";
import type { Node } from "./node.js";
import { Op, type OpArgs } from "./ops.js";
import { ruleOf } from "./primitives.js";
import { printFunctionLines } from "./print.js";
import { shapesEqual, showShape } from "./shape.js";

export class IrVerifyError extends CompilerBug {
  constructor(
    readonly problem: string,
    readonly dump: string,
  ) {
    super(`${problem}\n${dump}`);
    this.name = "CompilerBug";
  }
}

/** Throws IrVerifyError describing the first problem found. */
export function verifyFunction(fn: IrFunction): void {
  const problem = findProblem(fn);
  if (problem !== undefined) throw new IrVerifyError(`invalid IR in \`${fn.name}\`: ${problem.message}`, dumpAround(fn, problem.node));
}

/** The printed IR within `radius` lines of `node` (the whole function head and tail kept short). */
export function dumpAround(fn: IrFunction, node: Node | undefined, radius = 10): string {
  let printed;
  try {
    printed = printFunctionLines(fn);
  } catch (e) {
    return `(the function cannot be printed: ${(e as Error).message})`;
  }
  const { lines, lineOf } = printed;
  const at = node === undefined ? undefined : lineOf.get(node);
  if (at === undefined) return lines.length <= 2 * radius + 2 ? lines.join("\n") : [...lines.slice(0, radius), "  ...", ...lines.slice(-radius)].join("\n");
  const from = Math.max(0, at - radius);
  const to = Math.min(lines.length, at + radius + 1);
  return [...(from > 0 ? ["  ..."] : []), ...lines.slice(from, to).map((l, i) => (from + i === at ? `${l}    <-- here` : l)), ...(to < lines.length ? ["  ..."] : [])].join("\n");
}

function findProblem(fn: IrFunction): { message: string; node?: Node } | undefined {
  const inputNames = new Set<string>();
  const declared = new Set<Node>();
  for (const { name, node } of fn.inputs) {
    if (inputNames.has(name)) return { message: `input \`${name}\` is declared twice` };
    inputNames.add(name);
    if (node.op !== Op.Input) return { message: `input \`${name}\` is a \`${node.op}\` node, not an \`input\``, node };
    if ((node.arg as OpArgs[Op.Input]).name !== name) return { message: `input \`${name}\` is bound to the input node \`${(node.arg as OpArgs[Op.Input]).name}\``, node };
    declared.add(node);
  }
  const outputNames = new Set<string>();
  for (const { name } of fn.outputs) {
    if (outputNames.has(name)) return { message: `output \`${name}\` is declared twice` };
    outputNames.add(name);
  }
  const nodes = toposort(fn.outputs.map((o) => o.node));
  const ctx = nodes[0]?.ctx;
  for (const node of nodes) {
    if (node.ctx !== ctx) return { message: `%${node.id} belongs to another IrContext`, node };
    for (const s of node.src) if (s.id >= node.id) return { message: `\`${node.op}\` uses %${s.id}, which was not defined before it (not SSA)`, node };
    if (node.op === Op.Input && !declared.has(node)) return { message: `input node \`${(node.arg as OpArgs[Op.Input]).name}\` is used but not declared in the function's inputs`, node };
    let want;
    try {
      want = ruleOf(node.op).shape(node.arg, node.src);
    } catch (e) {
      return { message: `\`${node.op}\` is ill-typed: ${(e as Error).message}`, node };
    }
    if (want.dtype !== node.dtype || !shapesEqual(want.shape, node.shape)) return { message: `\`${node.op}\` has type ${node.dtype}${showShape(node.shape)} but its shape rule gives ${want.dtype}${showShape(want.shape)}`, node };
  }
  return undefined;
}
