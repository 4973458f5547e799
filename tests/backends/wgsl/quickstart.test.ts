// The quickstart's training step on WebGPU: its plan (dispatch count, binding limit) and WGSL
// pinned as golden files (bless with UPDATE_GOLDEN=1), and several steps on the device against
// the reference interpreter, fed the same batches.

import { existsSync, mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { beforeAll, describe, expect, test } from "vitest";
import { checkFiles } from "../../../compiler/driver.js";
import { lowerCheckedExperiment, type CompiledExperiment } from "../../../compiler/lower/index.js";
import { runPipeline } from "../../../compiler/passes/pipeline.js";
import { compile, stats, type Plan } from "../../../compiler/backends/wgsl/plan.js";
import { ReferenceTrainer } from "../../../runtime/reference-trainer.js";
import { WebGpuBackend } from "../../../runtime/webgpu/backend.js";
import type { Tensor } from "../../../runtime/tensor.js";
import { gpuProblem } from "./helpers.js";

const goldenDir = join(import.meta.dirname, "..", "..", "golden", "wgsl");
const update = process.env.UPDATE_GOLDEN === "1";

function golden(name: string, text: string): void {
  const path = join(goldenDir, name);
  if (update) {
    mkdirSync(goldenDir, { recursive: true });
    writeFileSync(path, text);
  }
  if (!existsSync(path)) throw new Error(`missing golden file ${path}; run with UPDATE_GOLDEN=1`);
  expect(text).toBe(readFileSync(path, "utf8"));
}

function quickstart(): CompiledExperiment {
  const c = lowerCheckedExperiment(checkFiles(["examples/quickstart.lip"]), undefined, { seed: 0 });
  if ("error" in c) throw new Error(c.error);
  return c;
}

/** One line per kernel: what it is, how it runs, what it binds. */
export function planSummary(plan: Plan): string {
  const lines = [`# ${plan.name}: ${JSON.stringify(stats(plan))}`];
  plan.kernels.forEach((k, i) => {
    const d = plan.dispatches[i]!;
    const b = plan.bindings[i]!.entries.map((e) => `${e.arena}:${e.access}`).join(" ");
    lines.push(`${k.name} [${k.strategy}; ${k.stages.join(",")}] workgroups=${d.workgroups.join("x")} hash=${k.hash} binds ${b}`);
  });
  for (const s of plan.sequence) if (s.op === "copy") lines.push(`copy ${s.from.buffer}@${s.from.offset} -> ${s.to.buffer}@${s.to.offset} (${s.from.count} elements: ${s.to.name})`);
  return lines.join("\n") + "\n";
}

describe("the quickstart step on WebGPU", () => {
  const c = quickstart();
  const plan = compile(runPipeline(c.step));

  test("is at most 16 dispatches, each binding at most 8 storage buffers", () => {
    const s = stats(plan);
    expect(s.dispatches_per_step).toBeLessThanOrEqual(16);
    expect(s.unfused_ops).toBeGreaterThan(200);
    for (const b of plan.bindings) expect(b.entries.filter((e) => e.access !== "uniform").length).toBeLessThanOrEqual(8);
  });

  test("golden plan and WGSL", () => {
    golden("quickstart.step.plan.txt", planSummary(plan));
    golden("quickstart.step.wgsl", plan.kernels.map((k) => `// ==== ${k.name} (${k.hash})\n${k.wgsl}`).join("\n"));
  });

  test("the plan is JSON (plan.json) and reads back equal", () => {
    const json = JSON.stringify(plan);
    expect(JSON.parse(json)).toEqual(plan);
  });

  let skip = false;
  beforeAll(async () => {
    skip = (await gpuProblem()) !== null;
  });

  test("5 steps on the device agree with the interpreter (loss within 1e-4 relative)", async () => {
    if (skip) return;
    const ref = new ReferenceTrainer(c);
    const gpu = await WebGpuBackend.create(c);
    try {
      let slots: Record<string, Tensor> = gpu.initial();
      for (let step = 0; step < 5; step++) {
        const batch = ref.batches.at(step);
        const out = await gpu.step(slots, step, batch);
        const want = ref.step(batch);
        const loss = out.loss!.data[0]!;
        expect(Math.abs(loss - want.loss) / Math.abs(want.loss), `step ${step}: loss ${loss} vs ${want.loss}`).toBeLessThan(1e-4);
        expect(out.accuracy!.data[0]).toBeCloseTo(want.values.accuracy!, 6);
        slots = Object.fromEntries(c.slots.map((s) => [s.name, out[`${s.name}.next`]!]));
        for (const s of c.slots) {
          const got = slots[s.name]!.data;
          const exp = ref.slots[s.name]!.data;
          for (let i = 0; i < exp.length; i++) expect(Math.abs(got[i]! - exp[i]!), `${s.name}[${i}] after step ${step}`).toBeLessThan(1e-4 * Math.max(1, Math.abs(exp[i]!)));
        }
      }
      // the device kept the slots: reading them back gives the last step's values
      const onDevice = await gpu.slots();
      for (const s of c.slots) expect(Array.from(onDevice[s.name]!.data)).toEqual(Array.from(slots[s.name]!.data));
    } finally {
      gpu.destroy();
    }
  });
});
