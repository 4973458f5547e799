// Running IR functions on WebGPU (Dawn + SwiftShader here) and comparing with the interpreter.
// WebGPU tests skip where no adapter exists, but only outside CI: with CI set, a missing adapter
// fails the suite (the CI machine installs SwiftShader: `apt-get install libvulkan1 chromium`).

import { expect } from "vitest";
import type { IrFunction } from "../../../compiler/ir/function.js";
import type { OpArgs, Op } from "../../../compiler/ir/ops.js";
import { compile } from "../../../compiler/backends/wgsl/plan.js";
import type { FuseOptions } from "../../../compiler/passes/fuse.js";
import { getDevice, NoGpuError } from "../../../runtime/webgpu/device.js";
import { WebGpuProgram } from "../../../runtime/webgpu/runtime.js";
import { interpret } from "../../../runtime/interp.js";
import type { Tensor } from "../../../runtime/tensor.js";

let probe: Promise<string | null> | null = null;

/** null when WebGPU works here; otherwise why not (and in CI that is an error). */
export function gpuProblem(): Promise<string | null> {
  probe ??= getDevice().then(
    () => null,
    (e) => {
      if (e instanceof NoGpuError && !process.env.CI) {
        console.warn(`skipping WebGPU tests: ${e.message}`);
        return e.message;
      }
      throw e;
    },
  );
  return probe;
}

/** Runs `fn` on WebGPU: inputs of slot kind go in as slots, the rest as step inputs. */
export async function runWebGpu(fn: IrFunction, inputs: Record<string, Tensor>, opts: FuseOptions = {}): Promise<Record<string, Tensor>> {
  const { device } = await getDevice();
  const plan = compile(fn, opts);
  const prog = await WebGpuProgram.create(device, plan);
  try {
    const slots: Record<string, Tensor> = {};
    const rest: Record<string, Tensor> = {};
    for (const { name, node } of fn.inputs) {
      const kind = (node.arg as OpArgs[Op.Input]).kind;
      (kind === "param" || kind === "state" ? slots : rest)[name] = inputs[name]!;
    }
    prog.setSlots(slots);
    return await prog.step(rest);
  } finally {
    prog.destroy();
  }
}

/**
 * |gpu - ref| <= rtol * max(|ref|, scale) for floats, where scale (default 1e-30) absorbs
 * values that are zero up to rounding (a sum that cancels); ints and bools exactly.
 */
export function expectMatches(name: string, got: Tensor, want: Tensor, rtol = 1e-5, scale = 1e-30): void {
  expect(got.dtype, `${name}: dtype`).toBe(want.dtype);
  expect(got.shape, `${name}: shape`).toEqual(want.shape);
  for (let i = 0; i < want.data.length; i++) {
    const g = got.data[i]!;
    const w = want.data[i]!;
    if (want.dtype !== "f32") {
      if (g !== w) throw new Error(`${name}[${i}]: got ${g}, expected ${w}`);
      continue;
    }
    if (Number.isNaN(w) || Number.isNaN(g)) {
      if (Number.isNaN(w) && Number.isNaN(g)) continue;
      throw new Error(`${name}[${i}]: got ${g}, expected ${w}`);
    }
    if (g === w) continue;
    if (!(Math.abs(g - w) <= rtol * Math.max(Math.abs(w), scale))) throw new Error(`${name}[${i}]: got ${g}, expected ${w} (relative error ${(Math.abs(g - w) / Math.abs(w)).toExponential(2)})`);
  }
}

/** Interprets and runs on WebGPU, then compares every output. */
export async function checkAgainstInterpreter(fn: IrFunction, inputs: Record<string, Tensor>, opts: FuseOptions & { rtol?: number; scale?: number } = {}): Promise<void> {
  const want = interpret(fn, inputs);
  const got = await runWebGpu(fn, inputs, opts);
  for (const o of fn.outputs) expectMatches(o.name, got[o.name]!, want[o.name]!, opts.rtol, opts.scale);
}
