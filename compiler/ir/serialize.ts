// IR nodes as plain JSON data, and back: for the parts of a compiled program that a runtime
// evaluates itself (the host-side scalars of a WebGPU plan, compiler/backends/wgsl/host.ts).
// A function is its nodes in topological order, each naming its sources by position; loading
// interns them again in a fresh context, so every shape rule runs again on the way in.

import { CompilerBug } from "../diag/diagnostic.js";
import type { IrFunction } from "./function.js";
import { toposort } from "./graph.js";
import { IrContext, type Node } from "./node.js";
import { Op, type OpArgs } from "./ops.js";

export interface SerializedNode {
  readonly op: Op;
  readonly arg: unknown;
  readonly src: readonly number[];
}

export interface SerializedFunction {
  readonly name: string;
  readonly nodes: readonly SerializedNode[];
  readonly inputs: readonly { readonly name: string; readonly node: number }[];
  readonly outputs: readonly { readonly name: string; readonly node: number }[];
}

export function serializeFunction(fn: IrFunction): SerializedFunction {
  const nodes = toposort([...fn.inputs.map((i) => i.node), ...fn.outputs.map((o) => o.node)]);
  const at = new Map(nodes.map((n, i) => [n, i]));
  return {
    name: fn.name,
    nodes: nodes.map((n) => {
      if (n.op === Op.Literal) throw new CompilerBug("serializeFunction: literal nodes are not serialized");
      return { op: n.op, arg: n.arg, src: n.src.map((s) => at.get(s)!) };
    }),
    inputs: fn.inputs.map((i) => ({ name: i.name, node: at.get(i.node)! })),
    outputs: fn.outputs.map((o) => ({ name: o.name, node: at.get(o.node)! })),
  };
}

export function deserializeFunction(f: SerializedFunction, ctx = new IrContext({ name: f.name })): IrFunction {
  const nodes: Node[] = [];
  for (const n of f.nodes) nodes.push(ctx.intern(n.op, n.arg as OpArgs[Op], n.src.map((i) => nodes[i]!)));
  return { name: f.name, inputs: f.inputs.map((i) => ({ name: i.name, node: nodes[i.node]! })), outputs: f.outputs.map((o) => ({ name: o.name, node: nodes[o.node]! })) };
}
