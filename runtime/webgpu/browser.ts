/// <reference types="@webgpu/types" />
// The browser entry point: runs a plan (the `plan.json` that `compile` writes) on the page's
// `navigator.gpu`, through the same runtime as Node. Bundle it for a page with esbuild:
//   esbuild runtime/webgpu/browser.ts --bundle --format=iife --global-name=lip --external:webgpu
// and then, in the page:
//   const program = await lip.load(plan);
//   program.setSlots(slots);                       // { name: { dtype, shape, data } }
//   const outputs = await program.step(inputs);    // every output, as tensors
// Tensors cross the page boundary as { dtype, shape, data } with data a typed array or a list.

import type { Plan } from "../../compiler/backends/wgsl/plan.js";
import type { Tensor, TensorData } from "../tensor.js";
import { getDevice } from "./device.js";
import { WebGpuProgram } from "./runtime.js";

export interface LooseTensor {
  readonly dtype: Tensor["dtype"];
  readonly shape: readonly number[];
  readonly data: ArrayLike<number>;
}

function toTensor(t: LooseTensor): Tensor {
  const data: TensorData = t.dtype === "f32" ? Float32Array.from(t.data) : t.dtype === "i32" ? Int32Array.from(t.data) : Uint8Array.from(t.data);
  return { dtype: t.dtype, shape: [...t.shape], data };
}

const tensors = (r: Record<string, LooseTensor>) => Object.fromEntries(Object.entries(r).map(([k, v]) => [k, toTensor(v)]));

export interface BrowserProgram {
  readonly adapter: string;
  setSlots(slots: Record<string, LooseTensor>): void;
  step(inputs: Record<string, LooseTensor>): Promise<Record<string, Tensor>>;
  readSlots(): Promise<Record<string, Tensor>>;
  destroy(): void;
}

/** Loads a plan onto the page's WebGPU device (made once per page). */
export async function load(plan: Plan): Promise<BrowserProgram> {
  const { device, adapterName } = await getDevice();
  const program = await WebGpuProgram.create(device, plan);
  return {
    adapter: adapterName,
    setSlots: (slots) => program.setSlots(tensors(slots)),
    step: (inputs) => program.step(tensors(inputs)),
    readSlots: () => program.readSlots(),
    destroy: () => program.destroy(),
  };
}
