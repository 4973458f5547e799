// Concrete shape arithmetic shared by the builder, the primitive shape rules and the
// interpreter. Shapes are plain arrays of non-negative integers; rank 0 is a scalar.

import { CompilerBug } from "../diag/diagnostic.js";

export type Shape = readonly number[];

export function numel(shape: Shape): number {
  let n = 1;
  for (const d of shape) n *= d;
  return n;
}

export function showShape(shape: Shape): string {
  return `[${shape.join(",")}]`;
}

export function shapesEqual(a: Shape, b: Shape): boolean {
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false;
  return true;
}

/** Row-major strides (in elements). */
export function stridesOf(shape: Shape): number[] {
  const s = new Array<number>(shape.length);
  let acc = 1;
  for (let i = shape.length - 1; i >= 0; i--) {
    s[i] = acc;
    acc *= shape[i]!;
  }
  return s;
}

/** NumPy broadcasting of two shapes (aligned at the right), or undefined. */
export function broadcastShapes(a: Shape, b: Shape): number[] | undefined {
  const n = Math.max(a.length, b.length);
  const out = new Array<number>(n);
  for (let i = 1; i <= n; i++) {
    const x = a[a.length - i] ?? 1;
    const y = b[b.length - i] ?? 1;
    if (x !== y && x !== 1 && y !== 1) return undefined;
    out[n - i] = x === 1 ? y : x;
  }
  return out;
}

/** Whether `from` broadcasts to exactly `to` (NumPy rules, aligned at the right). */
export function broadcastsTo(from: Shape, to: Shape): boolean {
  if (from.length > to.length) return false;
  for (let i = 1; i <= from.length; i++) {
    const f = from[from.length - i]!;
    if (f !== 1 && f !== to[to.length - i]) return false;
  }
  return true;
}

/** A possibly negative axis as an index in [0, rank), or a CompilerBug. */
export function normaliseAxis(axis: number, rank: number, what = "axis"): number {
  const a = axis < 0 ? axis + rank : axis;
  if (!Number.isInteger(a) || a < 0 || a >= rank) throw new CompilerBug(`${what} ${axis} is out of range for rank ${rank}`);
  return a;
}

export function isPermutation(perm: readonly number[], rank: number): boolean {
  if (perm.length !== rank) return false;
  const seen = new Array<boolean>(rank).fill(false);
  for (const p of perm) {
    if (!Number.isInteger(p) || p < 0 || p >= rank || seen[p]) return false;
    seen[p] = true;
  }
  return true;
}

export function inversePermutation(perm: readonly number[]): number[] {
  const inv = new Array<number>(perm.length);
  perm.forEach((p, i) => (inv[p] = i));
  return inv;
}

export function isValidShape(shape: Shape): boolean {
  return shape.every((d) => Number.isInteger(d) && d >= 0);
}
