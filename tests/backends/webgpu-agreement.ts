// The 50-step agreement of WebGPU with the reference interpreter, as test cases for a list of
// example files (two test files share it, so that the slowest example runs beside the others).
// Every experiment runs the fast default (`--backend webgpu`) for 50 steps and, unless it is
// one of the slowest, also exact sums (`--exact-sums`), against one reference trajectory.

import { describe, test } from "vitest";
import { checkFiles } from "../../compiler/driver.js";
import { experimentNames, lowerCheckedExperiment } from "../../compiler/lower/index.js";
import { WebGpuBackend } from "../../runtime/webgpu/backend.js";
import { expectLossesAgree, type Contender } from "./agree.js";

export const STEPS = 50;

// Known gap of the default (fast) sums, recorded in the tracker: scale_invariant's with_adamw
// crosses 1e-4 at step 33. From identical inputs at step 20 one step's gradients differ by 1.5%:
// one pre-activation of layer 3 is within float32 rounding of zero (-1.4e-7 on the interpreter,
// which sums in f64 and rounds once; +1.8e-7 on the device, which sums in f32 in another order),
// the relu mask flips, and AdamW carries the difference on. With exact sums (hi + lo pairs,
// FuseOptions.exactSums, `--exact-sums`) the device rounds sums as the interpreter does and the
// example agrees for all 50 steps; the fast default is held to the steps before the flip.
const FAST_GAP = new Map([["scale_invariant.lip: with_adamw", 30]]);

// Exact sums cost ~30% more on SwiftShader: the slowest examples, where the fast default agrees
// for all 50 steps, are not run twice (all of them agreed with exact sums when measured).
const FAST_ONLY = new Set(["tiny_transformer.lip", "grokking.lip"]);

export function agreementTests(files: readonly string[]): void {
  describe("WebGPU and the reference interpreter agree for 50 steps", () => {
    for (const file of files) {
      const r = checkFiles([`examples/${file}`]);
      for (const name of experimentNames(r)) {
        const fastSteps = FAST_GAP.get(`${file}: ${name}`) ?? STEPS;
        const exact = !FAST_ONLY.has(file);
        const title = `${file}: ${name} (fast sums${fastSteps < STEPS ? `: known gap, ${fastSteps} steps` : ""}${exact ? "; exact sums" : ""})`;
        test(title, async () => {
          const c = lowerCheckedExperiment(r, name, { seed: 0 });
          if ("error" in c) throw new Error(c.error);
          const backends: Contender[] = [{ backend: await WebGpuBackend.create(c), steps: fastSteps, label: "webgpu" }];
          if (exact) backends.push({ backend: await WebGpuBackend.create(c, { exactSums: true }), label: "webgpu (exact sums)" });
          await expectLossesAgree(c, backends, STEPS);
          for (const b of backends) (b.backend as WebGpuBackend).destroy();
        }, 900_000);
      }
    }
  });
}
