// Every primitive's WGSL lowering against the interpreter, one kernel per op (`fuse: false`), on
// random shapes and values (fast-check, fixed seed). Floats agree to 1e-5 relative (with an
// absolute floor of 1e-5 where the value is a sum that may cancel, or a sine near a root, whose
// absolute error is what f32 can promise); ints and bools exactly.

import fc from "fast-check";
import { beforeAll, describe, expect, test } from "vitest";
import { IrBuilder } from "../../../compiler/ir/builder.js";
import type { DType } from "../../../compiler/ir/dtype.js";
import { IrContext, type Node } from "../../../compiler/ir/node.js";
import { ALL_OPS, Op } from "../../../compiler/ir/ops.js";
import { numel } from "../../../compiler/ir/shape.js";
import { wgslRules, WgslUnsupported } from "../../../compiler/backends/wgsl/rules.js";
import { compile } from "../../../compiler/backends/wgsl/plan.js";
import { seededRandom } from "../../../runtime/batches.js";
import { tensor, type Tensor } from "../../../runtime/tensor.js";
import { fnOf, FC_SEED } from "../../ir/helpers.js";
import { checkAgainstInterpreter, gpuProblem } from "./helpers.js";

const RUNS = Number(process.env.WGSL_RUNS ?? 4);

test("every op has a WGSL rule", () => {
  expect(Object.keys(wgslRules).sort()).toEqual([...ALL_OPS].sort());
});

test("f64 graphs are rejected with a message naming the fix", () => {
  const b = new IrBuilder(new IrContext());
  const x = b.input("x", "batch", "f64", [2]);
  expect(() => compile(fnOf("f", [x], { y: b.unary("exp", x) }))).toThrow(WgslUnsupported);
  expect(() => compile(fnOf("f", [x], { y: b.unary("exp", x) }))).toThrow(/--backend reference/);
});

interface Case {
  readonly b: IrBuilder;
  readonly inputs: Node[];
  readonly data: Record<string, Tensor>;
  readonly gen: () => number;
}

function newCase(seed: number): Case {
  return { b: new IrBuilder(new IrContext()), inputs: [], data: {}, gen: seededRandom(seed) };
}

/** A batch input of random values from `values(gen)`. */
function input(c: Case, dtype: DType, shape: readonly number[], values: (g: () => number) => number): Node {
  const name = `x${c.inputs.length}`;
  const n = c.b.input(name, "batch", dtype, shape);
  c.inputs.push(n);
  c.data[name] = tensor(dtype, shape, Array.from({ length: numel(shape) }, () => values(c.gen)));
  return n;
}

const uni = (lo: number, hi: number) => (g: () => number) => lo + (hi - lo) * g();
const ints = (lo: number, hi: number) => (g: () => number) => Math.floor(lo + (hi - lo + 1) * g());
const bools = (g: () => number) => (g() < 0.5 ? 0 : 1);
/** Floats with repeats and halves (ties for max, argmax, round). */
const halves = (g: () => number) => Math.floor(g() * 9 - 4) / 2;

const shapeArb = (minRank = 0, maxRank = 3, maxDim = 5) => fc.array(fc.integer({ min: 1, max: maxDim }), { minLength: minRank, maxLength: maxRank });

async function prop<T>(arb: fc.Arbitrary<T>, make: (v: T, seed: number) => { c: Case; out: Record<string, Node>; rtol?: number; scale?: number }): Promise<void> {
  await fc.assert(
    fc.asyncProperty(arb, fc.integer({ min: 1, max: 1 << 30 }), async (v, seed) => {
      const { c, out, rtol, scale } = make(v, seed);
      await checkAgainstInterpreter(fnOf("case", c.inputs, out), c.data, { fuse: false, ...(rtol ? { rtol } : {}), ...(scale ? { scale } : {}) });
    }),
    { numRuns: RUNS, seed: FC_SEED, endOnFailure: true },
  );
}

let skip = false;
beforeAll(async () => {
  skip = (await gpuProblem()) !== null;
});

describe("WGSL primitives vs the interpreter", () => {
  const unaryF: [string, (g: () => number) => number, number?][] = [
    ["neg", uni(-5, 5)],
    ["abs", uni(-5, 5)],
    ["sign", halves],
    ["exp", uni(-20, 20)],
    ["log", (g) => Math.exp(uni(-20, 20)(g))],
    ["sqrt", uni(0, 100)],
    ["rsqrt", uni(0.01, 100)],
    ["sin", uni(-30, 30), 1],
    ["cos", uni(-30, 30), 1],
    ["tanh", uni(-10, 10)],
    ["sigmoid", uni(-30, 30)],
    ["erf", uni(-5, 5)],
    ["relu", uni(-5, 5)],
    ["floor", uni(-5, 5)],
    ["round", halves],
  ];
  for (const [op, values, scale] of unaryF) {
    test(`${op} (f32)`, async () => {
      if (skip) return;
      await prop(shapeArb(), (shape, seed) => {
        const c = newCase(seed);
        return { c, out: { y: c.b.unary(op as never, input(c, "f32", shape, values)) }, ...(scale ? { scale } : {}) };
      });
    });
  }
  test("i32 unary ops and not", async () => {
    if (skip) return;
    await prop(shapeArb(), (shape, seed) => {
      const c = newCase(seed);
      const x = input(c, "i32", shape, ints(-20, 20));
      const p = input(c, "bool", shape, bools);
      return { c, out: { neg: c.b.unary("neg", x), abs: c.b.unary("abs", x), sign: c.b.unary("sign", x), relu: c.b.unary("relu", x), not: c.b.unary("not", p) } };
    });
  });

  const binaryF: [string, (g: () => number) => number, (g: () => number) => number][] = [
    ["add", uni(-5, 5), uni(-5, 5)],
    ["sub", uni(-5, 5), uni(-5, 5)],
    ["mul", uni(-5, 5), uni(-5, 5)],
    ["div", uni(-5, 5), uni(0.1, 5)],
    ["pow", uni(0.1, 10), uni(-3, 3)],
    ["max", halves, halves],
    ["min", halves, halves],
    ["mod", uni(-10, 10), (g) => (g() < 0.5 ? -1 : 1) * uni(0.5, 4)(g)],
  ];
  for (const [op, va, vb] of binaryF) {
    test(`${op} (f32)`, async () => {
      if (skip) return;
      await prop(shapeArb(), (shape, seed) => {
        const c = newCase(seed);
        return { c, out: { y: c.b.binary(op as never, input(c, "f32", shape, va), input(c, "f32", shape, vb)) } };
      });
    });
  }
  test("pow of negative bases and integer exponents, and x^2", async () => {
    if (skip) return;
    await prop(shapeArb(1), (shape, seed) => {
      const c = newCase(seed);
      const a = input(c, "f32", shape, uni(-4, 4));
      const e = input(c, "f32", shape, ints(-3, 3));
      return { c, out: { y: c.b.binary("pow", a, e), sq: c.b.binary("pow", a, c.b.constant(2, "f32", shape)) } };
    });
  });
  test("i32 binary ops: wrapping, truncating division, floor mod, x / 0 = x mod 0 = 0", async () => {
    if (skip) return;
    await prop(shapeArb(), (shape, seed) => {
      const c = newCase(seed);
      const a = input(c, "i32", shape, ints(-50, 50));
      const d = input(c, "i32", shape, ints(-6, 6));
      const big = input(c, "i32", shape, ints(-2147483648, 2147483647));
      const e = input(c, "i32", shape, ints(-2, 5));
      const out: Record<string, Node> = { pow: c.b.binary("pow", d, e), wrap: c.b.binary("mul", big, big), wrapAdd: c.b.binary("add", big, big) };
      for (const op of ["add", "sub", "mul", "div", "max", "min", "mod"]) out[op] = c.b.binary(op as never, a, d);
      return { c, out };
    });
  });
  test("comparisons (f32, i32, bool) and logic", async () => {
    if (skip) return;
    await prop(shapeArb(), (shape, seed) => {
      const c = newCase(seed);
      const out: Record<string, Node> = {};
      const f = [input(c, "f32", shape, halves), input(c, "f32", shape, halves)] as const;
      const i = [input(c, "i32", shape, ints(-2, 2)), input(c, "i32", shape, ints(-2, 2))] as const;
      const p = [input(c, "bool", shape, bools), input(c, "bool", shape, bools)] as const;
      for (const op of ["eq", "ne", "lt", "le", "gt", "ge"]) {
        out[`f_${op}`] = c.b.binary(op as never, f[0], f[1]);
        out[`i_${op}`] = c.b.binary(op as never, i[0], i[1]);
      }
      out.b_eq = c.b.binary("eq", p[0], p[1]);
      out.b_ne = c.b.binary("ne", p[0], p[1]);
      out.and = c.b.binary("and", p[0], p[1]);
      out.or = c.b.binary("or", p[0], p[1]);
      return { c, out };
    });
  });
  test("where and every cast (saturating, NaN -> 0, x != 0)", async () => {
    if (skip) return;
    await prop(shapeArb(), (shape, seed) => {
      const c = newCase(seed);
      const special = [NaN, Infinity, -Infinity, 3e9, -3e9, 2147483648, -2147483649, 0.5, -0.5, -0, 1.75, -1.75];
      const f = input(c, "f32", shape, (g) => (g() < 0.5 ? special[Math.floor(g() * special.length)]! : uni(-1e3, 1e3)(g)));
      const i = input(c, "i32", shape, ints(-2147483648, 2147483647));
      const p = input(c, "bool", shape, bools);
      const out: Record<string, Node> = { where: c.b.where(p, f, c.b.unary("neg", f)), wherei: c.b.where(p, i, c.b.constant(7, "i32", shape)) };
      for (const [name, x] of [["f", f], ["i", i], ["b", p]] as const) for (const to of ["f32", "i32", "bool"] as const) if (x.dtype !== to) out[`${name}_${to}`] = c.b.cast(x, to);
      return { c, out };
    });
  });
  test("NaN propagation: max, min, relu, sign; argmax takes the first NaN", async () => {
    if (skip) return;
    const c = newCase(1);
    const x = c.b.input("x", "batch", "f32", [2, 3]);
    const y = c.b.input("y", "batch", "f32", [2, 3]);
    c.inputs.push(x, y);
    c.data.x = tensor("f32", [2, 3], [NaN, 1, 2, 3, NaN, -1]);
    c.data.y = tensor("f32", [2, 3], [0, NaN, 1, 2, 5, NaN]);
    const out = { max: c.b.binary("max", x, y), min: c.b.binary("min", x, y), relu: c.b.unary("relu", x), sign: c.b.unary("sign", x), amax: c.b.argReduce("argmax", x, 1, false), rmax: c.b.reduce("max", x, [1], false) };
    await checkAgainstInterpreter(fnOf("nan", c.inputs, out), c.data, { fuse: false });
  });

  test("reductions over random axes, with and without kept dims", async () => {
    if (skip) return;
    await prop(fc.tuple(shapeArb(1, 4, 6), fc.nat(), fc.boolean()), ([shape, bits, keep], seed) => {
      const c = newCase(seed);
      const axes = shape.map((_, i) => i).filter((i) => (bits >> i) & 1);
      const x = input(c, "f32", shape, uni(-1, 1));
      const i = input(c, "i32", shape, ints(-9, 9));
      const p = input(c, "bool", shape, bools);
      const ax = axes.length ? axes : [0];
      const out: Record<string, Node> = {};
      for (const op of ["sum", "max", "min", "prod"] as const) {
        out[`f_${op}`] = c.b.node(op === "sum" ? Op.ReduceSum : op === "max" ? Op.ReduceMax : op === "min" ? Op.ReduceMin : Op.ReduceProd, { axes: ax, keepdims: keep }, [x]);
        out[`i_${op}`] = c.b.node(op === "sum" ? Op.ReduceSum : op === "max" ? Op.ReduceMax : op === "min" ? Op.ReduceMin : Op.ReduceProd, { axes: ax, keepdims: keep }, [op === "prod" ? c.b.binary("min", i, c.b.constant(3, "i32", shape)) : i]);
      }
      out.any = c.b.node(Op.ReduceMax, { axes: ax, keepdims: keep }, [p]);
      out.all = c.b.node(Op.ReduceMin, { axes: ax, keepdims: keep }, [p]);
      return { c, out, scale: 1 };
    });
  });
  test("long reductions (workgroup trees) and argmax/argmin with ties", async () => {
    if (skip) return;
    await prop(fc.tuple(fc.integer({ min: 1, max: 3 }), fc.integer({ min: 200, max: 700 })), ([rows, n], seed) => {
      const c = newCase(seed);
      const x = input(c, "f32", [rows, n], halves);
      const out: Record<string, Node> = {
        sum: c.b.reduce("sum", x, [1], false),
        max: c.b.reduce("max", x, [1], true),
        amax: c.b.argReduce("argmax", x, 1, false),
        amin: c.b.argReduce("argmin", x, 1, true),
        amax0: c.b.argReduce("argmax", x, 0, false),
      };
      return { c, out, scale: 1e-3 };
    });
  });
  test("matmul: rank 2 and batched, f32 (tiled and small) and i32", async () => {
    if (skip) return;
    await prop(fc.tuple(fc.integer({ min: 1, max: 3 }), fc.integer({ min: 1, max: 40 }), fc.integer({ min: 1, max: 70 }), fc.integer({ min: 1, max: 40 })), ([bt, m, k, n], seed) => {
      const c = newCase(seed);
      const a = input(c, "f32", [bt, m, k], uni(-1, 1));
      const w = input(c, "f32", [bt, k, n], uni(-1, 1));
      const ai = input(c, "i32", [m, k], ints(-5, 5));
      const wi = input(c, "i32", [k, n], ints(-5, 5));
      return { c, out: { f: c.b.node(Op.MatMul, null, [a, w]), i: c.b.node(Op.MatMul, null, [ai, wi]) }, scale: 1 };
    });
  });

  test("movement: reshape, transpose, broadcast, slice, pad, reverse, concat", async () => {
    if (skip) return;
    await prop(fc.tuple(shapeArb(1, 3, 5), fc.nat()), ([shape, bits], seed) => {
      const c = newCase(seed);
      const x = input(c, "f32", shape, uni(-5, 5));
      const r = shape.length;
      const perm = shape.map((_, i) => i).sort((a, b) => ((bits >> a) & 1) - ((bits >> b) & 1) || b - a);
      const starts = shape.map((d, i) => (bits >> i) % d);
      const steps = shape.map((_, i) => 1 + ((bits >> (2 * i)) % 3));
      const out: Record<string, Node> = {
        reshape: c.b.node(Op.Reshape, { shape: [numel(shape)] }, [x]),
        transpose: c.b.node(Op.Transpose, { perm }, [x]),
        broadcast: c.b.node(Op.Broadcast, { shape: [2, ...shape.map((d, i) => ((bits >> i) & 1 ? d : d))] }, [x]),
        slice: c.b.node(Op.Slice, { starts, stops: [...shape], steps }, [x]),
        pad: c.b.node(Op.Pad, { lo: shape.map((_, i) => (bits >> i) & 1), hi: shape.map((_, i) => (bits >> (i + 1)) & 1), interior: shape.map((_, i) => (bits >> (i + 2)) % 3) }, [x]),
        reverse: c.b.node(Op.Reverse, { axes: shape.map((_, i) => i).filter((i) => (bits >> i) & 1) }, [x]),
        concat: c.b.node(Op.Concat, { axis: bits % r }, [x, c.b.unary("neg", x), x]),
      };
      const ones = shape.map(() => 1);
      out.stretch = c.b.node(Op.Broadcast, { shape: [3, ...shape] }, [c.b.node(Op.Reshape, { shape: ones }, [c.b.node(Op.Slice, { starts: shape.map(() => 0), stops: ones, steps: ones }, [x])])]);
      return { c, out };
    });
  });
  test("gather (clamped indices) and scatter_add (repeated indices accumulate)", async () => {
    if (skip) return;
    await prop(fc.tuple(shapeArb(1, 3, 5), fc.integer({ min: 1, max: 3 }), fc.integer({ min: 1, max: 6 })), ([shape, kk, count], seed) => {
      const c = newCase(seed);
      const k = Math.min(kk, shape.length);
      const x = input(c, "f32", shape, uni(-5, 5));
      const idx = input(c, "i32", [count, k], ints(-2, 6));
      const g = c.b.node(Op.Gather, null, [x, idx]);
      const upd = input(c, "f32", g.shape, uni(-5, 5));
      const updi = input(c, "i32", g.shape, ints(-5, 5));
      return { c, out: { gather: g, scatter: c.b.node(Op.ScatterAdd, { shape }, [idx, upd]), scatteri: c.b.node(Op.ScatterAdd, { shape }, [idx, updi]) }, scale: 1 };
    });
  });
  test("leaves and random numbers: constant, iota, literal, random_bits (bit-identical), bits_to_unit", async () => {
    if (skip) return;
    await prop(shapeArb(1), (shape, seed) => {
      const c = newCase(seed);
      const s = c.b.input("seed", "step", "i32", []);
      c.inputs.push(s);
      c.data.seed = tensor("i32", [], [seed]);
      const bits = c.b.node(Op.RandomBits, { shape, salt: seed % 5 }, [s]);
      const lit = c.b.literal(Array.from({ length: numel(shape) }, (_, i) => i * 0.25 - 1), "f32", shape);
      return {
        c,
        out: { bits, unit: c.b.node(Op.BitsToUnit, { dtype: "f32" }, [bits]), iota: c.b.iotaNd(shape, shape.length - 1, "f32"), iotai: c.b.iotaNd(shape, 0, "i32"), k: c.b.constant(-2.5, "f32", shape), lit },
      };
    });
  });
});
