// Values in Lip terms, for counterexamples: `f32[2, 3]` types, numbers with six significant
// digits, small tensors in full as nested lists, large ones summarised (shape, min, max, mean
// and the first few elements).

import type { DType } from "../../compiler/ir/dtype.js";

/** Tensors with at most this many elements are printed in full. */
export const FULL_PRINT_LIMIT = 24;
/** How many leading elements a summary shows. */
export const SUMMARY_HEAD = 6;

export function typeText(dtype: DType, shape: readonly number[]): string {
  return shape.length === 0 ? dtype : `${dtype}[${shape.join(", ")}]`;
}

/** One element: `true`/`false`, an integer, or a float with up to six (`digits`) significant digits. */
export function formatNumber(v: number, dtype: DType, digits = 6): string {
  if (dtype === "bool") return v ? "true" : "false";
  if (Number.isNaN(v)) return "nan";
  if (v === Infinity) return "inf";
  if (v === -Infinity) return "-inf";
  if (Object.is(v, -0)) return "-0";
  if (dtype === "i32") return String(v);
  return String(Number(v.toPrecision(digits)));
}

/** A tensor's values: nested lists in full when small, a summary otherwise. */
export function formatValues(dtype: DType, shape: readonly number[], data: ArrayLike<number>, limit = FULL_PRINT_LIMIT, digits = 6): string {
  const n = data.length;
  if (shape.length === 0) return formatNumber(data[0]!, dtype, digits);
  if (n <= limit) return nested(dtype, shape, data, digits);
  const head = Array.from({ length: Math.min(SUMMARY_HEAD, n) }, (_, i) => formatNumber(data[i]!, dtype)).join(", ");
  if (dtype === "bool") {
    let t = 0;
    for (let i = 0; i < n; i++) if (data[i]) t++;
    return `${t} of ${n} true; first [${head}, ...]`;
  }
  let lo = Infinity;
  let hi = -Infinity;
  let sum = 0;
  let nan = 0;
  for (let i = 0; i < n; i++) {
    const v = data[i]!;
    if (Number.isNaN(v)) {
      nan++;
      continue;
    }
    if (v < lo) lo = v;
    if (v > hi) hi = v;
    sum += v;
  }
  const stats = nan === n ? "all nan" : `min ${formatNumber(lo, dtype)}, max ${formatNumber(hi, dtype)}, mean ${formatNumber(sum / (n - nan), "f64")}${nan > 0 ? `, ${nan} nan` : ""}`;
  return `${stats}; first [${head}, ...]`;
}

function nested(dtype: DType, shape: readonly number[], data: ArrayLike<number>, digits: number): string {
  const go = (dim: number, offset: number): string => {
    if (dim === shape.length) return formatNumber(data[offset]!, dtype, digits);
    const stride = shape.slice(dim + 1).reduce((a, b) => a * b, 1);
    const items: string[] = [];
    for (let i = 0; i < shape[dim]!; i++) items.push(go(dim + 1, offset + i * stride));
    return `[${items.join(", ")}]`;
  };
  return go(0, 0);
}

/** The multi-index of a flat (row-major) position. */
export function indexOf(shape: readonly number[], flat: number): number[] {
  const idx = new Array<number>(shape.length).fill(0);
  for (let d = shape.length - 1; d >= 0; d--) {
    idx[d] = flat % shape[d]!;
    flat = Math.floor(flat / shape[d]!);
  }
  return idx;
}
