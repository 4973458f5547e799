// Every example's training step on ONNX Runtime and on the reference interpreter, from the same
// initial values and the same batches: the losses agree within 1e-4 relative at every one of 50
// steps (each backend feeding back its own outputs).

import { readdirSync } from "node:fs";
import { describe, test } from "vitest";
import { checkFiles } from "../../compiler/driver.js";
import { experimentNames, lowerCheckedExperiment } from "../../compiler/lower/index.js";
import { OnnxBackend } from "../../runtime/onnx/backend.js";
import { expectLossesAgree } from "./agree.js";

const STEPS = 50;
const files = readdirSync("examples").filter((f) => f.endsWith(".lip")).sort();

describe("ONNX Runtime and the reference interpreter agree for 50 steps", () => {
  for (const file of files) {
    const r = checkFiles([`examples/${file}`]);
    for (const name of experimentNames(r)) {
      test(`${file}: ${name}`, async () => {
        const c = lowerCheckedExperiment(r, name, { seed: 0 });
        if ("error" in c) throw new Error(c.error);
        const ort = await OnnxBackend.create(c, { threads: 1 });
        try {
          await expectLossesAgree(c, ort, STEPS);
        } finally {
          await ort.release();
        }
      }, 180_000);
    }
  }
});
