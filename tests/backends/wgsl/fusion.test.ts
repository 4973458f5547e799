// The fusion rules of compiler/passes/fuse.ts, one pattern at a time: how many kernels each
// pattern becomes (no device needed), and that the fused kernels compute what the interpreter
// does on random shapes (fast-check). Plus the memory plan's invariant and the binding limit on
// every example's training step. Sums accumulate in f32 on the device and in f64 in the
// interpreter, so where a value is a sum that cancels, the error is relative to the size of its
// terms: `scale` is that size (an absolute floor of 1e-5 * scale).

import fc from "fast-check";
import { readdirSync } from "node:fs";
import { beforeAll, describe, expect, test } from "vitest";
import { IrBuilder } from "../../../compiler/ir/builder.js";
import { IrContext, type Node } from "../../../compiler/ir/node.js";
import { numel } from "../../../compiler/ir/shape.js";
import type { IrFunction } from "../../../compiler/ir/function.js";
import { checkFiles } from "../../../compiler/driver.js";
import { experimentNames, lowerCheckedExperiment } from "../../../compiler/lower/index.js";
import { runPipeline } from "../../../compiler/passes/pipeline.js";
import { compile, lowerToKernels, stats } from "../../../compiler/backends/wgsl/plan.js";
import { stageRegions } from "../../../compiler/backends/wgsl/kernel-ir.js";
import type { Region } from "../../../compiler/backends/wgsl/expr.js";
import { arenaOf } from "../../../compiler/backends/wgsl/render.js";
import type { FuseOptions } from "../../../compiler/passes/fuse.js";
import { seededRandom } from "../../../runtime/batches.js";
import { tensor, type Tensor } from "../../../runtime/tensor.js";
import { fnOf, FC_SEED } from "../../ir/helpers.js";
import { checkAgainstInterpreter, gpuProblem } from "./helpers.js";

const RUNS = Number(process.env.WGSL_RUNS ?? 3);
const SEPARATE: FuseOptions = { cooperative: false, rows: false }; // standalone kernels: the counts of rules 1-5
const ROWS: FuseOptions = { cooperative: false }; // rule 6b: row kernels

interface Pattern {
  readonly fn: IrFunction;
  readonly data: Record<string, Tensor>;
}

function pattern(seed: number, build: (b: IrBuilder, input: (name: string, shape: number[], dtype?: "f32" | "i32", kind?: "batch" | "param" | "step", lo?: number, hi?: number) => Node) => Record<string, Node>): Pattern {
  const b = new IrBuilder(new IrContext());
  const gen = seededRandom(seed);
  const inputs: Node[] = [];
  const data: Record<string, Tensor> = {};
  const input = (name: string, shape: number[], dtype: "f32" | "i32" = "f32", kind: "batch" | "param" | "step" = "batch", lo = -2, hi = 2) => {
    const n = b.input(name, kind, dtype, shape);
    inputs.push(n);
    data[name] = tensor(dtype, shape, Array.from({ length: numel(shape) }, () => (dtype === "i32" ? Math.floor(lo + (hi - lo) * gen()) : lo + (hi - lo) * gen())));
    return n;
  };
  const out = build(b, input);
  return { fn: fnOf("pattern", inputs, out), data };
}

const dispatches = (p: Pattern, opts: FuseOptions = SEPARATE) => stats(compile(p.fn, opts)).dispatches_per_step;

// ---- the patterns (shapes are parameters so the property tests can vary them)

const elementwiseChain = (s: number, [r, c]: number[]) =>
  pattern(s, (b, input) => {
    const x = input("x", [r!, c!]);
    const bias = input("bias", [c!]);
    const t = input("t", [c!, r!]);
    // broadcast, transpose and reshape are index arithmetic inside the one kernel
    const y = b.unary("tanh", b.binary("mul", b.binary("add", x, bias), b.transpose(t)));
    return { y: b.reshape(b.unary("exp", b.binary("sub", y, b.constant(1, "f32", [r!, c!]))), [c! * r!]) };
  });

const reduceWithPrologueEpilogue = (s: number, [r, c]: number[]) =>
  pattern(s, (b, input) => {
    const x = input("x", [r!, c!]);
    const sq = b.reduce("sum", b.binary("mul", x, x), [1], false);
    return { norm: b.unary("sqrt", b.binary("add", sq, b.constant(1e-6, "f32", [r!]))) };
  });

const matmulBiasRelu = (s: number, [m, k, n]: number[]) =>
  pattern(s, (b, input) => {
    const x = input("x", [m!, k!]);
    const w = input("w", [k!, n!], "f32", "param");
    const bias = input("bias", [n!], "f32", "param");
    return { h: b.unary("relu", b.binary("add", b.matmul(x, w), bias)) };
  });

const softmax = (s: number, [r, c]: number[]) =>
  pattern(s, (b, input) => {
    const x = input("x", [r!, c!], "f32", "batch", -5, 5);
    const m = b.reduce("max", x, [1], true);
    const e = b.unary("exp", b.binary("sub", x, m));
    return { p: b.binary("div", e, b.reduce("sum", e, [1], true)) };
  });

const layerNorm = (s: number, [r, c]: number[]) =>
  pattern(s, (b, input) => {
    const x = input("x", [r!, c!]);
    const g = input("g", [c!], "f32", "param");
    const mu = b.reduce("mean", x, [1], true);
    const d = b.binary("sub", x, mu);
    const v = b.reduce("mean", b.binary("mul", d, d), [1], true);
    return { y: b.binary("mul", b.binary("mul", d, b.unary("rsqrt", b.binary("add", v, b.constant(1e-5, "f32", v.shape)))), g) };
  });

const crossEntropy = (s: number, [r, c]: number[]) =>
  pattern(s, (b, input) => {
    const logits = input("logits", [r!, c!], "f32", "batch", -4, 4);
    const y = input("y", [r!], "i32", "batch", 0, c!);
    const m = b.reduce("max", logits, [1], true);
    const z = b.binary("sub", logits, m);
    const lse = b.unary("log", b.reduce("sum", b.unary("exp", z), [1], true));
    const onehot = b.cast(b.binary("eq", b.broadcastTo(b.reshape(y, [r!, 1]), [r!, c!]), b.broadcastTo(b.iota(c!), [r!, c!])), "f32");
    const nll = b.unary("neg", b.reduce("sum", b.binary("mul", b.binary("sub", z, lse), onehot), [1], false));
    return { loss: b.reduce("mean", nll, [0], false), grad: b.binary("sub", b.unary("exp", b.binary("sub", z, lse)), onehot) };
  });

/** x @ w used by two matmuls that read it differently: stored once, not recomputed. */
const sharedByTwoMatmuls = (s: number, [m, k, n]: number[]) =>
  pattern(s, (b, input) => {
    const x = input("x", [m!, k!]);
    const w = input("w", [k!, n!]);
    const h = b.unary("relu", b.matmul(x, w));
    return { a: b.matmul(h, b.transpose(w)), g: b.matmul(b.transpose(x), h) };
  });

/** A weight shared by every batch entry: `x: [B, T, K] @ w: [K, N]` (a dense layer over sequences). */
const sharedWeightBatchedMatmul = (s: number, [bt, t, k, n]: number[]) =>
  pattern(s, (b, input) => {
    const x = input("x", [bt!, t!, k!]);
    const w = input("w", [k!, n!], "f32", "param");
    return { y: b.matmul(x, w) };
  });

/** The gradient of such a weight: sum over the batch of x[b]^T @ dy[b] (pre-fusion rewrite). */
const batchSummedMatmul = (s: number, [bt, t, k, n]: number[]) =>
  pattern(s, (b, input) => {
    const x = input("x", [bt!, t!, k!]);
    const dy = input("dy", [bt!, t!, n!]);
    return { dw: b.reduce("sum", b.matmul(b.transpose(x), dy), [0], false) };
  });

/** Adam's step size on the step counter: computed on the host (host.ts), used by the kernel. */
const stepSchedule = (s: number, [r, c]: number[]) =>
  pattern(s, (b, input) => {
    const x = input("x", [r!, c!]);
    const step = input("step", [], "i32", "step", 0, 5000);
    const t = b.cast(b.binary("add", step, b.constant(1, "i32")), "f32");
    const bc2 = b.binary("sub", b.constant(1, "f32"), b.binary("pow", b.constant(0.999, "f32"), t));
    const lr = b.binary("div", b.binary("mul", b.constant(3e-3, "f32"), b.unary("cos", b.binary("mul", t, b.constant(1e-3, "f32")))), b.unary("sqrt", bc2));
    return { y: b.binary("mul", x, b.broadcastTo(lr, [r!, c!])), lr };
  });

/**
 * Rows that cancel: sum(x) + sum(-x + e) = sum(e), small beside the terms (|x| up to 1e3). The
 * second half is reversed so that no summation order pairs x_i with -x_i + e_i early.
 */
const cancellingSum = (s: number, [r, c]: number[]) =>
  pattern(s, (b, input) => {
    const x = input("x", [r!, c!], "f32", "batch", -1e3, 1e3);
    const e = input("e", [r!, c!], "f32", "batch", -1e-3, 1e-3);
    const both = b.concat([x, b.reverse(b.binary("add", b.unary("neg", x), e), [1])], 1);
    return { s: b.reduce("sum", both, [1], false), d: b.matmul(both, b.transpose(both)) };
  });

describe("fusion rules: kernel counts", () => {
  test("a batched matmul with a shared weight is one [B*T, K] @ [K, N] tiled matmul", () => {
    const k = lowerToKernels(sharedWeightBatchedMatmul(1, [256, 3, 64, 256]).fn, SEPARATE).prog.kernels;
    expect(k).toHaveLength(1);
    const st = k[0]!.stages[0]!;
    expect(st.kind === "matmul" && [st.batch, st.m, st.n, st.k]).toEqual([1, 768, 256, 64]);
  });
  test("a batch-summed matmul (a weight's gradient) is one matmul contracting over batch and K, no [B, K, N] stack", () => {
    const k = lowerToKernels(batchSummedMatmul(1, [256, 3, 64, 256]).fn, SEPARATE).prog.kernels;
    expect(k).toHaveLength(1);
    const st = k[0]!.stages[0]!;
    expect(st.kind === "matmul" && [st.batch, st.m, st.n, st.k]).toEqual([1, 64, 256, 768]);
  });
  test("values of the step counter alone are computed on the host: the kernel reads a uniform", () => {
    const plan = compile(stepSchedule(1, [8, 5]).fn, SEPARATE);
    expect(plan.host?.outputs.map((o) => o.name)).toEqual(["host.0", "lr"]);
    expect(plan.kernels).toHaveLength(1);
    expect(plan.kernels[0]!.wgsl).not.toMatch(/pow|cos/);
    expect(plan.outputs.map((o) => o.name)).toEqual(["y"]);
  });
  test("an elementwise chain with broadcast, transpose and reshape is one kernel", () => expect(dispatches(elementwiseChain(1, [8, 5]))).toBe(1));
  test("a reduction absorbs the work before and after it", () => expect(dispatches(reduceWithPrologueEpilogue(1, [8, 5]))).toBe(1));
  test("matmul + bias + relu is one (tiled) kernel", () => {
    const p = matmulBiasRelu(1, [64, 32, 64]);
    expect(dispatches(p)).toBe(1);
    // x and w are read as stored, rows of a multiple of 4: vec4 loads of both
    expect(compile(p.fn, SEPARATE).kernels[0]!.strategy).toBe("tiled matmul, vec4 loads of A and B");
    expect(compile(matmulBiasRelu(1, [64, 30, 64]).fn, SEPARATE).kernels[0]!.strategy).toBe("tiled matmul, vec4 loads of B");
  });
  test("softmax: the max and the sum reductions, then the normalisation (3); one cooperative kernel when small", () => {
    expect(dispatches(softmax(1, [2048, 100]))).toBe(3);
    expect(dispatches(softmax(1, [16, 10]), {})).toBe(1);
  });
  test("layer norm: mean, variance, normalise (3); one cooperative kernel when small", () => {
    expect(dispatches(layerNorm(1, [2048, 64]))).toBe(3);
    expect(dispatches(layerNorm(1, [16, 8]), {})).toBe(1);
  });
  test("cross-entropy with its gradient and the mean loss; one cooperative kernel when small", () => {
    expect(dispatches(crossEntropy(1, [4096, 32]))).toBeLessThanOrEqual(5);
    expect(dispatches(crossEntropy(1, [64, 10]), {})).toBe(1);
  });
  test("a value two matmuls index differently is stored once (3 kernels, not recomputed)", () => {
    const p = sharedByTwoMatmuls(1, [128, 64, 64]);
    expect(dispatches(p)).toBe(3);
  });
  test("row kernels: softmax, layer norm and cross-entropy of a large batch", () => {
    expect(dispatches(softmax(1, [2048, 100]), ROWS)).toBe(1);
    expect(dispatches(layerNorm(1, [2048, 64]), ROWS)).toBe(1);
    expect(dispatches(crossEntropy(1, [4096, 32]), ROWS)).toBeLessThanOrEqual(2);
    expect(compile(softmax(1, [2048, 100]).fn).kernels[0]!.strategy).toBe("one row per invocation");
  });
  test("fusion beats one kernel per op", () => {
    const p = crossEntropy(1, [4096, 32]);
    expect(dispatches(p, { fuse: false })).toBeGreaterThan(3 * dispatches(p));
  });
});

describe("fusion rules: the fused kernels compute what the interpreter does", () => {
  let skip = false;
  beforeAll(async () => {
    skip = (await gpuProblem()) !== null;
  });
  const dims = (n: number, max: number) => fc.array(fc.integer({ min: 1, max }), { minLength: n, maxLength: n });
  const cases: [string, (s: number, d: number[]) => Pattern, fc.Arbitrary<number[]>, number?][] = [
    ["elementwise chain", elementwiseChain, dims(2, 40)],
    ["reduction with prologue and epilogue", reduceWithPrologueEpilogue, dims(2, 300)],
    ["matmul + bias + relu", matmulBiasRelu, dims(3, 48), 1],
    ["matmul + bias + relu, rows of 4k (vec4 loads)", matmulBiasRelu, dims(3, 12).map((d) => d.map((x) => 4 * x)), 1],
    ["softmax", softmax, dims(2, 300)],
    ["layer norm", layerNorm, dims(2, 100), 1],
    ["cross-entropy", crossEntropy, dims(2, 100), 1e-3],
    ["shared by two matmuls", sharedByTwoMatmuls, dims(3, 32), 100],
    ["batched matmul with a shared weight", sharedWeightBatchedMatmul, dims(4, 24), 1],
    ["batch-summed matmul", batchSummedMatmul, dims(4, 24), 1],
    ["a schedule on the step counter", stepSchedule, dims(2, 20)],
  ];
  for (const [name, make, arb, scale] of cases) {
    for (const [mode, opts] of [["separate kernels", SEPARATE], ["row kernels", ROWS], ["cooperative", {}]] as const) {
      test(`${name} (${mode})`, async () => {
        if (skip) return;
        await fc.assert(
          fc.asyncProperty(arb, fc.integer({ min: 1, max: 1 << 30 }), async (d, seed) => {
            const p = make(seed, d);
            await checkAgainstInterpreter(p.fn, p.data, { ...opts, ...(scale ? { scale } : {}) });
          }),
          { numRuns: RUNS, seed: FC_SEED, endOnFailure: true },
        );
      });
    }
  }
});

describe("exact sums (FuseOptions.exactSums; reductions by default): the device rounds sums and matmuls as the interpreter does", () => {
  let skip = false;
  beforeAll(async () => {
    skip = (await gpuProblem()) !== null;
  });
  const dims = (n: number, max: number) => fc.array(fc.integer({ min: 1, max }), { minLength: n, maxLength: n });
  // within 2 ulps of the interpreter, relative to the result itself: no allowance for the terms
  const ULPS2 = 2 ** -22;
  const cases: [string, (s: number, d: number[]) => Pattern, fc.Arbitrary<number[]>][] = [
    ["a sum and a matmul that cancel", cancellingSum, dims(2, 300)],
    ["matmul + bias + relu", matmulBiasRelu, dims(3, 48)],
    ["batched matmul with a shared weight", sharedWeightBatchedMatmul, dims(4, 24)],
    // not the batch-summed matmul: its pre-fusion rewrite rounds once where the interpreter
    // rounds each batch entry's product (more exact, not the same); the fast cases cover it
  ];
  for (const [name, make, arb] of cases) {
    for (const [mode, opts] of [["separate kernels", SEPARATE], ["cooperative", {}]] as const) {
      test(`${name} (${mode})`, async () => {
        if (skip) return;
        await fc.assert(
          fc.asyncProperty(arb, fc.integer({ min: 1, max: 1 << 30 }), async (d, seed) => {
            const p = make(seed, d);
            await checkAgainstInterpreter(p.fn, p.data, { ...opts, exactSums: true, rtol: ULPS2 });
          }),
          { numRuns: RUNS, seed: FC_SEED, endOnFailure: true },
        );
      });
    }
  }
  test("plain f32 sums do not: the cancelling sum of 2 x 256 terms misses by far more; compensated reductions (the default) do", async () => {
    if (skip) return;
    const p = cancellingSum(7, [64, 256]);
    const sumOnly = { ...p, fn: { ...p.fn, outputs: p.fn.outputs.filter((o) => o.name === "s") } };
    await expect(checkAgainstInterpreter(sumOnly.fn, p.data, { ...SEPARATE, compensatedReductions: false, rtol: 1e-3 })).rejects.toThrow(/relative error/);
    await checkAgainstInterpreter(sumOnly.fn, p.data, { ...SEPARATE, rtol: ULPS2 });
    await checkAgainstInterpreter(p.fn, p.data, { ...SEPARATE, exactSums: true, rtol: ULPS2 });
  });
});

describe("every example's training step", () => {
  const steps: [string, IrFunction][] = [];
  for (const file of readdirSync("examples").filter((f) => f.endsWith(".lip")).sort()) {
    const r = checkFiles([`examples/${file}`]);
    for (const name of experimentNames(r)) {
      const c = lowerCheckedExperiment(r, name, { seed: 0 });
      if (!("error" in c)) steps.push([`${file}: ${name}`, runPipeline(c.step)]);
    }
  }

  test.each(steps)("%s: no kernel binds more than 8 storage buffers; fewer dispatches than ops", (_name, fn) => {
    const plan = compile(fn);
    for (const b of plan.bindings) expect(b.entries.filter((e) => e.access !== "uniform").length).toBeLessThanOrEqual(8);
    const s = stats(plan);
    expect(s.dispatches_per_step * 10).toBeLessThan(s.unfused_ops);
  });

  test.each(steps)("%s: the memory plan never lets two live intermediates overlap", (_name, fn) => {
    const { prog } = lowerToKernels(fn);
    const first = new Map<Region, number>();
    const last = new Map<Region, number>();
    prog.kernels.forEach((k, i) => {
      for (const s of k.stages) {
        const { reads, writes } = stageRegions(s);
        for (const r of writes) if (!first.has(r)) first.set(r, i);
        for (const r of [...reads, ...writes]) last.set(r, i);
      }
    });
    const tmp = prog.regions.filter((r) => r.space === "tmp");
    for (const a of tmp) {
      expect(first.has(a), `${a.name} is written`).toBe(true);
      for (const b of tmp) {
        if (a === b || arenaOf(a) !== arenaOf(b)) continue;
        const live = first.get(a)! <= last.get(b)! && first.get(b)! <= last.get(a)!;
        const overlap = a.offset < b.offset + b.count && b.offset < a.offset + a.count;
        if (live && overlap) throw new Error(`${a.name} and ${b.name} are live together and overlap`);
      }
    }
    // and memory is reused: the tmp arenas are smaller than all intermediates side by side
    const total = tmp.reduce((n, r) => n + r.count, 0);
    if (tmp.length > 4) expect(compile(fn).buffers.filter((b) => b.space === "tmp").reduce((n, b) => n + b.bytes / 4, 0)).toBeLessThan(total);
  });
});
