// Constant folding: a node whose sources are all constants or literals is evaluated at compile
// time with the reference interpreter and replaced by a splat constant (when all its values are
// equal) or a literal. Elementwise and movement ops on splats fold to splats whatever their
// size; other nodes fold only up to FOLD_LIMIT elements, so folding never bloats the program.
// Values are computed in f64 and kept in f64 in the folded node (f32 backends round them once
// when they load them), so a folded value is at least as accurate as evaluating it at run time;
// it may differ from step-by-step f32 evaluation in the last bit.

import { IrBuilder } from "../ir/builder.js";
import type { IrFunction } from "../ir/function.js";
import { rewriteFunction } from "../ir/graph.js";
import type { Node } from "../ir/node.js";
import { BINARY_OPS, Op, UNARY_OPS } from "../ir/ops.js";
import { numel } from "../ir/shape.js";
import { evaluate } from "../../runtime/interp.js";
import type { Pass } from "./pass.js";

export const FOLD_LIMIT = 1024;

/** Ops that map splats to splats. */
const SPLAT_PRESERVING = new Set<Op>([...UNARY_OPS, ...BINARY_OPS, Op.Where, Op.Cast, Op.Reshape, Op.Broadcast, Op.Transpose, Op.Slice, Op.Reverse, Op.StopGradient, Op.StraightThrough]);

const isData = (n: Node) => n.op === Op.Constant || n.op === Op.Literal;

export function foldConstants(fn: IrFunction): IrFunction {
  const first = fn.outputs[0]?.node;
  if (first === undefined) return fn;
  const b = new IrBuilder(first.ctx);
  return rewriteFunction(fn, (node) => {
    if (node.src.length === 0 || !node.src.every(isData)) return node;
    if (node.src.every((s) => s.op === Op.Constant) && SPLAT_PRESERVING.has(node.op)) return foldSplat(b, node);
    if (numel(node.shape) > FOLD_LIMIT || node.src.some((s) => numel(s.shape) > FOLD_LIMIT)) return node;
    return fromValues(b, node, evaluate([node], new Map(), { float64: true })[0]!.data);
  });
}

/** Evaluates `node` on one element of each splat source. */
function foldSplat(b: IrBuilder, node: Node): Node {
  const ctx = node.ctx;
  const scalarSrc = node.src.map((s) => b.constant((s as Node<Op.Constant>).arg.value, s.dtype));
  let v: number;
  if (node.op === Op.Cast || node.op === Op.Where || UNARY_OPS.includes(node.op as never) || BINARY_OPS.includes(node.op as never)) {
    v = evaluate([ctx.intern(node.op, node.arg, scalarSrc)], new Map(), { float64: true })[0]!.data[0]!;
  } else v = (node.src[0] as Node<Op.Constant>).arg.value; // movement ops and markers keep the value
  return b.constant(v, node.dtype, node.shape);
}

function fromValues(b: IrBuilder, node: Node, data: ArrayLike<number>): Node {
  const v = data[0];
  let splat = data.length > 0;
  for (let i = 1; i < data.length && splat; i++) splat = Object.is(data[i], v);
  return splat ? b.constant(v!, node.dtype, node.shape) : b.literal(data, node.dtype, node.shape);
}

export const foldConstantsPass: Pass = { name: "fold-constants", description: "evaluate nodes whose sources are all constants", run: foldConstants };
