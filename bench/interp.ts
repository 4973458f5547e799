// Benchmark of the reference interpreter (`npx tsc -p tsconfig.json && node dist/bench/interp.js`):
// milliseconds per training step of the examples, interpreted on the host (median of a few runs
// of the same step, after a warm-up run). The step's inputs are the initial slots, step 0 and the
// first `batch` rows of the training data (no shuffling: the data is the same on every run).
//
// `--digest` also runs a few chained steps in f32 and in float64 mode and prints a SHA-256 of
// every output's bytes: the interpreter's results must not change when it is made faster, so the
// digests before and after a change must be equal.

import { createHash } from "node:crypto";
import { checkFiles } from "../compiler/driver.js";
import { experimentNames, lowerCheckedExperiment, type CompiledExperiment } from "../compiler/lower/index.js";
import { interpret, type InterpretOptions } from "../runtime/interp.js";
import { scalar, type Tensor } from "../runtime/tensor.js";

const PROGRAMS = ["examples/quickstart.lip", "examples/tiny_transformer.lip"];
const RUNS = Number(process.env.RUNS ?? 5);

function compile(path: string): CompiledExperiment {
  const r = checkFiles([path]);
  const c = lowerCheckedExperiment(r, experimentNames(r)[0], { seed: 0 });
  if ("error" in c) throw new Error(`${path}: ${c.error}`);
  return c;
}

/** The first `n` rows (along axis 0) of a tensor. */
function firstRows(t: Tensor, n: number): Tensor {
  const row = t.shape.slice(1).reduce((a, d) => a * d, 1);
  return { dtype: t.dtype, shape: [n, ...t.shape.slice(1)], data: t.data.slice(0, n * row) };
}

/** The step's inputs: the slots, the step number and the first rows of the data set's fields. */
function stepInputs(c: CompiledExperiment, slots: Record<string, Tensor>, step: number, data: Record<string, Tensor>): Record<string, Tensor> {
  const inputs: Record<string, Tensor> = {};
  for (const { name } of c.step.inputs) {
    if (name === "step") inputs[name] = scalar(step, "i32");
    else if (name in slots) inputs[name] = slots[name]!;
    else if (name in data) inputs[name] = firstRows(data[name]!, c.batchSize);
    else throw new Error(`${c.name}: no value for the step input \`${name}\``);
  }
  return inputs;
}

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;

/** A SHA-256 of `steps` chained steps' outputs (names, dtypes, shapes and bytes). */
function digest(c: CompiledExperiment, data: Record<string, Tensor>, steps: number, opts: InterpretOptions): string {
  const h = createHash("sha256");
  let slots = interpret(c.init, {}, opts);
  for (let s = 0; s < steps; s++) {
    const out = interpret(c.step, stepInputs(c, slots, s, data), opts);
    for (const name of Object.keys(out).sort()) {
      const t = out[name]!;
      h.update(`${name}:${t.dtype}[${t.shape.join(",")}]`);
      h.update(new Uint8Array(t.data.buffer, t.data.byteOffset, t.data.byteLength));
    }
    const next: Record<string, Tensor> = {};
    for (const name of Object.keys(slots)) next[name] = out[`${name}.next`] ?? slots[name]!;
    slots = next;
  }
  return h.digest("hex").slice(0, 16);
}

const rows: string[][] = [];
const digests: string[] = [];
for (const path of PROGRAMS) {
  const c = compile(path);
  const data = interpret(c.data.fn, {});
  const slots = interpret(c.init, {});
  const inputs = stepInputs(c, slots, 0, data);
  const times: number[] = [];
  for (let i = 0; i <= RUNS; i++) {
    const t0 = performance.now();
    interpret(c.step, inputs);
    if (i > 0) times.push(performance.now() - t0); // run 0 warms up
  }
  rows.push([path, String(c.batchSize), String(RUNS), median(times).toFixed(1), Math.min(...times).toFixed(1)]);
  if (process.argv.includes("--digest")) digests.push(`${path}: f32 ${digest(c, data, 3, {})}  f64 ${digest(c, data, 3, { float64: true })}`);
}

const header = ["program", "batch", "runs", "ms/step (median)", "ms/step (min)"];
const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i]!.length)));
const line = (cells: string[]) => "| " + cells.map((c, i) => (i === 0 ? c.padEnd(widths[i]!) : c.padStart(widths[i]!))).join(" | ") + " |";
console.log("reference interpreter, one training step (f32)");
console.log(line(header));
console.log("|" + widths.map((w) => "-".repeat(w + 2)).join("|") + "|");
for (const r of rows) console.log(line(r));
if (digests.length > 0) {
  console.log("\noutputs of 3 chained steps (SHA-256, first 16 hex digits):");
  for (const d of digests) console.log(`  ${d}`);
}
