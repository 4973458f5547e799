// Data for a training run: the data set's tensors (computed once by its IR function), a seeded
// shuffle, the train/test split of `data d = ... split f`, and fixed-size batches. An epoch is
// one pass over a fresh permutation; the last incomplete batch is dropped, so every batch has
// the size the step function was compiled for.

import type { Tensor } from "./tensor.js";
import { allocData } from "./tensor.js";

/** A small seeded generator (mulberry32) for shuffles: reproducible across runs and platforms. */
export function seededRandom(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

export function permutation(n: number, random: () => number): Int32Array {
  const p = new Int32Array(n);
  for (let i = 0; i < n; i++) p[i] = i;
  for (let i = n - 1; i > 0; i--) {
    const j = Math.floor(random() * (i + 1));
    const t = p[i]!;
    p[i] = p[j]!;
    p[j] = t;
  }
  return p;
}

/** Rows `rows` of every field (the leading dimension indexes examples). */
export function takeRows(fields: Record<string, Tensor>, rows: ArrayLike<number>): Record<string, Tensor> {
  const out: Record<string, Tensor> = {};
  for (const [name, t] of Object.entries(fields)) {
    const width = t.shape.slice(1).reduce((a, b) => a * b, 1);
    const data = allocData(t.dtype, rows.length * width, t.data instanceof Float64Array ? "f64" : "f32");
    for (let r = 0; r < rows.length; r++) data.set(t.data.subarray(rows[r]! * width, (rows[r]! + 1) * width), r * width);
    out[name] = { dtype: t.dtype, shape: [rows.length, ...t.shape.slice(1)], data };
  }
  return out;
}

export function exampleCount(fields: Record<string, Tensor>): number {
  const first = Object.values(fields)[0];
  return first ? first.shape[0]! : 0;
}

/**
 * The part of a split data set: a permutation seeded by `seed` (the same for train and test,
 * so they are disjoint), then the first round(n * fraction) examples for train, the rest for test.
 */
export function splitRows(n: number, fraction: number, part: "train" | "test", seed: number): Int32Array {
  const p = permutation(n, seededRandom(seed ^ 0x5eed));
  const k = Math.round(n * fraction);
  return part === "train" ? p.slice(0, k) : p.slice(k);
}

/**
 * Fixed-size batches over a data set. The batch of a step is a pure function of the seed and the
 * step number (epoch e uses a permutation seeded by (seed, e)), so a run resumed from a
 * checkpoint at step k sees exactly the batches an uninterrupted run would.
 */
export class Batches {
  private cachedEpoch = -1;
  private order: Int32Array = new Int32Array(0);
  readonly perEpoch: number;

  constructor(
    private readonly fields: Record<string, Tensor>,
    readonly size: number,
    private readonly shuffle: boolean,
    private readonly seed: number,
  ) {
    const n = exampleCount(fields);
    if (n < size) throw new Error(`the data set has ${n} examples, fewer than one batch of ${size}`);
    this.perEpoch = Math.floor(n / size);
  }

  private orderFor(epoch: number): Int32Array {
    if (epoch !== this.cachedEpoch) {
      const n = exampleCount(this.fields);
      if (this.shuffle) this.order = permutation(n, seededRandom(Math.imul(this.seed ^ 0x9e3779b9, 0x85ebca6b) ^ epoch));
      else {
        this.order = new Int32Array(n);
        for (let i = 0; i < n; i++) this.order[i] = i;
      }
      this.cachedEpoch = epoch;
    }
    return this.order;
  }

  /** The batch of training step `step` (0-based). */
  at(step: number): Record<string, Tensor> {
    const epoch = Math.floor(step / this.perEpoch);
    const pos = (step % this.perEpoch) * this.size;
    return takeRows(this.fields, this.orderFor(epoch).subarray(pos, pos + this.size));
  }
}
