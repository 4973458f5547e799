// The ONNX lowering table: for every IR op, the standard-domain ONNX nodes that compute it with
// the reference interpreter's semantics (compiler/ir/prims/*.ts), for a target opset from 17 to
// 23. The table's type is a mapped type over `Op`, so a primitive without an ONNX lowering does
// not compile (see the plan in compiler/ir/primitives.ts).
//
// A rule gets the graph, the IR node, the names of its sources' values and the name its result
// should have (`out`); it returns the name of the value that holds the result: normally `out`,
// but a rule that computes nothing (a reshape to the same shape, stop_gradient) returns its
// source's name, and a scalar constant returns an initializer. The emitter adds an Identity
// where a graph output needs its own name.
//
// Where ONNX (or ONNX Runtime's CPU kernels, probed with onnxruntime-node 1.30) differs from the
// interpreter, the rule adds the nodes that make them agree; each such rule says why:
//   - i32 division and modulo guard the divisor (ORT traps on x / 0 and on INT32_MIN / -1);
//   - float mod is fmod plus a sign fix (floor modulo); ORT's Mod fmod=0 is floor modulo for ints;
//   - casts from floats to i32 saturate and send NaN to 0 (ORT's Cast gives INT32_MIN);
//   - reduce_max/min and argmax/argmin propagate NaN (ORT's kernels skip some NaNs);
//   - sigmoid is computed from exp (ORT's Sigmoid is 0 below about -18, the interpreter's is not);
//   - gather and scatter_add clamp their indices (ONNX wraps negative ones and rejects others);
//   - i32 pow and reduce_prod go through f64 and wrap like the interpreter's typed-array store
//     (ToInt32); i32 reduce_sum adds in int64 and wraps (ORT's int32 sums saturate);
//   - where on bools is and/or (ORT has no bool Where kernel).

import { Op, type ArgReduceOp, type ReduceOp } from "../../ir/ops.js";
import type { Node } from "../../ir/node.js";
import { isFloat } from "../../ir/dtype.js";
import { shapesEqual } from "../../ir/shape.js";
import { reshapeOp, type OnnxLowering } from "./graph.js";
import { OnnxExportError } from "./errors.js";
import { ElemType as E, elemOf, int, ints, str } from "./proto.js";
import { threefryBits } from "./threefry.js";

/** Lowers one IR node; returns the name of the value holding its result (see above). */
export type OnnxRule<O extends Op> = (g: OnnxLowering, n: Node<O>, x: readonly string[], out: string) => string;

const INT64_MIN = -9223372036854775808n;

// ---------------------------------------------------------------- helpers

const cast = (g: OnnxLowering, x: string, to: E, out?: string) => g.op("Cast", [x], { to: int(to) }, out);

/** A reduction over `axes` in the form the opset wants (axes as an input from 18; ReduceSum from 13). */
function reduce(g: OnnxLowering, opType: string, x: string, axes: readonly number[], keepdims: boolean, out?: string): string {
  const kd = { keepdims: int(keepdims ? 1 : 0) };
  if (opType === "ReduceSum" || g.opset >= 18) return g.op(opType, [x, g.ints(axes)], kd, out);
  return g.op(opType, [x], { axes: ints(axes), ...kd }, out);
}

/** `x` with the shape of `node`: nothing if it has it already. */
function reshapeTo(g: OnnxLowering, x: string, from: readonly number[], node: Node, out?: string): string {
  if (shapesEqual(from, node.shape) && out === undefined) return x;
  return reshapeOp(g, x, g.shapeValue(node), node.shape, out);
}

function direct<O extends Op>(opType: string): OnnxRule<O> {
  return (g, _n, x, out) => g.op(opType, x, {}, out);
}

const alias: OnnxRule<Op> = (_g, _n, x) => x[0]!;

/** Saturating float -> int32 with NaN -> 0 (convertScalar in compiler/ir/dtype.ts). */
function floatToInt32(g: OnnxLowering, x: string, e: E, out: string): string {
  const safe = g.op("Where", [g.op("IsNaN", [x]), g.scalar(0, e), x]);
  // the largest value below 2^31 of the type: the clip keeps the Cast in range
  const clipped = g.op("Clip", [safe, g.scalar(-2147483648, e), g.scalar(e === E.FLOAT ? 2147483520 : 2147483647, e)]);
  if (e === E.DOUBLE) return cast(g, clipped, E.INT32, out);
  // f32 values >= 2^31 saturate to INT32_MAX, which f32 cannot hold
  return g.op("Where", [g.op("GreaterOrEqual", [safe, g.scalar(2147483648, e)]), g.scalar(2147483647, E.INT32), cast(g, clipped, E.INT32)], {}, out);
}

/** An f64 value to int32 as JavaScript's ToInt32 does (a typed-array store): NaN, ±inf -> 0, else truncate and wrap. */
function doubleToInt32Wrap(g: OnnxLowering, r: string, out: string): string {
  const D = E.DOUBLE;
  const bad = g.op("Or", [g.op("IsNaN", [r]), g.op("IsInf", [r])]);
  const safe = g.op("Where", [bad, g.scalar(0, D), r]);
  const t = g.op("Where", [g.op("Less", [safe, g.scalar(0, D)]), g.op("Ceil", [safe]), g.op("Floor", [safe])]);
  // t - 2^32 floor(t / 2^32) is exact in f64 for every integer t: in [0, 2^32)
  const two32 = g.scalar(4294967296, D);
  const m = g.op("Sub", [t, g.op("Mul", [g.op("Floor", [g.op("Div", [t, two32])]), two32])]);
  const signed = g.op("Where", [g.op("GreaterOrEqual", [m, g.scalar(2147483648, D)]), g.op("Sub", [m, two32]), m]);
  return cast(g, signed, E.INT32, out);
}

/** An int64 value to int32, wrapping modulo 2^32 (two's complement). */
export function wrapToInt32(g: OnnxLowering, x: string, out?: string): string {
  const m = g.op("Mod", [x, g.scalar(4294967296, E.INT64)]); // [0, 2^32): the divisor's sign
  const signed = g.op("Where", [g.op("Less", [m, g.scalar(2147483648, E.INT64)]), m, g.op("Sub", [m, g.scalar(4294967296, E.INT64)])]);
  return cast(g, signed, E.INT32, out);
}

/** Index tuples clamped to [0, dim - 1] per component, as int64 (gather and scatter_add). */
function clampedIndices(g: OnnxLowering, idx: string, idxNode: Node, dims: readonly number[], dimsBatch: readonly number[]): string {
  const k = idxNode.shape[idxNode.shape.length - 1]!;
  if (k === 0) return cast(g, idx, E.INT64);
  const lim = dims.slice(0, k);
  const limBatch = dimsBatch.filter((a) => a < k);
  const hi =
    limBatch.length === 0
      ? g.tensor(`i32_${lim.map((d) => d - 1).join("_")}`, E.INT32, [k], lim.map((d) => d - 1))
      : cast(g, g.op("Sub", [g.shapeOf(lim, limBatch), g.ints([1])]), E.INT32);
  const clamped = g.op("Min", [g.op("Max", [idx, g.scalar(0, E.INT32)]), hi]);
  return cast(g, clamped, E.INT64);
}

// ---------------------------------------------------------------- elementwise

/** 1 / (1 + e^-|x|) and e^-|x| / (1 + e^-|x|): no overflow, and no underflow to 0 before f32 must. */
const sigmoid: OnnxRule<Op.Sigmoid> = (g, n, [x], out) => {
  const e = g.op("Exp", [g.op("Neg", [g.op("Abs", [x!])])]);
  const r = g.op("Reciprocal", [g.op("Add", [g.scalar(1, elemOf(n.dtype)), e])]);
  return g.op("Where", [g.op("Less", [x!, g.scalar(0, elemOf(n.dtype))]), g.op("Mul", [e, r]), r], {}, out);
};

const erf: OnnxRule<Op.Erf> = (g, n, [x], out) => {
  if (n.dtype === "f32") return g.op("Erf", [x!], {}, out);
  // ONNX Runtime has no f64 Erf kernel: f32 precision (relative error about 1e-7)
  return cast(g, g.op("Erf", [cast(g, x!, E.FLOAT)]), E.DOUBLE, out);
};

const div: OnnxRule<Op.Div> = (g, n, [a, b], out) => {
  if (n.dtype !== "i32") return g.op("Div", [a!, b!], {}, out);
  // truncating division with x / 0 = 0; in int64, where INT32_MIN / -1 does not trap
  const zero = g.scalar(0, E.INT32);
  const isZero = g.op("Equal", [b!, zero]);
  const safe = g.op("Where", [isZero, g.scalar(1, E.INT32), b!]);
  const q = g.op("Div", [cast(g, a!, E.INT64), cast(g, safe, E.INT64)]);
  return g.op("Where", [isZero, zero, cast(g, q, E.INT32)], {}, out);
};

const mod: OnnxRule<Op.Mod> = (g, n, [a, b], out) => {
  if (n.dtype === "i32") {
    // Mod fmod=0 is floor modulo for ints; x mod 0 = x mod -1 = x mod 1 = 0, and mod 1 cannot trap
    const bad = g.op("Or", [g.op("Equal", [b!, g.scalar(0, E.INT32)]), g.op("Equal", [b!, g.scalar(-1, E.INT32)])]);
    return g.op("Mod", [a!, g.op("Where", [bad, g.scalar(1, E.INT32), b!])], {}, out);
  }
  // fmod has the sign of the dividend: add the divisor where the signs differ (and r != 0)
  const e = elemOf(n.dtype);
  const r = g.op("Mod", [a!, b!], { fmod: int(1) });
  const zero = g.scalar(0, e);
  const signsDiffer = g.op("Xor", [g.op("Less", [r, zero]), g.op("Less", [b!, zero])]);
  const fix = g.op("And", [g.op("Not", [g.op("Equal", [r, zero])]), signsDiffer]);
  return g.op("Where", [fix, g.op("Add", [r, b!]), r], {}, out);
};

const pow: OnnxRule<Op.Pow> = (g, n, [a, b], out) => {
  if (n.dtype !== "i32") return g.op("Pow", [a!, b!], {}, out);
  const p = g.op("Pow", [cast(g, a!, E.DOUBLE), cast(g, b!, E.DOUBLE)]);
  return doubleToInt32Wrap(g, p, out);
};

const where: OnnxRule<Op.Where> = (g, n, [c, a, b], out) => {
  if (n.dtype !== "bool") return g.op("Where", [c!, a!, b!], {}, out);
  return g.op("Or", [g.op("And", [c!, a!]), g.op("And", [g.op("Not", [c!]), b!])], {}, out);
};

const castRule: OnnxRule<Op.Cast> = (g, n, [x], out) => {
  const from = n.src[0]!.dtype;
  const to = n.arg.dtype;
  if (from === to) return x!;
  if (isFloat(from) && to === "i32") return floatToInt32(g, x!, elemOf(from), out);
  // to bool: x != 0, NaN true (ORT's Cast does this); from bool: 0 or 1; int -> float rounds to nearest
  return cast(g, x!, elemOf(to), out);
};

// ---------------------------------------------------------------- reductions

function reduceRule<O extends ReduceOp>(opType: string): OnnxRule<O> {
  return (g, n, [x], out) => {
    const { axes, keepdims } = n.arg as { axes: readonly number[]; keepdims: boolean };
    if (axes.length === 0) return x!;
    const dt = n.src[0]!.dtype;
    // bool max/min (any/all) as uint8: over an empty group they give 0 and 255, so false and true
    // (ORT's bool kernels, from opset 20, reject empty groups)
    if (dt === "bool") return cast(g, reduce(g, opType, cast(g, x!, E.UINT8), axes, keepdims), E.BOOL, out);
    // ORT's int32 sums and products saturate; the interpreter's wrap (sums exactly, products
    // exactly while below 2^53, like its f64 accumulator): sum in int64, multiply in f64
    if (dt === "i32" && opType === "ReduceSum") return wrapToInt32(g, reduce(g, opType, cast(g, x!, E.INT64), axes, keepdims), out);
    if (dt === "i32" && opType === "ReduceProd") return doubleToInt32Wrap(g, reduce(g, opType, cast(g, x!, E.DOUBLE), axes, keepdims), out);
    if ((opType === "ReduceMax" || opType === "ReduceMin") && isFloat(dt)) {
      // NaN anywhere in a group makes its result NaN: add the sum of the group's NaNs (else 0)
      const r = reduce(g, opType, x!, axes, keepdims);
      const nans = g.op("Where", [g.op("IsNaN", [x!]), x!, g.scalar(0, elemOf(dt))]);
      return g.op("Add", [r, reduce(g, "ReduceSum", nans, axes, keepdims)], {}, out);
    }
    return reduce(g, opType, x!, axes, keepdims, out);
  };
}

function argRule<O extends ArgReduceOp>(opType: string): OnnxRule<O> {
  return (g, n, [x], out) => {
    const { axis, keepdims } = n.arg as { axis: number; keepdims: boolean };
    const dt = n.src[0]!.dtype;
    const attrs = { axis: int(axis), keepdims: int(keepdims ? 1 : 0), select_last_index: int(0) };
    let i = g.op(opType, [dt === "bool" ? cast(g, x!, E.INT32) : x!], attrs);
    if (isFloat(dt)) {
      // the first NaN wins: its index where the group has one
      const isNan = cast(g, g.op("IsNaN", [x!]), E.UINT8);
      const any = cast(g, reduce(g, "ReduceMax", isNan, [axis], keepdims), E.BOOL);
      i = g.op("Where", [any, g.op("ArgMax", [isNan], attrs), i]);
    }
    return cast(g, i, E.INT32, out);
  };
}

// ---------------------------------------------------------------- movement

const reshape: OnnxRule<Op.Reshape> = (g, n, [x], out) => (shapesEqual(n.src[0]!.shape, n.shape) ? x! : reshapeTo(g, x!, n.src[0]!.shape, n, out));

const transpose: OnnxRule<Op.Transpose> = (g, n, [x], out) => (n.arg.perm.every((p, i) => p === i) ? x! : g.op("Transpose", [x!], { perm: ints(n.arg.perm) }, out));

const broadcast: OnnxRule<Op.Broadcast> = (g, n, [x], out) => (shapesEqual(n.src[0]!.shape, n.shape) ? x! : g.op("Expand", [x!, g.shapeValue(n)], {}, out));

const slice: OnnxRule<Op.Slice> = (g, n, [x], out) => {
  const { starts, stops, steps } = n.arg;
  const axes: number[] = [];
  n.src[0]!.shape.forEach((d, i) => {
    if (!(starts[i] === 0 && stops[i] === d && steps[i] === 1)) axes.push(i);
  });
  if (axes.length === 0) return x!;
  const inputs = [x!, g.ints(axes.map((a) => starts[a]!)), g.ints(axes.map((a) => stops[a]!)), g.ints(axes)];
  if (axes.some((a) => steps[a] !== 1)) inputs.push(g.ints(axes.map((a) => steps[a]!)));
  return g.op("Slice", inputs, {}, out);
};

/**
 * Zero padding. Interior padding has no ONNX op: each such axis of size d gets a new axis of 1
 * after it, padded to 1 + interior, and the two are merged into d (1 + interior); the trailing
 * `interior` zeros then count against the high padding (or are sliced off).
 */
const pad: OnnxRule<Op.Pad> = (g, n, [x], out) => {
  const src = n.src[0]!;
  const { lo, hi, interior } = n.arg;
  const inter = interior.map((v, i) => (src.shape[i]! >= 2 ? v : 0));
  const batch = g.batchAxes(src);
  let cur = x!;
  let high = [...hi];
  let shape = [...src.shape];
  if (inter.some((v) => v > 0)) {
    const expanded: number[] = [];
    const expandedBatch: number[] = [];
    const padHi: number[] = [];
    src.shape.forEach((d, i) => {
      if (batch.includes(i)) expandedBatch.push(expanded.length);
      expanded.push(d);
      padHi.push(0);
      if (inter[i]! > 0) {
        expanded.push(1);
        padHi.push(inter[i]!);
      }
    });
    cur = reshapeOp(g, cur, g.shapeOf(expanded, expandedBatch), expanded);
    cur = g.op("Pad", [cur, g.ints([...padHi.map(() => 0), ...padHi])]);
    shape = src.shape.map((d, i) => d * (1 + inter[i]!));
    cur = reshapeOp(g, cur, g.shapeOf(shape, batch), shape);
    high = hi.map((h, i) => h - inter[i]!);
  }
  const trim = high.map((h, i) => (h < 0 ? i : -1)).filter((i) => i >= 0);
  if (trim.length > 0) {
    cur = g.op("Slice", [cur, g.ints(trim.map(() => 0)), g.ints(trim.map((i) => shape[i]! + high[i]!)), g.ints(trim)]);
    high = high.map((h) => Math.max(h, 0));
  }
  if (lo.every((v) => v === 0) && high.every((v) => v === 0)) return cur === x ? x! : g.op("Identity", [cur], {}, out);
  return g.op("Pad", [cur, g.ints([...lo, ...high])], {}, out);
};

/** Slice backwards from the last element (-1) to before the first (INT64_MIN), step -1. */
const reverse: OnnxRule<Op.Reverse> = (g, n, [x], out) => {
  const axes = n.arg.axes.filter((a) => n.shape[a]! > 1);
  if (axes.length === 0) return x!;
  return g.op("Slice", [x!, g.ints(axes.map(() => -1)), g.ints(axes.map(() => INT64_MIN)), g.ints(axes), g.ints(axes.map(() => -1))], {}, out);
};

const concat: OnnxRule<Op.Concat> = (g, n, x, out) => (x.length === 1 ? x[0]! : g.op("Concat", x, { axis: int(n.arg.axis) }, out));

// ---------------------------------------------------------------- indexing

const gather: OnnxRule<Op.Gather> = (g, n, [x, idx], out) => {
  const [src, ix] = n.src as [Node, Node];
  const k = ix.shape[ix.shape.length - 1]!;
  const srcBatch = g.batchAxes(src);
  if (k === 1) {
    // an embedding lookup: Gather on axis 0 with the index tuples' last axis dropped
    const lead = ix.shape.slice(0, -1);
    const flat = reshapeOp(g, idx!, g.shapeOf(lead, g.batchAxes(ix).filter((a) => a < lead.length)), lead);
    let clamped: string;
    if (srcBatch.includes(0)) {
      const hi = g.op("Reshape", [cast(g, g.op("Sub", [g.batchSize(), g.ints([1])]), E.INT32), g.ints([])]);
      clamped = g.op("Min", [g.op("Max", [flat, g.scalar(0, E.INT32)]), hi]);
    } else clamped = g.op("Clip", [flat, g.scalar(0, E.INT32), g.scalar(src.shape[0]! - 1, E.INT32)]);
    return g.op("Gather", [x!, cast(g, clamped, E.INT64)], { axis: int(0) }, out);
  }
  return g.op("GatherND", [x!, clampedIndices(g, idx!, ix, src.shape, srcBatch)], {}, out);
};

const scatterAdd: OnnxRule<Op.ScatterAdd> = (g, n, [idx, upd], out) => {
  const zeros = g.op("ConstantOfShape", [g.shapeValue(n)], { value: { tensor: g.valueTensor(0, elemOf(n.dtype)) } });
  const ix = clampedIndices(g, idx!, n.src[0]!, n.shape, g.batchAxes(n));
  return g.op("ScatterND", [zeros, ix, upd!], { reduction: str("add") }, out);
};

// ---------------------------------------------------------------- leaves

const constant: OnnxRule<Op.Constant> = (g, n, _x, out) => {
  const e = elemOf(n.dtype);
  if (n.shape.length === 0) return g.scalar(n.arg.value, e);
  return g.op("ConstantOfShape", [g.shapeValue(n)], { value: { tensor: g.valueTensor(n.arg.value, e) } }, out);
};

const literal: OnnxRule<Op.Literal> = (g, n) => {
  if (g.batchAxes(n).length > 0) throw new OnnxExportError(`cannot export a symbolic batch: literal %${n.id} has the batch size as a dimension`);
  return g.tensor(`literal_${n.id}`, elemOf(n.dtype), n.shape, n.arg.data);
};

/** Range(0, d) along the axis, reshaped to [1, ..., d, ..., 1] and expanded to the shape. */
const iota: OnnxRule<Op.Iota> = (g, n, _x, out) => {
  const { axis } = n.arg;
  const e = elemOf(n.dtype);
  const batch = g.batchAxes(n);
  const d = n.shape[axis]!;
  const limit = batch.includes(axis) ? cast(g, g.op("Reshape", [g.batchSize(), g.ints([])]), e) : g.scalar(d, e);
  const line = n.shape.map((s, i) => (i === axis ? s : 1));
  const lineIsShape = shapesEqual(line, n.shape);
  if (n.shape.length === 1) return g.op("Range", [g.scalar(0, e), limit, g.scalar(1, e)], {}, out);
  const r = g.op("Range", [g.scalar(0, e), limit, g.scalar(1, e)]);
  const col = reshapeOp(g, r, g.shapeOf(line, batch.includes(axis) ? [axis] : []), line, lineIsShape ? out : undefined);
  return lineIsShape ? col : g.op("Expand", [col, g.shapeValue(n)], {}, out);
};

// ---------------------------------------------------------------- random numbers

const randomBits: OnnxRule<Op.RandomBits> = (g, n, [seed], out) => {
  if (g.batchAxes(n).length > 0) throw new OnnxExportError(`cannot export a symbolic batch: random_bits %${n.id} draws a batch-sized tensor`);
  return threefryBits(g, seed!, n.arg.salt, n.shape, out);
};

/** (bits >>> 8) * 2^-24. */
const bitsToUnit: OnnxRule<Op.BitsToUnit> = (g, n, [bits], out) => {
  const e = elemOf(n.dtype);
  let high24: string;
  if (g.opset >= 18) high24 = g.op("BitShift", [cast(g, bits!, E.UINT32), g.scalar(8, E.UINT32)], { direction: str("RIGHT") });
  else high24 = g.op("Div", [g.op("Mod", [cast(g, bits!, E.INT64), g.scalar(4294967296, E.INT64)]), g.scalar(256, E.INT64)]);
  return g.op("Mul", [cast(g, high24, e), g.scalar(5.9604644775390625e-8, e)], {}, out);
};

// ---------------------------------------------------------------- the table

export const onnxRules: { readonly [O in Op]: OnnxRule<O> } = {
  [Op.Input]: (_g, n) => n.arg.name,
  [Op.Constant]: constant,
  [Op.Literal]: literal,
  [Op.Iota]: iota,

  [Op.Neg]: direct("Neg"),
  [Op.Abs]: direct("Abs"),
  [Op.Sign]: direct("Sign"), // NaN -> NaN (probed)
  [Op.Exp]: direct("Exp"),
  [Op.Log]: direct("Log"),
  [Op.Sqrt]: direct("Sqrt"),
  [Op.Rsqrt]: (g, _n, [x], out) => g.op("Reciprocal", [g.op("Sqrt", [x!])], {}, out),
  [Op.Sin]: direct("Sin"),
  [Op.Cos]: direct("Cos"),
  [Op.Tanh]: direct("Tanh"),
  [Op.Sigmoid]: sigmoid,
  [Op.Erf]: erf,
  [Op.Relu]: direct("Relu"), // NaN -> NaN (probed); i32 from opset 14
  [Op.Floor]: direct("Floor"),
  [Op.Round]: direct("Round"), // half to even, like the interpreter
  [Op.Not]: direct("Not"),

  [Op.Add]: direct("Add"), // i32 wraps (probed)
  [Op.Sub]: direct("Sub"),
  [Op.Mul]: direct("Mul"),
  [Op.Div]: div,
  [Op.Pow]: pow,
  [Op.Max]: direct("Max"), // propagates NaN (probed)
  [Op.Min]: direct("Min"),
  [Op.Mod]: mod,
  [Op.Eq]: direct("Equal"),
  [Op.Ne]: (g, _n, x, out) => g.op("Not", [g.op("Equal", x)], {}, out),
  [Op.Lt]: direct("Less"),
  [Op.Le]: direct("LessOrEqual"),
  [Op.Gt]: direct("Greater"),
  [Op.Ge]: direct("GreaterOrEqual"),
  [Op.And]: direct("And"),
  [Op.Or]: direct("Or"),

  [Op.Where]: where,
  [Op.Cast]: castRule,

  [Op.ReduceSum]: reduceRule("ReduceSum"),
  [Op.ReduceMax]: reduceRule("ReduceMax"),
  [Op.ReduceMin]: reduceRule("ReduceMin"),
  [Op.ReduceProd]: reduceRule("ReduceProd"),
  [Op.ArgMax]: argRule("ArgMax"),
  [Op.ArgMin]: argRule("ArgMin"),

  [Op.MatMul]: direct("MatMul"),

  [Op.Reshape]: reshape,
  [Op.Transpose]: transpose,
  [Op.Broadcast]: broadcast,
  [Op.Slice]: slice,
  [Op.Pad]: pad,
  [Op.Reverse]: reverse,
  [Op.Concat]: concat,

  [Op.Gather]: gather,
  [Op.ScatterAdd]: scatterAdd,

  [Op.RandomBits]: randomBits,
  [Op.BitsToUnit]: bitsToUnit,

  [Op.StopGradient]: alias,
  [Op.StraightThrough]: alias,
};

