// Indexing: gather and its transpose scatter_add.
//
// gather(x, idx): x of shape [d0, ..., d(n-1)], idx an i32 tensor of shape [...S, k] with k <= n;
// the result has shape [...S, dk, ..., d(n-1)] and element [s, r] = x[idx[s, 0], ..., idx[s, k-1], r]
// (ONNX GatherND with no batch dims). Embedding lookup is k = 1; `x[iota(B), y]` is k = 2.
// Indices are clamped to [0, d-1] (as XLA and JAX do): every backend must clamp the same way.
// scatter_add(idx, updates) with arg shape = x's shape: zeros of that shape with every update
// added at its (clamped) index; repeated indices accumulate.

import { Op } from "../ops.js";
import type { PrimitiveRule } from "../primitives.js";
import { numel, shapesEqual, showShape, stridesOf, type Shape } from "../shape.js";
import type { Aval } from "../node.js";
import type { Tensor } from "../../../runtime/tensor.js";
import { arity, aval, bug, checkShapeArg, result } from "./common.js";

type IndexingOp = Op.Gather | Op.ScatterAdd;

/** The result shape of gathering from `x` with `idx`, after checking them. */
function gatherShape(op: string, x: Shape, idx: Aval): number[] {
  if (idx.dtype !== "i32") bug(op, `indices must be i32, got ${idx.dtype}`);
  if (idx.shape.length === 0) bug(op, "indices need a last axis of index tuples");
  const k = idx.shape[idx.shape.length - 1]!;
  if (k > x.length) bug(op, `index tuples of length ${k} for a tensor of rank ${x.length}`);
  return [...idx.shape.slice(0, -1), ...x.slice(k)];
}

/** For each index tuple, the flat offset of the addressed slice of x (indices clamped). */
function sliceOffsets(x: Shape, idx: Tensor): number[] {
  const k = idx.shape[idx.shape.length - 1]!;
  const st = stridesOf(x);
  const count = numel(idx.shape.slice(0, -1));
  const offsets = new Array<number>(count);
  for (let s = 0; s < count; s++) {
    let o = 0;
    for (let j = 0; j < k; j++) {
      const i = Math.min(Math.max(idx.data[s * k + j]!, 0), x[j]! - 1);
      o += i * st[j]!;
    }
    offsets[s] = o;
  }
  return offsets;
}

export const indexingRules: { [O in IndexingOp]: PrimitiveRule<O> } = {
  [Op.Gather]: {
    shape: (_arg, src) => {
      arity("gather", src, 2);
      const [x, idx] = src as [Aval, Aval];
      const out = gatherShape("gather", x.shape, idx);
      const k = idx.shape[idx.shape.length - 1]!;
      if (x.shape.slice(0, k).some((d) => d === 0) && numel(out) > 0) bug("gather", `cannot index an empty axis of ${showShape(x.shape)}`);
      return aval(x.dtype, out);
    },
    eval: (_arg, [x, idx], out, env) => {
      const { t, data } = result(out, env);
      const k = idx!.shape[idx!.shape.length - 1]!;
      const inner = numel(x!.shape.slice(k));
      const offsets = sliceOffsets(x!.shape, idx!);
      // each index tuple copies one contiguous slice of x
      for (let s = 0; s < offsets.length; s++) data.set(x!.data.subarray(offsets[s]!, offsets[s]! + inner), s * inner);
      return t;
    },
    vjp: (b, ct, n) => [b.scatterAdd(n.src[1]!, ct, n.src[0]!.shape), null],
  },
  [Op.ScatterAdd]: {
    shape: (arg, src) => {
      arity("scatter_add", src, 2);
      const [idx, upd] = src as [Aval, Aval];
      checkShapeArg("scatter_add", arg.shape);
      const want = gatherShape("scatter_add", arg.shape, idx);
      if (!shapesEqual(want, upd.shape)) bug("scatter_add", `updates of shape ${showShape(upd.shape)}, expected ${showShape(want)}`);
      if (upd.dtype === "bool") bug("scatter_add", "cannot add bools");
      const k = idx.shape[idx.shape.length - 1]!;
      if (arg.shape.slice(0, k).some((d) => d === 0) && numel(upd.shape) > 0) bug("scatter_add", `cannot index an empty axis of ${showShape(arg.shape)}`);
      return aval(upd.dtype, arg.shape);
    },
    eval: (arg, [idx, upd], out, env) => {
      const { t, data } = result(out, env);
      const k = idx!.shape[idx!.shape.length - 1]!;
      const inner = numel(arg.shape.slice(k));
      // accumulate in f64 (i32 wraps), round once
      const acc = new Float64Array(data.length);
      const offsets = sliceOffsets(arg.shape, idx!);
      const us = upd!.data;
      for (let s = 0; s < offsets.length; s++) {
        const o = offsets[s]!;
        if (out.dtype === "i32") for (let r = 0; r < inner; r++) acc[o + r] = (acc[o + r]! + us[s * inner + r]!) | 0;
        else for (let r = 0; r < inner; r++) acc[o + r] = acc[o + r]! + us[s * inner + r]!;
      }
      data.set(acc);
      return t;
    },
    vjp: (b, ct, n) => [null, b.gatherNd(ct, n.src[0]!)],
  },
};
