// Every experiment of every example, trained for 3 steps on the ONNX backend (the step model at
// opset 17, loaded by onnxruntime-node at graphOptimizationLevel 'all') and on the reference
// interpreter, from the same first slots and the same batches: the loss and every `.next` agree
// within 1e-4 relative (to each tensor's largest value; see relError). The step models also pass onnx.checker (full_check) and load at the other
// opsets.

import { readdirSync } from "node:fs";
import { describe, expect, test } from "vitest";
import { checkFiles } from "../../../compiler/driver.js";
import { experimentNames, lowerCheckedExperiment, type CompiledExperiment } from "../../../compiler/lower/index.js";
import { exportStep } from "../../../compiler/backends/onnx/export.js";
import { modelStats } from "../../../compiler/backends/onnx/text.js";
import { interpret } from "../../../runtime/interp.js";
import { ReferenceTrainer } from "../../../runtime/reference-trainer.js";
import { scalar, type Tensor } from "../../../runtime/tensor.js";
import { OnnxBackend } from "../../../runtime/onnx/backend.js";
import { CHECKER_SKIPPED, checkModels, createSession, maxRelError, onnxCheckerAvailable } from "./helpers.js";

const STEPS = 3;
const RTOL = 1e-4;

const examples = readdirSync("examples")
  .filter((f) => f.endsWith(".lip"))
  .sort();

const experiments: { file: string; name: string }[] = [];
for (const file of examples) {
  const r = checkFiles([`examples/${file}`]);
  for (const name of experimentNames(r)) experiments.push({ file, name });
}

function compile(file: string, name: string): CompiledExperiment {
  const c = lowerCheckedExperiment(checkFiles([`examples/${file}`]), name, { seed: 0 });
  if ("error" in c) throw new Error(c.error);
  return c;
}

/** The largest finite |value| of a tensor. */
function maxAbs(t: Tensor): number {
  let m = 0;
  for (const v of t.data) if (Number.isFinite(v)) m = Math.max(m, Math.abs(v));
  return m;
}

/**
 * The relative error of a tensor: max |a - e| / max |e| (NaN must match NaN). Relative to the
 * tensor's scale, not element by element: the two sides round sums in different orders (ONNX
 * Runtime accumulates f32 in f32, the interpreter in f64), so an element much smaller than the
 * rest of its tensor (a sum that cancels) differs by a larger fraction of itself.
 */
function relError(a: Tensor, e: Tensor, floor: number): number {
  return maxRelError(a, e, Math.max(maxAbs(e), floor));
}

/**
 * Parameters whose gradient is zero in exact arithmetic, so that both sides compute rounding
 * noise (about 1e-9, where the others are 1e-2): the bias of tiny_transformer's qk-layernorm on
 * the keys, since softmax is invariant to adding q.b to every logit. Adam normalises that noise
 * into steps of a fraction of the learning rate in either direction, so the parameter and its
 * optimizer states are compared with an absolute tolerance on their unit scale instead.
 */
function noiseGradientParams(c: CompiledExperiment, outputs: Record<string, Tensor>): Set<string> {
  const params = c.slots.filter((s) => s.kind === "param").map((s) => s.name);
  const largest = Math.max(...params.map((p) => maxAbs(outputs[`${p}.grad`]!)));
  return new Set(params.filter((p) => maxAbs(outputs[`${p}.grad`]!) <= 1e-6 * largest));
}

const stepModels = new Map<string, Uint8Array>();

describe("3 training steps on ONNX Runtime equal the interpreter's", () => {
  test("every example has an experiment", () => expect(experiments.length).toBeGreaterThanOrEqual(examples.length - 1));
  for (const { file, name } of experiments) {
    test(`${file}: ${name}`, async () => {
      const c = compile(file, name);
      const backend = await OnnxBackend.create(c, { optimization: "all", threads: 1 });
      stepModels.set(`${name}.step`, backend.model);
      const trainer = new ReferenceTrainer(c);
      const slotNames = Object.keys(trainer.slots);
      let refSlots = trainer.slots;
      let onnxSlots: Record<string, Tensor> = { ...trainer.slots };
      const problems: string[] = [];
      let noisy = new Set<string>();
      for (let step = 0; step < STEPS; step++) {
        const batch = trainer.batches.at(step);
        const want = interpret(c.step, { ...refSlots, step: scalar(step, "i32"), ...batch });
        const got = await backend.step(onnxSlots, step, batch);
        if (step === 0) noisy = noiseGradientParams(c, want);
        for (const out of ["loss", ...slotNames.map((s) => `${s}.next`)]) {
          const slot = out.slice(0, -".next".length);
          const unitScale = [...noisy].some((p) => slot === p || slot.endsWith(`.${p}`));
          const err = relError(got[out]!, want[out]!, unitScale ? 1 : 0);
          if (!(err <= RTOL)) problems.push(`step ${step} \`${out}\`: relative error ${err.toExponential(2)}`);
        }
        refSlots = Object.fromEntries(slotNames.map((s) => [s, want[`${s}.next`]!]));
        onnxSlots = Object.fromEntries(slotNames.map((s) => [s, got[`${s}.next`]!]));
      }
      await backend.release();
      expect(problems).toEqual([]);
    });
  }
});

test("the step models load at opsets 18 and 23 too", async () => {
  for (const { file, name } of experiments) {
    const c = compile(file, name);
    for (const opset of [18, 23]) {
      const bytes = exportStep(c, { opset });
      const s = await createSession(bytes, "basic");
      expect(s.outputNames.length).toBe(modelStats(bytes).outputs);
      await s.release();
    }
  }
});

test("onnx.checker (full_check) accepts the examples' step models at opset 17", (ctx) => {
  if (!onnxCheckerAvailable()) {
    console.warn(`skipped: ${CHECKER_SKIPPED}`);
    ctx.skip();
    return;
  }
  expect(stepModels.size).toBe(experiments.length);
  const { failures, checked } = checkModels(stepModels);
  expect(failures).toEqual([]);
  expect(checked).toBe(experiments.length);
});
