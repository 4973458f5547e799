// Gradient checks for every differentiable primitive (and the builder's composites over them):
// fast-check draws shapes (rank 0-4, broadcasting pairs through the builder) and a data seed;
// `gradCheck` compares reverse mode with finite differences through the dot-product identity
// in float64. Inputs are kept away from kinks and singularities (relu and abs at 0, log and
// sqrt near 0, ties of max/min, the jumps of floor/round/mod).

import fc from "fast-check";
import { describe, expect, test } from "vitest";
import type { IrBuilder } from "../../compiler/ir/builder.js";
import type { Node } from "../../compiler/ir/node.js";
import { Op } from "../../compiler/ir/ops.js";
import { primitives, nonDifferentiable } from "../../compiler/ir/primitives.js";
import type { BinaryOpName, UnaryOpName } from "../../compiler/ir/ops.js";
import { numel } from "../../compiler/ir/shape.js";
import { broadcastPairArb, FC_SEED, rng, shapeArb } from "../ir/helpers.js";
import { gradCheck, type GradInput } from "./gradcheck.js";

const NUM_RUNS = 40;

type R = () => number;
const anywhere = (r: R) => 4 * r() - 2; // [-2, 2)
const positive = (r: R) => 0.5 + 2.5 * r(); // [0.5, 3)
const awayFromZero = (r: R) => (r() < 0.5 ? -1 : 1) * (0.2 + 1.8 * r());
const offInteger = (r: R) => Math.floor(6 * r()) - 3 + 0.1 + 0.3 * r() + (r() < 0.5 ? 0 : 0.5); // frac in [0.1,0.4) or [0.6,0.9)
const gridA = (r: R) => Math.floor(5 * r()) - 2 + 0.1 * r(); // max/min operands differ by >= 0.3
const gridB = (r: R) => Math.floor(5 * r()) - 2 + 0.5 + 0.1 * r();

const p = (shape: readonly number[], values: (r: R) => number): GradInput => ({ shape, values });
/** Distinct values (gaps >= 0.08) in random order, for max/min reductions. */
function distinct(shape: readonly number[], seed: number): GradInput {
  const r = rng(seed ^ 0x5bd1e995);
  const n = numel(shape);
  const perm = Array.from({ length: n }, (_, i) => i).sort(() => r() - 0.5);
  let k = 0;
  return { shape, values: () => perm[k++ % n]! * 0.1 + 0.02 * r() - 1 };
}

interface Case {
  readonly name: string;
  readonly ops: readonly Op[];
  readonly arb: fc.Arbitrary<{ build: (b: IrBuilder, xs: Node[]) => Node; inputs: GradInput[] }>;
}

const unaryCase = (op: UnaryOpName, values: (r: R) => number): Case => ({
  name: op,
  ops: [op as Op],
  arb: shapeArb().map((s) => ({ build: (b, [x]) => b.unary(op, x!), inputs: [p(s, values)] })),
});

const binaryCase = (op: BinaryOpName, va: (r: R) => number, vb: (r: R) => number): Case => ({
  name: `${op} (broadcasting)`,
  ops: [op as Op, Op.Broadcast],
  arb: broadcastPairArb().map(([sa, sb]) => ({ build: (b, [x, y]) => b.binary(op, x!, y!), inputs: [p(sa, va), p(sb, vb)] })),
});

/** A subset of axes of a shape, possibly empty, with keepdims. */
const axesArb = shapeArb(1).chain((s) => fc.tuple(fc.constant(s), fc.subarray(s.map((_, i) => i), { minLength: 1 }), fc.boolean(), fc.nat()));

const cases: Case[] = [
  unaryCase("neg", anywhere),
  unaryCase("exp", anywhere),
  unaryCase("sin", anywhere),
  unaryCase("cos", anywhere),
  unaryCase("tanh", anywhere),
  unaryCase("sigmoid", anywhere),
  unaryCase("erf", anywhere),
  unaryCase("log", positive),
  unaryCase("sqrt", positive),
  unaryCase("rsqrt", positive),
  unaryCase("abs", awayFromZero),
  unaryCase("relu", awayFromZero),
  unaryCase("sign", awayFromZero),
  unaryCase("floor", offInteger),
  unaryCase("round", offInteger),
  binaryCase("add", anywhere, anywhere),
  binaryCase("sub", anywhere, anywhere),
  binaryCase("mul", anywhere, anywhere),
  binaryCase("div", anywhere, awayFromZero),
  binaryCase("pow", (r) => 0.5 + 1.5 * r(), anywhere),
  binaryCase("max", gridA, gridB),
  binaryCase("min", gridA, gridB),
  // |a| in [0.5, 3.5) and |b| in [4, 5): a/b stays 0.1 away from integers, floor(a/b) is 0 or -1
  binaryCase("mod", (r) => (r() < 0.5 ? -1 : 1) * (0.5 + 3 * r()), (r) => (r() < 0.5 ? -1 : 1) * (4 + r())),
  {
    name: "where (broadcasting cond, a, b)",
    ops: [Op.Where],
    arb: fc.tuple(broadcastPairArb(), fc.nat()).map(([[sa, sb], bits]) => {
      const sc = sa.slice(bits % (sa.length + 1)).map((d, i) => ((bits >> (i + 4)) & 1 ? 1 : d));
      return {
        build: (b: IrBuilder, [c, x, y]: Node[]) => b.where(c!, x!, y!),
        inputs: [{ shape: sc, values: (r: R) => (r() < 0.5 ? 1 : 0), dtype: "bool" as const, constant: true }, p(sa, anywhere), p(sb, anywhere)],
      };
    }),
  },
  {
    name: "cast f32 -> f64 -> f32",
    ops: [Op.Cast],
    arb: shapeArb().map((s) => ({ build: (b, [x]) => b.binary("mul", b.cast(b.unary("sin", b.cast(x!, "f64")), "f32"), x!), inputs: [p(s, anywhere)] })),
  },
  {
    name: "reduce sum and mean over axes",
    ops: [Op.ReduceSum],
    arb: axesArb.map(([s, axes, keep, k]) => ({ build: (b, [x]) => b.reduce(k % 2 ? "sum" : "mean", b.unary("sin", x!), axes, keep), inputs: [p(s, anywhere)] })),
  },
  {
    name: "reduce max and min over axes (distinct values)",
    ops: [Op.ReduceMax, Op.ReduceMin],
    arb: fc.tuple(axesArb, fc.nat()).map(([[s, axes, keep, k], seed]) => ({ build: (b, [x]) => b.reduce(k % 2 ? "max" : "min", x!, axes, keep), inputs: [distinct(s, seed)] })),
  },
  {
    name: "reduce prod over axes, with exact zeros (one or several per group)",
    ops: [Op.ReduceProd],
    arb: axesArb.map(([s, axes, keep]) => ({ build: (b, [x]) => b.reduce("prod", x!, axes, keep), inputs: [p(s, (r) => (r() < 0.25 ? 0 : anywhere(r)))] })),
  },
  {
    name: "matmul (NumPy: rank 1, batch broadcasting)",
    ops: [Op.MatMul, Op.Transpose],
    arb: fc.tuple(fc.integer({ min: 1, max: 3 }), fc.integer({ min: 1, max: 3 }), fc.integer({ min: 1, max: 3 }), broadcastPairArb(2), fc.integer({ min: 0, max: 3 })).map(([m, k, n, [ba, bb], vec]) => {
      const sa = vec & 1 ? [k] : [...ba, m, k];
      const sb = vec & 2 ? [k] : [...bb, k, n];
      return { build: (b, [x, y]) => b.matmul(x!, y!), inputs: [p(sa, anywhere), p(sb, anywhere)] };
    }),
  },
  {
    name: "reshape",
    ops: [Op.Reshape],
    arb: fc.tuple(shapeArb(1), fc.boolean()).map(([s, flat]) => ({ build: (b, [x]) => b.reshape(b.unary("sin", x!), flat ? [-1] : [...s].reverse()), inputs: [p(s, anywhere)] })),
  },
  {
    name: "transpose (random permutation)",
    ops: [Op.Transpose],
    arb: shapeArb(2).chain((s) => fc.tuple(fc.constant(s), fc.shuffledSubarray(s.map((_, i) => i), { minLength: s.length, maxLength: s.length }))).map(([s, perm]) => ({ build: (b, [x]) => b.transpose(x!, perm), inputs: [p(s, anywhere)] })),
  },
  {
    name: "broadcastTo",
    ops: [Op.Broadcast],
    arb: broadcastPairArb().map(([sa, sb]) => {
      const target = [...(sa.length >= sb.length ? sa : sb)].map((d, i, t) => Math.max(d, (sa.length >= sb.length ? sb : sa)[i - (t.length - Math.min(sa.length, sb.length))] ?? 1));
      return { build: (b, [x]) => b.broadcastTo(x!, target), inputs: [p(sa, anywhere)] };
    }),
  },
  {
    name: "slice (NumPy bounds, negative steps)",
    ops: [Op.Slice, Op.Reverse],
    arb: shapeArb(1, 4, 5).chain((s) =>
      fc.tuple(fc.constant(s), fc.array(fc.tuple(fc.integer({ min: -6, max: 6 }), fc.integer({ min: -6, max: 6 }), fc.constantFrom(1, 2, 3, -1, -2)), { minLength: s.length, maxLength: s.length })),
    ).map(([s, bounds]) => ({ build: (b, [x]) => b.slice(x!, bounds.map((t) => t[0]), bounds.map((t) => t[1]), bounds.map((t) => t[2])), inputs: [p(s, anywhere)] })),
  },
  {
    name: "pad (with interior)",
    ops: [Op.Pad],
    arb: shapeArb(1).chain((s) => fc.tuple(fc.constant(s), fc.array(fc.tuple(fc.nat(2), fc.nat(2), fc.nat(2)), { minLength: s.length, maxLength: s.length }))).map(([s, w]) => ({
      build: (b, [x]) => b.pad(x!, w.map((t) => t[0]), w.map((t) => t[1]), w.map((t) => t[2])),
      inputs: [p(s, anywhere)],
    })),
  },
  {
    name: "concat",
    ops: [Op.Concat],
    arb: fc.tuple(shapeArb(1), fc.nat(), fc.integer({ min: 2, max: 3 }), fc.array(fc.integer({ min: 1, max: 3 }), { minLength: 3, maxLength: 3 })).map(([s, a, count, sizes]) => {
      const axis = a % s.length;
      const shapes = sizes.slice(0, count).map((d) => s.map((x, i) => (i === axis ? d : x)));
      return { build: (b, xs) => b.concat(xs, axis - s.length), inputs: shapes.map((sh) => p(sh, anywhere)) };
    }),
  },
  {
    name: "take (embedding rows, repeated indices)",
    ops: [Op.Gather],
    arb: fc.tuple(fc.integer({ min: 1, max: 4 }), shapeArb(0, 2), shapeArb(0, 2)).map(([v, rows, idxShape]) => ({
      build: (b, [table, idx]) => b.take(table!, idx!),
      inputs: [p([v, ...rows], anywhere), { shape: idxShape, values: (r) => Math.floor(v * r()), dtype: "i32", constant: true }],
    })),
  },
  {
    name: "gather: x[iota(B), y] and non-adjacent advanced indices",
    ops: [Op.Gather],
    arb: fc.tuple(fc.integer({ min: 1, max: 3 }), fc.integer({ min: 1, max: 4 }), fc.integer({ min: 1, max: 3 }), fc.boolean()).map(([bsz, n, d, adjacent]) => ({
      build: (b, [x, y]) => (adjacent ? b.gather(x!, [b.iota(bsz), y!]) : b.gather(x!, [b.iota(bsz), null, y!])),
      inputs: [p(adjacent ? [bsz, n, d] : [bsz, d, n], anywhere), { shape: [bsz], values: (r) => Math.floor(n * r()), dtype: "i32", constant: true }],
    })),
  },
  {
    name: "scatter_add (repeated indices accumulate)",
    ops: [Op.ScatterAdd],
    arb: fc.tuple(fc.integer({ min: 1, max: 4 }), shapeArb(0, 2), fc.integer({ min: 1, max: 4 })).map(([v, rows, count]) => ({
      build: (b, [idx, upd]) => b.scatterAdd(idx!, upd!, [v, ...rows]),
      inputs: [{ shape: [count, 1], values: (r) => Math.floor(v * r()), dtype: "i32", constant: true }, p([count, ...rows], anywhere)],
    })),
  },
  {
    name: "straight_through: the surrogate's gradient",
    ops: [Op.StraightThrough],
    // the value is round(x), the gradient that of sin(x); checked against the surrogate by FD:
    // adding stop_gradient(value - surrogate) makes the checked function equal to the surrogate
    arb: shapeArb().map((s) => ({
      build: (b, [x]) => {
        const st = b.straightThrough(b.unary("round", x!), b.unary("sin", x!));
        return b.binary("sub", st, b.stopGradient(b.binary("sub", st, b.unary("sin", x!))));
      },
      inputs: [p(s, offInteger)],
    })),
  },
  {
    name: "stop_gradient: no gradient through the stopped branch",
    ops: [Op.StopGradient],
    arb: shapeArb().map((s) => ({ build: (b, [x, y]) => b.binary("add", b.unary("exp", x!), b.stopGradient(b.binary("mul", x!, y!))), inputs: [p(s, anywhere), { shape: s, values: () => 0, constant: true }] })),
  },
];

describe("gradient check: every differentiable primitive", () => {
  test.each(cases)("$name", ({ arb }) => {
    fc.assert(
      fc.property(arb, fc.integer(), ({ build, inputs }, seed) => {
        const r = gradCheck(build, inputs, seed);
        if (!r.ok) throw new Error(`<v, J^T w> = ${r.analytic} but <J v, w> = ${r.numeric}`);
      }),
      { numRuns: NUM_RUNS, seed: FC_SEED },
    );
  });

  test("every op with a VJP rule is covered by a case above", () => {
    const covered = new Set(cases.flatMap((c) => c.ops));
    const missing = (Object.values(Op) as Op[]).filter((op) => primitives[op].vjp !== nonDifferentiable && !covered.has(op));
    expect(missing).toEqual([]);
  });
});
