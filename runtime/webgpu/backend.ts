// The WebGPU backend of the run loop (runtime/run/backend.ts): the first slot values come from
// the reference interpreter on `init` (run once, on the host); each step runs the fused step
// function on the device. Parameters and optimizer state stay on the device between steps:
// when the run loop passes back exactly the `.next` tensors of the previous step (the same
// objects), nothing is uploaded; any other slot value (a resumed checkpoint, `--init`) is.
// A step's outputs, the next slot values included, are read back asynchronously with one map
// per step (`readSlots: false` reads back only the loss, metrics and other outputs).

import type { CompiledExperiment } from "../../compiler/lower/index.js";
import { compile, type Plan } from "../../compiler/backends/wgsl/plan.js";
import type { FuseOptions } from "../../compiler/passes/fuse.js";
import { runPipeline } from "../../compiler/passes/pipeline.js";
import type { Backend } from "../run/backend.js";
import { interpret } from "../interp.js";
import { scalar, type Tensor } from "../tensor.js";
import { getDevice } from "./device.js";
import { WebGpuProgram } from "./runtime.js";

export interface WebGpuBackendOptions extends FuseOptions {
  /** Read back every `.next` value each step (default true: the run loop checks them). */
  readonly readSlots?: boolean;
}

export class WebGpuBackend implements Backend {
  readonly name = "webgpu";
  private last: Record<string, Tensor> | null = null;

  private constructor(
    readonly compiled: CompiledExperiment,
    readonly plan: Plan,
    readonly program: WebGpuProgram,
    readonly adapter: string,
    private readonly readSlots: boolean,
  ) {}

  static async create(compiled: CompiledExperiment, opts: WebGpuBackendOptions = {}): Promise<WebGpuBackend> {
    const { device, adapterName } = await getDevice();
    const plan = compile(runPipeline(compiled.step), opts);
    const program = await WebGpuProgram.create(device, plan);
    return new WebGpuBackend(compiled, plan, program, adapterName, opts.readSlots ?? true);
  }

  initial(): Record<string, Tensor> {
    return interpret(this.compiled.init, {});
  }

  async step(slots: Record<string, Tensor>, step: number, batch: Record<string, Tensor>): Promise<Record<string, Tensor>> {
    const names = this.compiled.slots.map((s) => s.name);
    const current = this.last !== null && names.every((n) => slots[n] === this.last![`${n}.next`]);
    if (!current) this.program.setSlots(slots);
    const out = await this.program.step({ step: scalar(step, "i32"), ...batch }, { readSlots: this.readSlots });
    this.last = this.readSlots ? out : null;
    return out;
  }

  /** The slot values on the device now. */
  slots(): Promise<Record<string, Tensor>> {
    return this.program.readSlots();
  }

  destroy(): void {
    this.program.destroy();
  }
}
