// Trains an experiment exported by `lip compile FILE --target onnx` with nothing but
// onnxruntime-node: no Lip code runs here. It reads the manifest, the initial values and the
// training data, feeds the training step its own outputs (`<name>.next` -> `<name>`) step after
// step with the batches the manifest describes, and prints the loss every 100 steps.
//
//   npx lip compile examples/quickstart.lip --target onnx --out quickstart-onnx
//   node examples/train_onnx.mjs quickstart-onnx/quickstart.manifest.json [--log losses.jsonl]

import { appendFileSync, readFileSync, writeFileSync } from "node:fs";
import { dirname, join } from "node:path";
import * as ort from "onnxruntime-node";

const [manifestPath, ...rest] = process.argv.slice(2);
if (!manifestPath) {
  console.error("usage: node examples/train_onnx.mjs DIR/EXP.manifest.json [--log FILE.jsonl]");
  process.exit(2);
}
const logPath = rest[0] === "--log" ? rest[1] : undefined;
const dir = dirname(manifestPath);
const manifest = JSON.parse(readFileSync(manifestPath, "utf8"));

/** A safetensors file as { name: { type, dims, data } } (the format: u64 header length, JSON header, bytes). */
function readSafetensors(path) {
  const buf = readFileSync(path);
  const n = Number(buf.readBigUInt64LE(0));
  const header = JSON.parse(buf.subarray(8, 8 + n).toString("utf8"));
  const out = {};
  for (const [name, info] of Object.entries(header)) {
    if (name === "__metadata__") continue;
    const [start, end] = info.data_offsets;
    const bytes = buf.subarray(8 + n + start, 8 + n + end);
    const copy = new Uint8Array(bytes); // aligned copy
    const kinds = { F32: ["float32", Float32Array], F64: ["float64", Float64Array], I32: ["int32", Int32Array], BOOL: ["bool", Uint8Array] };
    const [type, Array_] = kinds[info.dtype];
    out[name] = { type, dims: info.shape, data: new Array_(copy.buffer, 0, copy.byteLength / Array_.BYTES_PER_ELEMENT) };
  }
  return out;
}

// The batching rule of the manifest (Lip's runtime/batches.ts): mulberry32 and Fisher-Yates.
function mulberry32(seed) {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}
function permutation(n, random) {
  const p = Int32Array.from({ length: n }, (_, i) => i);
  for (let i = n - 1; i > 0; i--) {
    const j = Math.floor(random() * (i + 1));
    [p[i], p[j]] = [p[j], p[i]];
  }
  return p;
}

const slots = readSafetensors(join(dir, manifest.files.init));
const data = readSafetensors(join(dir, manifest.files.data));
const n = Object.values(data)[0].dims[0];
const { batch, shuffle, seed } = manifest.data;
const perEpoch = Math.floor(n / batch);
let epochOrder = { epoch: -1, order: null };
function batchAt(step) {
  const epoch = Math.floor(step / perEpoch);
  if (epochOrder.epoch !== epoch) {
    const order = shuffle ? permutation(n, mulberry32(Math.imul(seed ^ 0x9e3779b9, 0x85ebca6b) ^ epoch)) : Int32Array.from({ length: n }, (_, i) => i);
    epochOrder = { epoch, order };
  }
  const rows = epochOrder.order.subarray((step % perEpoch) * batch, (step % perEpoch + 1) * batch);
  const feeds = {};
  for (const field of manifest.data.fields) {
    const t = data[field.name];
    const width = t.dims.slice(1).reduce((a, b) => a * b, 1);
    const out = new t.data.constructor(batch * width);
    rows.forEach((r, i) => out.set(t.data.subarray(r * width, (r + 1) * width), i * width));
    feeds[field.name] = new ort.Tensor(t.type, out, [batch, ...t.dims.slice(1)]);
  }
  return feeds;
}

const session = await ort.InferenceSession.create(join(dir, manifest.files.train), { graphOptimizationLevel: "all" });
let state = {};
for (const [name, t] of Object.entries(slots)) state[name] = new ort.Tensor(t.type, t.data, t.dims);
if (logPath) writeFileSync(logPath, "");
for (let step = 0; step < manifest.steps; step++) {
  const feeds = { ...state, ...batchAt(step), [manifest.step.input]: new ort.Tensor("int32", Int32Array.of(step), []) };
  const out = await session.run(feeds);
  const next = {};
  for (const [output, input] of Object.entries(manifest.feedback)) next[input] = out[output];
  state = next;
  const loss = out[manifest.loss].data[0];
  if (logPath) appendFileSync(logPath, JSON.stringify({ step, loss }) + "\n");
  if (step % 100 === 0 || step === manifest.steps - 1) console.log(`step ${step}  loss ${loss.toFixed(5)}`);
}
