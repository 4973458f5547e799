// The IR builder: the API the AST lowering and the VJP rules use to make nodes. It does the
// NumPy-level conveniences that the primitives leave out: broadcasting of elementwise operands,
// negative axes, rank-1 and batch-broadcast matmul, NumPy slices (negative steps become
// `reverse`), advanced indexing, one-hot, mean, and random draws. Every node goes through
// `IrContext.intern`, so the primitive shape rules check it and equal constructions share it.
// Misuse (mismatched dtypes, bad axes) is a CompilerBug: the checker has already rejected such
// programs with a diagnostic.

import { CompilerBug } from "../diag/diagnostic.js";
import { convertScalar, isFloat, type DType } from "./dtype.js";
import { IrContext, type Node } from "./node.js";
import { BINARY_OPS, Op, UNARY_OPS, type BinaryOpName, type InputKind, type LiteralData, type OpArgs, type UnaryOpName } from "./ops.js";
import { broadcastShapes, numel, normaliseAxis, shapesEqual, showShape, type Shape } from "./shape.js";
import { reducedShape } from "./prims/reduce.js";

export type { BinaryOpName, UnaryOpName } from "./ops.js";

export type RandomDist = "uniform" | "normal" | "bernoulli";

/** Parameters of a random draw; numbers or scalar float nodes. */
export interface RandomParams {
  readonly lo?: number | Node; // uniform, default 0
  readonly hi?: number | Node; // uniform, default 1
  readonly mean?: number | Node; // normal, default 0
  readonly std?: number | Node; // normal, default 1
  readonly p?: number | Node; // bernoulli, default 0.5
  readonly dtype?: DType; // uniform and normal, default f32
  /** Picks an independent stream for the same seed (normal uses `salt` and `salt + 1`). */
  readonly salt?: number;
}

const unaryOps = new Set<string>(UNARY_OPS);
const binaryOps = new Set<string>(BINARY_OPS);

export class IrBuilder {
  constructor(readonly ctx: IrContext) {}

  /** A node of any op, checked by its shape rule (no conveniences). */
  node<O extends Op>(op: O, arg: OpArgs[O], src: readonly Node[] = []): Node<O> {
    return this.ctx.intern(op, arg, src);
  }

  // ---------------------------------------------------------------- leaves

  input(name: string, kind: InputKind, dtype: DType, shape: Shape): Node {
    return this.node(Op.Input, { name, kind, dtype, shape: [...shape] });
  }

  /** `value` converted to `dtype` (ints truncate and saturate), splatted to `shape`. */
  constant(value: number, dtype: DType, shape: Shape = []): Node {
    return this.node(Op.Constant, { value: convertScalar(value, dtype), dtype, shape: [...shape] });
  }

  literal(data: ArrayLike<number>, dtype: DType, shape: Shape): Node {
    const copy: LiteralData = isFloat(dtype) ? new Float64Array(data.length) : dtype === "i32" ? new Int32Array(data.length) : new Uint8Array(data.length);
    for (let i = 0; i < data.length; i++) copy[i] = convertScalar(data[i]!, dtype);
    return this.node(Op.Literal, { data: copy, dtype, shape: [...shape] });
  }

  /** 0, 1, ..., n-1. */
  iota(n: number, dtype: DType = "i32"): Node {
    return this.iotaNd([n], 0, dtype);
  }

  /** The index along `axis` at every position of `shape`. */
  iotaNd(shape: Shape, axis: number, dtype: DType = "i32"): Node {
    return this.node(Op.Iota, { axis: normaliseAxis(axis, shape.length), dtype, shape: [...shape] });
  }

  /** A splat of `value` with the dtype and shape of `like`. */
  full(value: number, like: { readonly dtype: DType; readonly shape: Shape }): Node {
    return this.constant(value, like.dtype, like.shape);
  }

  // ---------------------------------------------------------------- elementwise

  unary(op: UnaryOpName, x: Node): Node {
    if (!unaryOps.has(op)) throw new CompilerBug(`unknown unary op \`${op}\``);
    return this.node(op as Op.Neg, null, [x]);
  }

  /** NumPy broadcasting; dtypes must match (the caller casts). */
  binary(op: BinaryOpName, a: Node, b: Node): Node {
    if (!binaryOps.has(op)) throw new CompilerBug(`unknown binary op \`${op}\``);
    const [x, y] = this.broadcastAll(op, a, b);
    return this.node(op as Op.Add, null, [x!, y!]);
  }

  where(c: Node, a: Node, b: Node): Node {
    const [cc, aa, bb] = this.broadcastAll("where", c, a, b);
    return this.node(Op.Where, null, [cc!, aa!, bb!]);
  }

  cast(x: Node, dtype: DType): Node {
    if (x.dtype === dtype) return x;
    if (x.op === Op.Constant) return this.constant((x as Node<Op.Constant>).arg.value, dtype, x.shape);
    return this.node(Op.Cast, { dtype }, [x]);
  }

  // ---------------------------------------------------------------- reductions

  /**
   * `mean` of an integer or bool tensor is f32 (the fraction of trues for bools); `max` and `min`
   * of bools are `any` and `all`.
   */
  reduce(op: "sum" | "max" | "min" | "mean" | "prod", x: Node, axes: readonly number[] | "all", keepdims: boolean): Node {
    const ax = this.axes(x, axes);
    if (op === "mean") {
      const xf = isFloat(x.dtype) ? x : this.cast(x, "f32");
      const count = ax.reduce((n, a) => n * x.shape[a]!, 1);
      const s = this.reduce("sum", xf, ax, keepdims);
      return this.binary("div", s, this.constant(count, xf.dtype));
    }
    if (ax.length === 0) return x;
    const o = op === "sum" ? Op.ReduceSum : op === "max" ? Op.ReduceMax : op === "min" ? Op.ReduceMin : Op.ReduceProd;
    return this.node(o, { axes: ax, keepdims }, [x]);
  }

  argReduce(op: "argmax" | "argmin", x: Node, axis: number, keepdims: boolean): Node {
    return this.node(op === "argmax" ? Op.ArgMax : Op.ArgMin, { axis: normaliseAxis(axis, x.rank), keepdims }, [x]);
  }

  /** Sums `x` down to `shape`, which broadcasts to x's shape: the transpose of broadcastTo. */
  sumTo(x: Node, shape: Shape): Node {
    if (shapesEqual(x.shape, shape)) return x;
    const lead = x.rank - shape.length;
    const axes: number[] = [];
    for (let i = 0; i < x.rank; i++) if (i < lead || (shape[i - lead] === 1 && x.shape[i] !== 1)) axes.push(i);
    return this.reshape(this.reduce("sum", x, axes, false), shape);
  }

  // ---------------------------------------------------------------- linear algebra

  /** NumPy matmul: rank-1 operands are a row (left) or column (right) vector, then dropped; batch dims broadcast. */
  matmul(a: Node, b: Node): Node {
    if (a.rank === 0 || b.rank === 0) throw new CompilerBug(`matmul of a scalar: ${showShape(a.shape)} @ ${showShape(b.shape)}`);
    const a2 = a.rank === 1 ? this.reshape(a, [1, a.shape[0]!]) : a;
    const b2 = b.rank === 1 ? this.reshape(b, [b.shape[0]!, 1]) : b;
    const batchA = a2.shape.slice(0, -2);
    const batchB = b2.shape.slice(0, -2);
    const batch = broadcastShapes(batchA, batchB);
    if (batch === undefined) throw new CompilerBug(`matmul batch dims do not broadcast: ${showShape(a.shape)} @ ${showShape(b.shape)}`);
    const a3 = this.broadcastTo(a2, [...batch, ...a2.shape.slice(-2)]);
    const b3 = this.broadcastTo(b2, [...batch, ...b2.shape.slice(-2)]);
    const out = this.node(Op.MatMul, null, [a3, b3]);
    const dims = [...batch, ...(a.rank === 1 ? [] : [a2.shape[a2.rank - 2]!]), ...(b.rank === 1 ? [] : [b2.shape[b2.rank - 1]!])];
    return this.reshape(out, dims);
  }

  // ---------------------------------------------------------------- movement

  /** One dim may be -1 (inferred). */
  reshape(x: Node, shape: Shape): Node {
    const dims = [...shape];
    const unknown = dims.indexOf(-1);
    if (unknown >= 0) {
      const rest = dims.reduce((n, d, i) => (i === unknown ? n : n * d), 1);
      dims[unknown] = rest === 0 ? 0 : numel(x.shape) / rest;
    }
    if (shapesEqual(dims, x.shape)) return x;
    if (x.op === Op.Constant && numel(dims) === numel(x.shape)) return this.constant((x as Node<Op.Constant>).arg.value, x.dtype, dims);
    return this.node(Op.Reshape, { shape: dims }, [x]);
  }

  /** Permutes the axes (negative entries allowed); by default swaps the last two. */
  transpose(x: Node, perm?: readonly number[]): Node {
    let p: number[];
    if (perm === undefined) {
      if (x.rank < 2) throw new CompilerBug(`transpose needs rank >= 2, got ${showShape(x.shape)}`);
      p = x.shape.map((_, i) => i);
      [p[x.rank - 2], p[x.rank - 1]] = [x.rank - 1, x.rank - 2];
    } else p = perm.map((a) => normaliseAxis(a, x.rank, "transpose axis"));
    if (p.every((a, i) => a === i)) return x;
    return this.node(Op.Transpose, { perm: p }, [x]);
  }

  broadcastTo(x: Node, shape: Shape): Node {
    if (shapesEqual(x.shape, shape)) return x;
    if (x.op === Op.Constant) {
      if (broadcastShapes(x.shape, shape) === undefined) throw new CompilerBug(`cannot broadcast ${showShape(x.shape)} to ${showShape(shape)}`);
      return this.constant((x as Node<Op.Constant>).arg.value, x.dtype, shape);
    }
    return this.node(Op.Broadcast, { shape: [...shape] }, [x]);
  }

  /**
   * NumPy basic slicing per axis (fewer entries than the rank leave the last axes whole).
   * Starts and stops may be negative (from the end) or +-Infinity (an open end); steps are
   * non-zero and may be negative.
   */
  slice(x: Node, starts: readonly number[], stops: readonly number[], steps: readonly number[]): Node {
    if (starts.length > x.rank || stops.length !== starts.length || steps.length !== starts.length) throw new CompilerBug(`slice of ${showShape(x.shape)} with ${starts.length}/${stops.length}/${steps.length} bounds`);
    const lo: number[] = [];
    const hi: number[] = [];
    const st: number[] = [];
    const flip: number[] = [];
    x.shape.forEach((n, i) => {
      const step = steps[i] ?? 1;
      if (!Number.isInteger(step) || step === 0) throw new CompilerBug(`slice step ${step} on axis ${i}`);
      const [a, len] = sliceIndices(starts[i] ?? 0, stops[i] ?? n, step, n);
      if (step > 0) {
        lo.push(a);
        hi.push(len === 0 ? a : a + (len - 1) * step + 1);
        st.push(step);
      } else {
        // elements a, a+step, ... are, on the reversed axis, n-1-a, n-1-a+|step|, ...
        flip.push(i);
        const r = n - 1 - a;
        lo.push(len === 0 ? 0 : r);
        hi.push(len === 0 ? 0 : r + (len - 1) * -step + 1);
        st.push(-step);
      }
    });
    const y = flip.length > 0 ? this.reverse(x, flip) : x;
    if (lo.every((v) => v === 0) && hi.every((v, i) => v === y.shape[i]) && st.every((v) => v === 1)) return y;
    return this.node(Op.Slice, { starts: lo, stops: hi, steps: st }, [y]);
  }

  /** Zero padding: `lo` before, `hi` after and `interior` between the elements of each axis. */
  pad(x: Node, lo: readonly number[], hi: readonly number[], interior?: readonly number[]): Node {
    const inner = interior ?? lo.map(() => 0);
    if ([...lo, ...hi, ...inner].every((v) => v === 0)) return x;
    return this.node(Op.Pad, { lo: [...lo], hi: [...hi], interior: [...inner] }, [x]);
  }

  reverse(x: Node, axes: readonly number[]): Node {
    const ax = this.axes(x, axes).filter((a) => x.shape[a]! > 1);
    if (ax.length === 0) return x;
    return this.node(Op.Reverse, { axes: ax }, [x]);
  }

  concat(xs: readonly Node[], axis: number): Node {
    if (xs.length === 0) throw new CompilerBug("concat of no tensors");
    if (xs.length === 1) return xs[0]!;
    return this.node(Op.Concat, { axis: normaliseAxis(axis, xs[0]!.rank) }, xs);
  }

  // ---------------------------------------------------------------- indexing

  /** Rows of `table` at i32 indices: shape [...idx, ...table.shape[1:]] (embedding lookup). */
  take(table: Node, idx: Node): Node {
    if (table.rank === 0) throw new CompilerBug("take from a scalar");
    return this.gatherNd(table, this.reshape(idx, [...idx.shape, 1]));
  }

  /**
   * NumPy advanced indexing: `indices[i]` indexes axis i (an i32 tensor; all of them broadcast
   * together) or is null for the whole axis; missing trailing entries are null. The broadcast
   * index dims replace the indexed axes in place when those are adjacent, and come first
   * otherwise (NumPy's rule). Indices are clamped to the axis, not wrapped when negative.
   */
  gather(x: Node, indices: readonly (Node | null)[]): Node {
    if (indices.length > x.rank) throw new CompilerBug(`${indices.length} indices for a tensor of rank ${x.rank}`);
    const adv: number[] = [];
    indices.forEach((ix, i) => ix !== null && adv.push(i));
    if (adv.length === 0) return x;
    const others = x.shape.map((_, i) => i).filter((i) => !adv.includes(i));
    const xt = this.transpose(x, [...adv, ...others]);
    const idxs = adv.map((i) => indices[i]!);
    let s: number[] = [];
    for (const ix of idxs) {
      const b = broadcastShapes(s, ix.shape);
      if (b === undefined) throw new CompilerBug(`index shapes do not broadcast: ${idxs.map((n) => showShape(n.shape)).join(", ")}`);
      s = b;
    }
    const stacked = this.concat(idxs.map((ix) => this.reshape(this.broadcastTo(ix, s), [...s, 1])), -1);
    const g = this.gatherNd(xt, stacked);
    const contiguous = adv.every((a, i) => a === adv[0]! + i);
    if (!contiguous || adv[0] === 0) return g;
    const ns = s.length;
    const p = adv[0]!;
    const perm = [...others.slice(0, p).map((_, i) => ns + i), ...s.map((_, i) => i), ...others.slice(p).map((_, i) => ns + p + i)];
    return this.transpose(g, perm);
  }

  /** The gather primitive: idx [...S, k] of i32 index tuples into the first k axes of x. */
  gatherNd(x: Node, idx: Node): Node {
    return this.node(Op.Gather, null, [x, idx]);
  }

  /** Zeros of `shape` with `updates` added at the index tuples `idx` (the transpose of gatherNd). */
  scatterAdd(idx: Node, updates: Node, shape: Shape): Node {
    return this.node(Op.ScatterAdd, { shape: [...shape] }, [idx, updates]);
  }

  /** f32 one-hot vectors of length n: shape [...idx, n]. */
  oneHot(idx: Node, n: number): Node {
    return this.cast(this.binary("eq", this.reshape(idx, [...idx.shape, 1]), this.iota(n, idx.dtype)), "f32");
  }

  // ---------------------------------------------------------------- random

  /**
   * A reproducible random draw from an i32 scalar seed (see runtime/random.ts for the stream):
   * uniform in [lo, hi) is lo + (hi - lo) u; normal is mean + std z with the Box-Muller
   * transform z = sqrt(-2 log(1 - u1)) cos(2 pi u2) of the streams `salt` and `salt + 1`;
   * bernoulli is u < p (bool).
   */
  random(dist: RandomDist, shape: Shape, seed: Node, params: RandomParams = {}): Node {
    const dtype = params.dtype ?? "f32";
    const salt = params.salt ?? 0;
    const s = seed.dtype === "i32" ? seed : this.cast(seed, "i32");
    const unit = (k: number) => this.node(Op.BitsToUnit, { dtype }, [this.node(Op.RandomBits, { shape: [...shape], salt: k }, [s])]);
    const num = (v: number | Node | undefined, dflt: number) => (v === undefined ? this.constant(dflt, dtype) : typeof v === "number" ? this.constant(v, dtype) : v);
    if (dist === "bernoulli") return this.binary("lt", unit(salt), num(params.p, 0.5));
    if (dist === "uniform") {
      const u = unit(salt);
      if ((params.lo ?? 0) === 0 && (params.hi ?? 1) === 1) return u;
      const lo = num(params.lo, 0);
      return this.binary("add", lo, this.binary("mul", this.binary("sub", num(params.hi, 1), lo), u));
    }
    const one = this.constant(1, dtype, shape);
    const r = this.unary("sqrt", this.binary("mul", this.constant(-2, dtype), this.unary("log", this.binary("sub", one, unit(salt)))));
    const z = this.binary("mul", r, this.unary("cos", this.binary("mul", this.constant(2 * Math.PI, dtype), unit(salt + 1))));
    if ((params.mean ?? 0) === 0 && (params.std ?? 1) === 1) return z;
    return this.binary("add", num(params.mean, 0), this.binary("mul", num(params.std, 1), z));
  }

  // ---------------------------------------------------------------- gradient markers

  stopGradient(x: Node): Node {
    return this.node(Op.StopGradient, null, [x]);
  }

  /**
   * The value of `forward` with the gradient of `surrogate`. Both are broadcast to a common
   * shape; `forward` is cast to the surrogate's dtype.
   */
  straightThrough(forward: Node, surrogate: Node): Node {
    const [f, s] = this.broadcastAll("straight_through", this.cast(forward, surrogate.dtype), surrogate);
    return this.node(Op.StraightThrough, null, [f!, s!]);
  }

  // ---------------------------------------------------------------- helpers

  private broadcastAll(what: string, ...xs: Node[]): Node[] {
    let shape: number[] | undefined = [...xs[0]!.shape];
    for (const x of xs.slice(1)) {
      shape = broadcastShapes(shape, x.shape);
      if (shape === undefined) throw new CompilerBug(`${what}: shapes ${xs.map((n) => showShape(n.shape)).join(" and ")} do not broadcast`);
    }
    return xs.map((x) => this.broadcastTo(x, shape!));
  }

  /** Normalised, sorted, distinct axes. */
  private axes(x: Node, axes: readonly number[] | "all"): number[] {
    if (axes === "all") return x.shape.map((_, i) => i);
    const out = axes.map((a) => normaliseAxis(a, x.rank)).sort((a, b) => a - b);
    if (out.some((a, i) => i > 0 && a === out[i - 1])) throw new CompilerBug(`repeated axis in [${axes.join(",")}]`);
    return out;
  }
}

/** Python's slice.indices: the normalised start and the number of elements. */
export function sliceIndices(start: number, stop: number, step: number, n: number): [number, number] {
  const clamp = (v: number, lo: number, hi: number) => Math.min(Math.max(v, lo), hi);
  const [lower, upper] = step > 0 ? [0, n] : [-1, n - 1];
  const norm = (v: number) => clamp(v < 0 ? v + n : v, lower, upper);
  const a = norm(start);
  const z = norm(stop);
  const len = step > 0 ? Math.max(0, Math.ceil((z - a) / step)) : Math.max(0, Math.ceil((a - z) / -step));
  return [a, len];
}

export { reducedShape };
