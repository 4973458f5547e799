// The reference interpreter, primitive by primitive, against hand-computed values and NumPy's
// semantics (broadcasting, matmul, slicing, advanced indexing); f32 rounding vs float64 mode;
// i32 wrap-around; and the errors for missing or mis-shaped inputs.

import fc from "fast-check";
import { describe, expect, test } from "vitest";
import type { IrBuilder } from "../../compiler/ir/builder.js";
import type { DType } from "../../compiler/ir/dtype.js";
import type { Node } from "../../compiler/ir/node.js";
import { numel } from "../../compiler/ir/shape.js";
import { interpret, InterpretError } from "../../runtime/interp.js";
import { tensor, toArray, toNested, type NestedNumbers, type Tensor } from "../../runtime/tensor.js";
import { FC_SEED, fnOf, setup, shapeArb } from "../ir/helpers.js";

/** Evaluates an input-free expression. */
function ev(f: (b: IrBuilder) => Node, float64 = false): Tensor {
  const { b } = setup();
  return interpret(fnOf("t", [], { y: f(b) }), {}, { float64 })["y"]!;
}
const lit = (b: IrBuilder, values: NestedNumbers[], dtype: DType = "f32", shape?: number[]) => {
  const flat = (values as NestedNumbers[]).flat(Infinity as 1) as number[];
  return b.literal(flat, dtype, shape ?? [flat.length]);
};
const vals = (t: Tensor) => toArray(t);

describe("elementwise unary", () => {
  const u = (op: Parameters<IrBuilder["unary"]>[0], xs: number[], dtype: DType = "f32", float64 = true) => vals(ev((b) => b.unary(op, lit(b, xs, dtype)), float64));
  test("float functions", () => {
    expect(u("neg", [1, -2, 0])).toEqual([-1, 2, -0]);
    expect(u("abs", [-1.5, 2])).toEqual([1.5, 2]);
    expect(u("sign", [-3, 0, 2, NaN])).toEqual([-1, 0, 1, NaN]);
    expect(u("exp", [0, 1])).toEqual([1, Math.E]);
    expect(u("log", [1, Math.E, 0, -1])).toEqual([0, 1, -Infinity, NaN]);
    expect(u("sqrt", [4, 2, -1])).toEqual([2, Math.SQRT2, NaN]);
    expect(u("rsqrt", [4, 0])).toEqual([0.5, Infinity]);
    expect(u("sin", [0, Math.PI / 2])).toEqual([0, 1]);
    expect(u("cos", [0])).toEqual([1]);
    expect(u("tanh", [0, 100])).toEqual([0, 1]);
    expect(u("sigmoid", [0, 800, -800])).toEqual([0.5, 1, 0]);
    expect(u("relu", [-1, 0, 2, NaN])).toEqual([0, 0, 2, NaN]);
    expect(u("floor", [-1.5, 1.5, 2])).toEqual([-2, 1, 2]);
    expect(u("round", [0.5, 1.5, 2.5, -0.5, -1.5, 2.4, -2.6])).toEqual([0, 2, 2, -0, -2, 2, -3]); // half to even
  });
  test("erf to double precision", () => {
    const [a, b, c, d, e] = u("erf", [0, 0.5, -1, 3, 7]);
    expect(a).toBe(0);
    expect(b).toBeCloseTo(0.5204998778130465, 15);
    expect(c).toBeCloseTo(-0.8427007929497149, 15);
    expect(d).toBeCloseTo(0.9999779095030014, 15);
    expect(e).toBe(1);
  });
  test("integers: neg and abs wrap at the i32 minimum; relu and sign", () => {
    expect(u("neg", [-2147483648, 5], "i32")).toEqual([-2147483648, -5]);
    expect(u("abs", [-2147483648, -5], "i32")).toEqual([-2147483648, 5]);
    expect(u("relu", [-3, 4], "i32")).toEqual([0, 4]);
    expect(u("sign", [-3, 0, 4], "i32")).toEqual([-1, 0, 1]);
  });
  test("not", () => expect(u("not", [0, 1], "bool")).toEqual([1, 0]));
  test("f32 results are rounded to f32; float64 mode keeps f64", () => {
    expect(u("exp", [1], "f32", false)).toEqual([Math.fround(Math.E)]);
    expect(u("exp", [1], "f32", true)).toEqual([Math.E]);
  });
});

describe("elementwise binary", () => {
  const bin = (op: Parameters<IrBuilder["binary"]>[0], xs: number[], ys: number[], dtype: DType = "f32", float64 = true) => vals(ev((b) => b.binary(op, lit(b, xs, dtype), lit(b, ys, dtype)), float64));
  test("arithmetic on floats", () => {
    expect(bin("add", [1, 2], [3, -4])).toEqual([4, -2]);
    expect(bin("sub", [1, 2], [3, -4])).toEqual([-2, 6]);
    expect(bin("mul", [1.5, 2], [3, -4])).toEqual([4.5, -8]);
    expect(bin("div", [1, 1, -1, 0], [4, 0, 0, 0])).toEqual([0.25, Infinity, -Infinity, NaN]);
    expect(bin("pow", [2, -8, 1, 0], [3, 1 / 3, NaN, 0])).toEqual([8, NaN, 1, 1]);
    expect(bin("max", [1, NaN, -0], [2, 1, 0])).toEqual([2, NaN, 0]);
    expect(bin("min", [1, 3, NaN], [2, NaN, 1])).toEqual([1, NaN, NaN]);
  });
  test("mod is floor modulo (sign of the divisor), like NumPy", () => {
    expect(bin("mod", [5.5, -5.5, 5.5, -5.5], [2, 2, -2, -2])).toEqual([1.5, 0.5, -0.5, -1.5]);
    expect(bin("mod", [5, -5, 5, -5, 7], [3, 3, -3, -3, 0], "i32")).toEqual([2, 1, -1, -2, 0]);
  });
  test("i32: wrap-around, truncating division, x / 0 = 0", () => {
    expect(bin("add", [2147483647], [1], "i32")).toEqual([-2147483648]);
    expect(bin("mul", [65536, 46341], [65536, 46341], "i32")).toEqual([0, -2147479015]);
    expect(bin("div", [7, -7, 7, 3], [2, 2, -2, 0], "i32")).toEqual([3, -3, -3, 0]);
    expect(bin("pow", [2, 3], [10, 2], "i32")).toEqual([1024, 9]);
  });
  test("comparisons give bool, NaN compares unequal", () => {
    expect(bin("eq", [1, NaN, 2], [1, NaN, 3])).toEqual([1, 0, 0]);
    expect(bin("ne", [1, NaN], [1, NaN])).toEqual([0, 1]);
    expect(bin("lt", [1, 2, NaN], [2, 2, 0])).toEqual([1, 0, 0]);
    expect(bin("le", [1, 2], [2, 2])).toEqual([1, 1]);
    expect(bin("gt", [3, 2], [2, 2])).toEqual([1, 0]);
    expect(bin("ge", [3, 2, 1], [2, 2, 2])).toEqual([1, 1, 0]);
    expect(ev((b) => b.binary("eq", lit(b, [1, 0], "bool"), lit(b, [1, 1], "bool"))).dtype).toBe("bool");
  });
  test("and, or", () => {
    expect(bin("and", [0, 0, 1, 1], [0, 1, 0, 1], "bool")).toEqual([0, 0, 0, 1]);
    expect(bin("or", [0, 0, 1, 1], [0, 1, 0, 1], "bool")).toEqual([0, 1, 1, 1]);
  });
  test("f32 rounding per op: 1 + 1e-8 is 1 in f32 but not in float64 mode", () => {
    expect(bin("add", [1], [1e-8], "f32", false)).toEqual([1]);
    expect(bin("add", [1], [1e-8], "f32", true)).toEqual([1.00000001]);
    expect(bin("add", [1], [1e-8], "f64", false)).toEqual([1.00000001]);
  });
  test("NumPy broadcasting through the builder: [2,1] + [3] -> [2,3]", () => {
    const t = ev((b) => b.binary("add", lit(b, [10, 20], "f32", [2, 1]), lit(b, [1, 2, 3])));
    expect(t.shape).toEqual([2, 3]);
    expect(toNested(t)).toEqual([[11, 12, 13], [21, 22, 23]]);
  });
});

describe("where and cast", () => {
  test("where broadcasts its three operands", () => {
    const t = ev((b) => b.where(lit(b, [1, 0, 1], "bool"), lit(b, [1, 2, 3, 4, 5, 6], "f32", [2, 3]), b.constant(-1, "f32")));
    expect(toNested(t)).toEqual([[1, -1, 3], [4, -1, 6]]);
  });
  test("cast: ints truncate toward zero and saturate, NaN -> 0; bool is x != 0", () => {
    const xs = [1.7, -1.7, 3e9, -3e9, NaN, 0];
    expect(vals(ev((b) => b.cast(lit(b, xs), "i32")))).toEqual([1, -1, 2147483647, -2147483648, 0, 0]);
    expect(vals(ev((b) => b.cast(lit(b, xs), "bool")))).toEqual([1, 1, 1, 1, 1, 0]);
    expect(vals(ev((b) => b.cast(lit(b, [1, 0], "bool"), "f32")))).toEqual([1, 0]);
    expect(vals(ev((b) => b.cast(lit(b, [0.1], "f64"), "f32")))).toEqual([Math.fround(0.1)]);
  });
});

describe("reductions", () => {
  const x = (b: IrBuilder) => lit(b, [1, 5, 3, 4, 2, 6], "f32", [2, 3]);
  test("sum, max, min over axes, with and without kept dims", () => {
    expect(toNested(ev((b) => b.reduce("sum", x(b), [1], false)))).toEqual([9, 12]);
    expect(toNested(ev((b) => b.reduce("sum", x(b), [0], true)))).toEqual([[5, 7, 9]]);
    expect(toNested(ev((b) => b.reduce("sum", x(b), "all", false)))).toEqual(21);
    expect(toNested(ev((b) => b.reduce("max", x(b), [-1], false)))).toEqual([5, 6]);
    expect(toNested(ev((b) => b.reduce("min", x(b), [0], false)))).toEqual([1, 2, 3]);
    expect(toNested(ev((b) => b.reduce("mean", x(b), [1], true)))).toEqual([[3], [4]]);
  });
  test("mean of bools is the f32 fraction of trues; max/min of bools are any/all", () => {
    const t = ev((b) => b.reduce("mean", lit(b, [1, 0, 1, 1], "bool"), "all", false));
    expect([t.dtype, vals(t)]).toEqual(["f32", [0.75]]);
    expect(vals(ev((b) => b.reduce("max", lit(b, [0, 1, 0, 0], "bool", [2, 2]), [1], false)))).toEqual([1, 0]);
    expect(vals(ev((b) => b.reduce("min", lit(b, [1, 1, 0, 1], "bool", [2, 2]), [1], false)))).toEqual([1, 0]);
  });
  test("max propagates NaN; empty reductions give the identity", () => {
    expect(vals(ev((b) => b.reduce("max", lit(b, [1, NaN, 3]), "all", false)))).toEqual([NaN]);
    expect(vals(ev((b) => b.reduce("sum", b.constant(1, "f32", [2, 0]), [1], false)))).toEqual([0, 0]);
    expect(vals(ev((b) => b.reduce("max", b.constant(1, "f32", [0]), [0], false)))).toEqual([-Infinity]);
    expect(vals(ev((b) => b.reduce("min", b.constant(1, "i32", [0]), [0], false)))).toEqual([2147483647]);
  });
  test("prod: hand values, empty product, i32", () => {
    expect(vals(ev((b) => b.reduce("prod", lit(b, [1, -2, 3, 0.5, 0, 7], "f32", [2, 3]), [1], false)))).toEqual([-6, 0]);
    expect(vals(ev((b) => b.reduce("prod", b.constant(3, "f32", [2, 0]), [1], false)))).toEqual([1, 1]);
    expect(vals(ev((b) => b.reduce("prod", lit(b, [3, -4, 5], "i32"), "all", false)))).toEqual([-60]);
  });
  test("i32 sums wrap", () => expect(vals(ev((b) => b.reduce("sum", lit(b, [2147483647, 1], "i32"), "all", false)))).toEqual([-2147483648]));
  test("argmax/argmin: first index of the extreme, first NaN wins (NumPy)", () => {
    expect(vals(ev((b) => b.argReduce("argmax", lit(b, [1, 7, 7, 2, 9, 0], "f32", [2, 3]), -1, false)))).toEqual([1, 1]);
    expect(vals(ev((b) => b.argReduce("argmin", lit(b, [1, 7, 7, 2, 9, 0], "f32", [2, 3]), 0, true)))).toEqual([0, 0, 1]);
    expect(vals(ev((b) => b.argReduce("argmax", lit(b, [1, NaN, 9, NaN]), 0, false)))).toEqual([1]);
    expect(ev((b) => b.argReduce("argmax", lit(b, [1, 2]), 0, true)).shape).toEqual([1]);
  });
});

/** NumPy matmul by definition, for the property below. */
function refMatmul(a: Tensor, b: Tensor): { shape: number[]; data: number[] } {
  const as = a.shape.length === 1 ? [1, a.shape[0]!] : a.shape;
  const bs = b.shape.length === 1 ? [b.shape[0]!, 1] : b.shape;
  const [m, k, n] = [as[as.length - 2]!, as[as.length - 1]!, bs[bs.length - 1]!];
  const ba = as.slice(0, -2);
  const bb = bs.slice(0, -2);
  const r = Math.max(ba.length, bb.length);
  const batch = Array.from({ length: r }, (_, i) => Math.max(ba[ba.length - r + i] ?? 1, bb[bb.length - r + i] ?? 1));
  const data: number[] = [];
  const idxIn = (bshape: number[], bidx: number[]) => bshape.reduce((acc, d, j) => acc * d + (d === 1 ? 0 : bidx[bidx.length - bshape.length + j]!), 0);
  for (let f = 0; f < numel(batch); f++) {
    const bidx = batch.map((_, i) => Math.floor(f / numel(batch.slice(i + 1))) % batch[i]!);
    const oa = idxIn(ba, bidx) * m * k;
    const ob = idxIn(bb, bidx) * k * n;
    for (let i = 0; i < m; i++) for (let j = 0; j < n; j++) {
      let s = 0;
      for (let p = 0; p < k; p++) s += a.data[oa + i * k + p]! * b.data[ob + p * n + j]!;
      data.push(s);
    }
  }
  return { shape: [...batch, ...(a.shape.length === 1 ? [] : [m]), ...(b.shape.length === 1 ? [] : [n])], data };
}

describe("matmul", () => {
  test("hand-computed: [2,3] @ [3,2], vector cases", () => {
    const a = (b: IrBuilder) => lit(b, [1, 2, 3, 4, 5, 6], "f32", [2, 3]);
    expect(toNested(ev((b) => b.matmul(a(b), lit(b, [1, 0, 0, 1, 1, 1], "f32", [3, 2]))))).toEqual([[4, 5], [10, 11]]);
    expect(toNested(ev((b) => b.matmul(lit(b, [1, 1]), a(b))))).toEqual([5, 7, 9]);
    expect(toNested(ev((b) => b.matmul(a(b), lit(b, [1, 0, -1]))))).toEqual([-2, -2]);
    expect(toNested(ev((b) => b.matmul(lit(b, [1, 2, 3]), lit(b, [4, 5, 6]))))).toEqual(32);
    expect(toNested(ev((b) => b.matmul(lit(b, [1, 2, 3, 4], "i32", [2, 2]), lit(b, [1, 1, 1, 1], "i32", [2, 2]))))).toEqual([[3, 3], [7, 7]]);
  });
  test("agrees with NumPy semantics on random shapes (rank 1, batch broadcasting)", () => {
    const dim = fc.integer({ min: 1, max: 3 });
    fc.assert(
      fc.property(fc.tuple(dim, dim, dim), shapeArb(0, 2, 2), shapeArb(0, 2, 2), fc.integer({ min: 0, max: 3 }), ([m, k, n], ba, bb, vec) => {
        const sa = vec & 1 ? [k] : [...ba, m, k];
        const sb = vec & 2 ? [k] : [...bb, k, n];
        const { b } = setup();
        const A = tensor("f64", sa, Array.from({ length: numel(sa) }, (_, i) => i + 1));
        const B = tensor("f64", sb, Array.from({ length: numel(sb) }, (_, i) => (i % 3) - 1));
        const ref = refMatmul(A, B);
        const xa = b.input("a", "batch", "f64", sa);
        const xb = b.input("b", "batch", "f64", sb);
        const out = interpret(fnOf("mm", [xa, xb], { y: b.matmul(xa, xb) }), { a: A, b: B })["y"]!;
        expect(out.shape).toEqual(ref.shape);
        expect(toArray(out)).toEqual(ref.data);
      }),
      { numRuns: 60, seed: FC_SEED },
    );
  });
});

/** Python's slice semantics by enumeration. */
function pySliceIndices(n: number, start: number, stop: number, step: number): number[] {
  const norm = (v: number, lo: number, hi: number) => Math.min(Math.max(v < 0 ? v + n : v, lo), hi);
  const out: number[] = [];
  if (step > 0) for (let i = norm(start, 0, n); i < norm(stop, 0, n); i += step) out.push(i);
  else for (let i = norm(start, -1, n - 1); i > norm(stop, -1, n - 1); i += step) out.push(i);
  return out;
}

describe("movement", () => {
  const x23 = (b: IrBuilder) => lit(b, [0, 1, 2, 3, 4, 5], "f32", [2, 3]);
  test("reshape (with -1), transpose, broadcast", () => {
    expect(toNested(ev((b) => b.reshape(x23(b), [3, -1])))).toEqual([[0, 1], [2, 3], [4, 5]]);
    expect(toNested(ev((b) => b.transpose(x23(b))))).toEqual([[0, 3], [1, 4], [2, 5]]);
    expect(ev((b) => b.transpose(b.constant(0, "f32", [2, 3, 4]), [2, 0, 1])).shape).toEqual([4, 2, 3]);
    expect(toNested(ev((b) => b.broadcastTo(lit(b, [1, 2], "f32", [2, 1]), [2, 2, 3])))).toEqual([[[1, 1, 1], [2, 2, 2]], [[1, 1, 1], [2, 2, 2]]]);
  });
  test("slice: NumPy examples", () => {
    const r10 = (b: IrBuilder) => b.cast(b.iota(10), "f32");
    const s = (a: number, z: number, st: number) => vals(ev((b) => b.slice(r10(b), [a], [z], [st])));
    expect(s(2, 8, 3)).toEqual([2, 5]);
    expect(s(-3, Infinity, 1)).toEqual([7, 8, 9]);
    expect(s(Infinity, -Infinity, -1)).toEqual([9, 8, 7, 6, 5, 4, 3, 2, 1, 0]);
    expect(s(8, 2, -3)).toEqual([8, 5]);
    expect(s(5, 5, 1)).toEqual([]);
    expect(toNested(ev((b) => b.slice(x23(b), [0, -1], [2, -4], [1, -2])))).toEqual([[2, 0], [5, 3]]);
  });
  test("slice agrees with Python's slice semantics on random bounds", () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 7 }), fc.integer({ min: -9, max: 9 }), fc.integer({ min: -9, max: 9 }), fc.constantFrom(1, 2, 3, -1, -2, -3), (n, a, z, st) => {
        const got = vals(ev((b) => b.slice(b.cast(b.iota(n), "f32"), [a], [z], [st])));
        expect(got).toEqual(pySliceIndices(n, a, z, st));
      }),
      { numRuns: 200, seed: FC_SEED },
    );
  });
  test("pad with interior, reverse, concat", () => {
    expect(vals(ev((b) => b.pad(lit(b, [1, 2, 3]), [1], [2], [1])))).toEqual([0, 1, 0, 2, 0, 3, 0, 0]);
    expect(toNested(ev((b) => b.reverse(x23(b), [0, 1])))).toEqual([[5, 4, 3], [2, 1, 0]]);
    expect(toNested(ev((b) => b.concat([x23(b), lit(b, [9, 9], "f32", [2, 1])], -1)))).toEqual([[0, 1, 2, 9], [3, 4, 5, 9]]);
    expect(toNested(ev((b) => b.concat([x23(b), b.constant(7, "f32", [1, 3])], 0)))).toEqual([[0, 1, 2], [3, 4, 5], [7, 7, 7]]);
  });
});

describe("indexing", () => {
  const table = (b: IrBuilder) => lit(b, [0, 1, 10, 11, 20, 21], "f32", [3, 2]);
  test("take: embedding rows, indices clamped", () => {
    expect(toNested(ev((b) => b.take(table(b), lit(b, [2, 0, 2], "i32", [3]))))).toEqual([[20, 21], [0, 1], [20, 21]]);
    expect(toNested(ev((b) => b.take(table(b), lit(b, [[1], [5]], "i32", [2, 1]))))).toEqual([[[10, 11]], [[20, 21]]]);
    expect(toNested(ev((b) => b.take(table(b), lit(b, [-1], "i32", []))))).toEqual([0, 1]);
  });
  test("gather: x[iota(B), y] picks one element per row", () => {
    expect(vals(ev((b) => b.gather(lit(b, [1, 2, 3, 4, 5, 6], "f32", [2, 3]), [b.iota(2), lit(b, [2, 0], "i32")])))).toEqual([3, 4]);
  });
  test("gather: NumPy placement of the index dims (adjacent -> in place, separated -> first)", () => {
    // arange(b)[i, j, k] = 100 i + 10 j + k
    const arange = (b: IrBuilder) => b.binary("add", b.binary("add", b.binary("mul", b.cast(b.iotaNd([2, 3, 4], 0), "f32"), b.constant(100, "f32")), b.binary("mul", b.cast(b.iotaNd([2, 3, 4], 1), "f32"), b.constant(10, "f32"))), b.cast(b.iotaNd([2, 3, 4], 2), "f32"));
    // x[:, [2, 0]] -> shape [2, 2, 4]
    const a = ev((b) => b.gather(arange(b), [null, lit(b, [2, 0], "i32")]));
    expect(a.shape).toEqual([2, 2, 4]);
    expect(toNested(a)).toEqual([[[20, 21, 22, 23], [0, 1, 2, 3]], [[120, 121, 122, 123], [100, 101, 102, 103]]]);
    // x[:, [1, 2], [3, 0]] -> adjacent: [2, 2]
    const c = ev((b) => b.gather(arange(b), [null, lit(b, [1, 2], "i32"), lit(b, [3, 0], "i32")]));
    expect(toNested(c)).toEqual([[13, 20], [113, 120]]);
    // x[[1, 0], :, [3, 3]] -> separated: index dims first, [2, 3]
    const d = ev((b) => b.gather(arange(b), [lit(b, [1, 0], "i32"), null, lit(b, [3, 3], "i32")]));
    expect(toNested(d)).toEqual([[103, 113, 123], [3, 13, 23]]);
    // broadcast index arrays: x[[[0], [1]], [0, 2]] -> [2, 2, 4]
    const e = ev((b) => b.gather(arange(b), [lit(b, [0, 1], "i32", [2, 1]), lit(b, [0, 2], "i32")]));
    expect(e.shape).toEqual([2, 2, 4]);
    expect(vals(e).filter((_, i) => i % 4 === 0)).toEqual([0, 20, 100, 120]);
  });
  test("scatter_add accumulates repeated indices", () => {
    const t = ev((b) => b.scatterAdd(lit(b, [2, 0, 2], "i32", [3, 1]), lit(b, [1, 2, 3, 4, 5, 6], "f32", [3, 2]), [3, 2]));
    expect(toNested(t)).toEqual([[3, 4], [0, 0], [6, 8]]);
  });
  test("one_hot and iota", () => {
    expect(toNested(ev((b) => b.oneHot(lit(b, [2, 0], "i32"), 3)))).toEqual([[0, 0, 1], [1, 0, 0]]);
    expect(ev((b) => b.oneHot(lit(b, [2, 0], "i32"), 3)).dtype).toBe("f32");
    expect(vals(ev((b) => b.iota(4)))).toEqual([0, 1, 2, 3]);
    expect(toNested(ev((b) => b.iotaNd([2, 3], 1, "f32")))).toEqual([[0, 1, 2], [0, 1, 2]]);
  });
});

describe("gradient markers are identities when evaluated", () => {
  test("stop_gradient and straight_through", () => {
    expect(vals(ev((b) => b.stopGradient(lit(b, [1, 2]))))).toEqual([1, 2]);
    expect(vals(ev((b) => b.straightThrough(lit(b, [1, 2]), lit(b, [5, 6]))))).toEqual([1, 2]);
  });
});

describe("inputs", () => {
  const { b } = setup();
  const x = b.input("x", "batch", "f32", [2, 3]);
  const w = b.input("h1.w", "param", "f32", [3]);
  const fn = fnOf("f", [x, w], { y: b.binary("add", x, w) });
  const good = { x: tensor("f32", [2, 3], [1, 2, 3, 4, 5, 6]), "h1.w": tensor("f32", [3], [1, 1, 1]) };
  test("a correct call", () => expect(toNested(interpret(fn, good)["y"]!)).toEqual([[2, 3, 4], [5, 6, 7]]));
  test("a missing input names it and its type", () => expect(() => interpret(fn, { x: good.x })).toThrow("missing input `h1.w`: expected f32[3]"));
  test("a mis-shaped input names expected and actual shape", () => {
    expect(() => interpret(fn, { ...good, "h1.w": tensor("f32", [4], [1, 1, 1, 1]) })).toThrow("input `h1.w` has shape [4], expected f32[3] (got f32[4])");
  });
  test("a wrong dtype, an unknown input", () => {
    expect(() => interpret(fn, { ...good, x: tensor("i32", [2, 3], [1, 2, 3, 4, 5, 6]) })).toThrow(/input `x` has dtype i32, expected f32\[2,3\]/);
    expect(() => interpret(fn, { ...good, z: good.x })).toThrow(InterpretError);
  });
  test("storage must match the dtype", () => {
    expect(() => interpret(fn, { ...good, x: { dtype: "f32", shape: [2, 3], data: new Int32Array(6) } })).toThrow(/stored in a Int32Array/);
  });
});
