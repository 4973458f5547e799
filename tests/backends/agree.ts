// Two backends from the same initial values and the same batches, each feeding back its own
// outputs: the loss must agree within `rtol` at every step. Shared by the ONNX and WebGPU tests.

import { expect } from "vitest";
import type { CompiledExperiment } from "../../compiler/lower/index.js";
import { Batches } from "../../runtime/batches.js";
import { ReferenceBackend, type Backend } from "../../runtime/run/backend.js";
import { dataFields } from "../../runtime/run/data.js";
import type { Tensor } from "../../runtime/tensor.js";

export async function expectLossesAgree(c: CompiledExperiment, other: Backend, steps: number, rtol = 1e-4): Promise<void> {
  const ref = new ReferenceBackend(c);
  const batches = new Batches(dataFields(c.data, 0), c.batchSize, c.shuffle, 0);
  let a: Record<string, Tensor> = ref.initial();
  let b: Record<string, Tensor> = { ...a };
  const next = (out: Record<string, Tensor>, slots: Record<string, Tensor>) => Object.fromEntries(Object.keys(slots).map((k) => [k, out[`${k}.next`]!]));
  for (let step = 0; step < steps; step++) {
    const batch = batches.at(step);
    const x = ref.step(a, step, batch) as Record<string, Tensor>;
    const y = await other.step(b, step, batch);
    const lx = x.loss!.data[0]!;
    const ly = y.loss!.data[0]!;
    expect(Math.abs(lx - ly) / Math.max(Math.abs(lx), 1e-12), `step ${step}: reference ${lx}, ${other.name} ${ly}`).toBeLessThan(rtol);
    a = next(x, a);
    b = next(y, b);
  }
}
