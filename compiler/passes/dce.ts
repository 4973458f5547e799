// Dead-code elimination. A function's body is the set of nodes reachable from its outputs
// (compiler/ir/function.ts), so a node that no output uses is dropped by every rewrite without
// any bookkeeping. What this pass adds is removing computations whose result cannot matter: a
// node with zero elements is replaced by an (empty) constant, so everything that fed it dies.
// Inputs are kept even when unused: they are the function's interface.

import { IrBuilder } from "../ir/builder.js";
import type { IrFunction } from "../ir/function.js";
import { rewriteFunction } from "../ir/graph.js";
import { Op } from "../ir/ops.js";
import { numel } from "../ir/shape.js";
import type { Pass } from "./pass.js";

export function eliminateDeadCode(fn: IrFunction): IrFunction {
  const first = fn.outputs[0]?.node;
  if (first === undefined) return fn;
  const b = new IrBuilder(first.ctx);
  return rewriteFunction(fn, (node) => (node.src.length > 0 && numel(node.shape) === 0 && node.op !== Op.Constant ? b.constant(0, node.dtype, node.shape) : node));
}

export const dcePass: Pass = { name: "dce", description: "drop computations of empty tensors (unreachable nodes are never part of a function)", run: eliminateDeadCode };
