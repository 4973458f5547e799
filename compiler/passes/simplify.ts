// Algebraic simplification: local rewrite rules, one per line, each with the identity it
// applies. Unless marked otherwise, a rule is exact in IEEE arithmetic: it gives bit-identical
// results for every input, NaN, infinities and signed zeros included. Rules that are exact only
// for integers (x*0 -> 0 fails for NaN and inf; x-x -> 0 too; x+0 -> x turns -0 into -0 where
// IEEE gives +0) are restricted to i32 or to the exact variant (x + -0 -> x).

import { isFloat } from "../ir/dtype.js";
import type { IrFunction } from "../ir/function.js";
import type { Node } from "../ir/node.js";
import { Op } from "../ir/ops.js";
import { shapesEqual } from "../ir/shape.js";
import type { Pass } from "./pass.js";
import { rewriteWithRules, rule, type Rule } from "./rewrite.js";

/** The value of a splat constant, or undefined. */
function constValue(n: Node): number | undefined {
  return n.op === Op.Constant ? (n as Node<Op.Constant>).arg.value : undefined;
}
const isConst = (n: Node, v: number) => Object.is(constValue(n), v);
const isInt = (n: Node) => n.dtype === "i32";
/** f(x, y), else f(y, x): for commutative ops. */
const either = (n: Node, f: (x: Node, y: Node) => Node | undefined) => f(n.src[0]!, n.src[1]!) ?? f(n.src[1]!, n.src[0]!);

export const pmAlgebra: Rule[] = [
  rule("mul-one", Op.Mul, (n) => either(n, (x, y) => (isConst(y, 1) ? x : undefined))), // x*1 -> x
  rule("mul-zero-int", Op.Mul, (n, b) => either(n, (x, y) => (isInt(x) && isConst(y, 0) ? b.full(0, x) : undefined))), // x*0 -> 0 (i32 only)
  rule("mul-minus-one", Op.Mul, (n, b) => either(n, (x, y) => (isConst(y, -1) ? b.unary("neg", x) : undefined))), // x*-1 -> -x
  rule("mul-neg-neg", Op.Mul, (n, b) => (n.src[0]!.op === Op.Neg && n.src[1]!.op === Op.Neg ? b.binary("mul", n.src[0]!.src[0]!, n.src[1]!.src[0]!) : undefined)), // (-x)*(-y) -> x*y
  rule("div-one", Op.Div, (n) => (isConst(n.src[1]!, 1) ? n.src[0] : undefined)), // x/1 -> x
  rule("add-zero", Op.Add, (n) => either(n, (x, y) => (isConst(y, -0) || (isInt(x) && isConst(y, 0)) ? x : undefined))), // x + -0 -> x; x + 0 -> x (i32)
  rule("add-neg", Op.Add, (n, b) => either(n, (x, y) => (y.op === Op.Neg ? b.binary("sub", x, y.src[0]!) : undefined))), // x + (-y) -> x - y
  rule("sub-zero", Op.Sub, (n) => (isConst(n.src[1]!, 0) ? n.src[0] : undefined)), // x - 0 -> x
  rule("sub-neg", Op.Sub, (n, b) => (n.src[1]!.op === Op.Neg ? b.binary("add", n.src[0]!, n.src[1]!.src[0]!) : undefined)), // x - (-y) -> x + y
  rule("sub-self-int", Op.Sub, (n, b) => (isInt(n) && n.src[0] === n.src[1] ? b.full(0, n) : undefined)), // x - x -> 0 (i32 only)
  rule("neg-neg", Op.Neg, (n) => (n.src[0]!.op === Op.Neg ? n.src[0]!.src[0] : undefined)), // -(-x) -> x
  rule("pow-one", Op.Pow, (n) => (isConst(n.src[1]!, 1) ? n.src[0] : undefined)), // x^1 -> x
  rule("pow-two", Op.Pow, (n, b) => (isFloat(n.dtype) && isConst(n.src[1]!, 2) ? b.binary("mul", n.src[0]!, n.src[0]!) : undefined)), // x^2 -> x*x (both correctly rounded)
  rule("max-self", [Op.Max, Op.Min], (n) => (n.src[0] === n.src[1] ? n.src[0] : undefined)), // max(x,x) -> x, min(x,x) -> x
  rule("eq-self-int", [Op.Eq, Op.Le, Op.Ge], (n, b) => (!isFloat(n.src[0]!.dtype) && n.src[0] === n.src[1] ? b.full(1, n) : undefined)), // x==x -> true (not for floats: NaN)
  rule("ne-self-int", [Op.Ne, Op.Lt, Op.Gt], (n, b) => (!isFloat(n.src[0]!.dtype) && n.src[0] === n.src[1] ? b.full(0, n) : undefined)), // x!=x -> false (not for floats: NaN)
];

export const pmLogic: Rule[] = [
  rule("not-not", Op.Not, (n) => (n.src[0]!.op === Op.Not ? n.src[0]!.src[0] : undefined)), // not not x -> x
  rule("and-self", [Op.And, Op.Or], (n) => (n.src[0] === n.src[1] ? n.src[0] : undefined)), // x and x -> x, x or x -> x
  rule("and-true", Op.And, (n) => either(n, (x, y) => (isConst(y, 1) ? x : undefined))), // x and true -> x
  rule("and-false", Op.And, (n) => either(n, (_x, y) => (isConst(y, 0) ? y : undefined))), // x and false -> false
  rule("or-false", Op.Or, (n) => either(n, (x, y) => (isConst(y, 0) ? x : undefined))), // x or false -> x
  rule("or-true", Op.Or, (n) => either(n, (_x, y) => (isConst(y, 1) ? y : undefined))), // x or true -> true
  rule("where-same", Op.Where, (n) => (n.src[1] === n.src[2] ? n.src[1] : undefined)), // where(c, x, x) -> x
  rule("where-const", Op.Where, (n) => (isConst(n.src[0]!, 1) ? n.src[1] : isConst(n.src[0]!, 0) ? n.src[2] : undefined)), // where(true, a, b) -> a, where(false, a, b) -> b
  rule("where-not", Op.Where, (n, b) => (n.src[0]!.op === Op.Not ? b.where(n.src[0]!.src[0]!, n.src[2]!, n.src[1]!) : undefined)), // where(not c, a, b) -> where(c, b, a)
];

export const pmMovement: Rule[] = [
  rule("reshape-reshape", Op.Reshape, (n, b) => (n.src[0]!.op === Op.Reshape ? b.reshape(n.src[0]!.src[0]!, n.shape) : undefined)), // reshape(reshape(x)) -> reshape(x)
  rule("reshape-noop", [Op.Reshape, Op.Broadcast], (n) => (shapesEqual(n.shape, n.src[0]!.shape) ? n.src[0] : undefined)), // reshape(x, shape(x)) -> x
  rule("broadcast-broadcast", Op.Broadcast, (n, b) => (n.src[0]!.op === Op.Broadcast ? b.broadcastTo(n.src[0]!.src[0]!, n.shape) : undefined)), // broadcast(broadcast(x)) -> broadcast(x)
  rule("transpose-transpose", Op.Transpose, (n, b) => {
    const inner = n.src[0]!;
    if (!inner.is(Op.Transpose)) return undefined;
    return b.transpose(inner.src[0]!, n.arg.perm.map((q) => inner.arg.perm[q]!)); // transpose(transpose(x, p), q) -> transpose(x, p[q])
  }),
  rule("reduce-unit-axes", [Op.ReduceSum, Op.ReduceMax, Op.ReduceMin, Op.ReduceProd], (n, b) => (n.arg.axes.every((a) => n.src[0]!.shape[a] === 1) ? b.reshape(n.src[0]!, n.shape) : undefined)), // reducing size-1 axes is a reshape
  rule("concat-empty", Op.Concat, (n, b) => (n.src.some((s) => s.shape[n.arg.axis] === 0) && n.src.some((s) => s.shape[n.arg.axis] !== 0) ? b.concat(n.src.filter((s) => s.shape[n.arg.axis] !== 0), n.arg.axis) : undefined)), // concat drops empty operands
  rule("cast-noop", Op.Cast, (n) => (n.src[0]!.dtype === n.dtype ? n.src[0] : undefined)), // cast(x: T, T) -> x
  rule("unary-of-splat-broadcast", [Op.Neg, Op.Exp, Op.Log, Op.Sqrt, Op.Abs], (n, b) => {
    // f(broadcast(x)) -> broadcast(f(x)): do the work once, on the smaller tensor
    const x = n.src[0]!;
    return x.op === Op.Broadcast ? b.broadcastTo(b.node(n.op, null, [x.src[0]!]), n.shape) : undefined;
  }),
];

export const simplifyRules: Rule[] = [...pmAlgebra, ...pmLogic, ...pmMovement];

export function simplify(fn: IrFunction): IrFunction {
  return rewriteWithRules(fn, simplifyRules);
}

export const simplifyPass: Pass = { name: "simplify", description: "algebraic identities, one rule each (exact in IEEE unless restricted to i32)", run: simplify };
