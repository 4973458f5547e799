// A backend runs the compiled functions of an experiment. The run loop (train.ts) is the same for
// every backend: it asks for the first slot values, then feeds each step the current slots, the
// step number and a batch, and receives every output of the step function.

import type { CompiledExperiment } from "../../compiler/lower/index.js";
import { interpret } from "../interp.js";
import { scalar, type Tensor } from "../tensor.js";

export interface Backend {
  readonly name: string;
  /** The first value of every parameter and state. */
  initial(): Record<string, Tensor>;
  /** One training step: every output of the step function (`<slot>.next`, loss, metrics, ...). */
  step(slots: Record<string, Tensor>, step: number, batch: Record<string, Tensor>): Record<string, Tensor> | Promise<Record<string, Tensor>>;
}

/**
 * A backend that keeps the slots on its device and runs ahead of the host: `submit` queues a
 * step and returns at once, with a promise of the named outputs when `read` is given (null when
 * not), so the run loop can submit step s + 1 before step s's loss has come back.
 */
export interface PipelinedBackend extends Backend {
  /** Outputs the run loop may ask `submit` to read (loss, metrics, streams, gradients, ...). */
  readonly outputNames: ReadonlySet<string>;
  /** Replaces the slot values on the device (before the first step, or to resume). */
  setSlots(slots: Record<string, Tensor>): void;
  submit(step: number, batch: Record<string, Tensor>, read: readonly string[] | null): Promise<Record<string, Tensor>> | null;
  /** The slot values after the last submitted step. */
  slots(): Promise<Record<string, Tensor>>;
}

export function isPipelined(b: Backend): b is PipelinedBackend {
  return "submit" in b && typeof (b as PipelinedBackend).submit === "function";
}

/** The reference interpreter: exact, slow, the oracle of the other backends. */
export class ReferenceBackend implements Backend {
  readonly name = "reference";
  constructor(private readonly compiled: CompiledExperiment) {}

  initial(): Record<string, Tensor> {
    return interpret(this.compiled.init, {});
  }

  step(slots: Record<string, Tensor>, step: number, batch: Record<string, Tensor>): Record<string, Tensor> {
    return interpret(this.compiled.step, { ...slots, step: scalar(step, "i32"), ...batch });
  }
}

/** Evaluation: the loss and metrics of the current parameters on a whole data set at once. */
export function evaluateReference(compiled: CompiledExperiment, slots: Record<string, Tensor>, step: number, batch: Record<string, Tensor>): Record<string, number> {
  const outputs = [{ name: "loss", node: compiled.loss }, ...compiled.step.outputs.filter((o) => compiled.metrics.includes(o.name))];
  const out = interpret({ name: `${compiled.name}.eval`, inputs: compiled.step.inputs, outputs }, { ...slots, step: scalar(step, "i32"), ...batch });
  const values: Record<string, number> = {};
  for (const o of outputs) values[o.name] = out[o.name]!.data[0]!;
  return values;
}
