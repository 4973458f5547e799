/// <reference types="@webgpu/types" />
// WebGPU benchmark (`npm run build && node dist/bench/wgsl.js [--quick]`):
//  1. matmul GFLOP/s at 256, 512 and 1024 (f32, square): Lip's tiled kernel against TensorFlow.js's
//     WebGPU backend on the same Dawn adapter (the same device object). Each side runs the
//     product `iters` times back to back and waits for the queue: kernel time, no transfers.
//  2. training steps per second of the quickstart and the tiny transformer: on WebGPU pipelined
//     as `lip run` drives it (two steps in flight, the loss read back), with exact sums, and one
//     step at a time reading every output back; and on the reference interpreter.
// On a machine without a GPU the adapter is SwiftShader (Vulkan on the CPU): the numbers then
// measure the CPU, and only the ratios say something about the kernels.

import { checkFiles } from "../compiler/driver.js";
import { experimentNames, lowerCheckedExperiment } from "../compiler/lower/index.js";
import { IrBuilder } from "../compiler/ir/builder.js";
import { IrContext } from "../compiler/ir/node.js";
import { compile, stats } from "../compiler/backends/wgsl/plan.js";
import { getDevice } from "../runtime/webgpu/device.js";
import { WebGpuProgram } from "../runtime/webgpu/runtime.js";
import { WebGpuBackend } from "../runtime/webgpu/backend.js";
import { ReferenceTrainer } from "../runtime/reference-trainer.js";
import { tensor, type Tensor } from "../runtime/tensor.js";

const quick = process.argv.includes("--quick");
const sizes = quick ? [256] : [256, 512, 1024];

function random(n: number): Float32Array {
  const a = new Float32Array(n);
  for (let i = 0; i < n; i++) a[i] = Math.sin(i * 12.9898) * 0.5;
  return a;
}

async function lipMatmul(n: number, device: GPUDevice, exactSums = false): Promise<number> {
  const b = new IrBuilder(new IrContext());
  const x = b.input("x", "batch", "f32", [n, n]);
  const w = b.input("w", "batch", "f32", [n, n]);
  const plan = compile({ name: `matmul${n}`, inputs: [{ name: "x", node: x }, { name: "w", node: w }], outputs: [{ name: "y", node: b.matmul(x, w) }] }, { exactSums });
  const prog = await WebGpuProgram.create(device, plan);
  await prog.step({ x: tensor("f32", [n, n], random(n * n)), w: tensor("f32", [n, n], random(n * n)) });
  const iters = Math.max(2, Math.round(2 ** 27 / n ** 3));
  await prog.timeDispatches(1);
  const s = await prog.timeDispatches(iters);
  prog.destroy();
  return (2 * n ** 3 * iters) / s / 1e9;
}

async function tfjsMatmul(n: number, device: GPUDevice): Promise<number | string> {
  try {
    // TensorFlow.js finds WebGPU through navigator.gpu; hand it our device's adapter path
    const tf = await import("@tensorflow/tfjs");
    const webgpu = await import("@tensorflow/tfjs-backend-webgpu");
    if (tf.getBackend() !== "webgpu") {
      // its support check looks for navigator.gpu (Node 20 has no navigator)
      const g = globalThis as { navigator?: { gpu?: unknown } };
      if (!g.navigator?.gpu) Object.defineProperty(globalThis, "navigator", { value: { ...(g.navigator ?? {}), gpu: {} }, configurable: true });
      // its kernels are registered for the name "webgpu": replace that backend's factory by one
      // that uses our device
      if (tf.findBackendFactory("webgpu")) tf.removeBackend("webgpu");
      tf.registerBackend("webgpu", async () => new webgpu.WebGPUBackend(device, { vendor: "", architecture: "" } as never));
      if (!(await tf.setBackend("webgpu"))) throw new Error("the WebGPU backend did not start");
    }
    if (tf.getBackend() !== "webgpu") throw new Error(`TensorFlow.js runs on ${tf.getBackend()}, not WebGPU`);
    const a = tf.tensor2d(random(n * n), [n, n]);
    const c = tf.tensor2d(random(n * n), [n, n]);
    const iters = Math.max(2, Math.round(2 ** 27 / n ** 3));
    const run = async (k: number) => {
      const t0 = performance.now();
      let last = tf.matMul(a, c);
      for (let i = 1; i < k; i++) {
        last.dispose();
        last = tf.matMul(a, c);
      }
      await last.data();
      last.dispose();
      return (performance.now() - t0) / 1000;
    };
    await run(1);
    const s = await run(iters);
    a.dispose();
    c.dispose();
    return (2 * n ** 3 * iters) / s / 1e9;
  } catch (e) {
    return `unavailable (${(e as Error).message.split("\n")[0]})`;
  }
}

/** Steps per second of an example's training step: WebGPU three ways, and the interpreter. */
async function stepsPerSecond(file: string, steps: number): Promise<void> {
  const r = checkFiles([file]);
  const c = lowerCheckedExperiment(r, experimentNames(r)[0], { seed: 0 });
  if ("error" in c) throw new Error(c.error);
  const ref = new ReferenceTrainer(c);
  const batch = (s: number) => ref.batches.at(s);
  const rate = async (run: () => Promise<void>) => {
    const t0 = performance.now();
    await run();
    return steps / ((performance.now() - t0) / 1000);
  };
  const rows: [string, number][] = [];
  for (const exactSums of [false, true]) {
    const gpu = await WebGpuBackend.create(c, { exactSums });
    gpu.setSlots(gpu.initial());
    await gpu.submit(0, batch(0), ["loss"]);
    // the run loop's way: submit, keep two steps in flight, read back the loss only
    rows.push([
      `webgpu${exactSums ? ", exact sums" : ""}, pipelined (loss read back)`,
      await rate(async () => {
        const inflight: Promise<unknown>[] = [];
        for (let s = 0; s < steps; s++) {
          inflight.push(gpu.submit(s, batch(s), ["loss"])!);
          if (inflight.length > 2) await inflight.shift();
        }
        await Promise.all(inflight);
      }),
    ]);
    if (!exactSums) {
      // one step at a time, every output (the next slots included) read back and awaited
      let slots: Record<string, Tensor> = gpu.initial();
      rows.push([
        "webgpu, one step at a time (every output read back)",
        await rate(async () => {
          for (let s = 0; s < steps; s++) {
            const out = await gpu.step(slots, s, batch(s));
            slots = Object.fromEntries(c.slots.map((x) => [x.name, out[`${x.name}.next`]!]));
          }
        }),
      ]);
      console.log(`${file}: ${JSON.stringify(stats(gpu.plan))}`);
    }
    gpu.destroy();
  }
  rows.push(["reference interpreter", await rate(async () => void Array.from({ length: steps }, () => ref.step()))]);
  for (const [what, v] of rows) console.log(`  ${what.padEnd(56)} ${v.toFixed(2).padStart(8)} steps/s`);
}

async function main(): Promise<void> {
  const { device, adapterName } = await getDevice();
  console.log(`adapter: ${adapterName}`);
  console.log("matmul f32 (GFLOP/s)   lip  lip exact  tfjs-webgpu  lip/tfjs");
  for (const n of sizes) {
    const lip = await lipMatmul(n, device);
    const exact = await lipMatmul(n, device, true);
    const tf = await tfjsMatmul(n, device);
    const ratio = typeof tf === "number" ? (lip / tf).toFixed(2).padStart(8) : "";
    console.log(`  ${String(n).padEnd(17)} ${lip.toFixed(2).padStart(7)} ${exact.toFixed(2).padStart(9)}  ${typeof tf === "number" ? tf.toFixed(2).padStart(11) : tf}  ${ratio}`);
  }
  console.log("training steps (steps/s)");
  await stepsPerSecond("examples/quickstart.lip", quick ? 10 : 60);
  await stepsPerSecond("examples/tiny_transformer.lip", quick ? 1 : 4);
  process.exit(0);
}

await main();
