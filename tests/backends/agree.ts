// Backends from the same initial values and the same batches as the reference interpreter, each
// feeding back its own outputs: the loss must agree within `rtol` at every step. Shared by the
// ONNX and WebGPU tests; the reference trajectory is computed once for all the backends given.

import { expect } from "vitest";
import type { CompiledExperiment } from "../../compiler/lower/index.js";
import { Batches } from "../../runtime/batches.js";
import { ReferenceBackend, type Backend } from "../../runtime/run/backend.js";
import { dataFields } from "../../runtime/run/data.js";
import type { Tensor } from "../../runtime/tensor.js";

export interface Contender {
  readonly backend: Backend;
  /** How many steps must agree (default: all). */
  readonly steps?: number;
  /** A name for messages (default: the backend's). */
  readonly label?: string;
}

export async function expectLossesAgree(c: CompiledExperiment, other: Backend | readonly Contender[], steps: number, rtol = 1e-4): Promise<void> {
  const contenders = "name" in other ? [{ backend: other }] : (other as readonly Contender[]);
  const ref = new ReferenceBackend(c);
  const batches = new Batches(dataFields(c.data, 0), c.batchSize, c.shuffle, 0);
  let a: Record<string, Tensor> = ref.initial();
  const states = contenders.map(() => ({ ...a }));
  const next = (out: Record<string, Tensor>, slots: Record<string, Tensor>) => Object.fromEntries(Object.keys(slots).map((k) => [k, out[`${k}.next`]!]));
  for (let step = 0; step < steps; step++) {
    const batch = batches.at(step);
    const x = ref.step(a, step, batch) as Record<string, Tensor>;
    const lx = x.loss!.data[0]!;
    for (const [i, { backend, steps: n, label }] of contenders.entries()) {
      if (step >= (n ?? steps)) continue;
      const y = await backend.step(states[i]!, step, batch);
      const ly = y.loss!.data[0]!;
      expect(Math.abs(lx - ly) / Math.max(Math.abs(lx), 1e-12), `step ${step}: reference ${lx}, ${label ?? backend.name} ${ly}`).toBeLessThan(rtol);
      states[i] = next(y, states[i]!);
    }
    a = next(x, a);
  }
}
