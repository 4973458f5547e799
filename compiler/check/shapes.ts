// Static shape rules: NumPy broadcasting, matmul, reductions over axes. Each returns either a
// shape or a description of the mismatch; the checker turns a mismatch into a diagnostic that
// points at both operands. `null` shapes (unknown rank) are accepted silently.

import { dimEquals, showDim, showShape, type Dim, type Shape } from "./types.js";

export type ShapeResult = { ok: true; shape: Shape | null } | { ok: false; message: string; help?: string };

function isOne(d: Dim): boolean {
  return d === 1;
}

/** Broadcast two dims, or undefined when they cannot be broadcast. */
function broadcastDim(a: Dim, b: Dim): Dim | undefined {
  if (dimEquals(a, b)) return a;
  if (isOne(a)) return b;
  if (isOne(b)) return a;
  return undefined;
}

/** NumPy broadcasting, aligned at the right. */
export function broadcastShapes(a: Shape | null, b: Shape | null): ShapeResult {
  if (a === null || b === null) return { ok: true, shape: null };
  const n = Math.max(a.dims.length, b.dims.length);
  const out: Dim[] = [];
  for (let i = 1; i <= n; i++) {
    const da = a.dims[a.dims.length - i];
    const db = b.dims[b.dims.length - i];
    if (da === undefined || db === undefined) {
      // one operand ran out of explicit dims; if it has a `...`, the other's extra dims
      // broadcast against that `...` and the rank is no longer known statically
      const shorter = da === undefined ? a : b;
      if (shorter.rest) return { ok: true, shape: null };
      out.unshift((da ?? db)!);
      continue;
    }
    const d = broadcastDim(da, db);
    if (d === undefined) {
      return {
        ok: false,
        message: `dimension ${showDim(da)} of \`${showShape(a)}\` does not match dimension ${showDim(db)} of \`${showShape(b)}\``,
      };
    }
    out.unshift(d);
  }
  if (a.rest && b.rest && a.rest.rest !== b.rest.rest) return { ok: true, shape: null };
  return { ok: true, shape: { rest: a.rest ?? b.rest, dims: out } };
}

export type MatmulResult =
  | { ok: true; shape: Shape | null }
  | { ok: false; left: Dim; right: Dim; message: string };

/** `a @ b` with NumPy's rules for rank-1 operands and broadcast batch dims. */
export function matmulShapes(a: Shape | null, b: Shape | null): MatmulResult {
  if (a === null || b === null) return { ok: true, shape: null };
  if (a.dims.length === 0 && !a.rest) return { ok: false, left: 0, right: 0, message: "matmul of a scalar" };
  if (b.dims.length === 0 && !b.rest) return { ok: false, left: 0, right: 0, message: "matmul of a scalar" };
  if (a.dims.length === 0 || b.dims.length === 0) return { ok: true, shape: null };
  const aVec = !a.rest && a.dims.length === 1;
  const bVec = !b.rest && b.dims.length === 1;
  const k1 = a.dims[a.dims.length - 1]!;
  const k2 = bVec ? b.dims[0]! : b.dims.length >= 2 ? b.dims[b.dims.length - 2]! : undefined;
  if (k2 === undefined) return { ok: true, shape: null };
  if (!dimEquals(k1, k2)) {
    return {
      ok: false,
      left: k1,
      right: k2,
      message: `the left operand has ${showDim(k1)} columns but the right one has ${showDim(k2)} rows`,
    };
  }
  const m: Dim[] = aVec ? [] : [a.dims[a.dims.length - 2]!].filter((d) => d !== undefined);
  if (!aVec && a.dims.length < 2) {
    // `[...R, K]`: the last explicit dim is K, and M is hidden in `...`
    return { ok: true, shape: null };
  }
  const n: Dim[] = bVec ? [] : [b.dims[b.dims.length - 1]!];
  const aBatch: Shape = { rest: a.rest, dims: aVec ? [] : a.dims.slice(0, -2) };
  const bBatch: Shape = { rest: b.rest, dims: bVec ? [] : b.dims.slice(0, -2) };
  const batch = broadcastShapes(aBatch, bBatch);
  if (!batch.ok) return { ok: false, left: k1, right: k2, message: `batch dimensions differ: ${batch.message}` };
  if (batch.shape === null) return { ok: true, shape: null };
  return { ok: true, shape: { rest: batch.shape.rest, dims: [...batch.shape.dims, ...m, ...n] } };
}

/** Normalise an axis (negative counts from the end) against a shape, or report it. */
export type AxisResult = { ok: true; index: number; fromEnd: boolean } | { ok: false; message: string } | { ok: "unknown" };

/** Normalise an axis; `unknown` when it falls into a `...` (the rank is not known statically). */
export function normaliseAxis(shape: Shape, axis: number): AxisResult {
  const n = shape.dims.length;
  if (axis < 0) {
    if (-axis <= n) return { ok: true, index: n + axis, fromEnd: true };
    if (shape.rest) return { ok: "unknown" };
    return { ok: false, message: `axis ${axis} is out of range for a tensor of rank ${n}` };
  }
  if (shape.rest) return { ok: "unknown" };
  if (axis < n) return { ok: true, index: axis, fromEnd: false };
  return { ok: false, message: `axis ${axis} is out of range for a tensor of rank ${n}` };
}

/** Remove (or keep as 1) the given axes. */
export function reduceShape(shape: Shape | null, axes: readonly number[] | "all", keepdims: boolean): ShapeResult {
  if (shape === null) return { ok: true, shape: null };
  if (axes === "all") {
    if (!keepdims) return { ok: true, shape: { rest: null, dims: [] } };
    return { ok: true, shape: shape.rest ? null : { rest: null, dims: shape.dims.map(() => 1) } };
  }
  const idx = new Set<number>();
  for (const a of axes) {
    const r = normaliseAxis(shape, a);
    if (r.ok === "unknown") return { ok: true, shape: null };
    if (!r.ok) return { ok: false, message: r.message };
    idx.add(r.index);
  }
  const dims: Dim[] = [];
  shape.dims.forEach((d, i) => {
    if (!idx.has(i)) dims.push(d);
    else if (keepdims) dims.push(1);
  });
  return { ok: true, shape: { rest: shape.rest, dims } };
}

export function shapesEqual(a: Shape | null, b: Shape | null): boolean {
  if (a === null || b === null) return true;
  if ((a.rest?.rest ?? null) !== (b.rest?.rest ?? null)) return false;
  return a.dims.length === b.dims.length && a.dims.every((d, i) => dimEquals(d, b.dims[i]!));
}

export function numElements(s: Shape): number | undefined {
  if (s.rest) return undefined;
  let n = 1;
  for (const d of s.dims) {
    if (typeof d !== "number") return undefined;
    n *= d;
  }
  return n;
}
