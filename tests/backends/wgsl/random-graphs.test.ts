// Random graphs through the fusion pass: chains of elementwise ops, broadcasts, transposes,
// reshapes, reductions (kept dims broadcast back, as in softmax) and matmuls over two dims R and
// C, with several outputs; fused with standalone kernels, fused with cooperative kernels, and
// unfused, each on WebGPU against the interpreter. This is what checks that the rules' decisions
// (what is recomputed, what is stored, in which kernel, in which order) keep the semantics.

import fc from "fast-check";
import { beforeAll, expect, test } from "vitest";
import { IrBuilder } from "../../../compiler/ir/builder.js";
import { IrContext, type Node } from "../../../compiler/ir/node.js";
import { numel } from "../../../compiler/ir/shape.js";
import { compile, stats } from "../../../compiler/backends/wgsl/plan.js";
import { seededRandom } from "../../../runtime/batches.js";
import { tensor, type Tensor } from "../../../runtime/tensor.js";
import { fnOf, FC_SEED } from "../../ir/helpers.js";
import { checkAgainstInterpreter, gpuProblem } from "./helpers.js";

const RUNS = Number(process.env.WGSL_RUNS ?? 4);

function randomGraph(seed: number, R: number, C: number, steps: number) {
  const g = seededRandom(seed);
  const pick = <T>(xs: readonly T[]): T => xs[Math.floor(g() * xs.length)]!;
  const b = new IrBuilder(new IrContext());
  const inputs: Node[] = [];
  const data: Record<string, Tensor> = {};
  const input = (shape: number[]) => {
    const name = `x${inputs.length}`;
    const n = b.input(name, inputs.length % 2 ? "param" : "batch", "f32", shape);
    inputs.push(n);
    data[name] = tensor("f32", shape, Array.from({ length: numel(shape) }, () => 2 * g() - 1));
    return n;
  };
  const pool: Node[] = [input([R, C]), input([C]), input([R, C]), input([C, R])];
  for (let i = 0; i < steps; i++) {
    const x = pick(pool);
    const y = pick(pool);
    const kind = pick(["unary", "binary", "binary", "reduce", "transpose", "reshape", "matmul", "softmaxish"]);
    let out: Node | null = null;
    if (kind === "unary") out = b.unary(pick(["tanh", "neg", "abs", "relu", "sigmoid", "sin"] as const), x);
    else if (kind === "binary") {
      const ok = x.rank === 0 || y.rank === 0 || (() => {
        try {
          b.binary("add", x, y);
          return true;
        } catch {
          return false;
        }
      })();
      if (ok) out = b.binary(pick(["add", "sub", "mul", "max", "min"] as const), x, y);
    } else if (kind === "reduce" && x.rank > 0) out = b.reduce(pick(["sum", "max", "min"] as const), x, [Math.floor(g() * x.rank)], g() < 0.5);
    else if (kind === "transpose" && x.rank === 2) out = b.transpose(x);
    else if (kind === "reshape" && x.rank === 2) out = b.reshape(b.reshape(x, [numel(x.shape)]), [...x.shape]);
    else if (kind === "matmul" && x.rank === 2 && y.rank === 2) {
      if (x.shape[1] === y.shape[0]) out = b.matmul(x, y);
      else if (x.shape[1] === y.shape[1]) out = b.matmul(x, b.transpose(y));
    } else if (kind === "softmaxish" && x.rank === 2) {
      const m = b.reduce("max", x, [1], true);
      const e = b.unary("tanh", b.binary("sub", x, m));
      out = b.binary("div", e, b.binary("add", b.reduce("sum", b.unary("abs", e), [1], true), b.constant(1, "f32", [x.shape[0]!, 1])));
    }
    // keep magnitudes near 1 so f32 sums stay comparable
    if (out && numel(out.shape) > 0) pool.push(out.op === "matmul" ? b.unary("tanh", out) : out);
  }
  const fresh = pool.slice(4);
  const outs = fresh.length ? fresh.slice(-3) : [pool[0]!];
  const out: Record<string, Node> = {};
  outs.forEach((n, i) => (out[`y${i}`] = n));
  // a slot's next value too, as a training step has
  out["x1.next"] = b.binary("mul", inputs[1]!, b.constant(0.5, "f32", inputs[1]!.shape));
  return { fn: fnOf("random", inputs, out), data };
}

let skip = false;
beforeAll(async () => {
  skip = (await gpuProblem()) !== null;
});

const arb = fc.tuple(fc.integer({ min: 1, max: 1 << 30 }), fc.integer({ min: 1, max: 40 }), fc.integer({ min: 1, max: 40 }), fc.integer({ min: 3, max: 14 }));

test("random graphs compile within the limits whatever the fusion settings", () => {
  fc.assert(
    fc.property(arb, ([seed, R, C, steps]) => {
      const { fn } = randomGraph(seed, R, C, steps);
      for (const opts of [{}, { cooperative: false }, { cooperative: false, rows: false }, { fuse: false }]) {
        const plan = compile(fn, opts);
        for (const b of plan.bindings) expect(b.entries.filter((e) => e.access !== "uniform").length).toBeLessThanOrEqual(8);
        expect(stats(plan).dispatches_per_step).toBeLessThanOrEqual(stats(compile(fn, { fuse: false })).dispatches_per_step);
      }
    }),
    { numRuns: 60, seed: FC_SEED },
  );
});

for (const [mode, opts] of [["cooperative", {}], ["row kernels", { cooperative: false }], ["standalone kernels", { cooperative: false, rows: false }], ["unfused", { fuse: false }]] as const) {
  test(`random graphs on WebGPU agree with the interpreter (${mode})`, async () => {
    if (skip) return;
    await fc.assert(
      fc.asyncProperty(arb, async ([seed, R, C, steps]) => {
        const { fn, data } = randomGraph(seed, R, C, steps);
        await checkAgainstInterpreter(fn, data, { ...opts, scale: 4 });
      }),
      { numRuns: RUNS, seed: FC_SEED, endOnFailure: true },
    );
  });
}
