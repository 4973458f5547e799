// Elementwise unary and binary primitives. Operands of a binary op have one shape and one dtype
// (the builder broadcasts and the caller casts). Floats are computed in f64 and rounded to the
// result's storage; i32 arithmetic wraps modulo 2^32 (mul through Math.imul), division truncates
// toward zero and x / 0 = x mod 0 = 0; mod is floor modulo (sign of the divisor) for every dtype.
// max and min propagate NaN (NumPy `maximum`), and split the gradient evenly on ties (as JAX).
// The hottest float ops also have their loop written out (`loop`, the same values as `f`): a
// call per element through a function shared by every op is slow (V8 cannot inline it).

import { Op, type BinaryOp, type UnaryOp } from "../ops.js";
import type { PrimitiveRule, VjpRule } from "../primitives.js";
import { nonDifferentiable } from "./non-differentiable.js";
import { isFloat, type DType } from "../dtype.js";
import type { TensorData } from "../../../runtime/tensor.js";
import type { Aval, Node } from "../node.js";
import type { IrBuilder } from "../builder.js";
import { arity, aval, bug, full, result, sameDtype, sameShape, zerosLike } from "./common.js";
import { erf, floorMod, intDiv, intMod, pow, relu, roundHalfEven, sigmoid } from "./scalar-math.js";

type Domain = "float" | "numeric" | "bool";

function checkDomain(op: string, d: DType, domain: Domain): void {
  const ok = domain === "float" ? isFloat(d) : domain === "numeric" ? d !== "bool" : d === "bool";
  if (!ok) bug(op, `not defined for ${d} (needs a ${domain === "numeric" ? "numeric" : domain} operand)`);
}

// ---------------------------------------------------------------- unary

/** `z[i] = f(x[i])` for every i, written out for one op. */
type Loop1 = (x: TensorData, z: TensorData) => void;

function unary<O extends UnaryOp>(op: O, domain: Domain, f: (x: number) => number, vjp: PrimitiveRule<O>["vjp"], fInt?: (x: number) => number, loop?: Loop1): PrimitiveRule<O> {
  return {
    shape: (_arg, src) => {
      arity(op, src, 1);
      checkDomain(op, src[0]!.dtype, domain);
      return aval(src[0]!.dtype, src[0]!.shape);
    },
    eval: (_arg, [x], out, env) => {
      const { t, data } = result(out, env);
      const g = fInt !== undefined && !isFloat(out.dtype) ? fInt : f;
      const xs = x!.data;
      if (loop !== undefined && isFloat(out.dtype)) loop(xs, data); // a hot float op: its own loop
      else for (let i = 0; i < xs.length; i++) data[i] = g(xs[i]!);
      return t;
    },
    vjp,
  };
}

const mul = (b: IrBuilder, x: Node, y: Node) => b.binary("mul", x, y);
const scale = (b: IrBuilder, c: number, x: Node) => b.binary("mul", full(b, c, x), x);
/** A rule whose gradient is zero almost everywhere (sign, floor, round). */
const zeroVjp = <O extends Op>(): VjpRule<O> => () => [null];

const unaryRules: { [O in UnaryOp]: PrimitiveRule<O> } = {
  [Op.Neg]: unary(Op.Neg, "numeric", (x) => -x, (b, ct) => [b.unary("neg", ct)], undefined, (x, z) => {
    for (let i = 0; i < z.length; i++) z[i] = -x[i]!;
  }),
  [Op.Abs]: unary(Op.Abs, "numeric", Math.abs, (b, ct, n) => [mul(b, ct, b.unary("sign", n.src[0]!))]),
  [Op.Sign]: unary(Op.Sign, "numeric", (x) => (Number.isNaN(x) ? NaN : Math.sign(x)), zeroVjp()),
  [Op.Exp]: unary(Op.Exp, "float", Math.exp, (b, ct, n) => [mul(b, ct, n)], undefined, (x, z) => {
    for (let i = 0; i < z.length; i++) z[i] = Math.exp(x[i]!);
  }),
  [Op.Log]: unary(Op.Log, "float", Math.log, (b, ct, n) => [b.binary("div", ct, n.src[0]!)]),
  [Op.Sqrt]: unary(Op.Sqrt, "float", Math.sqrt, (b, ct, n) => [b.binary("div", ct, scale(b, 2, n))]),
  // d/dx x^-1/2 = -1/2 x^-3/2 = -1/2 rsqrt(x) / x
  [Op.Rsqrt]: unary(Op.Rsqrt, "float", (x) => 1 / Math.sqrt(x), (b, ct, n) => [mul(b, ct, scale(b, -0.5, b.binary("div", n, n.src[0]!)))]),
  [Op.Sin]: unary(Op.Sin, "float", Math.sin, (b, ct, n) => [mul(b, ct, b.unary("cos", n.src[0]!))]),
  [Op.Cos]: unary(Op.Cos, "float", Math.cos, (b, ct, n) => [b.unary("neg", mul(b, ct, b.unary("sin", n.src[0]!)))]),
  // d tanh = 1 - tanh^2
  [Op.Tanh]: unary(Op.Tanh, "float", Math.tanh, (b, ct, n) => [mul(b, ct, b.binary("sub", full(b, 1, n), mul(b, n, n)))], undefined, (x, z) => {
    for (let i = 0; i < z.length; i++) z[i] = Math.tanh(x[i]!);
  }),
  // d sigmoid = s (1 - s)
  [Op.Sigmoid]: unary(Op.Sigmoid, "float", sigmoid, (b, ct, n) => [mul(b, ct, mul(b, n, b.binary("sub", full(b, 1, n), n)))]),
  // d erf = 2/sqrt(pi) e^{-x^2}
  [Op.Erf]: unary(Op.Erf, "float", erf, (b, ct, n) => {
    const x = n.src[0]!;
    return [mul(b, ct, scale(b, 2 / Math.sqrt(Math.PI), b.unary("exp", b.unary("neg", mul(b, x, x)))))];
  }),
  [Op.Relu]: unary(Op.Relu, "numeric", relu, (b, ct, n) => {
    const x = n.src[0]!;
    return [b.where(b.binary("gt", x, zerosLike(b, x)), ct, zerosLike(b, ct))];
  }),
  [Op.Floor]: unary(Op.Floor, "float", Math.floor, zeroVjp()),
  [Op.Round]: unary(Op.Round, "float", roundHalfEven, zeroVjp()),
  [Op.Not]: unary(Op.Not, "bool", (x) => (x ? 0 : 1), nonDifferentiable),
};

// ---------------------------------------------------------------- binary

type Kind = "arith" | "compare" | "equality" | "logic";

/** `z[i] = f(x[i], y[i])` for every i, written out for one op. */
type Loop2 = (x: TensorData, y: TensorData, z: TensorData) => void;

function binary<O extends BinaryOp>(op: O, kind: Kind, f: (a: number, b: number) => number, vjp: PrimitiveRule<O>["vjp"], fInt?: (a: number, b: number) => number, loop?: Loop2): PrimitiveRule<O> {
  return {
    shape: (_arg, src) => {
      arity(op, src, 2);
      const [a, b] = src as [Aval, Aval];
      sameShape(op, a, b);
      sameDtype(op, a, b);
      if (kind === "arith" || kind === "compare") checkDomain(op, a.dtype, "numeric");
      if (kind === "logic") checkDomain(op, a.dtype, "bool");
      return aval(kind === "arith" || kind === "logic" ? a.dtype : "bool", a.shape);
    },
    eval: (_arg, [x, y], out, env) => {
      const { t, data } = result(out, env);
      const g = fInt !== undefined && x!.dtype === "i32" ? fInt : f;
      const xs = x!.data;
      const ys = y!.data;
      if (loop !== undefined && isFloat(out.dtype)) loop(xs, ys, data); // a hot float op: its own loop
      else for (let i = 0; i < xs.length; i++) data[i] = g(xs[i]!, ys[i]!);
      return t;
    },
    vjp,
  };
}

/** Cotangent split for max/min: all of ct where `win`, half of it on ties, none elsewhere. */
function chooserVjp(b: IrBuilder, ct: Node, win: Node, tie: Node): Node {
  const zero = zerosLike(b, ct);
  return b.where(win, ct, b.where(tie, scale(b, 0.5, ct), zero));
}

const cmp = (f: (a: number, b: number) => boolean) => (a: number, b: number) => (f(a, b) ? 1 : 0);

const binaryRules: { [O in BinaryOp]: PrimitiveRule<O> } = {
  [Op.Add]: binary(Op.Add, "arith", (a, c) => a + c, (_b, ct) => [ct, ct], undefined, (x, y, z) => {
    for (let i = 0; i < z.length; i++) z[i] = x[i]! + y[i]!;
  }),
  [Op.Sub]: binary(Op.Sub, "arith", (a, c) => a - c, (b, ct) => [ct, b.unary("neg", ct)], undefined, (x, y, z) => {
    for (let i = 0; i < z.length; i++) z[i] = x[i]! - y[i]!;
  }),
  [Op.Mul]: binary(Op.Mul, "arith", (a, c) => a * c, (b, ct, n) => [mul(b, ct, n.src[1]!), mul(b, ct, n.src[0]!)], Math.imul, (x, y, z) => {
    for (let i = 0; i < z.length; i++) z[i] = x[i]! * y[i]!;
  }),
  // d(a/c) = da / c - dc * (a/c) / c
  [Op.Div]: binary(Op.Div, "arith", (a, c) => a / c, (b, ct, n) => [b.binary("div", ct, n.src[1]!), b.unary("neg", b.binary("div", mul(b, ct, n), n.src[1]!))], intDiv, (x, y, z) => {
    for (let i = 0; i < z.length; i++) z[i] = x[i]! / y[i]!;
  }),
  // d(a^c) = c a^(c-1) da + log(a) a^c dc, with the dc term 0 where a = 0 (as JAX)
  [Op.Pow]: binary(Op.Pow, "arith", pow, (b, ct, n) => {
    const [a, c] = n.src as [Node, Node];
    const da = mul(b, ct, mul(b, c, b.binary("pow", a, b.binary("sub", c, full(b, 1, c)))));
    const zero = zerosLike(b, a);
    const safeLog = b.unary("log", b.where(b.binary("eq", a, zero), full(b, 1, a), a));
    return [da, mul(b, ct, mul(b, n, safeLog))];
  }, undefined, (x, y, z) => {
    // squares (x^2 and its gradient) multiply: V8's pow(x, 2) is x * x bit for bit (checked for
    // every f32 and for NaN payloads; tests/runtime/interp-fast-paths.test.ts checks f64 samples)
    for (let i = 0; i < z.length; i++) z[i] = y[i] === 2 ? x[i]! * x[i]! : pow(x[i]!, y[i]!);
  }),
  [Op.Max]: binary(Op.Max, "arith", Math.max, (b, ct, n) => {
    const [x, y] = n.src as [Node, Node];
    const tie = b.binary("eq", x, y);
    return [chooserVjp(b, ct, b.binary("gt", x, y), tie), chooserVjp(b, ct, b.binary("gt", y, x), tie)];
  }),
  [Op.Min]: binary(Op.Min, "arith", Math.min, (b, ct, n) => {
    const [x, y] = n.src as [Node, Node];
    const tie = b.binary("eq", x, y);
    return [chooserVjp(b, ct, b.binary("lt", x, y), tie), chooserVjp(b, ct, b.binary("lt", y, x), tie)];
  }),
  // a mod c = a - c floor(a/c)
  [Op.Mod]: binary(Op.Mod, "arith", floorMod, (b, ct, n) => {
    const [a, c] = n.src as [Node, Node];
    return [ct, b.unary("neg", mul(b, ct, b.unary("floor", b.binary("div", a, c))))];
  }, intMod),
  [Op.Eq]: binary(Op.Eq, "equality", cmp((a, c) => a === c), nonDifferentiable),
  [Op.Ne]: binary(Op.Ne, "equality", cmp((a, c) => a !== c), nonDifferentiable),
  [Op.Lt]: binary(Op.Lt, "compare", cmp((a, c) => a < c), nonDifferentiable),
  [Op.Le]: binary(Op.Le, "compare", cmp((a, c) => a <= c), nonDifferentiable),
  [Op.Gt]: binary(Op.Gt, "compare", cmp((a, c) => a > c), nonDifferentiable),
  [Op.Ge]: binary(Op.Ge, "compare", cmp((a, c) => a >= c), nonDifferentiable),
  [Op.And]: binary(Op.And, "logic", (a, c) => a & c, nonDifferentiable),
  [Op.Or]: binary(Op.Or, "logic", (a, c) => a | c, nonDifferentiable),
};

export const elementwiseRules: { [O in UnaryOp | BinaryOp]: PrimitiveRule<O> } = { ...unaryRules, ...binaryRules };
