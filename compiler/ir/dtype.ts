// The IR's element types. Every IR node has one. The interpreter stores f32 in a Float32Array
// (or a Float64Array in float64 mode), f64 in a Float64Array, i32 in an Int32Array and bool in a
// Uint8Array of 0s and 1s. The checker's f16 and i64 have no IR dtype yet: the lowering maps
// them to f32 and i32 (a later issue can add them here and in `runtime/tensor.ts`).

export type DType = "f32" | "f64" | "i32" | "bool";

export const DTYPES: readonly DType[] = ["f32", "f64", "i32", "bool"];

export function isFloat(d: DType): d is "f32" | "f64" {
  return d === "f32" || d === "f64";
}

export function isInt(d: DType): d is "i32" {
  return d === "i32";
}

/** Numbers that support arithmetic (not bool). */
export function isNumeric(d: DType): boolean {
  return d !== "bool";
}

export const INT32_MIN = -2147483648;
export const INT32_MAX = 2147483647;

/**
 * A JS number converted to a value of `dtype` the way every backend converts it: floats keep it
 * (f32 rounding happens when stored), ints truncate toward zero and saturate (NaN -> 0), bools
 * are `x != 0` (so NaN is true).
 */
export function convertScalar(x: number, dtype: DType): number {
  switch (dtype) {
    case "f32":
    case "f64":
      return x;
    case "i32":
      if (Number.isNaN(x)) return 0;
      return Math.min(INT32_MAX, Math.max(INT32_MIN, Math.trunc(x)));
    case "bool":
      return x !== 0 ? 1 : 0;
  }
}
