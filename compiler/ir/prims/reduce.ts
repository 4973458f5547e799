// Reductions over a sorted set of axes (reduce_sum, reduce_max, reduce_min, reduce_prod) and
// along one axis (argmax, argmin -> i32), with or without kept dims. Sums and products
// accumulate in f64 (i32 sums wrap; i32 products are exact while below 2^53) and round once. max and min propagate NaN; of bools they are `any` and `all`; over an empty axis
// they give -inf / +inf (i32: its minimum / maximum). argmax and argmin return the first index of
// the extreme value, and the first NaN if there is one (NumPy). The gradient of max and min is
// split evenly among the positions that attain the extreme (as JAX).

import { Op, type ArgReduceOp, type ReduceOp } from "../ops.js";
import type { PrimitiveRule } from "../primitives.js";
import { nonDifferentiable } from "./non-differentiable.js";
import { INT32_MAX, INT32_MIN } from "../dtype.js";
import { numel, showShape, stridesOf, type Shape } from "../shape.js";
import type { Aval, Node } from "../node.js";
import type { IrBuilder } from "../builder.js";
import { contiguous, stridedRuns, type StridedRuns, type TensorData } from "../../../runtime/tensor.js";
import { arity, aval, bug, result, zerosLike } from "./common.js";

export function reducedShape(shape: Shape, axes: readonly number[], keepdims: boolean): number[] {
  const out: number[] = [];
  shape.forEach((d, i) => {
    if (!axes.includes(i)) out.push(d);
    else if (keepdims) out.push(1);
  });
  return out;
}

function checkAxes(op: string, x: Aval, axes: readonly number[]): void {
  for (let i = 0; i < axes.length; i++) {
    const a = axes[i]!;
    if (!Number.isInteger(a) || a < 0 || a >= x.shape.length || (i > 0 && a <= axes[i - 1]!)) bug(op, `axes [${axes.join(",")}] must be sorted, distinct and within rank ${x.shape.length}`);
  }
}

/** Strides into the (keepdims) result for each source axis: 0 on reduced axes. */
function resultStrides(shape: Shape, axes: readonly number[]): number[] {
  const kept = stridesOf(reducedShape(shape, axes, true));
  return kept.map((s, i) => (axes.includes(i) ? 0 : s));
}

// The runs of x (contiguous: bStep is 1) against the accumulators: a run along reduced axes
// (aStep 0) folds into one accumulator, kept in a local; a run along kept axes into a row of them.

/** Sums, the hot case, with the additions written out (a call per element is slow). */
function sumRuns(acc: Float64Array, xs: TensorData, { count, length: n, aStep, aStart, bStart }: StridedRuns): void {
  for (let r = 0; r < count; ) {
    const o = aStart[r]!;
    const s = bStart[r]!;
    if (aStep === 0) {
      let v = acc[o]!;
      for (let j = s; j < s + n; j++) v += xs[j]!;
      acc[o] = v;
      r += 1;
    } else if (r + 4 <= count && aStart[r + 1] === o && aStart[r + 2] === o && aStart[r + 3] === o) {
      // four runs into the same row of accumulators (a reduced outer axis): each element gets
      // the four additions in run order, with one load and store of its accumulator
      const s1 = bStart[r + 1]!, s2 = bStart[r + 2]!, s3 = bStart[r + 3]!;
      for (let j = 0, a = o; j < n; j++, a += aStep) acc[a] = acc[a]! + xs[s + j]! + xs[s1 + j]! + xs[s2 + j]! + xs[s3 + j]!;
      r += 4;
    } else {
      for (let j = 0, a = o; j < n; j++, a += aStep) acc[a] += xs[s + j]!;
      r += 1;
    }
  }
}

/** max, min and prod, through `combine`. */
function foldRuns(acc: Float64Array, xs: TensorData, { count, length: n, aStep, aStart, bStart }: StridedRuns, combine: (acc: number, x: number) => number): void {
  for (let r = 0; r < count; r++) {
    const s = bStart[r]!;
    if (aStep === 0) {
      let v = acc[aStart[r]!]!;
      for (let j = s; j < s + n; j++) v = combine(v, xs[j]!);
      acc[aStart[r]!] = v;
    } else for (let j = 0, o = aStart[r]!; j < n; j++, o += aStep) acc[o] = combine(acc[o]!, xs[s + j]!);
  }
}

function reduce<O extends ReduceOp>(op: O, init: (dtype: string) => number, combine: (acc: number, x: number) => number, vjp: PrimitiveRule<O>["vjp"]): PrimitiveRule<O> {
  return {
    shape: (arg, src) => {
      arity(op, src, 1);
      const x = src[0]!;
      checkAxes(op, x, arg.axes);
      if ((op === Op.ReduceSum || op === Op.ReduceProd) && x.dtype === "bool") bug(op, "not defined for bool (cast first)");
      return aval(x.dtype, reducedShape(x.shape, arg.axes, arg.keepdims));
    },
    eval: (arg, [x], out, env) => {
      const { t, data } = result(out, env);
      const acc = new Float64Array(data.length).fill(init(out.dtype));
      // x in row-major order (each result element folds its inputs in that order), as runs
      const runs = stridedRuns(x!.shape, { offset: 0, strides: resultStrides(x!.shape, arg.axes) }, contiguous(x!.shape));
      if (op === Op.ReduceSum) sumRuns(acc, x!.data, runs);
      else foldRuns(acc, x!.data, runs, combine);
      // an empty sum is +0 (NumPy), not the -0 it starts from
      if (op === Op.ReduceSum && numel(x!.shape) === 0) acc.fill(0);
      if (out.dtype === "i32" && op === Op.ReduceSum) for (let i = 0; i < acc.length; i++) data[i] = acc[i]! | 0;
      else data.set(acc);
      return t;
    },
    vjp,
  };
}

function argReduce<O extends ArgReduceOp>(op: O, better: (a: number, b: number) => boolean): PrimitiveRule<O> {
  return {
    shape: (arg, src) => {
      arity(op, src, 1);
      const x = src[0]!;
      if (!Number.isInteger(arg.axis) || arg.axis < 0 || arg.axis >= x.shape.length) bug(op, `axis ${arg.axis} out of range for ${showShape(x.shape)}`);
      if (x.shape[arg.axis] === 0) bug(op, `axis ${arg.axis} of ${showShape(x.shape)} is empty`);
      return aval("i32", reducedShape(x.shape, [arg.axis], arg.keepdims));
    },
    eval: (arg, [x], out, env) => {
      const { t, data } = result(out, env);
      // x as [outer, n, inner] with n along the axis; result element [o, i] sees x[o, 0, i],
      // x[o, 1, i], ... in order, starting from index 0
      const xs = x!.data;
      const n = x!.shape[arg.axis]!;
      const inner = numel(x!.shape.slice(arg.axis + 1));
      const outer = numel(x!.shape.slice(0, arg.axis));
      for (let o = 0; o < outer; o++)
        for (let i = 0; i < inner; i++) {
          let best = xs[o * n * inner + i]!;
          let at = 0;
          for (let k = 1; k < n && best === best; k++) {
            const v = xs[(o * n + k) * inner + i]!;
            // the first NaN wins and stays; otherwise a strictly better value
            if (v !== v || better(v, best)) {
              best = v;
              at = k;
            }
          }
          data[o * inner + i] = at;
        }
      return t;
    },
    vjp: nonDifferentiable,
  };
}

const lowest = (d: string) => (d === "i32" ? INT32_MIN : d === "bool" ? 0 : -Infinity);
const highest = (d: string) => (d === "i32" ? INT32_MAX : d === "bool" ? 1 : Infinity);

export const reduceRules: { [O in ReduceOp | ArgReduceOp]: PrimitiveRule<O> } = {
  // the cotangent is broadcast back over the reduced axes; sums start from -0, the exact additive identity
  [Op.ReduceSum]: reduce(Op.ReduceSum, () => -0, (a, x) => a + x, (b, ct, n) => {
    const x = n.src[0]!;
    return [b.broadcastTo(b.reshape(ct, reducedShape(x.shape, n.arg.axes, true)), x.shape)];
  }),
  [Op.ReduceMax]: reduce(Op.ReduceMax, lowest, Math.max, (b, ct, n) => [chooserVjp(b, ct, n)]),
  [Op.ReduceMin]: reduce(Op.ReduceMin, highest, Math.min, (b, ct, n) => [chooserVjp(b, ct, n)]),
  [Op.ReduceProd]: reduce(Op.ReduceProd, () => 1, (a, x) => a * x, (b, ct, n) => [prodVjp(b, ct, n)]),
  [Op.ArgMax]: argReduce(Op.ArgMax, (a, b) => a > b),
  [Op.ArgMin]: argReduce(Op.ArgMin, (a, b) => a < b),
};

/**
 * d prod / d x_i = the product of the other elements, computed without dividing by zero: with no
 * zero in the group it is prod / x_i; with exactly one zero it is the product of the non-zeros at
 * the zero and 0 elsewhere; with more zeros it is 0 everywhere.
 */
function prodVjp(b: IrBuilder, ct: Node, n: Node<Op.ReduceProd>): Node {
  const x = n.src[0]!;
  const keep = reducedShape(x.shape, n.arg.axes, true);
  const spread = (v: Node) => b.broadcastTo(b.reshape(v, keep), x.shape);
  const isZero = b.binary("eq", x, zerosLike(b, x));
  const zeros = spread(b.reduce("sum", b.cast(isZero, "i32"), n.arg.axes, true));
  const nonZero = b.where(isZero, b.full(1, x), x);
  const others = spread(b.node(Op.ReduceProd, { axes: n.arg.axes, keepdims: true }, [nonZero]));
  const noZero = b.binary("eq", zeros, b.constant(0, "i32", x.shape));
  const oneZero = b.binary("and", b.binary("eq", zeros, b.constant(1, "i32", x.shape)), isZero);
  const g = b.where(noZero, b.binary("div", others, nonZero), b.where(oneZero, others, zerosLike(b, x)));
  return b.binary("mul", spread(ct), g);
}

/** ct / count at every position equal to the extreme, 0 elsewhere. */
function chooserVjp(b: IrBuilder, ct: Node, n: Node<Op.ReduceMax> | Node<Op.ReduceMin>): Node {
  const x = n.src[0]!;
  const keep = reducedShape(x.shape, n.arg.axes, true);
  const spread = (v: Node) => b.broadcastTo(b.reshape(v, keep), x.shape);
  const hit = b.binary("eq", x, spread(n));
  const count = b.reduce("sum", b.cast(hit, ct.dtype), n.arg.axes, true);
  return b.where(hit, b.binary("div", spread(ct), b.broadcastTo(count, x.shape)), zerosLike(b, x));
}
