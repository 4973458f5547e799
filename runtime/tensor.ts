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

/** A zero-filled array able to hold `n` values of `dtype` (from the active pool if it has one). */
export function allocData(dtype: DType, n: number, mode: FloatMode = "f32"): TensorData {
  const kind = dtype === "f32" ? (mode === "f64" ? Float64Array : Float32Array) : dtype === "f64" ? Float64Array : dtype === "i32" ? Int32Array : Uint8Array;
  return activePool ? activePool.alloc(kind, n) : new kind(n);
}

type ArrayKind = Float32ArrayConstructor | Float64ArrayConstructor | Int32ArrayConstructor | Uint8ArrayConstructor;

/**
 * Arrays recycled by the interpreter. While a pool is active (`withPool`), `allocData` allocates
 * through it; the interpreter hands back (`release`) the arrays of values it no longer needs, and
 * a later allocation of the same kind and length gets one of them, zero-filled. A fresh large
 * array costs page faults and garbage collection; clearing a used one is cheap. When the
 * evaluation ends (`retire`) its free arrays are kept for the next evaluations, weakly: the next
 * garbage collection after the current job may free them. Only arrays given out by this pool are
 * ever released to it, and only large ones are recycled (small arrays are cheap).
 */
export class ArrayPool {
  private readonly free = new Map<string, TensorData[]>();
  private readonly allocated = new WeakSet<TensorData>();

  alloc(kind: ArrayKind, n: number): TensorData {
    if (n < POOLED) return new kind(n);
    const key = `${kind.name}:${n}`;
    const reused = this.free.get(key)?.pop() ?? takeSpare(key);
    const data = reused?.fill(0) ?? new kind(n);
    this.allocated.add(data);
    return data;
  }

  /** Whether this pool gave out `data` (which may then be released to it). */
  owns(data: TensorData): boolean {
    return this.allocated.has(data);
  }

  /** `data` (given out by this pool) is not used any more. */
  release(data: TensorData): void {
    const key = `${data.constructor.name}:${data.length}`;
    const list = this.free.get(key);
    if (list) list.push(data);
    else this.free.set(key, [data]);
  }

  /** The evaluation is over: its free arrays become spares for the next ones. */
  retire(): void {
    for (const [key, list] of this.free) {
      const refs = (spare.get(key) ?? []).filter((r) => r.deref() !== undefined);
      for (const data of list) refs.push(new WeakRef(data));
      spare.set(key, refs);
    }
    this.free.clear();
  }
}

/** Free arrays of finished evaluations, by kind and length, weakly held. */
const spare = new Map<string, WeakRef<TensorData>[]>();

function takeSpare(key: string): TensorData | undefined {
  const refs = spare.get(key);
  while (refs && refs.length > 0) {
    const data = refs.pop()!.deref();
    if (data !== undefined) return data;
  }
  return undefined;
}

/** Arrays shorter than this are allocated afresh (cheap for V8) and never recycled. */
const POOLED = 1024;

let activePool: ArrayPool | null = null;

/** Runs `f` with `pool` serving `allocData`. */
export function withPool<T>(pool: ArrayPool, f: () => T): T {
  const previous = activePool;
  activePool = pool;
  try {
    return f();
  } finally {
    activePool = previous;
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

/**
 * Calls `f(flatIndex, multiIndex)` for every element of `shape` in row-major order (one closure
 * call per element: for small or rare loops; the hot rules walk strided runs instead).
 */
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

/** A strided view of a flat array: element `idx` is at `offset + sum(idx[d] * strides[d])`. */
export interface View {
  readonly offset: number;
  readonly strides: readonly number[]; // one per axis; 0 repeats, negative walks backwards
}

/** The row-major view of a whole array of `shape`. */
export function contiguous(shape: Shape, offset = 0): View {
  const strides = new Array<number>(shape.length);
  let acc = 1;
  for (let d = shape.length - 1; d >= 0; d--) {
    strides[d] = acc;
    acc *= shape[d]!;
  }
  return { offset, strides };
}

/**
 * A row-major walk over the indices of `shape` through two views `a` and `b`, cut into `count`
 * runs of `length` elements: element j of run r is at `aStart[r] + j * aStep` in a's array and
 * `bStart[r] + j * bStep` in b's. The runs visit the indices in row-major order, so a loop over
 * them sees the elements in exactly the order of a loop over flat indices. (Offsets are int32:
 * arrays hold fewer than 2^31 elements.)
 */
export interface StridedRuns {
  readonly count: number;
  readonly length: number;
  readonly aStep: number;
  readonly bStep: number;
  readonly aStart: Int32Array;
  readonly bStart: Int32Array;
}

/**
 * The runs of `shape` through views `a` and `b`. Size-1 axes are dropped and neighbouring axes
 * are merged where both views step across them evenly (outer stride = inner stride * inner
 * dim), so the runs are as long as the views allow; the row-major order is unchanged.
 */
export function stridedRuns(shape: Shape, a: View, b: View): StridedRuns {
  const dims: number[] = [];
  const as: number[] = [];
  const bs: number[] = [];
  for (let d = 0; d < shape.length; d++) {
    const n = shape[d]!;
    if (n === 0) return { count: 0, length: 0, aStep: 0, bStep: 0, aStart: new Int32Array(0), bStart: new Int32Array(0) };
    if (n === 1) continue;
    const q = dims.length - 1;
    if (q >= 0 && as[q] === a.strides[d]! * n && bs[q] === b.strides[d]! * n) {
      dims[q]! *= n;
      as[q] = a.strides[d]!;
      bs[q] = b.strides[d]!;
    } else {
      dims.push(n);
      as.push(a.strides[d]!);
      bs.push(b.strides[d]!);
    }
  }
  const r = dims.length - 1; // the last (merged) axis is the run; the others count runs
  const length = r >= 0 ? dims[r]! : 1;
  let count = 1;
  for (let d = 0; d < r; d++) count *= dims[d]!;
  const aStart = new Int32Array(count);
  const bStart = new Int32Array(count);
  const idx = new Array<number>(Math.max(r, 0)).fill(0);
  let ao = a.offset;
  let bo = b.offset;
  for (let k = 0; k < count; k++) {
    aStart[k] = ao;
    bStart[k] = bo;
    // odometer over the outer axes, moving both offsets along
    for (let d = r - 1; d >= 0; d--) {
      ao += as[d]!;
      bo += bs[d]!;
      if (++idx[d]! < dims[d]!) break;
      ao -= as[d]! * dims[d]!;
      bo -= bs[d]! * dims[d]!;
      idx[d] = 0;
    }
  }
  return { count, length, aStep: r >= 0 ? as[r]! : 0, bStep: r >= 0 ? bs[r]! : 0, aStart, bStart };
}

/** Below this many elements a run is copied by a plain loop (cheaper than a subarray object). */
const BLOCK = 64;

/**
 * `dst` through view a of `runs` <- `src` through view b: each element of a's view (which must
 * address distinct elements, so the order of the writes does not matter) gets its element of
 * b's, converted as by `dst[i] = src[j]` (TypedArray `set` and `fill` convert the same way).
 */
export function copyRuns(dst: TensorData, src: TensorData, runs: StridedRuns): void {
  const { count, length: n, aStep, bStep, aStart, bStart } = runs;
  for (let k = 0; k < count; k++) {
    let a = aStart[k]!;
    let b = bStart[k]!;
    if (aStep === 1 && bStep === 1 && n >= BLOCK) dst.set(src.subarray(b, b + n), a); // a contiguous block
    else if (aStep === 1 && bStep === 0 && n >= BLOCK) dst.fill(src[b]!, a, a + n); // one value repeated
    else if (bStep !== 1 && sideBySide(runs, k, 8)) {
      // a transpose: runs k to k + 7 start at neighbouring source elements; copied together,
      // each source cache line read serves all eight
      const a1 = aStart[k + 1]! - a, a2 = aStart[k + 2]! - a, a3 = aStart[k + 3]! - a, a4 = aStart[k + 4]! - a;
      const a5 = aStart[k + 5]! - a, a6 = aStart[k + 6]! - a, a7 = aStart[k + 7]! - a;
      for (let j = 0; j < n; j++, a += aStep, b += bStep) {
        dst[a] = src[b]!;
        dst[a + a1] = src[b + 1]!;
        dst[a + a2] = src[b + 2]!;
        dst[a + a3] = src[b + 3]!;
        dst[a + a4] = src[b + 4]!;
        dst[a + a5] = src[b + 5]!;
        dst[a + a6] = src[b + 6]!;
        dst[a + a7] = src[b + 7]!;
      }
      k += 7;
    } else for (let j = 0; j < n; j++, a += aStep, b += bStep) dst[a] = src[b]!;
  }
}

/** Whether runs k, ..., k + g - 1 exist and start at neighbouring elements of b's array. */
function sideBySide({ count, bStart }: StridedRuns, k: number, g: number): boolean {
  if (k + g > count) return false;
  for (let t = 1; t < g; t++) if (bStart[k + t] !== bStart[k]! + t) return false;
  return true;
}
