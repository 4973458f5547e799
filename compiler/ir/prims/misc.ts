// where, cast, matmul, the random-number primitives and the gradient markers.
//
// matmul: [...B, M, K] @ [...B, K, N] -> [...B, M, N] with equal batch dims (the builder
// broadcasts them and handles rank-1 operands); the interpreter accumulates in f64 (i32 with
// wrap-around) and rounds each result element once.
// random_bits: the Threefry-2x32 stream of runtime/random.ts for an i32 scalar seed.
// stop_gradient is the identity with no gradient; straight_through(forward, surrogate) has the
// value of `forward` and passes its whole cotangent to `surrogate`.

import { Op } from "../ops.js";
import type { PrimitiveRule } from "../primitives.js";
import { nonDifferentiable } from "./non-differentiable.js";
import { convertScalar, isFloat } from "../dtype.js";
import { numel, showShape } from "../shape.js";
import type { Aval, Node } from "../node.js";
import { bitsToUnit, randomBits } from "../../../runtime/random.js";
import type { TensorData } from "../../../runtime/tensor.js";
import { arity, aval, bug, checkShapeArg, result, sameDtype, sameShape, zerosLike } from "./common.js";

type MiscOp = Op.Where | Op.Cast | Op.MatMul | Op.RandomBits | Op.BitsToUnit | Op.StopGradient | Op.StraightThrough;

function matmulShape(a: Aval, b: Aval): Aval {
  sameDtype("matmul", a, b);
  if (a.dtype === "bool") bug("matmul", "not defined for bool");
  const r = a.shape.length;
  if (r < 2 || b.shape.length !== r) bug("matmul", `needs operands of one rank >= 2, got ${showShape(a.shape)} and ${showShape(b.shape)}`);
  for (let i = 0; i < r - 2; i++) if (a.shape[i] !== b.shape[i]) bug("matmul", `batch dims differ: ${showShape(a.shape)} and ${showShape(b.shape)}`);
  if (a.shape[r - 1] !== b.shape[r - 2]) bug("matmul", `contraction dims differ: ${showShape(a.shape)} @ ${showShape(b.shape)}`);
  return aval(a.dtype, [...a.shape.slice(0, r - 1), b.shape[r - 1]!]);
}

/**
 * out[i, j] = the sum over p = 0, 1, ..., k-1 of a[i, p] * b[p, j], for row-major m x k and k x n
 * matrices at the given offsets: accumulated in that order in an f64 number (i32: wrapping) and
 * stored once (rounded to the result's storage). Float rows go two at a time (each b element
 * read serves both), then a last odd row (and i32 rows) one at a time.
 */
function matmulInto(out: TensorData, oo: number, as: TensorData, ao: number, bs: TensorData, bo: number, m: number, k: number, n: number, int: boolean): void {
  let i = 0;
  if (!int) for (; i + 2 <= m; i += 2) twoRows(out, oo + i * n, as, ao + i * k, bs, bo, k, n);
  for (; i < m; i++) oneRow(out, oo + i * n, as, ao + i * k, bs, bo, k, n, int);
}

/** Two rows of a (floats, at `ai` and `ai + k`) times b, into out's rows at `oi` and `oi + n`. */
function twoRows(out: TensorData, oi: number, as: TensorData, ai: number, bs: TensorData, bo: number, k: number, n: number): void {
  const a0 = ai;
  const a1 = ai + k;
  let j = 0;
  // eight columns at a time, each sum over p in increasing order in its own f64 local
  for (; j + 8 <= n; j += 8) {
    let s0 = 0, s1 = 0, s2 = 0, s3 = 0, s4 = 0, s5 = 0, s6 = 0, s7 = 0; // row 0
    let t0 = 0, t1 = 0, t2 = 0, t3 = 0, t4 = 0, t5 = 0, t6 = 0, t7 = 0; // row 1
    for (let p = 0, bp = bo + j; p < k; p++, bp += n) {
      const x = as[a0 + p]!;
      const y = as[a1 + p]!;
      let b = bs[bp]!;
      s0 += x * b; t0 += y * b; b = bs[bp + 1]!;
      s1 += x * b; t1 += y * b; b = bs[bp + 2]!;
      s2 += x * b; t2 += y * b; b = bs[bp + 3]!;
      s3 += x * b; t3 += y * b; b = bs[bp + 4]!;
      s4 += x * b; t4 += y * b; b = bs[bp + 5]!;
      s5 += x * b; t5 += y * b; b = bs[bp + 6]!;
      s6 += x * b; t6 += y * b; b = bs[bp + 7]!;
      s7 += x * b; t7 += y * b;
    }
    const o0 = oi + j;
    const o1 = oi + n + j;
    out[o0] = s0; out[o0 + 1] = s1; out[o0 + 2] = s2; out[o0 + 3] = s3; out[o0 + 4] = s4; out[o0 + 5] = s5; out[o0 + 6] = s6; out[o0 + 7] = s7;
    out[o1] = t0; out[o1 + 1] = t1; out[o1 + 2] = t2; out[o1 + 3] = t3; out[o1 + 4] = t4; out[o1 + 5] = t5; out[o1 + 6] = t6; out[o1 + 7] = t7;
  }
  for (; j < n; j++) {
    let s = 0;
    let t = 0;
    for (let p = 0; p < k; p++) {
      const b = bs[bo + p * n + j]!;
      s += as[a0 + p]! * b;
      t += as[a1 + p]! * b;
    }
    out[oi + j] = s;
    out[oi + n + j] = t;
  }
}

/** One row of a (at `ai`) times b, into out's row at `oi`. */
function oneRow(out: TensorData, oi: number, as: TensorData, ai: number, bs: TensorData, bo: number, k: number, n: number, int: boolean): void {
  let j = 0;
  // floats: eight columns at a time, each sum over p in increasing order in its own f64 local
  if (!int)
    for (; j + 8 <= n; j += 8) {
      let s0 = 0, s1 = 0, s2 = 0, s3 = 0, s4 = 0, s5 = 0, s6 = 0, s7 = 0;
      for (let p = 0, bp = bo + j; p < k; p++, bp += n) {
        const x = as[ai + p]!;
        s0 += x * bs[bp]!; s1 += x * bs[bp + 1]!; s2 += x * bs[bp + 2]!; s3 += x * bs[bp + 3]!;
        s4 += x * bs[bp + 4]!; s5 += x * bs[bp + 5]!; s6 += x * bs[bp + 6]!; s7 += x * bs[bp + 7]!;
      }
      const o = oi + j;
      out[o] = s0; out[o + 1] = s1; out[o + 2] = s2; out[o + 3] = s3; out[o + 4] = s4; out[o + 5] = s5; out[o + 6] = s6; out[o + 7] = s7;
    }
  for (; j < n; j++) {
    let acc = 0;
    for (let p = 0; p < k; p++) {
      const x = as[ai + p]!;
      const y = bs[bo + p * n + j]!;
      acc = int ? (acc + Math.imul(x, y)) | 0 : acc + x * y;
    }
    out[oi + j] = acc;
  }
}

export const miscRules: { [O in MiscOp]: PrimitiveRule<O> } = {
  [Op.Where]: {
    shape: (_arg, src) => {
      arity("where", src, 3);
      const [c, a, b] = src as [Aval, Aval, Aval];
      if (c.dtype !== "bool") bug("where", `the condition must be bool, got ${c.dtype}`);
      sameShape("where", c, a);
      sameShape("where", a, b);
      sameDtype("where", a, b);
      return aval(a.dtype, a.shape);
    },
    eval: (_arg, [c, a, b], out, env) => {
      const { t, data } = result(out, env);
      for (let i = 0; i < data.length; i++) data[i] = c!.data[i] ? a!.data[i]! : b!.data[i]!;
      return t;
    },
    vjp: (b, ct, n) => {
      const zero = zerosLike(b, ct);
      return [null, b.where(n.src[0]!, ct, zero), b.where(n.src[0]!, zero, ct)];
    },
  },
  [Op.Cast]: {
    shape: (arg, src) => {
      arity("cast", src, 1);
      return aval(arg.dtype, src[0]!.shape);
    },
    eval: (arg, [x], out, env) => {
      const { t, data } = result(out, env);
      for (let i = 0; i < data.length; i++) data[i] = convertScalar(x!.data[i]!, arg.dtype);
      return t;
    },
    vjp: (b, ct, n) => [isFloat(n.src[0]!.dtype) ? b.cast(ct, n.src[0]!.dtype) : null],
  },
  [Op.MatMul]: {
    shape: (_arg, src) => {
      arity("matmul", src, 2);
      return matmulShape(src[0]!, src[1]!);
    },
    eval: (_arg, [a, b], out, env) => {
      const { t, data } = result(out, env);
      const r = out.shape.length;
      const [m, k, n] = [a!.shape[r - 2]!, a!.shape[r - 1]!, b!.shape[r - 1]!];
      const batches = numel(out.shape.slice(0, r - 2));
      for (let bt = 0; bt < batches; bt++) matmulInto(data, bt * m * n, a!.data, bt * m * k, b!.data, bt * k * n, m, k, n, out.dtype === "i32");
      return t;
    },
    // dA = ct B^T, dB = A^T ct
    vjp: (b, ct, n) => [b.matmul(ct, b.transpose(n.src[1]!)), b.matmul(b.transpose(n.src[0]!), ct)],
  },
  [Op.RandomBits]: {
    shape: (arg, src) => {
      arity("random_bits", src, 1);
      if (src[0]!.dtype !== "i32" || src[0]!.shape.length !== 0) bug("random_bits", `the seed must be an i32 scalar, got ${src[0]!.dtype}${showShape(src[0]!.shape)}`);
      checkShapeArg("random_bits", arg.shape);
      if (!Number.isInteger(arg.salt)) bug("random_bits", `salt ${arg.salt} is not an integer`);
      return aval("i32", arg.shape);
    },
    eval: (arg, [seed], out) => ({ dtype: "i32", shape: [...out.shape], data: randomBits(seed!.data[0]!, arg.salt, numel(out.shape)) }),
    vjp: nonDifferentiable,
  },
  [Op.BitsToUnit]: {
    shape: (arg, src) => {
      arity("bits_to_unit", src, 1);
      if (src[0]!.dtype !== "i32") bug("bits_to_unit", `needs i32 bits, got ${src[0]!.dtype}`);
      if (!isFloat(arg.dtype)) bug("bits_to_unit", `gives a float dtype, not ${arg.dtype}`);
      return aval(arg.dtype, src[0]!.shape);
    },
    eval: (_arg, [bits], out, env) => {
      const { t, data } = result(out, env);
      for (let i = 0; i < data.length; i++) data[i] = bitsToUnit(bits!.data[i]!);
      return t;
    },
    vjp: nonDifferentiable,
  },
  [Op.StopGradient]: {
    shape: (_arg, src) => {
      arity("stop_gradient", src, 1);
      return aval(src[0]!.dtype, src[0]!.shape);
    },
    eval: (_arg, [x]) => x!,
    vjp: () => [null],
  },
  [Op.StraightThrough]: {
    shape: (_arg, src) => {
      arity("straight_through", src, 2);
      sameShape("straight_through", src[0]!, src[1]!);
      sameDtype("straight_through", src[0]!, src[1]!);
      return aval(src[0]!.dtype, src[0]!.shape);
    },
    eval: (_arg, [forward]) => forward!,
    vjp: (_b, ct: Node) => [null, ct],
  },
};
