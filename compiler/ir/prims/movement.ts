// Movement primitives: they rearrange elements without arithmetic. reshape keeps the row-major
// order; transpose permutes axes (result axis i is source axis perm[i]); broadcast stretches
// size-1 dims and adds leading dims (NumPy, aligned at the right); slice takes start, start+step,
// ... below stop on each axis (already normalised: 0 <= start <= stop <= dim, step >= 1); pad is
// its transpose (zeros around and between elements); reverse flips axes; concat joins along an
// axis. Their VJPs are the corresponding inverse movements (broadcast's is a sum).
//
// Evaluation: each rule describes where its elements come from as a strided view of the source
// (offset + index . strides: a transpose permutes the strides, a broadcast gives stretched axes
// stride 0, a slice scales them by the step, a reverse negates them) or, for pad and concat,
// where they go in the result, and copies with `copyRuns`, which walks both views in row-major
// order as runs along the last axis (contiguous runs by `set`, repeated values by `fill`).

import { Op } from "../ops.js";
import type { PrimitiveRule } from "../primitives.js";
import { broadcastsTo, inversePermutation, isPermutation, numel, shapesEqual, showShape, stridesOf, type Shape } from "../shape.js";
import type { Aval } from "../node.js";
import { contiguous, copyRuns, stridedRuns, type Tensor, type View } from "../../../runtime/tensor.js";
import type { EvalEnv } from "../primitives.js";
import { arity, aval, bug, checkShapeArg, result, sameDtype } from "./common.js";

type MovementOp = Op.Reshape | Op.Transpose | Op.Broadcast | Op.Slice | Op.Pad | Op.Reverse | Op.Concat;

/** The result of `out` whose element at each multi-index is x's element at that index of `view`. */
function gatherView(x: Tensor, out: Aval, env: EvalEnv, view: View): Tensor {
  const { t, data } = result(out, env);
  copyRuns(data, x.data, stridedRuns(out.shape, contiguous(out.shape), view));
  return t;
}

function checkLengths(op: string, rank: number, ...lists: (readonly number[])[]): void {
  for (const l of lists) if (l.length !== rank) bug(op, `expects ${rank} values per list, got [${l.join(",")}]`);
}

function sliceLength(start: number, stop: number, step: number): number {
  return Math.max(0, Math.ceil((stop - start) / step));
}

export const movementRules: { [O in MovementOp]: PrimitiveRule<O> } = {
  [Op.Reshape]: {
    shape: (arg, src) => {
      arity("reshape", src, 1);
      checkShapeArg("reshape", arg.shape);
      if (numel(arg.shape) !== numel(src[0]!.shape)) bug("reshape", `cannot reshape ${showShape(src[0]!.shape)} to ${showShape(arg.shape)}`);
      return aval(src[0]!.dtype, arg.shape);
    },
    eval: (_arg, [x], out) => ({ dtype: x!.dtype, shape: [...out.shape], data: x!.data }),
    vjp: (b, ct, n) => [b.reshape(ct, n.src[0]!.shape)],
  },
  [Op.Transpose]: {
    shape: (arg, src) => {
      arity("transpose", src, 1);
      const x = src[0]!;
      if (!isPermutation(arg.perm, x.shape.length)) bug("transpose", `[${arg.perm.join(",")}] is not a permutation of the axes of ${showShape(x.shape)}`);
      return aval(x.dtype, arg.perm.map((p) => x.shape[p]!));
    },
    eval: (arg, [x], out, env) => {
      // result axis d walks source axis perm[d]
      const st = stridesOf(x!.shape);
      return gatherView(x!, out, env, { offset: 0, strides: arg.perm.map((p) => st[p]!) });
    },
    vjp: (b, ct, n) => [b.transpose(ct, inversePermutation(n.arg.perm))],
  },
  [Op.Broadcast]: {
    shape: (arg, src) => {
      arity("broadcast", src, 1);
      checkShapeArg("broadcast", arg.shape);
      if (!broadcastsTo(src[0]!.shape, arg.shape)) bug("broadcast", `cannot broadcast ${showShape(src[0]!.shape)} to ${showShape(arg.shape)}`);
      return aval(src[0]!.dtype, arg.shape);
    },
    eval: (arg, [x], out, env) => {
      // added and stretched axes have stride 0 (aligned at the right)
      const off = arg.shape.length - x!.shape.length;
      const st = stridesOf(x!.shape);
      const strides = arg.shape.map((_, i) => (i < off || x!.shape[i - off] === 1 ? 0 : st[i - off]!));
      return gatherView(x!, out, env, { offset: 0, strides });
    },
    // the sum over the stretched and added axes
    vjp: (b, ct, n) => [b.sumTo(ct, n.src[0]!.shape)],
  },
  [Op.Slice]: {
    shape: (arg, src) => {
      arity("slice", src, 1);
      const x = src[0]!;
      checkLengths("slice", x.shape.length, arg.starts, arg.stops, arg.steps);
      const dims = x.shape.map((d, i) => {
        const [a, z, s] = [arg.starts[i]!, arg.stops[i]!, arg.steps[i]!];
        if (![a, z, s].every(Number.isInteger) || s < 1 || a < 0 || a > z || z > d) bug("slice", `invalid start ${a}, stop ${z}, step ${s} on a dim of ${d}`);
        return sliceLength(a, z, s);
      });
      return aval(x.dtype, dims);
    },
    eval: (arg, [x], out, env) => {
      // element i of axis d is source element starts[d] + i * steps[d]
      const st = stridesOf(x!.shape);
      const offset = st.reduce((acc, s, d) => acc + arg.starts[d]! * s, 0);
      return gatherView(x!, out, env, { offset, strides: st.map((s, d) => s * arg.steps[d]!) });
    },
    // the transpose of a strided slice is a pad with zeros before, between and after
    vjp: (b, ct, n) => {
      const x = n.src[0]!;
      if (numel(ct.shape) === 0) return [null];
      const { starts, steps } = n.arg;
      const hi = x.shape.map((d, i) => d - (starts[i]! + (ct.shape[i]! - 1) * steps[i]! + 1));
      return [b.pad(ct, starts, hi, steps.map((s) => s - 1))];
    },
  },
  [Op.Pad]: {
    shape: (arg, src) => {
      arity("pad", src, 1);
      const x = src[0]!;
      checkLengths("pad", x.shape.length, arg.lo, arg.hi, arg.interior);
      if (![...arg.lo, ...arg.hi, ...arg.interior].every((v) => Number.isInteger(v) && v >= 0)) bug("pad", "widths must be non-negative integers");
      return aval(x.dtype, x.shape.map((d, i) => arg.lo[i]! + arg.hi[i]! + d + Math.max(0, d - 1) * arg.interior[i]!));
    },
    eval: (arg, [x], out, env) => {
      // zeros, then source element i of axis d goes to lo[d] + i * (interior[d] + 1)
      const { t, data } = result(out, env);
      const ost = stridesOf(out.shape);
      const offset = ost.reduce((acc, s, d) => acc + arg.lo[d]! * s, 0);
      const to: View = { offset, strides: ost.map((s, d) => s * (arg.interior[d]! + 1)) };
      copyRuns(data, x!.data, stridedRuns(x!.shape, to, contiguous(x!.shape)));
      return t;
    },
    vjp: (b, ct, n) => {
      const x = n.src[0]!;
      if (numel(x.shape) === 0) return [null];
      const { lo, interior } = n.arg;
      return [b.slice(ct, lo, x.shape.map((d, i) => lo[i]! + (d - 1) * (interior[i]! + 1) + 1), interior.map((v) => v + 1))];
    },
  },
  [Op.Reverse]: {
    shape: (arg, src) => {
      arity("reverse", src, 1);
      const x = src[0]!;
      if (!arg.axes.every((a, i) => Number.isInteger(a) && a >= 0 && a < x.shape.length && (i === 0 || a > arg.axes[i - 1]!))) bug("reverse", `invalid axes [${arg.axes.join(",")}] for ${showShape(x.shape)}`);
      return aval(x.dtype, x.shape);
    },
    eval: (arg, [x], out, env) => {
      // a reversed axis starts at its last element and walks backwards
      const st = stridesOf(x!.shape);
      const offset = arg.axes.reduce((acc, d) => acc + (x!.shape[d]! - 1) * st[d]!, 0);
      return gatherView(x!, out, env, { offset, strides: st.map((s, d) => (arg.axes.includes(d) ? -s : s)) });
    },
    vjp: (b, ct, n) => [b.reverse(ct, n.arg.axes)],
  },
  [Op.Concat]: {
    shape: (arg, src) => {
      if (src.length === 0) bug("concat", "needs at least one operand");
      const first = src[0]!;
      const ax = arg.axis;
      if (!Number.isInteger(ax) || ax < 0 || ax >= first.shape.length) bug("concat", `axis ${ax} out of range for ${showShape(first.shape)}`);
      let total = 0;
      for (const s of src) {
        sameDtype("concat", first, s);
        const a = s.shape.filter((_, i) => i !== ax);
        if (s.shape.length !== first.shape.length || !shapesEqual(a, first.shape.filter((_, i) => i !== ax))) bug("concat", `shapes ${showShape(first.shape)} and ${showShape(s.shape)} differ off axis ${ax}`);
        total += s.shape[ax]!;
      }
      const dims = [...first.shape];
      dims[ax] = total;
      return aval(first.dtype, dims);
    },
    eval: (arg, xs, out, env) => {
      // each operand is copied into the result's view starting at its offset along the axis
      const { t, data } = result(out, env);
      const ost = stridesOf(out.shape);
      let offset = 0;
      for (const x of xs) {
        copyRuns(data, x.data, stridedRuns(x.shape, { offset: offset * ost[arg.axis]!, strides: ost }, contiguous(x.shape)));
        offset += x.shape[arg.axis]!;
      }
      return t;
    },
    vjp: (b, ct, n) => {
      let offset = 0;
      return n.src.map((s) => {
        const starts = s.shape.map((_, i) => (i === n.arg.axis ? offset : 0));
        const stops = s.shape.map((d, i) => (i === n.arg.axis ? offset + d : d));
        offset += s.shape[n.arg.axis]!;
        return b.slice(ct, starts, stops, s.shape.map(() => 1));
      });
    },
  },
};

export function sliceShape(shape: Shape, starts: readonly number[], stops: readonly number[], steps: readonly number[]): number[] {
  return shape.map((_, i) => sliceLength(starts[i]!, stops[i]!, steps[i]!));
}
