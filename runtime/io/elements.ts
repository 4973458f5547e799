// Element encodings shared by the file formats: how each stored element kind maps to a runtime
// dtype, decoding little-endian bytes into a Tensor's typed array (with the conversions for
// kinds the runtime does not have: f16 and bf16 widen to f32; i8, u8 and i64 become i32, i64 with
// a range check), and encoding a Tensor's data as little-endian bytes.

import type { DType } from "../../compiler/ir/dtype.js";
import type { TensorData } from "../tensor.js";

export type ElementKind = "f16" | "bf16" | "f32" | "f64" | "i8" | "u8" | "i32" | "i64" | "bool";

/** Bytes per element. */
export const ELEMENT_SIZE: Readonly<Record<ElementKind, number>> = { f16: 2, bf16: 2, f32: 4, f64: 8, i8: 1, u8: 1, i32: 4, i64: 8, bool: 1 };

/** The runtime dtype each kind is read as. */
export const READ_AS: Readonly<Record<ElementKind, DType>> = { f16: "f32", bf16: "f32", f32: "f32", f64: "f64", i8: "i32", u8: "i32", i32: "i32", i64: "i32", bool: "bool" };

/** Bytes per element of each runtime dtype as written. */
export const DTYPE_SIZE: Readonly<Record<DType, number>> = { f32: 4, f64: 8, i32: 4, bool: 1 };

const HOST_LE = new Uint8Array(new Uint16Array([1]).buffer)[0] === 1;

/** An i64 element outside the i32 range: `index` is the element's flat index. */
export class IntRangeError extends Error {
  constructor(
    readonly index: number,
    readonly value: bigint,
  ) {
    super(`value ${value} at element ${index} does not fit in i32`);
  }
}

/** A fresh, aligned copy of `count` elements of `kind` starting at byte `offset` of `src`. */
export function decodeElements(kind: ElementKind, src: Uint8Array, offset: number, count: number): TensorData {
  const size = ELEMENT_SIZE[kind];
  // A copy (aligned, and not a view of the file). Not src.slice: on a Buffer that is a view.
  const bytes = new Uint8Array(count * size);
  bytes.set(src.subarray(offset, offset + count * size));
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  switch (kind) {
    case "f32":
      return HOST_LE ? new Float32Array(bytes.buffer, 0, count) : fill(new Float32Array(count), (i) => view.getFloat32(i * 4, true));
    case "f64":
      return HOST_LE ? new Float64Array(bytes.buffer, 0, count) : fill(new Float64Array(count), (i) => view.getFloat64(i * 8, true));
    case "i32":
      return HOST_LE ? new Int32Array(bytes.buffer, 0, count) : fill(new Int32Array(count), (i) => view.getInt32(i * 4, true));
    case "bool":
      for (let i = 0; i < count; i++) bytes[i] = bytes[i] !== 0 ? 1 : 0;
      return bytes;
    case "u8":
      return Int32Array.from(bytes);
    case "i8":
      return Int32Array.from(new Int8Array(bytes.buffer, 0, count));
    case "f16":
      return fill(new Float32Array(count), (i) => halfToFloat(view.getUint16(i * 2, true)));
    case "bf16": {
      const out = new Float32Array(count);
      const bits = new Uint32Array(out.buffer);
      // bf16 is the top half of an f32; both views use the host's byte order
      for (let i = 0; i < count; i++) bits[i] = view.getUint16(i * 2, true) << 16;
      return out;
    }
    case "i64": {
      const out = new Int32Array(count);
      for (let i = 0; i < count; i++) {
        const lo = view.getUint32(i * 8, true);
        const hi = view.getInt32(i * 8 + 4, true);
        if (hi !== (lo >= 0x80000000 ? -1 : 0)) throw new IntRangeError(i, view.getBigInt64(i * 8, true));
        out[i] = lo | 0;
      }
      return out;
    }
  }
}

function fill<T extends Float32Array | Float64Array | Int32Array>(out: T, at: (i: number) => number): T {
  for (let i = 0; i < out.length; i++) out[i] = at(i);
  return out;
}

/** IEEE 754 binary16 bits to a number (exact: every half is a float). */
export function halfToFloat(h: number): number {
  const sign = h & 0x8000 ? -1 : 1;
  const exp = (h >> 10) & 0x1f;
  const mant = h & 0x3ff;
  if (exp === 0) return sign * mant * 2 ** -24;
  if (exp === 31) return mant !== 0 ? NaN : sign * Infinity;
  return sign * (1024 + mant) * 2 ** (exp - 25);
}

/**
 * The little-endian bytes of `data` stored as `dtype`: f32 data held in a Float64Array (the
 * interpreter's f64 mode) is rounded to f32; bools are written as 0 or 1.
 */
export function encodeElements(dtype: DType, data: TensorData): Uint8Array {
  const n = data.length;
  switch (dtype) {
    case "f32": {
      const a = data instanceof Float32Array ? data : Float32Array.from(data);
      return HOST_LE ? new Uint8Array(a.buffer, a.byteOffset, a.byteLength) : viaView(n, 4, (v, i) => v.setFloat32(i * 4, a[i]!, true));
    }
    case "f64": {
      const a = data instanceof Float64Array ? data : Float64Array.from(data);
      return HOST_LE ? new Uint8Array(a.buffer, a.byteOffset, a.byteLength) : viaView(n, 8, (v, i) => v.setFloat64(i * 8, a[i]!, true));
    }
    case "i32": {
      const a = data instanceof Int32Array ? data : Int32Array.from(data);
      return HOST_LE ? new Uint8Array(a.buffer, a.byteOffset, a.byteLength) : viaView(n, 4, (v, i) => v.setInt32(i * 4, a[i]!, true));
    }
    case "bool": {
      const out = new Uint8Array(n);
      for (let i = 0; i < n; i++) out[i] = data[i] !== 0 ? 1 : 0;
      return out;
    }
  }
}

function viaView(n: number, size: number, set: (v: DataView, i: number) => void): Uint8Array {
  const out = new Uint8Array(n * size);
  const v = new DataView(out.buffer);
  for (let i = 0; i < n; i++) set(v, i);
  return out;
}

/** The typed array a runtime dtype is stored in (f32 also accepts a Float64Array: f64 mode). */
export function dataMatches(dtype: DType, data: TensorData): boolean {
  switch (dtype) {
    case "f32":
      return data instanceof Float32Array || data instanceof Float64Array;
    case "f64":
      return data instanceof Float64Array;
    case "i32":
      return data instanceof Int32Array;
    case "bool":
      return data instanceof Uint8Array;
  }
}

/** `[2, 3]` */
export function showDims(shape: readonly number[]): string {
  return `[${shape.join(", ")}]`;
}

/** The number of elements of `shape`, or undefined unless every dim is a non-negative safe integer (and so is the product). */
export function elementCount(shape: readonly unknown[]): number | undefined {
  let n = 1;
  for (const d of shape) {
    if (typeof d !== "number" || !Number.isSafeInteger(d) || d < 0) return undefined;
    n *= d;
  }
  return Number.isSafeInteger(n) ? n : undefined;
}
