// Every example's training step on ONNX Runtime and on the reference interpreter, from the same
// initial values and the same batches: the losses agree within 1e-4 relative at every one of 50
// steps (each backend feeding back its own outputs).

import { readdirSync } from "node:fs";
import { describe, expect, test } from "vitest";
import { checkFiles } from "../../compiler/driver.js";
import { experimentNames, lowerCheckedExperiment } from "../../compiler/lower/index.js";
import { Batches } from "../../runtime/batches.js";
import { ReferenceBackend } from "../../runtime/run/backend.js";
import { dataFields } from "../../runtime/run/data.js";
import { OnnxBackend } from "../../runtime/onnx/backend.js";
import type { Tensor } from "../../runtime/tensor.js";

const STEPS = 50;
const files = readdirSync("examples").filter((f) => f.endsWith(".lip")).sort();

describe("ONNX Runtime and the reference interpreter agree for 50 steps", () => {
  for (const file of files) {
    const r = checkFiles([`examples/${file}`]);
    for (const name of experimentNames(r)) {
      test(`${file}: ${name}`, async () => {
        const c = lowerCheckedExperiment(r, name, { seed: 0 });
        if ("error" in c) throw new Error(c.error);
        const ref = new ReferenceBackend(c);
        const ort = await OnnxBackend.create(c, { threads: 1 });
        const batches = new Batches(dataFields(c.data, 0), c.batchSize, c.shuffle, 0);
        let a: Record<string, Tensor> = ref.initial();
        let b: Record<string, Tensor> = { ...a };
        try {
          for (let step = 0; step < STEPS; step++) {
            const batch = batches.at(step);
            const x = ref.step(a, step, batch);
            const y = await ort.step(b, step, batch);
            const lx = x.loss!.data[0]!;
            const ly = y.loss!.data[0]!;
            expect(Math.abs(lx - ly) / Math.max(Math.abs(lx), 1e-12), `step ${step}: reference ${lx}, onnx ${ly}`).toBeLessThan(1e-4);
            const next = (out: Record<string, Tensor>, slots: Record<string, Tensor>) => Object.fromEntries(Object.keys(slots).map((k) => [k, out[`${k}.next`]!]));
            a = next(x, a);
            b = next(y, b);
          }
        } finally {
          await ort.release();
        }
      }, 180_000);
    }
  }
});
