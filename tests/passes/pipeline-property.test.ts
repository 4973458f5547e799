// Passes preserve meaning: on random IR graphs (fast-check draws a base shape first, then a
// random DAG of ops over inputs whose shapes broadcast to it, then its gradient), interpreting
// before and after the whole pipeline gives the same results in float64, NaN-aware, and the
// verifier accepts the output of every pass. Inputs include signed zeros, infinities and NaN.

import fc from "fast-check";
import { expect, test } from "vitest";
import type { IrBuilder } from "../../compiler/ir/builder.js";
import type { IrFunction } from "../../compiler/ir/function.js";
import { functionNodes } from "../../compiler/ir/graph.js";
import type { Node } from "../../compiler/ir/node.js";
import type { BinaryOpName, UnaryOpName } from "../../compiler/ir/ops.js";
import { printFunction } from "../../compiler/ir/print.js";
import { grad } from "../../compiler/passes/autodiff.js";
import { runPipeline } from "../../compiler/passes/pipeline.js";
import { interpret } from "../../runtime/interp.js";
import { tensor, type Tensor } from "../../runtime/tensor.js";
import { numel } from "../../compiler/ir/shape.js";
import { FC_SEED, firstMismatch, fnOf, rng, setup } from "../ir/helpers.js";

const UNARY: UnaryOpName[] = ["neg", "abs", "exp", "log", "sqrt", "sin", "tanh", "sigmoid", "relu", "floor", "erf", "rsqrt", "round", "cos", "sign"];
const BINARY: BinaryOpName[] = ["add", "sub", "mul", "div", "max", "min", "pow", "mod"];
const CONSTS = [0, -0, 1, -1, 2, 0.5, 3];

interface Step {
  readonly kind: number;
  readonly a: number;
  readonly b: number;
  readonly c: number;
  readonly extra: number;
}

interface Graph {
  readonly base: number[];
  readonly inputBits: number[];
  readonly steps: Step[];
  readonly withGrad: boolean;
  readonly seed: number;
}

const stepArb: fc.Arbitrary<Step> = fc.record({ kind: fc.nat(16), a: fc.nat(), b: fc.nat(), c: fc.nat(), extra: fc.nat() });
const graphArb: fc.Arbitrary<Graph> = fc.record({
  base: fc.array(fc.integer({ min: 1, max: 3 }), { minLength: 1, maxLength: 3 }),
  inputBits: fc.array(fc.nat(), { minLength: 2, maxLength: 3 }),
  steps: fc.array(stepArb, { minLength: 2, maxLength: 24 }),
  withGrad: fc.boolean(),
  seed: fc.integer(),
});

/** A permutation of 0..n-1 chosen by `bits`. */
function permutation(n: number, bits: number): number[] {
  const rest = Array.from({ length: n }, (_, i) => i);
  const out: number[] = [];
  for (let k = n; k > 0; k--) {
    out.push(rest.splice(bits % k, 1)[0]!);
    bits = Math.floor(bits / k);
  }
  return out;
}

/** A shape that broadcasts to `base`: some leading dims dropped, some dims set to 1. */
function derived(base: number[], bits: number): number[] {
  return base.slice(bits % (base.length + 1)).map((d, i) => ((bits >> (i + 2)) & 1 ? 1 : d));
}

function buildGraph(g: Graph): { fn: IrFunction; inputs: Record<string, Tensor> } {
  const { b, ctx } = setup();
  const base = g.base;
  const k = base[base.length - 1]!;
  const xs = g.inputBits.map((bits, i) => b.input(`x${i}`, "param", "f32", derived(base, bits)));
  const w = b.input("w", "param", "f32", [k, k]);
  const pool: Node[] = [...xs, b.constant(1.5, "f32")];
  const pick = (i: number) => pool[i % pool.length]!;
  for (const s of g.steps) {
    const a = pick(s.a);
    const c = pick(s.b);
    pool.push(step(b, s, a, c, pick(s.c), w, k));
  }
  // every step's value is an output, so every rewrite is checked
  const outputs: Record<string, Node> = {};
  pool.slice(xs.length + 1).forEach((n, i) => (outputs[`v${i}`] = n));
  const last = pool[pool.length - 1]!;
  if (g.withGrad) {
    const loss = b.reduce("sum", last, "all", false);
    grad(ctx, loss, [...xs, w]).forEach((gr, i) => (outputs[`grad${i}`] = gr));
  }
  const fn = fnOf("random", [...xs, w], outputs);
  const r = rng(g.seed);
  const value = () => {
    const u = r();
    if (u < 0.12) return [0, -0, Infinity, -Infinity, NaN][Math.floor(r() * 5)]!;
    return 6 * r() - 3;
  };
  const inputs = Object.fromEntries(fn.inputs.map((i) => [i.name, tensor("f32", i.node.shape, Array.from({ length: numel(i.node.shape) }, value), "f64")]));
  return { fn, inputs };
}

function step(b: IrBuilder, s: Step, a: Node, c: Node, d: Node, w: Node, k: number): Node {
  const e = s.extra;
  switch (s.kind) {
    case 0:
      return b.unary(UNARY[e % UNARY.length]!, a);
    case 1:
      return b.binary(BINARY[e % BINARY.length]!, a, c);
    case 2:
    case 13:
    case 14: {
      // an operation with a constant: where the algebraic rules apply
      const v = b.constant(CONSTS[e % CONSTS.length]!, "f32");
      const op = BINARY[s.c % BINARY.length]!;
      return s.c & 16 ? b.binary(op, v, a) : b.binary(op, a, v);
    }
    case 3:
      return b.where(b.binary(e % 2 ? "lt" : "eq", a, c), d, e & 2 ? a : b.unary("neg", a));
    case 4:
      return a.rank === 0 ? a : b.reduce((["sum", "max", "min", "mean", "prod"] as const)[e % 5]!, a, [e % a.rank], true);
    case 5: {
      // an integer detour: floor, cast, i32 arithmetic, back to f32
      const i = b.cast(b.unary("floor", b.binary("max", b.binary("min", a, b.constant(1e6, "f32")), b.constant(-1e6, "f32"))), "i32");
      const j = b.binary(e % 2 ? "mul" : "add", i, b.constant(e % 3, "i32"));
      return b.cast(b.binary("mod", b.binary("sub", j, b.binary("mul", i, b.constant(0, "i32"))), b.constant(5, "i32")), "f32");
    }
    case 6:
      return e % 2 ? b.stopGradient(a) : b.straightThrough(b.unary("round", a), a);
    case 7: {
      const cc = b.binary(BINARY[e % 4]!, b.constant(CONSTS[e % CONSTS.length]!, "f32"), b.unary("exp", b.constant(0.5, "f32")));
      return b.binary("mul", a, cc);
    }
    case 8: {
      // movement round trips: a reshape-reduce, or a transpose and its inverse
      const r = b.reshape(a, [1, ...a.shape]);
      if (e % 2) return b.reshape(b.reduce("sum", r, [0], false), a.shape);
      const rotate = [...a.shape.map((_, i) => i + 1), 0];
      const back = [a.rank, ...a.shape.map((_, i) => i)];
      return b.reshape(b.transpose(b.transpose(r, rotate), back), a.shape);
    }
    case 9: {
      // a strided slice of the last axis, padded back into place
      if (a.rank === 0) return a;
      const last = a.rank - 1;
      const [lo, stride] = [e % 2, 1 + ((e >> 1) % 2)];
      const on = (v: number, other: number) => a.shape.map((_, i) => (i === last ? v : other));
      const sl = b.slice(a, on(lo, 0), [...a.shape], on(stride, 1));
      const len = sl.shape[last]!;
      if (len === 0) return a;
      return b.pad(sl, on(lo, 0), on(a.shape[last]! - (lo + (len - 1) * stride + 1), 0), on(stride - 1, 0));
    }
    case 10:
      return a.rank >= 1 && a.shape[a.rank - 1] === k ? b.matmul(a, w) : b.binary("add", a, c);
    case 11: {
      if (a.rank === 0) return a;
      const cat = b.concat([a, b.unary("neg", a)], -1);
      const n = a.shape[a.rank - 1]!;
      return b.slice(cat, a.shape.map((_, i) => (i === a.rank - 1 ? (e % 2) * n : 0)), a.shape.map((x, i) => (i === a.rank - 1 ? (e % 2) * n + n : x)), a.shape.map(() => 1));
    }
    case 12: {
      if (a.rank === 0) return a;
      const n = a.shape[0]!;
      const idx = b.literal(Array.from({ length: n }, (_, i) => (e % 2 ? n - 1 - i : (i * 7) % n)), "i32", [n]);
      return b.gather(a, [idx]);
    }
    case 15: {
      // transpose by p, then q, then the inverse of the composition (computed here, independently)
      if (a.rank < 2) return b.unary("neg", b.unary("neg", b.binary("add", a, b.constant(-0, "f32"))));
      const p = permutation(a.rank, e);
      const q = permutation(a.rank, s.c);
      const composed = q.map((i) => p[i]!); // (x^p)^q takes axis q[i] of x^p, i.e. axis p[q[i]] of x
      const inv = composed.map((_, i) => composed.indexOf(i));
      return b.transpose(b.transpose(b.transpose(a, p), q), inv);
    }
    default:
      return b.unary("neg", b.unary("neg", b.binary("add", a, b.constant(-0, "f32"))));
  }
}

test("the pipeline preserves meaning on random graphs (float64, NaN-aware) and every pass verifies", () => {
  let before = 0;
  let after = 0;
  fc.assert(
    fc.property(graphArb, (g) => {
      const { fn, inputs } = buildGraph(g);
      const out = runPipeline(fn, { verify: true });
      before += functionNodes(fn).length;
      after += functionNodes(out).length;
      const want = interpret(fn, inputs, { float64: true });
      const got = interpret(out, inputs, { float64: true });
      for (const { name } of fn.outputs) {
        const i = firstMismatch(got[name]!.data, want[name]!.data, 1e-12, 1e-300);
        if (i >= 0) throw new Error(`output ${name}[${i}]: ${want[name]!.data[i]} became ${got[name]!.data[i]}\n--- before\n${printFunction(fn)}\n--- after\n${printFunction(out)}`);
      }
    }),
    { numRuns: 400, seed: FC_SEED },
  );
  // the pipeline does real work on these graphs
  expect(after).toBeLessThan(before);
});
