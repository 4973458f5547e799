// The ONNX artifacts of a compiled experiment: its training step (slots, step and batch in;
// every `.next`, the loss, the gradients, metrics and streams out) and its inference function
// (the parameters baked in as initializers, the model inputs in, `out` out, optionally with a
// symbolic batch dimension). Both run the pass pipeline first, so the exported graph is the
// optimized IR (`lip compile --target ir` prints the same function).

import type { CompiledExperiment } from "../../lower/index.js";
import { runPipeline } from "../../passes/pipeline.js";
import type { Tensor } from "../../../runtime/tensor.js";
import { DEFAULT_OPSET, emitModel } from "./emit.js";

/** A graph name from an experiment's name (`quickstart_step`): letters, digits and underscores. */
export function graphName(experiment: string, what: string): string {
  return `${experiment}_${what}`.replace(/[^A-Za-z0-9_]/g, "_");
}

export function exportStep(compiled: CompiledExperiment, opts: { opset?: number } = {}): Uint8Array {
  return emitModel(runPipeline(compiled.step), { opset: opts.opset ?? DEFAULT_OPSET, name: graphName(compiled.name, "step") });
}

/**
 * The inference model with `params` baked in. With `symbolicBatch`, the model inputs' first
 * dimension is `N` (or the given name) and any batch size runs.
 */
export function exportInfer(compiled: CompiledExperiment, params: Readonly<Record<string, Tensor>>, opts: { opset?: number; symbolicBatch?: boolean | string } = {}): Uint8Array {
  const fn = runPipeline(compiled.infer);
  const paramNames = new Set(compiled.slots.filter((s) => s.kind === "param").map((s) => s.name));
  const initializers: Record<string, Tensor> = {};
  for (const i of fn.inputs) if (paramNames.has(i.name) && params[i.name]) initializers[i.name] = params[i.name]!;
  const dataInputs = fn.inputs.filter((i) => !paramNames.has(i.name)).map((i) => i.name);
  const sym = opts.symbolicBatch;
  return emitModel(fn, {
    opset: opts.opset ?? DEFAULT_OPSET,
    name: graphName(compiled.name, "infer"),
    initializers,
    ...(sym ? { symbolicBatch: { inputs: dataInputs, dim: typeof sym === "string" ? sym : "N" } } : {}),
  });
}
