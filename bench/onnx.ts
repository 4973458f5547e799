// Benchmark of the ONNX backend (`npx tsc -p tsconfig.json && node dist/bench/onnx.js`): for the
// examples' first experiments, the time to export the step model (pass pipeline + emission),
// its size, ONNX Runtime's session creation, and milliseconds per training step on ONNX Runtime
// (chained steps, the outputs fed back as slots) at each optimization level and thread count,
// next to the reference interpreter's. Medians of RUNS measurements after a warm-up.
// `OPSET=18` exports another opset.

import { checkFiles } from "../compiler/driver.js";
import { experimentNames, lowerCheckedExperiment, type CompiledExperiment } from "../compiler/lower/index.js";
import { exportStep } from "../compiler/backends/onnx/export.js";
import { modelStats } from "../compiler/backends/onnx/text.js";
import { interpret } from "../runtime/interp.js";
import { OnnxBackend, type OrtOptimization } from "../runtime/onnx/backend.js";
import { ReferenceTrainer } from "../runtime/reference-trainer.js";
import { scalar, type Tensor } from "../runtime/tensor.js";

const PROGRAMS = (process.env.PROGRAMS ?? "examples/quickstart.lip,examples/scale_invariant.lip,examples/tiny_transformer.lip").split(",");
const RUNS = Number(process.env.RUNS ?? 5);
const STEPS = Number(process.env.STEPS ?? 20);
const OPSET = Number(process.env.OPSET ?? 17);

function compile(path: string): CompiledExperiment {
  const r = checkFiles([path]);
  const c = lowerCheckedExperiment(r, experimentNames(r)[0], { seed: 0 });
  if ("error" in c) throw new Error(`${path}: ${c.error}`);
  return c;
}

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;
const ms = (t0: bigint) => Number(process.hrtime.bigint() - t0) / 1e6;

async function stepsPerMs(be: OnnxBackend, t: ReferenceTrainer): Promise<number> {
  let slots: Record<string, Tensor> = t.slots;
  const names = Object.keys(slots);
  const t0 = process.hrtime.bigint();
  for (let s = 0; s < STEPS; s++) {
    const out = await be.step(slots, s, t.batches.at(s));
    slots = Object.fromEntries(names.map((n) => [n, out[`${n}.next`]!]));
  }
  return ms(t0) / STEPS;
}

async function main(): Promise<void> {
  console.log(`ONNX backend, opset ${OPSET}: medians of ${RUNS} runs; steps chained ${STEPS} at a time`);
  for (const path of PROGRAMS) {
    const c = compile(path);
    const exportTimes: number[] = [];
    let bytes: Uint8Array = new Uint8Array();
    for (let i = 0; i <= RUNS; i++) {
      const t0 = process.hrtime.bigint();
      bytes = exportStep(c, { opset: OPSET });
      if (i > 0) exportTimes.push(ms(t0));
    }
    const st = modelStats(bytes);
    console.log(`\n${c.name} (${path}): ${st.nodes} nodes, ${st.initializers} initializers, ${(bytes.length / 1024).toFixed(1)} KiB; export ${median(exportTimes).toFixed(1)} ms`);

    const t = new ReferenceTrainer(c);
    const interp: number[] = [];
    for (let i = 0; i <= RUNS; i++) {
      const t0 = process.hrtime.bigint();
      interpret(c.step, { ...t.slots, step: scalar(0, "i32"), ...t.batches.at(0) });
      if (i > 0) interp.push(ms(t0));
    }
    console.log(`  interpreter: ${median(interp).toFixed(2)} ms/step`);

    for (const optimization of ["disabled", "basic", "all"] as OrtOptimization[]) {
      for (const threads of [1, 2]) {
        const creates: number[] = [];
        const steps: number[] = [];
        for (let i = 0; i <= RUNS; i++) {
          const t0 = process.hrtime.bigint();
          const be = await OnnxBackend.create(c, { opset: OPSET, optimization, threads });
          const created = ms(t0);
          const perStep = await stepsPerMs(be, t);
          await be.release();
          if (i > 0) {
            creates.push(created);
            steps.push(perStep);
          }
        }
        console.log(`  onnxruntime ${optimization.padEnd(8)} ${threads} thread${threads > 1 ? "s" : " "}: create ${median(creates).toFixed(1).padStart(6)} ms, ${median(steps).toFixed(3).padStart(7)} ms/step (${(median(interp) / median(steps)).toFixed(1)}x the interpreter)`);
      }
    }
  }
}

await main();
