// The WebGPU backend of the run loop (runtime/run/backend.ts): the first slot values come from
// the reference interpreter on `init` (run once, on the host); each step runs the fused step
// function on the device. Parameters and optimizer state stay on the device between steps:
// when the run loop passes back exactly the `.next` tensors of the previous step (the same
// objects), nothing is uploaded; any other slot value (a resumed checkpoint, `--init`) is.
// `step` reads back every output, the next slot values included, with one map per step
// (`readSlots: false`: only the loss, metrics and other outputs). `submit` is the pipelined
// form the run loop uses: it queues the step and reads back only what it is asked for, without
// waiting (runtime/run/backend.ts PipelinedBackend).

import type { CompiledExperiment } from "../../compiler/lower/index.js";
import { compile, type Plan } from "../../compiler/backends/wgsl/plan.js";
import type { FuseOptions } from "../../compiler/passes/fuse.js";
import { runPipeline } from "../../compiler/passes/pipeline.js";
import type { PipelinedBackend } from "../run/backend.js";
import { interpret } from "../interp.js";
import { scalar, type Tensor } from "../tensor.js";
import { getDevice } from "./device.js";
import { WebGpuProgram } from "./runtime.js";

export interface WebGpuBackendOptions extends FuseOptions {
  /** Read back every `.next` value each step (default true: the run loop checks them). */
  readonly readSlots?: boolean;
}

export class WebGpuBackend implements PipelinedBackend {
  readonly name = "webgpu";
  readonly outputNames: ReadonlySet<string>;
  private last: Record<string, Tensor> | null = null;

  private constructor(
    readonly compiled: CompiledExperiment,
    readonly plan: Plan,
    readonly program: WebGpuProgram,
    readonly adapter: string,
    private readonly readSlots: boolean,
  ) {
    this.outputNames = program.outputNames;
  }

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

  setSlots(slots: Record<string, Tensor>): void {
    this.program.setSlots(slots);
    this.last = null;
  }

  submit(step: number, batch: Record<string, Tensor>, read: readonly string[] | null): Promise<Record<string, Tensor>> | null {
    this.last = null; // the slots on the device are ahead of any `.next` the host holds
    return this.program.submit({ step: scalar(step, "i32"), ...batch }, read);
  }

  /** The slot values on the device now. */
  slots(): Promise<Record<string, Tensor>> {
    return this.program.readSlots();
  }

  destroy(): void {
    this.program.destroy();
  }
}
