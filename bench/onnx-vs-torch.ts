// `lip run --backend onnx` against PyTorch on the same training step (`npm run bench:torch`):
// an MLP 784-256-256-10, batch 128, AdamW, softmax cross-entropy. Lip's step is the exported ONNX
// graph run by onnxruntime-node exactly as `lip run` runs it (OnnxBackend.step, tensors in and
// out); PyTorch's is the usual forward/backward/optimizer.step (Debian's python3-torch, run
// with /usr/bin/python3). Same threads on both sides. Prints the median ms per step over 200
// steps after 20 warm-up steps, the ratio, and the share of the machine's float32 peak.

import { spawnSync } from "node:child_process";
import { cpus } from "node:os";
import { readFileSync } from "node:fs";
import { checkSource } from "../compiler/driver.js";
import { lowerCheckedExperiment } from "../compiler/lower/index.js";
import { Batches } from "../runtime/batches.js";
import { dataFields } from "../runtime/run/data.js";
import { OnnxBackend } from "../runtime/onnx/backend.js";
import type { Tensor } from "../runtime/tensor.js";

const program = `
use std.nn { dense }
use std.loss { cross_entropy }
use std.optim { adamw }
data d = {x: normal([2048, 784], seed: 1), y: i32(floor(uniform([2048], seed: 2) * 10.0))}
model mlp(x: f32[B, 784]) -> f32[B, 10] {
  let h1 = relu(dense(x, 256))
  let h2 = relu(dense(h1, 256))
  dense(h2, 10)
}
experiment bench {
  model mlp
  data d, batch: 128, shuffle: true
  steps 220
  loss cross_entropy(out, y)
  optimizer adamw(lr: 1e-3)
}
`;

const torchScript = `
import json, statistics, sys, time, torch
torch.manual_seed(0)
torch.set_num_threads(int(sys.argv[1]))
model = torch.nn.Sequential(torch.nn.Linear(784, 256), torch.nn.ReLU(), torch.nn.Linear(256, 256), torch.nn.ReLU(), torch.nn.Linear(256, 10))
opt = torch.optim.AdamW(model.parameters(), lr=1e-3)
x = torch.randn(2048, 784); y = torch.randint(0, 10, (2048,))
times = []
for step in range(220):
    i = (step * 128) % 1920
    xb, yb = x[i:i + 128], y[i:i + 128]
    t0 = time.perf_counter()
    opt.zero_grad(set_to_none=True)
    loss = torch.nn.functional.cross_entropy(model(xb), yb)
    loss.backward()
    opt.step()
    t1 = time.perf_counter()
    if step >= 20: times.append((t1 - t0) * 1000)
print(json.dumps({"median_ms": statistics.median(times), "version": torch.__version__}))
`;

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  return s.length % 2 ? s[s.length >> 1]! : (s[s.length / 2 - 1]! + s[s.length / 2]!) / 2;
}

/** Float32 peak: cores x GHz x flops per cycle (two 256-bit FMA units: 2 x 8 lanes x 2 = 32; AVX-512 twice that). */
function peakGflops(): { gflops: number; how: string } {
  const info = readFileSync("/proc/cpuinfo", "utf8");
  const mhz = Number(/cpu MHz\s*:\s*([\d.]+)/.exec(info)?.[1] ?? 2500);
  const avx512 = /\bavx512f\b/.test(info);
  // AMD EPYC (Zen 4) runs AVX-512 as two 256-bit halves: 32 float32 flops per cycle either way
  const amd = /AMD/.test(info);
  const perCycle = avx512 && !amd ? 64 : 32;
  const n = cpus().length;
  return { gflops: (n * mhz * perCycle) / 1000, how: `${n} cores x ${(mhz / 1000).toFixed(2)} GHz x ${perCycle} flops/cycle` };
}

const r = checkSource(program, "bench.lip");
if (r.diagnostics.some((d) => d.severity === "error")) throw new Error(r.diagnostics.map((d) => d.message).join("\n"));
const c = lowerCheckedExperiment(r, "bench", { seed: 0 });
if ("error" in c) throw new Error(c.error);
const batches = new Batches(dataFields(c.data, 0), c.batchSize, c.shuffle, 0);
const flopsPerStep = 3 * 2 * 128 * (784 * 256 + 256 * 256 + 256 * 10); // forward + two backward matmuls
const peak = peakGflops();
const rows: string[][] = [];
for (const threads of [1, cpus().length]) {
  const backend = await OnnxBackend.create(c, { threads });
  let slots: Record<string, Tensor> = backend.initial();
  const times: number[] = [];
  for (let step = 0; step < 220; step++) {
    const batch = batches.at(step);
    const t0 = performance.now();
    const out = await backend.step(slots, step, batch);
    const t1 = performance.now();
    slots = Object.fromEntries(Object.keys(slots).map((k) => [k, out[`${k}.next`]!]));
    if (step >= 20) times.push(t1 - t0);
  }
  await backend.release();
  const lip = median(times);
  // OPENBLAS_CORETYPE / OPENBLAS_L2_SIZE are set on some machines here to work around old
  // OpenBLAS bugs; they slow a current BLAS down, so the torch side runs without them
  const env = { ...process.env };
  delete env.OPENBLAS_CORETYPE;
  delete env.OPENBLAS_L2_SIZE;
  const py = spawnSync("/usr/bin/python3", ["-c", torchScript, String(threads)], { encoding: "utf8", env });
  const torch = py.status === 0 ? (JSON.parse(py.stdout) as { median_ms: number; version: string }) : null;
  const share = (ms: number) => `${((flopsPerStep / (ms / 1000) / 1e9 / peak.gflops) * 100).toFixed(1)}%`;
  rows.push([
    String(threads),
    lip.toFixed(3),
    torch ? torch.median_ms.toFixed(3) : `(no torch: ${py.stderr.split("\n").filter(Boolean).pop() ?? "not installed"})`,
    torch ? `${(torch.median_ms / lip).toFixed(2)}x` : "",
    share(lip),
    torch ? share(torch.median_ms) : "",
  ]);
}
console.log(`MLP 784-256-256-10, batch 128, AdamW, softmax cross-entropy; ${(flopsPerStep / 1e6).toFixed(0)} MFLOP per step; float32 peak ~${peak.gflops.toFixed(0)} GFLOP/s (${peak.how})`);
const header = ["threads", "lip onnx ms/step", "pytorch ms/step", "pytorch / lip", "lip % of peak", "pytorch % of peak"];
const widths = header.map((h, i) => Math.max(h.length, ...rows.map((row) => row[i]!.length)));
const line = (cells: string[]) => "| " + cells.map((x, i) => x.padEnd(widths[i]!)).join(" | ") + " |";
console.log(line(header));
console.log("|" + widths.map((w) => "-".repeat(w + 2)).join("|") + "|");
for (const row of rows) console.log(line(row));
