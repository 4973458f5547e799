// Movement primitives: they rearrange elements without arithmetic. reshape keeps the row-major
// order; transpose permutes axes (result axis i is source axis perm[i]); broadcast stretches
// size-1 dims and adds leading dims (NumPy, aligned at the right); slice takes start, start+step,
// ... below stop on each axis (already normalised: 0 <= start <= stop <= dim, step >= 1); pad is
// its transpose (zeros around and between elements); reverse flips axes; concat joins along an
// axis. Their VJPs are the corresponding inverse movements (broadcast's is a sum).

import { Op } from "../ops.js";
import type { PrimitiveRule } from "../primitives.js";
import { broadcastsTo, inversePermutation, isPermutation, numel, shapesEqual, showShape, stridesOf, type Shape } from "../shape.js";
import type { Aval } from "../node.js";
import { forEachIndex } from "../../../runtime/tensor.js";
import type { Tensor } from "../../../runtime/tensor.js";
import type { EvalEnv } from "../primitives.js";
import { arity, aval, bug, checkShapeArg, result, sameDtype } from "./common.js";

type MovementOp = Op.Reshape | Op.Transpose | Op.Broadcast | Op.Slice | Op.Pad | Op.Reverse | Op.Concat;

/** The result of `out` whose element at a multi-index is x's at `from(idx)`, or 0 when it returns -1. */
function remap(x: Tensor, out: Aval, env: EvalEnv, from: (idx: readonly number[]) => number): Tensor {
  const { t, data } = result(out, env);
  forEachIndex(out.shape, (flat, idx) => {
    const s = from(idx);
    if (s >= 0) data[flat] = x.data[s]!;
  });
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
      const st = stridesOf(x!.shape);
      const ps = arg.perm.map((p) => st[p]!);
      return remap(x!, out, env, (idx) => idx.reduce((acc, i, d) => acc + i * ps[d]!, 0));
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
      const off = arg.shape.length - x!.shape.length;
      const st = stridesOf(x!.shape).map((s, j) => (x!.shape[j] === 1 ? 0 : s));
      return remap(x!, out, env, (idx) => {
        let s = 0;
        for (let j = 0; j < st.length; j++) s += idx[off + j]! * st[j]!;
        return s;
      });
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
      const st = stridesOf(x!.shape);
      return remap(x!, out, env, (idx) => idx.reduce((acc, i, d) => acc + (arg.starts[d]! + i * arg.steps[d]!) * st[d]!, 0));
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
      const st = stridesOf(x!.shape);
      return remap(x!, out, env, (idx) => {
        let s = 0;
        for (let d = 0; d < idx.length; d++) {
          const p = idx[d]! - arg.lo[d]!;
          const every = arg.interior[d]! + 1;
          if (p < 0 || p % every !== 0 || p / every >= x!.shape[d]!) return -1;
          s += (p / every) * st[d]!;
        }
        return s;
      });
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
      const st = stridesOf(x!.shape);
      return remap(x!, out, env, (idx) => idx.reduce((acc, i, d) => acc + (arg.axes.includes(d) ? x!.shape[d]! - 1 - i : i) * st[d]!, 0));
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
      const { t, data } = result(out, env);
      const ost = stridesOf(out.shape);
      let offset = 0;
      for (const x of xs) {
        forEachIndex(x.shape, (flat, idx) => {
          let o = 0;
          for (let d = 0; d < idx.length; d++) o += (d === arg.axis ? idx[d]! + offset : idx[d]!) * ost[d]!;
          data[o] = x.data[flat]!;
        });
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
