// Trains a compiled experiment on the reference interpreter: the init function gives the first
// parameters and states, the data function the data set, and each step feeds the step
// function with the current slots, the step number and a batch, and keeps the `.next` outputs.
// It is the oracle the other backends are compared with, not a fast trainer.

import type { CompiledExperiment } from "../compiler/lower/index.js";
import { Batches, splitRows, takeRows, exampleCount } from "./batches.js";
import { interpret } from "./interp.js";
import { scalar, type FloatMode, type Tensor } from "./tensor.js";

export interface StepResult {
  readonly step: number;
  readonly loss: number;
  readonly values: Record<string, number>; // metrics and per-step streams (scalars)
}

export class ReferenceTrainer {
  slots: Record<string, Tensor>;
  stepNumber = 0;
  readonly batches: Batches;
  readonly dataset: Record<string, Tensor>;

  constructor(
    readonly compiled: CompiledExperiment,
    readonly opts: { seed?: number; mode?: FloatMode } = {},
  ) {
    const mode = opts.mode ?? "f32";
    this.slots = interpret(compiled.init, {}, { float64: mode === "f64" });
    const all = interpret(compiled.data.fn, {}, { float64: mode === "f64" });
    const split = compiled.data.split;
    this.dataset = split ? takeRows(all, splitRows(exampleCount(all), split.fraction, split.part, opts.seed ?? 0)) : all;
    this.batches = new Batches(this.dataset, compiled.batchSize, compiled.shuffle, opts.seed ?? 0);
  }

  /** The step function's inputs for this step and a batch. */
  inputs(batch: Record<string, Tensor>): Record<string, Tensor> {
    return { ...this.slots, step: scalar(this.stepNumber, "i32"), ...batch };
  }

  step(batch: Record<string, Tensor> = this.batches.at(this.stepNumber)): StepResult {
    const out = interpret(this.compiled.step, this.inputs(batch), { float64: this.opts.mode === "f64" });
    const next: Record<string, Tensor> = {};
    for (const name of Object.keys(this.slots)) next[name] = out[`${name}.next`]!;
    this.slots = next;
    const values: Record<string, number> = {};
    for (const k of [...this.compiled.metrics, ...this.compiled.streams]) if (out[k] && out[k].data.length === 1) values[k] = out[k].data[0]!;
    const result = { step: this.stepNumber, loss: out.loss!.data[0]!, values };
    this.stepNumber++;
    return result;
  }
}
