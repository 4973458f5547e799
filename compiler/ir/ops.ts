// The IR's operations: one string enum (the lowercase values are what the printer shows) and,
// per op, the type of its static argument (`OpArgs`). The semantics of each op live in one place,
// the primitive table (`primitives.ts`); this file only names them. Order here is the order of
// the table and of the docs: leaves, elementwise, selection, reductions, linear algebra,
// movement, indexing, random, gradient markers.

import type { DType } from "./dtype.js";

export enum Op {
  // ---- leaves: no sources
  Input = "input", // a named input of the function (param, state, batch, step, hyper)
  Constant = "constant", // a scalar splatted to the node's shape
  Literal = "literal", // a tensor of data, row-major
  Iota = "iota", // 0, 1, 2, ... along one axis, broadcast along the others

  // ---- elementwise unary
  Neg = "neg",
  Abs = "abs",
  Sign = "sign",
  Exp = "exp",
  Log = "log",
  Sqrt = "sqrt",
  Rsqrt = "rsqrt",
  Sin = "sin",
  Cos = "cos",
  Tanh = "tanh",
  Sigmoid = "sigmoid",
  Erf = "erf",
  Relu = "relu",
  Floor = "floor",
  Round = "round", // half to even
  Not = "not",

  // ---- elementwise binary (operands of one shape and dtype: broadcasting is explicit)
  Add = "add",
  Sub = "sub",
  Mul = "mul",
  Div = "div",
  Pow = "pow",
  Max = "max",
  Min = "min",
  Mod = "mod", // floor modulo: the sign of the divisor, like NumPy
  Eq = "eq",
  Ne = "ne",
  Lt = "lt",
  Le = "le",
  Gt = "gt",
  Ge = "ge",
  And = "and",
  Or = "or",

  // ---- selection and conversion
  Where = "where",
  Cast = "cast",

  // ---- reductions
  ReduceSum = "reduce_sum",
  ReduceMax = "reduce_max",
  ReduceMin = "reduce_min",
  ReduceProd = "reduce_prod",
  ArgMax = "argmax",
  ArgMin = "argmin",

  // ---- linear algebra
  MatMul = "matmul", // [...B, M, K] @ [...B, K, N]: batch dims equal (the builder broadcasts)

  // ---- movement
  Reshape = "reshape",
  Transpose = "transpose",
  Broadcast = "broadcast",
  Slice = "slice", // positive steps; the builder turns negative steps into `reverse`
  Pad = "pad", // zero padding, with interior padding (the transpose of a strided slice)
  Reverse = "reverse",
  Concat = "concat",

  // ---- indexing
  Gather = "gather", // x[idx[..., 0], ..., idx[..., k-1]], like ONNX GatherND
  ScatterAdd = "scatter_add", // the transpose of gather: adds updates into zeros

  // ---- random numbers (Threefry-2x32, see runtime/random.ts)
  RandomBits = "random_bits",
  BitsToUnit = "bits_to_unit", // 32 random bits -> a float uniform in [0, 1)

  // ---- gradient markers
  StopGradient = "stop_gradient",
  StraightThrough = "straight_through", // value of src[0], gradient of src[1]
}

export type InputKind = "param" | "state" | "batch" | "step" | "hyper";

export const UNARY_OPS = [Op.Neg, Op.Abs, Op.Sign, Op.Exp, Op.Log, Op.Sqrt, Op.Rsqrt, Op.Sin, Op.Cos, Op.Tanh, Op.Sigmoid, Op.Erf, Op.Relu, Op.Floor, Op.Round, Op.Not] as const;
export const BINARY_OPS = [Op.Add, Op.Sub, Op.Mul, Op.Div, Op.Pow, Op.Max, Op.Min, Op.Mod, Op.Eq, Op.Ne, Op.Lt, Op.Le, Op.Gt, Op.Ge, Op.And, Op.Or] as const;
export const REDUCE_OPS = [Op.ReduceSum, Op.ReduceMax, Op.ReduceMin, Op.ReduceProd] as const;
export const ARG_REDUCE_OPS = [Op.ArgMax, Op.ArgMin] as const;

export type UnaryOp = (typeof UNARY_OPS)[number];
export type BinaryOp = (typeof BINARY_OPS)[number];
export type ReduceOp = (typeof REDUCE_OPS)[number];
export type ArgReduceOp = (typeof ARG_REDUCE_OPS)[number];
export type CompareOp = Op.Eq | Op.Ne | Op.Lt | Op.Le | Op.Gt | Op.Ge;

/** The prelude's names for the unary elementwise ops (`-x` is `neg`, `not x` is `not`). */
export type UnaryOpName = `${UnaryOp}`;
/** The prelude's names for the binary elementwise ops (`a + b` is `add`, `a ^ b` is `pow`, ...). */
export type BinaryOpName = `${BinaryOp}`;

/** Row-major element data of a literal: Float64Array for floats, Int32Array for i32, Uint8Array for bool. */
export type LiteralData = Float64Array | Int32Array | Uint8Array;

type NoArgs = null;

/**
 * The static argument of each op. `dtype` and `shape` fields, where present, equal the node's
 * own dtype and shape (the printer leaves them out).
 */
export interface OpArgs {
  [Op.Input]: { readonly name: string; readonly kind: InputKind; readonly dtype: DType; readonly shape: readonly number[] };
  [Op.Constant]: { readonly value: number; readonly dtype: DType; readonly shape: readonly number[] };
  [Op.Literal]: { readonly data: LiteralData; readonly dtype: DType; readonly shape: readonly number[] };
  [Op.Iota]: { readonly axis: number; readonly dtype: DType; readonly shape: readonly number[] };
  [Op.Neg]: NoArgs;
  [Op.Abs]: NoArgs;
  [Op.Sign]: NoArgs;
  [Op.Exp]: NoArgs;
  [Op.Log]: NoArgs;
  [Op.Sqrt]: NoArgs;
  [Op.Rsqrt]: NoArgs;
  [Op.Sin]: NoArgs;
  [Op.Cos]: NoArgs;
  [Op.Tanh]: NoArgs;
  [Op.Sigmoid]: NoArgs;
  [Op.Erf]: NoArgs;
  [Op.Relu]: NoArgs;
  [Op.Floor]: NoArgs;
  [Op.Round]: NoArgs;
  [Op.Not]: NoArgs;
  [Op.Add]: NoArgs;
  [Op.Sub]: NoArgs;
  [Op.Mul]: NoArgs;
  [Op.Div]: NoArgs;
  [Op.Pow]: NoArgs;
  [Op.Max]: NoArgs;
  [Op.Min]: NoArgs;
  [Op.Mod]: NoArgs;
  [Op.Eq]: NoArgs;
  [Op.Ne]: NoArgs;
  [Op.Lt]: NoArgs;
  [Op.Le]: NoArgs;
  [Op.Gt]: NoArgs;
  [Op.Ge]: NoArgs;
  [Op.And]: NoArgs;
  [Op.Or]: NoArgs;
  [Op.Where]: NoArgs;
  [Op.Cast]: { readonly dtype: DType };
  [Op.ReduceSum]: { readonly axes: readonly number[]; readonly keepdims: boolean };
  [Op.ReduceMax]: { readonly axes: readonly number[]; readonly keepdims: boolean };
  [Op.ReduceMin]: { readonly axes: readonly number[]; readonly keepdims: boolean };
  [Op.ReduceProd]: { readonly axes: readonly number[]; readonly keepdims: boolean };
  [Op.ArgMax]: { readonly axis: number; readonly keepdims: boolean };
  [Op.ArgMin]: { readonly axis: number; readonly keepdims: boolean };
  [Op.MatMul]: NoArgs;
  [Op.Reshape]: { readonly shape: readonly number[] };
  [Op.Transpose]: { readonly perm: readonly number[] };
  [Op.Broadcast]: { readonly shape: readonly number[] };
  /** Elements start, start+step, ... below stop, per axis; 0 <= start <= stop <= dim, step >= 1. */
  [Op.Slice]: { readonly starts: readonly number[]; readonly stops: readonly number[]; readonly steps: readonly number[] };
  /** lo zeros, then the elements separated by `interior` zeros, then hi zeros, per axis (all >= 0). */
  [Op.Pad]: { readonly lo: readonly number[]; readonly hi: readonly number[]; readonly interior: readonly number[] };
  [Op.Reverse]: { readonly axes: readonly number[] };
  [Op.Concat]: { readonly axis: number };
  [Op.Gather]: NoArgs;
  [Op.ScatterAdd]: { readonly shape: readonly number[] };
  /** `salt` picks an independent stream for one seed. */
  [Op.RandomBits]: { readonly shape: readonly number[]; readonly salt: number };
  [Op.BitsToUnit]: { readonly dtype: DType };
  [Op.StopGradient]: NoArgs;
  [Op.StraightThrough]: NoArgs;
}

// Every op has an entry in OpArgs (a compile error names the missing one).
type MissingArgs = Exclude<Op, keyof OpArgs>;
export const opArgsComplete: [MissingArgs] extends [never] ? true : MissingArgs = true;

export const ALL_OPS: readonly Op[] = Object.values(Op);
