// Random single-primitive functions for the ONNX lowering tests: for every op, a fast-check
// arbitrary of IR functions (inputs -> one output `y`) with input values and the tolerance the
// comparison with the interpreter uses. Shapes and static arguments come from fast-check; the
// values come from a seeded generator that mixes ordinary numbers with the ones where semantics
// differ between systems (0, -0, NaN, infinities, huge values, i32 extremes, ties).

import fc from "fast-check";
import { IrBuilder } from "../../../compiler/ir/builder.js";
import type { DType } from "../../../compiler/ir/dtype.js";
import type { IrFunction } from "../../../compiler/ir/function.js";
import { IrContext, type Node } from "../../../compiler/ir/node.js";
import { Op, type OpArgs } from "../../../compiler/ir/ops.js";
import { numel } from "../../../compiler/ir/shape.js";
import type { Tensor } from "../../../runtime/tensor.js";
import { EXACT, type Tolerance } from "./helpers.js";
import { seededRandom } from "../../../runtime/batches.js";

export interface Case {
  readonly fn: IrFunction;
  readonly inputs: Record<string, Tensor>;
  readonly tol: Tolerance;
}

/** f32 results: 1e-5 relative, with a small absolute floor. */
export const F32: Tolerance = { rtol: 1e-5, atol: 1e-6 };
/** f64 results: ORT's f64 sin and cos lose relative precision near their zeros (1e-15 absolute). */
export const F64: Tolerance = { rtol: 1e-12, atol: 1e-14 };

/** mulberry32, the run loop's seeded generator (runtime/batches.ts). */
export const rng = seededRandom;

export type Values = "general" | "finite" | "unit" | "nearOne" | "ties" | "full" | "small" | "tiny" | "bool" | "index";

const FLOAT_SPECIALS = [0, -0, NaN, Infinity, -Infinity, 1, -1, 0.5, 2.5, -2.5, 1e30, -1e30, 3e9, -3e9, -2147483648, 2147483647.5, 1e300, -1e-300];
const INT_SPECIALS = [0, 1, -1, 2, -2, -2147483648, 2147483647, -2147483647];

/** One value of a kind (for i32, an integer in range; for bool, 0 or 1). */
function value(kind: Values, r: () => number): number {
  const pick = <T>(xs: readonly T[]) => xs[Math.floor(r() * xs.length)]!;
  switch (kind) {
    case "general":
      return r() < 0.2 ? pick(FLOAT_SPECIALS) : (r() - 0.5) * 10;
    case "finite":
      return (r() - 0.5) * 10;
    case "unit":
      return r() * 2 - 1;
    case "nearOne":
      return (r() < 0.5 ? -1 : 1) * (0.5 + r());
    case "ties":
      return pick([0, 1, 2, 2, NaN, -Infinity, Infinity]);
    case "full":
      return r() < 0.25 ? pick(INT_SPECIALS) : r() < 0.5 ? Math.floor(r() * 21) - 10 : (Math.floor(r() * 4294967296) | 0);
    case "small":
      return Math.floor(r() * 21) - 10;
    case "tiny":
      return Math.floor(r() * 5) - 2;
    case "bool":
      return r() < 0.5 ? 1 : 0;
    case "index":
      return Math.floor(r() * 9) - 3;
  }
}

export function tensorOf(dtype: DType, shape: readonly number[], kind: Values, r: () => number): Tensor {
  const n = numel(shape);
  const data = dtype === "f32" ? new Float32Array(n) : dtype === "f64" ? new Float64Array(n) : dtype === "i32" ? new Int32Array(n) : new Uint8Array(n);
  for (let i = 0; i < n; i++) data[i] = value(kind, r);
  return { dtype, shape: [...shape], data };
}

/** Builds one case: `build` declares inputs with `inp` and returns the output. */
export function makeCase(seed: number, tol: Tolerance, build: (b: IrBuilder, inp: (dtype: DType, shape: readonly number[], kind: Values) => Node) => Node): Case {
  const b = new IrBuilder(new IrContext());
  const r = rng(seed);
  const inputs: Record<string, Tensor> = {};
  const nodes: Node[] = [];
  const inp = (dtype: DType, shape: readonly number[], kind: Values) => {
    const name = `x${nodes.length}`;
    const node = b.input(name, "batch", dtype, shape);
    nodes.push(node);
    inputs[name] = tensorOf(dtype, shape, kind, r);
    return node;
  };
  const y = build(b, inp);
  return { fn: { name: "case", inputs: nodes.map((n) => ({ name: (n.arg as OpArgs[Op.Input]).name, node: n })), outputs: [{ name: "y", node: y }] }, inputs, tol };
}

// ---------------------------------------------------------------- arbitraries

export const shapeArb = (minRank = 0, maxRank = 3, maxDim = 4) => fc.array(fc.integer({ min: 1, max: maxDim }), { minLength: minRank, maxLength: maxRank });
const seedArb = fc.integer({ min: 0, max: 2 ** 31 - 1 });

/** A sorted subset of the axes of a rank. */
const axesOf = (rank: number) => fc.subarray(Array.from({ length: rank }, (_, i) => i));

/** A permutation of 0..n-1. */
const permOf = (n: number) => fc.shuffledSubarray(Array.from({ length: n }, (_, i) => i), { minLength: n, maxLength: n });


export interface OpCases {
  /** A label for the test (`add f32`). */
  readonly label: string;
  readonly op: Op;
  readonly arb: fc.Arbitrary<Case>;
  /** Opsets at which the rule differs from 18 (tested as well). */
  readonly newer?: boolean;
}

function unaryCases(op: Op, dtype: DType, kind: Values, tol: Tolerance): OpCases {
  return {
    label: `${op} ${dtype}`,
    op,
    arb: fc.tuple(shapeArb(), seedArb).map(([shape, seed]) => makeCase(seed, tol, (b, inp) => b.node(op, null as never, [inp(dtype, shape, kind)]))),
  };
}

function binaryCases(op: Op, dtype: DType, kind: Values, tol: Tolerance, kindB: Values = kind): OpCases {
  return {
    label: `${op} ${dtype}`,
    op,
    arb: fc.tuple(shapeArb(), seedArb).map(([shape, seed]) => makeCase(seed, tol, (b, inp) => b.node(op, null as never, [inp(dtype, shape, kind), inp(dtype, shape, kindB)]))),
  };
}

const FLOAT_UNARY: [Op, Tolerance?][] = [[Op.Neg], [Op.Abs], [Op.Sign], [Op.Exp], [Op.Log], [Op.Sqrt], [Op.Rsqrt], [Op.Sin], [Op.Cos], [Op.Tanh], [Op.Sigmoid], [Op.Erf], [Op.Relu], [Op.Floor], [Op.Round]];

function allCases(): OpCases[] {
  const out: OpCases[] = [];
  // ---- unary
  for (const [op] of FLOAT_UNARY) {
    // trigonometry of huge arguments is not what anyone computes: ordinary values for sin/cos
    const kind: Values = op === Op.Sin || op === Op.Cos ? "finite" : "general";
    out.push(unaryCases(op, "f32", kind, F32));
    out.push(unaryCases(op, "f64", kind, op === Op.Erf ? { rtol: 1e-6, atol: 1e-7 } : F64));
  }
  for (const op of [Op.Neg, Op.Abs, Op.Sign, Op.Relu]) out.push(unaryCases(op, "i32", "full", EXACT));
  out.push(unaryCases(Op.Not, "bool", "bool", EXACT));

  // ---- binary
  for (const op of [Op.Add, Op.Sub, Op.Mul, Op.Div, Op.Max, Op.Min, Op.Mod]) {
    out.push(binaryCases(op, "f32", "general", F32));
    out.push(binaryCases(op, "f64", "general", F64));
    out.push(binaryCases(op, "i32", "full", EXACT));
  }
  out.push(binaryCases(Op.Mod, "i32", "small", EXACT, "tiny"));
  out.push(binaryCases(Op.Div, "i32", "small", EXACT, "tiny"));
  // pow: (-1)^±inf is NaN in the interpreter (JavaScript) but 1 in C and ONNX Runtime, so the
  // exponents are finite here (see the report on the interpreter's semantics)
  out.push(binaryCases(Op.Pow, "f32", "general", F32, "finite"));
  out.push(binaryCases(Op.Pow, "f64", "general", F64, "finite"));
  out.push(binaryCases(Op.Pow, "i32", "small", EXACT, "tiny"));
  for (const op of [Op.Eq, Op.Ne, Op.Lt, Op.Le, Op.Gt, Op.Ge]) {
    out.push(binaryCases(op, "f32", "ties", EXACT));
    out.push(binaryCases(op, "i32", "tiny", EXACT));
  }
  for (const op of [Op.Eq, Op.Ne, Op.And, Op.Or]) out.push(binaryCases(op, "bool", "bool", EXACT));

  // ---- where, cast
  for (const d of ["f32", "f64", "i32", "bool"] as const) {
    out.push({
      label: `where ${d}`,
      op: Op.Where,
      arb: fc.tuple(shapeArb(), seedArb).map(([shape, seed]) => makeCase(seed, EXACT, (b, inp) => b.node(Op.Where, null, [inp("bool", shape, "bool"), inp(d, shape, d === "bool" ? "bool" : "general"), inp(d, shape, d === "bool" ? "bool" : "general")]))),
    });
  }
  const dtypes: DType[] = ["f32", "f64", "i32", "bool"];
  for (const from of dtypes)
    for (const to of dtypes) {
      if (from === to) continue;
      out.push({
        label: `cast ${from} -> ${to}`,
        op: Op.Cast,
        arb: fc.tuple(shapeArb(), seedArb).map(([shape, seed]) => makeCase(seed, EXACT, (b, inp) => b.node(Op.Cast, { dtype: to }, [inp(from, shape, from === "bool" ? "bool" : from === "i32" ? "full" : "general")]))),
      });
    }

  // ---- reductions
  const reduceCase = (op: Op.ReduceSum | Op.ReduceMax | Op.ReduceMin | Op.ReduceProd, dtype: DType, kind: Values, tol: Tolerance, maxDim = 4): OpCases => ({
    label: `${op} ${dtype}`,
    op,
    newer: true,
    arb: shapeArb(0, 4, maxDim)
      .chain((shape) => fc.tuple(fc.constant(shape), axesOf(shape.length), fc.boolean(), seedArb))
      .map(([shape, axes, keepdims, seed]) => makeCase(seed, tol, (b, inp) => b.node(op, { axes, keepdims }, [inp(dtype, shape, kind)]))),
  });
  out.push(reduceCase(Op.ReduceSum, "f32", "finite", { rtol: 1e-5, atol: 1e-4 }));
  out.push(reduceCase(Op.ReduceSum, "f64", "finite", { rtol: 1e-12, atol: 1e-12 }));
  out.push(reduceCase(Op.ReduceSum, "i32", "full", EXACT));
  for (const op of [Op.ReduceMax, Op.ReduceMin] as const) {
    out.push(reduceCase(op, "f32", "general", EXACT));
    out.push(reduceCase(op, "f64", "general", EXACT));
    out.push(reduceCase(op, "i32", "full", EXACT));
    out.push(reduceCase(op, "bool", "bool", EXACT));
  }
  out.push(reduceCase(Op.ReduceProd, "f32", "nearOne", { rtol: 1e-5, atol: 1e-6 }, 3));
  out.push(reduceCase(Op.ReduceProd, "f64", "nearOne", F64, 3));
  out.push(reduceCase(Op.ReduceProd, "i32", "tiny", EXACT, 3));
  for (const op of [Op.ArgMax, Op.ArgMin] as const)
    for (const [d, kind] of [["f32", "ties"], ["f64", "ties"], ["i32", "tiny"], ["bool", "bool"]] as const) {
      out.push({
        label: `${op} ${d}`,
        op,
        newer: true,
        arb: shapeArb(1, 4)
          .chain((shape) => fc.tuple(fc.constant(shape), fc.integer({ min: 0, max: shape.length - 1 }), fc.boolean(), seedArb))
          .map(([shape, axis, keepdims, seed]) => makeCase(seed, EXACT, (b, inp) => b.node(op, { axis, keepdims }, [inp(d, shape, kind)]))),
      });
    }

  // ---- matmul
  for (const [d, kind] of [["f32", "unit"], ["f64", "unit"], ["i32", "full"]] as const) {
    out.push({
      label: `matmul ${d}`,
      op: Op.MatMul,
      arb: fc.tuple(shapeArb(0, 2, 3), fc.integer({ min: 1, max: 5 }), fc.integer({ min: 1, max: 9 }), fc.integer({ min: 1, max: 5 }), seedArb).map(([batch, m, k, n, seed]) =>
        makeCase(seed, d === "i32" ? EXACT : d === "f64" ? F64 : { rtol: 1e-5, atol: 1e-6 * k }, (b, inp) => b.node(Op.MatMul, null, [inp(d, [...batch, m, k], kind), inp(d, [...batch, k, n], kind)])),
      ),
    });
  }

  // ---- movement (exact copies), for every dtype
  for (const d of ["f32", "f64", "i32", "bool"] as const) {
    const kind: Values = d === "f32" || d === "f64" ? "general" : d === "i32" ? "full" : "bool";
    out.push({
      label: `reshape ${d}`,
      op: Op.Reshape,
      arb: fc.tuple(shapeArb(0, 4), seedArb).map(([shape, seed]) => makeCase(seed, EXACT, (b, inp) => b.node(Op.Reshape, { shape: regroup(numel(shape), rng(seed ^ 0x5555)) }, [inp(d, shape, kind)]))),
    });
    out.push({
      label: `transpose ${d}`,
      op: Op.Transpose,
      arb: shapeArb(0, 4)
        .chain((shape) => fc.tuple(fc.constant(shape), permOf(shape.length), seedArb))
        .map(([shape, perm, seed]) => makeCase(seed, EXACT, (b, inp) => b.node(Op.Transpose, { perm }, [inp(d, shape, kind)]))),
    });
    out.push({
      label: `broadcast ${d}`,
      op: Op.Broadcast,
      arb: fc.tuple(shapeArb(0, 4), seedArb).map(([target, seed]) => {
        const r = rng(seed ^ 0x3333);
        const drop = Math.floor(r() * (target.length + 1));
        const src = target.slice(drop).map((x) => (r() < 0.4 ? 1 : x));
        return makeCase(seed, EXACT, (b, inp) => b.node(Op.Broadcast, { shape: target }, [inp(d, src, kind)]));
      }),
    });
    out.push({
      label: `slice ${d}`,
      op: Op.Slice,
      arb: fc.tuple(shapeArb(0, 3, 5), seedArb).map(([shape, seed]) => {
        const r = rng(seed ^ 0x7777);
        const starts = shape.map((x) => Math.floor(r() * (x + 1)));
        const stops = shape.map((x, i) => starts[i]! + Math.floor(r() * (x - starts[i]! + 1)));
        const steps = shape.map(() => 1 + Math.floor(r() * 3));
        return makeCase(seed, EXACT, (b, inp) => b.node(Op.Slice, { starts, stops, steps }, [inp(d, shape, kind)]));
      }),
    });
    out.push({
      label: `pad ${d}`,
      op: Op.Pad,
      arb: fc.tuple(shapeArb(0, 3), seedArb).map(([shape, seed]) => {
        const r = rng(seed ^ 0x1111);
        const w = () => Math.floor(r() * 3);
        return makeCase(seed, EXACT, (b, inp) => b.node(Op.Pad, { lo: shape.map(w), hi: shape.map(w), interior: shape.map(w) }, [inp(d, shape, kind)]));
      }),
    });
    out.push({
      label: `reverse ${d}`,
      op: Op.Reverse,
      arb: shapeArb(0, 4)
        .chain((shape) => fc.tuple(fc.constant(shape), axesOf(shape.length), seedArb))
        .map(([shape, axes, seed]) => makeCase(seed, EXACT, (b, inp) => b.node(Op.Reverse, { axes }, [inp(d, shape, kind)]))),
    });
    out.push({
      label: `concat ${d}`,
      op: Op.Concat,
      arb: shapeArb(1, 3)
        .chain((shape) => fc.tuple(fc.constant(shape), fc.integer({ min: 0, max: shape.length - 1 }), fc.array(fc.integer({ min: 1, max: 3 }), { minLength: 1, maxLength: 3 }), seedArb))
        .map(([shape, axis, sizes, seed]) => makeCase(seed, EXACT, (b, inp) => b.node(Op.Concat, { axis }, sizes.map((s) => inp(d, shape.map((x, i) => (i === axis ? s : x)), kind))))),
    });
  }

  // ---- indexing
  for (const d of ["f32", "f64", "i32", "bool"] as const) {
    const kind: Values = d === "f32" || d === "f64" ? "general" : d === "i32" ? "full" : "bool";
    out.push({
      label: `gather ${d}`,
      op: Op.Gather,
      arb: shapeArb(1, 3)
        .chain((x) => fc.tuple(fc.constant(x), fc.integer({ min: 0, max: x.length }), shapeArb(0, 2, 3), seedArb))
        .map(([x, k, lead, seed]) => makeCase(seed, EXACT, (b, inp) => b.node(Op.Gather, null, [inp(d, x, kind), inp("i32", [...lead, k], "index")]))),
    });
  }
  for (const [d, kind, tol] of [["f32", "finite", { rtol: 1e-5, atol: 1e-5 }], ["f64", "finite", F64], ["i32", "full", EXACT]] as const) {
    out.push({
      label: `scatter_add ${d}`,
      op: Op.ScatterAdd,
      arb: shapeArb(1, 3)
        .chain((x) => fc.tuple(fc.constant(x), fc.integer({ min: 1, max: x.length }), shapeArb(0, 2, 4), seedArb))
        .map(([x, k, lead, seed]) => makeCase(seed, tol, (b, inp) => b.node(Op.ScatterAdd, { shape: x }, [inp("i32", [...lead, k], "index"), inp(d, [...lead, ...x.slice(k)], kind)]))),
    });
  }

  // ---- random numbers: bit-exact
  out.push({
    label: "random_bits",
    op: Op.RandomBits,
    newer: true,
    arb: fc.tuple(shapeArb(0, 3, 6), fc.integer({ min: -(2 ** 31), max: 2 ** 32 - 1 }), seedArb).map(([shape, salt, seed]) =>
      makeCase(seed, EXACT, (b, inp) => b.node(Op.RandomBits, { shape, salt }, [inp("i32", [], "full")])),
    ),
  });
  for (const d of ["f32", "f64"] as const) {
    out.push({ label: `bits_to_unit ${d}`, op: Op.BitsToUnit, newer: true, arb: fc.tuple(shapeArb(), seedArb).map(([shape, seed]) => makeCase(seed, EXACT, (b, inp) => b.node(Op.BitsToUnit, { dtype: d }, [inp("i32", shape, "full")]))) });
  }

  // ---- leaves and markers
  for (const d of ["f32", "f64", "i32", "bool"] as const) {
    const values = d === "bool" ? [0, 1] : d === "i32" ? [0, -1, 7, -2147483648, 2147483647] : [0, -0, 0.1, -2.5, NaN, Infinity, -Infinity, 1e-40];
    out.push({
      label: `constant ${d}`,
      op: Op.Constant,
      arb: fc.tuple(shapeArb(0, 3), fc.constantFrom(...values), seedArb).map(([shape, value, seed]) => makeCase(seed, EXACT, (b) => b.node(Op.Constant, { value, dtype: d, shape }, []))),
    });
    out.push({
      label: `literal ${d}`,
      op: Op.Literal,
      arb: fc.tuple(shapeArb(0, 3), seedArb).map(([shape, seed]) => {
        const t = tensorOf(d, shape, d === "bool" ? "bool" : d === "i32" ? "full" : "general", rng(seed));
        return makeCase(seed, EXACT, (b) => b.literal(t.data, d, shape));
      }),
    });
    if (d !== "bool")
      out.push({
        label: `iota ${d}`,
        op: Op.Iota,
        arb: shapeArb(1, 3, 5)
          .chain((shape) => fc.tuple(fc.constant(shape), fc.integer({ min: 0, max: shape.length - 1 }), seedArb))
          .map(([shape, axis, seed]) => makeCase(seed, EXACT, (b) => b.node(Op.Iota, { axis, dtype: d, shape }, []))),
      });
  }
  out.push({ label: "input", op: Op.Input, arb: fc.tuple(shapeArb(), seedArb).map(([shape, seed]) => makeCase(seed, EXACT, (_b, inp) => inp("f32", shape, "general"))) });
  out.push(unaryCases(Op.StopGradient, "f32", "general", EXACT));
  out.push({
    label: "straight_through f32",
    op: Op.StraightThrough,
    arb: fc.tuple(shapeArb(), seedArb).map(([shape, seed]) => makeCase(seed, EXACT, (b, inp) => b.node(Op.StraightThrough, null, [inp("f32", shape, "general"), inp("f32", shape, "general")]))),
  });
  return out;
}

/** A random shape with `n` elements (dims grouped from n's prime factors, with some 1s). */
function regroup(n: number, r: () => number): number[] {
  const factors: number[] = [];
  for (let m = n, p = 2; m > 1; ) {
    if (m % p === 0) {
      factors.push(p);
      m /= p;
    } else p++;
  }
  const dims: number[] = [];
  for (const f of factors) {
    if (dims.length === 0 || r() < 0.5) dims.push(f);
    else dims[dims.length - 1]! *= f;
  }
  if (r() < 0.3) dims.splice(Math.floor(r() * (dims.length + 1)), 0, 1);
  return dims;
}

export const OP_CASES: readonly OpCases[] = allCases();
