// An IR function: named inputs (leaf `input` nodes) and named outputs. Its body is every node
// reachable from the outputs; there is no separate node list, so a node nobody uses is not part
// of the function. The printer and the verifier live in print.ts and verify.ts.

import type { Node } from "./node.js";

export interface IrFunction {
  readonly name: string;
  readonly inputs: readonly { readonly name: string; readonly node: Node }[];
  readonly outputs: readonly { readonly name: string; readonly node: Node }[];
}

/** The same function with new output nodes (inputs kept: they are the interface). */
export function withOutputs(fn: IrFunction, nodes: readonly Node[]): IrFunction {
  return { name: fn.name, inputs: fn.inputs, outputs: fn.outputs.map((o, i) => ({ name: o.name, node: nodes[i]! })) };
}

export { printFunction } from "./print.js";
