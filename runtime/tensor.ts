// Host tensors: a dtype, a concrete shape and row-major typed-array data. This is what the
// reference interpreter consumes and produces, and what every backend is compared against.
// Storage per dtype: f32 -> Float32Array (Float64Array when interpreting in float64 mode),
// f64 -> Float64Array, i32 -> Int32Array, bool -> Uint8Array of 0/1.

import type { DType } from "../compiler/ir/dtype.js";
import { convertScalar, isFloat } from "../compiler/ir/dtype.js";
import { numel, showShape, type Shape } from "../compiler/ir/shape.js";

export type TensorData = Float32Array | Float64Array | Int32Array | Uint8Array;

export interface Tensor {
  readonly dtype: DType;
  readonly shape: number[];
  readonly data: TensorData;
}

/** Storage precision: "f32" rounds f32 values (the default); "f64" keeps every float in f64. */
export type FloatMode = "f32" | "f64";

/** A zero-filled array able to hold `n` values of `dtype`. */
export function allocData(dtype: DType, n: number, mode: FloatMode = "f32"): TensorData {
  switch (dtype) {
    case "f32":
      return mode === "f64" ? new Float64Array(n) : new Float32Array(n);
    case "f64":
      return new Float64Array(n);
    case "i32":
      return new Int32Array(n);
    case "bool":
      return new Uint8Array(n);
  }
}

export function zeros(dtype: DType, shape: Shape, mode: FloatMode = "f32"): Tensor {
  return { dtype, shape: [...shape], data: allocData(dtype, numel(shape), mode) };
}

/**
 * A tensor from numbers (row-major), converted to `dtype` as a backend would: ints truncate and
 * saturate, bools are `x != 0`. `values` may be nested arrays; they are flattened.
 */
export function tensor(dtype: DType, shape: Shape, values: ArrayLike<number> | NestedNumbers, mode: FloatMode = "f32"): Tensor {
  const flat = Array.isArray(values) ? flatten(values as NestedNumbers[]) : (values as ArrayLike<number>);
  const n = numel(shape);
  if (flat.length !== n) throw new Error(`tensor of shape ${showShape(shape)} needs ${n} values, got ${flat.length}`);
  const data = allocData(dtype, n, mode);
  for (let i = 0; i < n; i++) data[i] = convertScalar(flat[i]!, dtype);
  return { dtype, shape: [...shape], data };
}

export type NestedNumbers = number | boolean | NestedNumbers[];

function flatten(xs: readonly NestedNumbers[], out: number[] = []): number[] {
  for (const x of xs) {
    if (Array.isArray(x)) flatten(x, out);
    else out.push(Number(x));
  }
  return out;
}

export function scalar(value: number, dtype: DType = "f32"): Tensor {
  return tensor(dtype, [], [value]);
}

/** The data as a plain number array (bools as 0/1). */
export function toArray(t: Tensor): number[] {
  return Array.from(t.data);
}

/** The data as nested arrays of the tensor's shape (a scalar is a number). */
export function toNested(t: Tensor): NestedNumbers {
  const go = (dim: number, offset: number): [NestedNumbers, number] => {
    if (dim === t.shape.length) return [t.data[offset]!, offset + 1];
    const out: NestedNumbers[] = [];
    for (let i = 0; i < t.shape[dim]!; i++) {
      const [v, next] = go(dim + 1, offset);
      out.push(v);
      offset = next;
    }
    return [out, offset];
  };
  return go(0, 0)[0];
}

/** A copy stored for `mode` (floats widened to f64 or rounded to f32). */
export function withMode(t: Tensor, mode: FloatMode): Tensor {
  if (!isFloat(t.dtype)) return t;
  const want = allocData(t.dtype, t.data.length, mode);
  if (want.constructor === t.data.constructor) return t;
  want.set(t.data);
  return { dtype: t.dtype, shape: t.shape, data: want };
}

/** Calls `f(flatIndex, multiIndex)` for every element of `shape` in row-major order. */
export function forEachIndex(shape: Shape, f: (flat: number, idx: readonly number[]) => void): void {
  const n = numel(shape);
  if (n === 0) return;
  const idx = new Array<number>(shape.length).fill(0);
  for (let flat = 0; flat < n; flat++) {
    f(flat, idx);
    for (let d = shape.length - 1; d >= 0; d--) {
      if (++idx[d]! < shape[d]!) break;
      idx[d] = 0;
    }
  }
}
