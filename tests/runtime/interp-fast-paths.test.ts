// The interpreter's fast paths against straightforward loops, bit for bit. The evaluation rules
// of matmul, the movement ops, the reductions, gather/scatter_add and the elementwise ops with
// their own loops run strided walks, register-blocked sums and recycled arrays; each is compared
// here with a small independent implementation that does the obvious thing one element at a
// time (a fresh index array per element, the same operations in the same order per result
// element), on fast-check shapes (empty and size-1 axes included, and long axes for the
// block-copy paths), values with -0, NaN, infinities and ties, in f32 and f64 modes, by comparing
// the bytes of the typed arrays. A last property runs random graphs through `interpret` (which
// recycles arrays, also from one run to the next) and through the rules one node at a time with
// fresh arrays.

import fc from "fast-check";
import { describe, expect, test } from "vitest";
import type { DType } from "../../compiler/ir/dtype.js";
import { toposort } from "../../compiler/ir/graph.js";
import type { Node } from "../../compiler/ir/node.js";
import { Op, type OpArgs } from "../../compiler/ir/ops.js";
import { ruleOf, type EvalEnv } from "../../compiler/ir/primitives.js";
import { numel } from "../../compiler/ir/shape.js";
import { interpret } from "../../runtime/interp.js";
import { allocData, type FloatMode, type Tensor, type TensorData } from "../../runtime/tensor.js";
import { FC_SEED, fnOf, rng, setup } from "../ir/helpers.js";

const MODES: readonly FloatMode[] = ["f32", "f64"];
const RUNS = { seed: FC_SEED, numRuns: 120 };

// ---------------------------------------------------------------- tensors and comparison

const SPECIAL = [0, -0, 1, -1, 2, 0.5, 3, NaN, Infinity, -Infinity, 1e-40, 3e38, 1e300, 0.1, -2.5];

/** A value of `dtype`: specials, small integers (ties, exact sums) or values over many scales. */
function value(dtype: DType, r: () => number): number {
  const u = r();
  if (dtype === "bool") return u < 0.5 ? 0 : 1;
  if (dtype === "i32") return u < 0.3 ? Math.floor(r() * 7) - 3 : u < 0.4 ? [2147483647, -2147483648][Math.floor(r() * 2)]! : Math.floor((r() - 0.5) * 4294967296);
  if (u < 0.15) return SPECIAL[Math.floor(r() * SPECIAL.length)]!;
  if (u < 0.35) return Math.floor(r() * 9) - 4;
  return (r() - 0.5) * 10 ** (r() * 8 - 4);
}

/** A tensor stored as the interpreter stores it in `mode`, with values from seed `seed`. */
function make(dtype: DType, shape: readonly number[], mode: FloatMode, seed: number): Tensor {
  const r = rng(seed);
  const data = allocData(dtype, numel(shape), mode);
  for (let i = 0; i < data.length; i++) data[i] = value(dtype, r);
  return { dtype, shape: [...shape], data };
}

/** The result array the naive implementations fill (the interpreter's storage for `dtype`). */
const empty = (dtype: DType, shape: readonly number[], mode: FloatMode): Tensor => ({ dtype, shape: [...shape], data: allocData(dtype, numel(shape), mode) });

const bytes = (d: TensorData) => Array.from(new Uint8Array(d.buffer, d.byteOffset, d.byteLength));

function expectSame(got: Tensor, want: Tensor): void {
  expect(got.dtype).toBe(want.dtype);
  expect(got.shape).toEqual(want.shape);
  expect(got.data.constructor).toBe(want.data.constructor);
  expect(bytes(got.data)).toEqual(bytes(want.data));
}

/** One rule's evaluation, as the interpreter calls it. */
function run<O extends Op>(op: O, arg: OpArgs[O], src: Tensor[], mode: FloatMode): Tensor {
  const rule = ruleOf(op);
  const out = rule.shape(arg, src);
  const env: EvalEnv = { mode, input: () => expect.unreachable("no inputs") };
  return rule.eval(arg, src, out, env);
}

// ---------------------------------------------------------------- naive index arithmetic

function unravel(flat: number, shape: readonly number[]): number[] {
  const idx = new Array<number>(shape.length);
  for (let d = shape.length - 1; d >= 0; d--) {
    idx[d] = flat % shape[d]!;
    flat = Math.floor(flat / shape[d]!);
  }
  return idx;
}

function ravel(idx: readonly number[], shape: readonly number[]): number {
  let o = 0;
  for (let d = 0; d < shape.length; d++) o = o * shape[d]! + idx[d]!;
  return o;
}

/** f(flat, multi-index) for every element of `shape`, in row-major order. */
function each(shape: readonly number[], f: (flat: number, idx: number[]) => void): void {
  const n = numel(shape);
  for (let flat = 0; flat < n; flat++) f(flat, unravel(flat, shape));
}

// ---------------------------------------------------------------- arbitraries

/** Mostly small dims (0 and 1 included), sometimes a long one (block copies, 8-wide sums). */
const dimArb = fc.oneof({ arbitrary: fc.integer({ min: 0, max: 4 }), weight: 5 }, { arbitrary: fc.constantFrom(1, 8, 9, 64, 67), weight: 1 });
const shapeArb = (minRank: number, maxRank: number) => fc.array(dimArb, { minLength: minRank, maxLength: maxRank }).filter((s) => numel(s) <= 3000);
const seedArb = fc.integer({ min: 0, max: 2 ** 31 - 1 });
const dtypeArb = fc.constantFrom<DType>("f32", "f64", "i32", "bool");
const numericArb = fc.constantFrom<DType>("f32", "f64", "i32");

// ---------------------------------------------------------------- movement

describe("movement ops equal element-by-element copies", () => {
  test("transpose", () => {
    const arb = shapeArb(1, 4).chain((s) => fc.tuple(fc.constant(s), fc.shuffledSubarray(s.map((_, i) => i), { minLength: s.length, maxLength: s.length })));
    fc.assert(
      fc.property(arb, dtypeArb, seedArb, ([shape, perm], dtype, seed) => {
        for (const mode of MODES) {
          const x = make(dtype, shape, mode, seed);
          const want = empty(dtype, perm.map((p) => shape[p]!), mode);
          each(want.shape, (f, idx) => {
            const at = new Array<number>(shape.length);
            perm.forEach((p, d) => (at[p] = idx[d]!));
            want.data[f] = x.data[ravel(at, shape)]!;
          });
          expectSame(run(Op.Transpose, { perm }, [x], mode), want);
        }
      }),
      RUNS,
    );
  });

  test("broadcast", () => {
    // a target shape, and a source that drops leading axes and sets some to 1
    const arb = fc.tuple(shapeArb(0, 4), fc.nat(), fc.nat()).map(([to, drop, ones]) => {
      const from = to.slice(drop % (to.length + 1)).map((d, i) => ((ones >> i) & 1 ? 1 : d));
      return [from, to] as const;
    });
    fc.assert(
      fc.property(arb, dtypeArb, seedArb, ([from, to], dtype, seed) => {
        for (const mode of MODES) {
          const x = make(dtype, from, mode, seed);
          const want = empty(dtype, to, mode);
          const off = to.length - from.length;
          each(to, (f, idx) => (want.data[f] = x.data[ravel(from.map((d, j) => (d === 1 ? 0 : idx[off + j]!)), from)]!));
          expectSame(run(Op.Broadcast, { shape: to }, [x], mode), want);
        }
      }),
      RUNS,
    );
  });

  test("slice", () => {
    const arb = shapeArb(0, 4).chain((s) =>
      fc.tuple(
        fc.constant(s),
        fc.tuple(...s.map((d) => fc.tuple(fc.integer({ min: 0, max: d }), fc.integer({ min: 0, max: d }), fc.integer({ min: 1, max: 3 })))),
      ),
    );
    fc.assert(
      fc.property(arb, dtypeArb, seedArb, ([shape, bounds], dtype, seed) => {
        const starts = bounds.map(([a, z]) => Math.min(a, z));
        const stops = bounds.map(([a, z]) => Math.max(a, z));
        const steps = bounds.map(([, , st]) => st);
        for (const mode of MODES) {
          const x = make(dtype, shape, mode, seed);
          const want = empty(dtype, shape.map((_, d) => Math.max(0, Math.ceil((stops[d]! - starts[d]!) / steps[d]!))), mode);
          each(want.shape, (f, idx) => (want.data[f] = x.data[ravel(idx.map((i, d) => starts[d]! + i * steps[d]!), shape)]!));
          expectSame(run(Op.Slice, { starts, stops, steps }, [x], mode), want);
        }
      }),
      RUNS,
    );
  });

  test("pad", () => {
    const arb = shapeArb(0, 3).chain((s) => fc.tuple(fc.constant(s), fc.tuple(...s.map(() => fc.tuple(fc.nat(2), fc.nat(2), fc.nat(2))))));
    fc.assert(
      fc.property(arb, dtypeArb, seedArb, ([shape, widths], dtype, seed) => {
        const [lo, hi, interior] = [0, 1, 2].map((k) => widths.map((w) => w[k]!));
        for (const mode of MODES) {
          const x = make(dtype, shape, mode, seed);
          const want = empty(dtype, shape.map((d, i) => lo[i]! + hi[i]! + d + Math.max(0, d - 1) * interior[i]!), mode);
          each(shape, (f, idx) => (want.data[ravel(idx.map((i, d) => lo[d]! + i * (interior[d]! + 1)), want.shape)] = x.data[f]!));
          expectSame(run(Op.Pad, { lo: lo!, hi: hi!, interior: interior! }, [x], mode), want);
        }
      }),
      RUNS,
    );
  });

  test("reverse", () => {
    const arb = shapeArb(0, 4).chain((s) => fc.tuple(fc.constant(s), fc.subarray(s.map((_, i) => i))));
    fc.assert(
      fc.property(arb, dtypeArb, seedArb, ([shape, axes], dtype, seed) => {
        for (const mode of MODES) {
          const x = make(dtype, shape, mode, seed);
          const want = empty(dtype, shape, mode);
          each(shape, (f, idx) => (want.data[f] = x.data[ravel(idx.map((i, d) => (axes.includes(d) ? shape[d]! - 1 - i : i)), shape)]!));
          expectSame(run(Op.Reverse, { axes }, [x], mode), want);
        }
      }),
      RUNS,
    );
  });

  test("concat", () => {
    const arb = shapeArb(1, 4).chain((s) => fc.tuple(fc.constant(s), fc.nat(s.length - 1), fc.array(dimArb, { minLength: 1, maxLength: 4 })));
    fc.assert(
      fc.property(arb, dtypeArb, seedArb, ([shape, axis, sizes], dtype, seed) => {
        for (const mode of MODES) {
          const xs = sizes.map((n, i) => make(dtype, shape.map((d, a) => (a === axis ? n : d)), mode, seed + i));
          const want = empty(dtype, shape.map((d, a) => (a === axis ? sizes.reduce((s, n) => s + n, 0) : d)), mode);
          each(want.shape, (f, idx) => {
            let i = idx[axis]!;
            let k = 0;
            while (i >= sizes[k]!) i -= sizes[k++]!;
            want.data[f] = xs[k]!.data[ravel(idx.map((v, a) => (a === axis ? i : v)), xs[k]!.shape)]!;
          });
          expectSame(run(Op.Concat, { axis }, xs, mode), want);
        }
      }),
      RUNS,
    );
  });
});

// ---------------------------------------------------------------- matmul

describe("matmul equals the i-j-p loop", () => {
  test("batched, every dtype but bool; sums over k in order in f64 (i32 wrapping), rounded once", () => {
    const mkn = fc.oneof({ arbitrary: fc.integer({ min: 0, max: 5 }), weight: 3 }, { arbitrary: fc.constantFrom(7, 8, 9, 16, 17, 23), weight: 2 });
    fc.assert(
      fc.property(fc.tuple(mkn, mkn, mkn), fc.array(fc.integer({ min: 0, max: 3 }), { maxLength: 2 }), numericArb, seedArb, ([m, k, n], batch, dtype, seed) => {
        for (const mode of MODES) {
          const a = make(dtype, [...batch, m, k], mode, seed);
          const b = make(dtype, [...batch, k, n], mode, seed + 1);
          const want = empty(dtype, [...batch, m, n], mode);
          for (let bt = 0; bt < numel(batch); bt++)
            for (let i = 0; i < m; i++)
              for (let j = 0; j < n; j++) {
                let acc = 0;
                for (let p = 0; p < k; p++) {
                  const x = a.data[(bt * m + i) * k + p]!;
                  const y = b.data[(bt * k + p) * n + j]!;
                  acc = dtype === "i32" ? (acc + Math.imul(x, y)) | 0 : acc + x * y;
                }
                want.data[(bt * m + i) * n + j] = acc;
              }
          expectSame(run(Op.MatMul, null, [a, b], mode), want);
        }
      }),
      RUNS,
    );
  });
});

// ---------------------------------------------------------------- reductions

const REDUCE = {
  [Op.ReduceSum]: { init: () => -0, combine: (a: number, x: number) => a + x },
  [Op.ReduceProd]: { init: () => 1, combine: (a: number, x: number) => a * x },
  [Op.ReduceMax]: { init: (d: DType) => (d === "i32" ? -2147483648 : d === "bool" ? 0 : -Infinity), combine: Math.max },
  [Op.ReduceMin]: { init: (d: DType) => (d === "i32" ? 2147483647 : d === "bool" ? 1 : Infinity), combine: Math.min },
} as const;

describe("reductions equal a fold over the source in row-major order", () => {
  const axesArb = shapeArb(0, 4).chain((s) => fc.tuple(fc.constant(s), fc.subarray(s.map((_, i) => i)), fc.boolean()));
  for (const op of [Op.ReduceSum, Op.ReduceProd, Op.ReduceMax, Op.ReduceMin] as const) {
    test(op, () => {
      fc.assert(
        fc.property(axesArb, op === Op.ReduceSum || op === Op.ReduceProd ? numericArb : dtypeArb, seedArb, ([shape, axes, keepdims], dtype, seed) => {
          for (const mode of MODES) {
            const x = make(dtype, shape, mode, seed);
            const kept = shape.map((d, i) => (axes.includes(i) ? 1 : d));
            const acc = new Float64Array(numel(kept)).fill(REDUCE[op].init(dtype));
            each(shape, (f, idx) => {
              const o = ravel(idx.map((v, i) => (axes.includes(i) ? 0 : v)), kept);
              acc[o] = REDUCE[op].combine(acc[o]!, x.data[f]!);
            });
            if (op === Op.ReduceSum && numel(shape) === 0) acc.fill(0);
            const want = empty(dtype, keepdims ? kept : shape.filter((_, i) => !axes.includes(i)), mode);
            for (let i = 0; i < acc.length; i++) want.data[i] = dtype === "i32" && op === Op.ReduceSum ? acc[i]! | 0 : acc[i]!;
            expectSame(run(op, { axes, keepdims }, [x], mode), want);
          }
        }),
        RUNS,
      );
    });
  }

  for (const [op, better] of [
    [Op.ArgMax, (a: number, b: number) => a > b],
    [Op.ArgMin, (a: number, b: number) => a < b],
  ] as const) {
    test(`${op}: the first extreme, or the first NaN`, () => {
      const arb = shapeArb(1, 4)
        .filter((s) => s.every((d) => d > 0))
        .chain((s) => fc.tuple(fc.constant(s), fc.nat(s.length - 1), fc.boolean()));
      fc.assert(
        fc.property(arb, dtypeArb, seedArb, ([shape, axis, keepdims], dtype, seed) => {
          for (const mode of MODES) {
            const x = make(dtype, shape, mode, seed);
            const kept = shape.map((d, i) => (i === axis ? 1 : d));
            const want = empty("i32", keepdims ? kept : shape.filter((_, i) => i !== axis), mode);
            each(kept, (o, idx) => {
              let best = NaN;
              for (let k = 0; k < shape[axis]!; k++) {
                const v = x.data[ravel(idx.map((v, i) => (i === axis ? k : v)), shape)]!;
                if (k === 0 || (best === best && (v !== v || better(v, best)))) {
                  best = v;
                  want.data[o] = k;
                }
              }
            });
            expectSame(run(op, { axis, keepdims }, [x], mode), want);
          }
        }),
        RUNS,
      );
    });
  }
});

// ---------------------------------------------------------------- gather and scatter_add

describe("gather and scatter_add equal per-element loops", () => {
  // x's shape, the index tuples' length k and the leading shape of the indices
  const arb = fc.tuple(shapeArb(1, 3).filter((s) => s.every((d) => d > 0)), fc.nat(), shapeArb(0, 2)).map(([x, k, lead]) => [x, 1 + (k % x.length), lead] as const);
  const indices = (x: readonly number[], k: number, lead: readonly number[], seed: number): Tensor => {
    const r = rng(seed);
    const idx = allocData("i32", numel(lead) * k);
    for (let i = 0; i < idx.length; i++) idx[i] = Math.floor(r() * (x[i % k]! + 4)) - 2; // some out of range: clamped
    return { dtype: "i32", shape: [...lead, k], data: idx };
  };
  const clampedOffset = (x: readonly number[], idx: Tensor, k: number, s: number) =>
    ravel(
      x.slice(0, k).map((d, j) => Math.min(Math.max(idx.data[s * k + j]!, 0), d - 1)),
      x.slice(0, k),
    ) * numel(x.slice(k));

  test("gather", () => {
    fc.assert(
      fc.property(arb, dtypeArb, seedArb, ([shape, k, lead], dtype, seed) => {
        for (const mode of MODES) {
          const x = make(dtype, shape, mode, seed);
          const idx = indices(shape, k, lead, seed + 1);
          const inner = numel(shape.slice(k));
          const want = empty(dtype, [...lead, ...shape.slice(k)], mode);
          for (let s = 0; s < numel(lead); s++) for (let r = 0; r < inner; r++) want.data[s * inner + r] = x.data[clampedOffset(shape, idx, k, s) + r]!;
          expectSame(run(Op.Gather, null, [x, idx], mode), want);
        }
      }),
      RUNS,
    );
  });

  test("scatter_add", () => {
    fc.assert(
      fc.property(arb, numericArb, seedArb, ([shape, k, lead], dtype, seed) => {
        for (const mode of MODES) {
          const idx = indices(shape, k, lead, seed + 1);
          const inner = numel(shape.slice(k));
          const upd = make(dtype, [...lead, ...shape.slice(k)], mode, seed);
          const acc = new Float64Array(numel(shape));
          for (let s = 0; s < numel(lead); s++)
            for (let r = 0; r < inner; r++) {
              const o = clampedOffset(shape, idx, k, s) + r;
              acc[o] = dtype === "i32" ? (acc[o]! + upd.data[s * inner + r]!) | 0 : acc[o]! + upd.data[s * inner + r]!;
            }
          const want = empty(dtype, shape, mode);
          want.data.set(acc);
          expectSame(run(Op.ScatterAdd, { shape }, [idx, upd], mode), want);
        }
      }),
      RUNS,
    );
  });
});

// ---------------------------------------------------------------- elementwise

describe("elementwise ops with their own loops equal the scalar functions", () => {
  const intDiv = (a: number, b: number) => (b === 0 ? 0 : Math.trunc(a / b));
  const BINARY: [Op.Add | Op.Sub | Op.Mul | Op.Div | Op.Pow, (a: number, b: number) => number, ((a: number, b: number) => number)?][] = [
    [Op.Add, (a, b) => a + b],
    [Op.Sub, (a, b) => a - b],
    [Op.Mul, (a, b) => a * b, Math.imul],
    [Op.Div, (a, b) => a / b, intDiv],
    [Op.Pow, (a, b) => (a === 1 ? 1 : Math.pow(a, b))],
  ];
  for (const [op, f, fInt] of BINARY) {
    test(op, () => {
      fc.assert(
        fc.property(shapeArb(0, 3), numericArb, seedArb, fc.boolean(), (shape, dtype, seed, squares) => {
          for (const mode of MODES) {
            const x = make(dtype, shape, mode, seed);
            const y = make(dtype, shape, mode, seed + 1);
            if (squares) y.data.fill(2); // pow's x * x path
            const want = empty(dtype, shape, mode);
            for (let i = 0; i < want.data.length; i++) want.data[i] = (dtype === "i32" && fInt ? fInt : f)(x.data[i]!, y.data[i]!);
            expectSame(run(op, null, [x, y], mode), want);
          }
        }),
        RUNS,
      );
    });
  }

  test("pow(x, 2) is x * x on f64 samples (V8's pow special-cases squares)", () => {
    const r = rng(FC_SEED);
    const d = new Float64Array(1);
    const w = new Uint32Array(d.buffer);
    for (let i = 0; i < 200_000; i++) {
      [w[0], w[1]] = [(r() * 2 ** 32) >>> 0, (r() * 2 ** 32) >>> 0]; // any bit pattern
      const x = d[0]!;
      expect(Object.is(Math.pow(x, 2), x * x) || (Number.isNaN(x) && Number.isNaN(x * x))).toBe(true);
    }
  });

  const UNARY: [Op.Neg | Op.Exp | Op.Tanh, (x: number) => number][] = [
    [Op.Neg, (x) => -x],
    [Op.Exp, Math.exp],
    [Op.Tanh, Math.tanh],
  ];
  for (const [op, f] of UNARY) {
    test(op, () => {
      fc.assert(
        fc.property(shapeArb(0, 3), op === Op.Neg ? numericArb : fc.constantFrom<DType>("f32", "f64"), seedArb, (shape, dtype, seed) => {
          for (const mode of MODES) {
            const x = make(dtype, shape, mode, seed);
            const want = empty(dtype, shape, mode);
            for (let i = 0; i < want.data.length; i++) want.data[i] = f(x.data[i]!);
            expectSame(run(op, null, [x], mode), want);
          }
        }),
        RUNS,
      );
    });
  }
});

// ---------------------------------------------------------------- recycled arrays

describe("interpret recycles arrays without changing any value", () => {
  test("random graphs: interpret equals the rules run one node at a time with fresh arrays", () => {
    // values of m x n or n x m elements (so arrays are recycled), with reshapes and identities
    // that share arrays, values used twice, and intermediate values among the outputs
    const stepArb = fc.array(fc.tuple(fc.integer({ min: 0, max: 9 }), fc.nat()), { minLength: 1, maxLength: 30 });
    fc.assert(
      fc.property(fc.constantFrom([32, 40], [40, 32], [64, 33]), stepArb, seedArb, ([m, n], steps, seed) => {
        const { b } = setup();
        const x = b.input("x", "batch", "f32", [m, n]);
        const vals: Node[] = [x];
        const outputs: Record<string, Node> = {};
        for (const [kind, pick] of steps) {
          const a = vals[pick % vals.length]!;
          const c = vals[(pick >> 3) % vals.length]!;
          const sq = (v: Node) => (v.shape[0] === m ? v : b.transpose(v));
          let v: Node;
          if (kind === 0) v = b.binary("add", sq(a), sq(c));
          else if (kind === 1) v = b.binary("mul", sq(a), sq(a));
          else if (kind === 2) v = b.transpose(a);
          else if (kind === 3) v = b.reshape(a, [a.shape[1]!, a.shape[0]!]);
          else if (kind === 4) v = b.stopGradient(b.unary("neg", a));
          else if (kind === 5) v = b.reverse(a, [0]);
          else if (kind === 6) v = b.broadcastTo(b.reduce("sum", a, [0], true), a.shape);
          else if (kind === 7) {
            // zeros placed differently in arrays of one size: a recycled array must be cleared
            const [lo0, lo1] = [pick & 1, (pick >> 1) % 3];
            v = b.slice(b.pad(a, [lo0, lo1], [1 - lo0, 2 - lo1], [0, 0]), [0, 0], [...a.shape], [1, 1]);
          }
          else if (kind === 8) v = b.matmul(sq(a), b.matmul(b.transpose(sq(c)), sq(c)));
          else v = b.unary("tanh", a);
          vals.push(v);
          if (pick % 4 === 0) outputs[`v${vals.length}`] = v;
        }
        outputs["last"] = vals[vals.length - 1]!;
        const fn = fnOf("g", [x], outputs);
        for (const mode of MODES) {
          const input = make("f32", [m, n], mode, seed);
          const got = interpret(fn, { x: input }, { float64: mode === "f64" });
          // a second run recycles the first one's free arrays, never its outputs or inputs
          const again = interpret(fn, { x: input }, { float64: mode === "f64" });
          // reference: every node evaluated with fresh arrays, nothing released
          const env: EvalEnv = { mode, input: () => input };
          const fresh = new Map<Node, Tensor>();
          for (const node of toposort(Object.values(outputs))) {
            fresh.set(node, ruleOf(node.op).eval(node.arg, node.src.map((s) => fresh.get(s)!), node, env));
          }
          for (const [name, node] of Object.entries(outputs)) {
            expectSame(got[name]!, fresh.get(node)!);
            expectSame(again[name]!, fresh.get(node)!);
          }
        }
      }),
      { seed: FC_SEED, numRuns: 60 },
    );
  });
});
