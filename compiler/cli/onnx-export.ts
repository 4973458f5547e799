// `lip compile FILE --target onnx`: the portable artifacts of an experiment, in one folder:
//   <exp>.train.onnx        the whole training step as one graph (slots, step and batch in;
//                           every `<name>.next`, the loss, gradients and metrics out)
//   <exp>.infer.onnx        the model's forward pass, initial parameters baked in, batch symbolic
//   <exp>.init.safetensors  the first value of every parameter and state
//   <exp>.manifest.json     inputs, outputs, dtypes, shapes, which output feeds which input next
//   <exp>.data.safetensors  the training examples (after the split), and in the manifest the exact
//                           batching rule, so that a loop outside Lip sees the same batches
// Every file is written atomically. `--stats` prints one JSON object about the training step.

import { mkdirSync } from "node:fs";
import { join } from "node:path";
import type { CompiledExperiment } from "../lower/index.js";
import type { Io } from "./command.js";
import { Exit } from "./command.js";

const ORT_NAMES = { f32: "float32", f64: "float64", i32: "int32", bool: "bool" } as const;

export async function writeOnnxArtifacts(compiled: CompiledExperiment, evaluation: CompiledExperiment, opts: { out: string; opset: number; stats: boolean; seed: number }, io: Io): Promise<number> {
  const { exportInfer, exportStep } = await import("../backends/onnx/export.js");
  const { modelStats } = await import("../backends/onnx/text.js");
  const { OnnxExportError } = await import("../backends/onnx/errors.js");
  const { writeFileAtomic } = await import("../../runtime/io/atomic-write.js");
  const { writeSafetensors } = await import("../../runtime/io/safetensors.js");
  const { interpret } = await import("../../runtime/interp.js");
  let train: Uint8Array;
  let infer: Uint8Array;
  const initial = interpret(compiled.init, {});
  const { dataFields } = await import("../../runtime/run/data.js");
  const data = dataFields(compiled.data, opts.seed);
  try {
    train = exportStep(compiled, { opset: opts.opset });
    infer = exportInfer(evaluation, initial, { opset: opts.opset, symbolicBatch: true });
  } catch (err) {
    if (err instanceof OnnxExportError) {
      io.stderr(`error: ${err.message}\n`);
      return Exit.Failure;
    }
    throw err;
  }
  const name = compiled.name;
  const kindOf = (n: { op: string; arg: unknown }) => (n.op === "input" ? (n.arg as { kind: string }).kind : "value");
  const manifest = {
    experiment: name,
    opset: opts.opset,
    files: { train: `${name}.train.onnx`, infer: `${name}.infer.onnx`, init: `${name}.init.safetensors`, data: `${name}.data.safetensors` },
    inputs: compiled.step.inputs.map((i) => ({ name: i.name, kind: kindOf(i.node), dtype: ORT_NAMES[i.node.dtype], shape: [...i.node.shape] })),
    outputs: compiled.step.outputs.map((o) => ({ name: o.name, dtype: ORT_NAMES[o.node.dtype], shape: [...o.node.shape] })),
    feedback: Object.fromEntries(compiled.slots.map((s) => [`${s.name}.next`, s.name])),
    step: { input: "step", dtype: "int32", first: 0 },
    data: {
      fields: compiled.step.inputs.filter((i) => kindOf(i.node) === "batch").map((i) => ({ name: i.name, dtype: ORT_NAMES[i.node.dtype], shape: [...i.node.shape] })),
      batch: compiled.batchSize,
      shuffle: compiled.shuffle,
      seed: opts.seed,
      // the batch of step k: rows order[(k % per_epoch) * batch ...][batch] of epoch e = floor(k / per_epoch),
      // order = 0..n-1, or with shuffle a Fisher-Yates permutation drawn with mulberry32 seeded
      // by imul(seed ^ 0x9e3779b9, 0x85ebca6b) ^ e (runtime/batches.ts); the last partial batch is dropped
      batching: "runtime/batches.ts",
    },
    steps: compiled.steps,
    loss: "loss",
    metrics: compiled.metrics,
    infer: { inputs: evaluation.infer.inputs.filter((i) => kindOf(i.node) === "batch").map((i) => i.name), output: "out", batch_dim: "N" },
  };
  try {
    mkdirSync(opts.out, { recursive: true });
    writeFileAtomic(join(opts.out, `${name}.train.onnx`), train);
    writeFileAtomic(join(opts.out, `${name}.infer.onnx`), infer);
    writeSafetensors(join(opts.out, `${name}.init.safetensors`), initial, { experiment: name });
    writeSafetensors(join(opts.out, `${name}.data.safetensors`), data, { experiment: name });
    writeFileAtomic(join(opts.out, `${name}.manifest.json`), JSON.stringify(manifest, null, 2) + "\n");
  } catch (err) {
    const e = err as { code?: string; message?: string };
    io.stderr(`error: cannot write the artifacts to ${opts.out}: ${e.code === "ENOTDIR" || e.code === "EEXIST" ? "it is not a directory" : e.code === "EACCES" ? "permission denied" : (e.message ?? String(err)).split("\n")[0]}\n`);
    return Exit.Failure;
  }
  if (opts.stats) io.stdout(JSON.stringify({ target: "onnx", opset: opts.opset, ...modelStats(train) }) + "\n");
  else io.stdout(`wrote ${name}.train.onnx, ${name}.infer.onnx, ${name}.init.safetensors, ${name}.data.safetensors and ${name}.manifest.json to ${opts.out}\n`);
  return Exit.Ok;
}
