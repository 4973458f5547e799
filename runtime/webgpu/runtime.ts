/// <reference types="@webgpu/types" />
// Runs a plan (compiler/backends/wgsl/plan.ts) on a WebGPU device. Everything is made once, when
// the program is created: one buffer per arena (the slot arenas twice: this step's values and
// the next step's swap roles after each step, so parameters and optimizer state stay on the
// device), the pipelines (cached per device by the hash of their WGSL), and a bind group per
// kernel and slot parity. A step is then: write the batch and the scalar inputs, one command
// encoder with one compute pass holding every dispatch, the end-of-step copies, a copy of the
// outputs into a staging buffer, one submit, and an asynchronous map of the staging buffer.

import type { Plan, PlanValue } from "../../compiler/backends/wgsl/plan.js";
import type { ArenaBinding } from "../../compiler/backends/wgsl/render.js";
import type { IrFunction } from "../../compiler/ir/function.js";
import { deserializeFunction } from "../../compiler/ir/serialize.js";
import { interpret } from "../interp.js";
import type { Tensor, TensorData } from "../tensor.js";

const pipelineCache = new WeakMap<GPUDevice, Map<string, Promise<GPUComputePipeline>>>();

/**
 * The pipeline of a kernel, made once per device and WGSL hash. Its bind group layout is explicit
 * (from the plan's bindings, which the WGSL declares): an "auto" layout would leave out a
 * declared binding that the entry point happens not to use.
 */
function pipelineFor(device: GPUDevice, hash: string, wgsl: string, label: string, bindings: readonly ArenaBinding[]): Promise<GPUComputePipeline> {
  let cache = pipelineCache.get(device);
  if (!cache) pipelineCache.set(device, (cache = new Map()));
  let p = cache.get(hash);
  if (!p) {
    const module = device.createShaderModule({ code: wgsl, label });
    const layout = device.createBindGroupLayout({
      label,
      entries: bindings.map((b) => ({ binding: b.binding, visibility: GPUShaderStage.COMPUTE, buffer: { type: b.access === "uniform" ? "uniform" : b.access === "read" ? "read-only-storage" : "storage" } })),
    });
    p = device.createComputePipelineAsync({ layout: device.createPipelineLayout({ bindGroupLayouts: [layout], label }), compute: { module, entryPoint: "main" }, label }).catch(async (e: Error) => {
      const info = await module.getCompilationInfo();
      const msgs = info.messages.map((m) => `  ${m.type} at line ${m.lineNum}:${m.linePos}: ${m.message}\n    ${wgsl.split("\n")[m.lineNum - 1] ?? ""}`);
      throw new WebGpuRunError(`kernel ${label} did not compile: ${e.message}\n${msgs.join("\n")}`);
    });
    cache.set(hash, p);
    p.catch(() => cache!.delete(hash));
  }
  return p;
}

export class WebGpuRunError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "WebGpuRunError";
  }
}

export interface StepOptions {
  /** Read back the slots' next values too (default true). */
  readonly readSlots?: boolean;
}

export class WebGpuProgram {
  private parity = 0;
  private queue: Promise<unknown> = Promise.resolve();

  private constructor(
    readonly device: GPUDevice,
    readonly plan: Plan,
    private readonly buffers: Map<string, GPUBuffer[]>,
    private readonly pipelines: GPUComputePipeline[],
    private readonly bindGroups: GPUBindGroup[][], // [parity][kernel]
    private readonly staging: GPUBuffer,
    private readonly stagingLayout: Map<string, number>, // arena -> byte offset in staging
    private readonly host: IrFunction | null, // the step's host-side values (plan.host)
  ) {}

  static async create(device: GPUDevice, plan: Plan): Promise<WebGpuProgram> {
    device.pushErrorScope("validation");
    const buffers = new Map<string, GPUBuffer[]>();
    for (const b of plan.buffers) {
      const usage = b.space === "uniform" ? GPUBufferUsage.UNIFORM | GPUBufferUsage.COPY_DST : GPUBufferUsage.STORAGE | GPUBufferUsage.COPY_SRC | GPUBufferUsage.COPY_DST;
      const size = Math.ceil(b.bytes / 16) * 16;
      buffers.set(b.name, Array.from({ length: b.copies }, (_, i) => device.createBuffer({ size, usage, label: `${plan.name}:${b.name}${b.copies > 1 ? `#${i}` : ""}` })));
    }
    for (const l of plan.literals) device.queue.writeBuffer(buffers.get(l.value.buffer)![0]!, l.value.offset * 4, typed(l.value.dtype, l.data));
    const pipelines = await Promise.all(plan.kernels.map((k, i) => pipelineFor(device, k.hash, k.wgsl, k.name, plan.bindings[i]!.entries)));
    const resolve = (arena: string, parity: number): GPUBuffer => {
      const [space, type] = arena.split(".");
      if (space === "slot") return buffers.get(arena)![parity]!;
      if (space === "slot_next") return buffers.get(`slot.${type}`)![1 - parity]!;
      const b = buffers.get(arena);
      if (!b) throw new WebGpuRunError(`plan ${plan.name}: no buffer ${arena}`);
      return b[0]!;
    };
    const bindGroups = [0, 1].map((parity) =>
      plan.bindings.map(({ kernel, entries }) =>
        device.createBindGroup({
          layout: pipelines[kernel]!.getBindGroupLayout(0),
          entries: entries.map((e) => ({ binding: e.binding, resource: { buffer: resolve(e.arena, parity) } })),
          label: plan.kernels[kernel]!.name,
        }),
      ),
    );
    // the staging buffer holds every arena an output lives in
    const arenas = [...new Set(plan.outputs.map((o) => o.buffer).concat(plan.values.filter((v) => v.buffer.startsWith("slot_next.")).map((v) => v.buffer)))].sort();
    const stagingLayout = new Map<string, number>();
    let size = 0;
    for (const a of arenas) {
      stagingLayout.set(a, size);
      size += arenaBytes(plan, a);
    }
    const staging = device.createBuffer({ size: Math.max(16, Math.ceil(size / 16) * 16), usage: GPUBufferUsage.MAP_READ | GPUBufferUsage.COPY_DST, label: `${plan.name}:staging` });
    const err = await device.popErrorScope();
    if (err) throw new WebGpuRunError(`plan ${plan.name}: ${err.message}`);
    const host = plan.host ? deserializeFunction(plan.host) : null;
    return new WebGpuProgram(device, plan, buffers, pipelines, bindGroups, staging, stagingLayout, host);
  }

  private physical(arena: string): GPUBuffer {
    const [space, type] = arena.split(".");
    if (space === "slot") return this.buffers.get(arena)![this.parity]!;
    if (space === "slot_next") return this.buffers.get(`slot.${type}`)![1 - this.parity]!;
    return this.buffers.get(arena)![0]!;
  }

  /** Writes slot values (parameters, states) into this step's slot arena. */
  setSlots(values: Record<string, Tensor>): void {
    for (const v of this.plan.inputs) {
      if (!v.buffer.startsWith("slot.")) continue;
      const t = values[v.name];
      if (!t) throw new WebGpuRunError(`missing slot value \`${v.name}\``);
      this.device.queue.writeBuffer(this.physical(v.buffer), v.offset * 4, typed(v.dtype, t.data));
    }
  }

  /** Runs one step on `inputs` (batch fields and scalars): every output, read back. */
  step(inputs: Record<string, Tensor>, opts: StepOptions = {}): Promise<Record<string, Tensor>> {
    const run = this.queue.then(() => this.runStep(inputs, opts));
    this.queue = run.catch(() => undefined);
    return run;
  }

  private async runStep(given: Record<string, Tensor>, opts: StepOptions): Promise<Record<string, Tensor>> {
    const { device, plan } = this;
    const readSlots = opts.readSlots ?? true;
    // the host's share of the step first: `host.<k>` values go to the kernels, the rest are outputs
    const hostValues = this.host ? interpret(this.host, Object.fromEntries(this.host.inputs.map((i) => [i.name, given[i.name]!]))) : {};
    const inputs = { ...given, ...hostValues };
    // write_inputs
    const uniform = new DataView(new ArrayBuffer(16 * Math.ceil(Math.max(1, plan.uniforms.length) / 4)));
    for (const v of plan.inputs) {
      if (v.buffer.startsWith("slot.")) continue;
      const t = inputs[v.name];
      if (!t) throw new WebGpuRunError(`missing input \`${v.name}\``);
      if (t.data.length !== v.count) throw new WebGpuRunError(`input \`${v.name}\` has ${t.data.length} values, expected ${v.count}`);
      if (v.buffer === "uniform") {
        if (v.dtype === "f32") uniform.setFloat32(v.offset * 4, t.data[0]!, true);
        else uniform.setInt32(v.offset * 4, t.data[0]! | 0, true);
      } else device.queue.writeBuffer(this.physical(v.buffer), v.offset * 4, typed(v.dtype, t.data));
    }
    if (plan.uniforms.length) device.queue.writeBuffer(this.buffers.get("uniform")![0]!, 0, uniform.buffer);
    device.pushErrorScope("validation");
    const enc = device.createCommandEncoder({ label: plan.name });
    const pass = enc.beginComputePass({ label: plan.name });
    for (const step of plan.sequence) {
      if (step.op !== "dispatch") continue;
      const d = plan.dispatches[step.dispatch]!;
      pass.setPipeline(this.pipelines[d.kernel]!);
      pass.setBindGroup(0, this.bindGroups[this.parity]![d.kernel]!);
      pass.dispatchWorkgroups(...d.workgroups);
    }
    pass.end();
    for (const step of plan.sequence) {
      if (step.op !== "copy") continue;
      enc.copyBufferToBuffer(this.physical(step.from.buffer), step.from.offset * 4, this.physical(step.to.buffer), step.to.offset * 4, step.from.count * 4);
    }
    for (const [arena, at] of this.stagingLayout) {
      if (!readSlots && arena.startsWith("slot_next.")) continue;
      const bytes = arenaBytes(plan, arena);
      if (bytes > 0) enc.copyBufferToBuffer(this.physical(arena), 0, this.staging, at, bytes);
    }
    device.queue.submit([enc.finish()]);
    const err = await device.popErrorScope();
    if (err) throw new WebGpuRunError(`${plan.name}: ${err.message}`);
    await this.staging.mapAsync(GPUMapMode.READ);
    const bytes = this.staging.getMappedRange().slice(0);
    this.staging.unmap();
    this.parity = 1 - this.parity;
    const out: Record<string, Tensor> = {};
    for (const [name, t] of Object.entries(hostValues)) if (!name.startsWith("host.")) out[name] = t;
    for (const o of plan.outputs) {
      if (!readSlots && o.buffer.startsWith("slot_next.")) continue;
      out[o.name] = decode(bytes, this.stagingLayout.get(o.buffer)! + o.offset * 4, o);
    }
    return out;
  }

  /**
   * Seconds for `iterations` repetitions of the step's dispatches, recorded in one command
   * encoder and submitted once (no input writes, no read back): the kernels' own time, for
   * benchmarks. The slot parity does not change.
   */
  async timeDispatches(iterations: number): Promise<number> {
    const { device, plan } = this;
    const enc = device.createCommandEncoder();
    const pass = enc.beginComputePass();
    for (let it = 0; it < iterations; it++) {
      for (const d of plan.dispatches) {
        pass.setPipeline(this.pipelines[d.kernel]!);
        pass.setBindGroup(0, this.bindGroups[this.parity]![d.kernel]!);
        pass.dispatchWorkgroups(...d.workgroups);
      }
    }
    pass.end();
    const t0 = performance.now();
    device.queue.submit([enc.finish()]);
    await device.queue.onSubmittedWorkDone();
    return (performance.now() - t0) / 1000;
  }

  /** The current slot values (after the last step), read back. */
  async readSlots(): Promise<Record<string, Tensor>> {
    const { device, plan } = this;
    const slots = plan.inputs.filter((v) => v.buffer.startsWith("slot."));
    const arenas = [...new Set(slots.map((s) => s.buffer))];
    const out: Record<string, Tensor> = {};
    for (const a of arenas) {
      const bytes = arenaBytes(plan, a);
      const buf = device.createBuffer({ size: Math.ceil(bytes / 16) * 16, usage: GPUBufferUsage.MAP_READ | GPUBufferUsage.COPY_DST });
      const enc = device.createCommandEncoder();
      enc.copyBufferToBuffer(this.physical(a), 0, buf, 0, bytes);
      device.queue.submit([enc.finish()]);
      await buf.mapAsync(GPUMapMode.READ);
      const data = buf.getMappedRange().slice(0);
      buf.destroy();
      for (const s of slots) if (s.buffer === a) out[s.name] = decode(data, s.offset * 4, s);
    }
    return out;
  }

  destroy(): void {
    for (const bs of this.buffers.values()) for (const b of bs) b.destroy();
    this.staging.destroy();
  }
}

function arenaBytes(plan: Plan, arena: string): number {
  const name = arena.startsWith("slot_next.") ? `slot.${arena.split(".")[1]}` : arena;
  return plan.buffers.find((b) => b.name === name)?.bytes ?? 0;
}

/** Host data as the arena's storage type (bools as i32 0/1). */
function typed(dtype: PlanValue["dtype"], data: ArrayLike<number>): Float32Array<ArrayBuffer> | Int32Array<ArrayBuffer> {
  if (dtype === "f32") return data instanceof Float32Array ? (data as Float32Array<ArrayBuffer>) : Float32Array.from(data);
  return data instanceof Int32Array ? (data as Int32Array<ArrayBuffer>) : Int32Array.from(data);
}

function decode(bytes: ArrayBuffer, at: number, v: PlanValue): Tensor {
  const shape = [...(v.shape ?? [v.count])];
  let data: TensorData;
  if (v.dtype === "f32") data = new Float32Array(bytes.slice(at, at + v.count * 4));
  else {
    const ints = new Int32Array(bytes.slice(at, at + v.count * 4));
    data = v.dtype === "i32" ? ints : Uint8Array.from(ints, (x) => (x ? 1 : 0));
  }
  return { dtype: v.dtype, shape, data };
}
