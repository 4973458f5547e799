// Every example's training step on WebGPU (fused WGSL kernels on Dawn; SwiftShader in CI) and on
// the reference interpreter, from the same initial values and batches: the losses agree within
// 1e-4 relative at every one of 50 steps (each backend feeding back its own outputs), with the
// device's sums exact (rounded once, as the interpreter's) and with the fast default.

import { readdirSync } from "node:fs";
import { describe, test } from "vitest";
import { checkFiles } from "../../compiler/driver.js";
import { experimentNames, lowerCheckedExperiment } from "../../compiler/lower/index.js";
import { WebGpuBackend } from "../../runtime/webgpu/backend.js";
import { expectLossesAgree } from "./agree.js";

const STEPS = 50;
// Known gap of the default (fast) sums, recorded in the tracker: scale_invariant's with_adamw
// crosses 1e-4 at step 33. From identical inputs at step 20 one step's gradients differ by 1.5%:
// one pre-activation of layer 3 is within float32 rounding of zero (-1.4e-7 on the interpreter,
// which sums in f64 and rounds once; +1.8e-7 on the device, which sums in f32 in another order),
// the relu mask flips, and AdamW carries the difference on. With exact sums (hi + lo pairs,
// FuseOptions.exactSums, `--exact-sums`) the device rounds sums as the interpreter does and
// every example agrees for all 50 steps; the fast default is held to the steps before the flip.
const fastGap = new Map([["scale_invariant.lip: with_adamw", 30]]);
const files = readdirSync("examples").filter((f) => f.endsWith(".lip")).sort();

describe("WebGPU (exact sums, and the fast default) and the reference interpreter agree for 50 steps", () => {
  for (const file of files) {
    const r = checkFiles([`examples/${file}`]);
    for (const name of experimentNames(r)) {
      const fastSteps = fastGap.get(`${file}: ${name}`) ?? STEPS;
      test(`${file}: ${name}${fastSteps < STEPS ? ` (fast sums: known gap, ${fastSteps} steps)` : ""}`, async () => {
        const c = lowerCheckedExperiment(r, name, { seed: 0 });
        if ("error" in c) throw new Error(c.error);
        const exact = await WebGpuBackend.create(c, { exactSums: true });
        const fast = await WebGpuBackend.create(c);
        await expectLossesAgree(c, [{ backend: exact, label: "webgpu (exact sums)" }, { backend: fast, steps: fastSteps, label: "webgpu" }], STEPS);
        exact.destroy();
        fast.destroy();
      }, 900_000);
    }
  }
});
