/// <reference types="@webgpu/types" />
// Runs a plan (compiler/backends/wgsl/plan.ts) on a WebGPU device. Everything is made once, when
// the program is created: one buffer per arena (the slot arenas twice: this step's values and
// the next step's swap roles after each step, so parameters and optimizer state stay on the
// device), the pipelines (cached per device by the hash of their WGSL), and a bind group per
// kernel and slot parity. A step is then: the host's values (plan.host), the batch and scalar
// inputs written, one command encoder with one compute pass holding every dispatch, the
// end-of-step copies, copies of the outputs asked for into a staging buffer from a pool, one
// submit, and an asynchronous map of the staging buffer that nobody waits for before the next
// step is submitted (`submit`); `step` is the simple form that reads every output.

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
  private failure: WebGpuRunError | undefined;
  private readonly freeStaging: GPUBuffer[] = [];
  private readonly allStaging: GPUBuffer[] = [];
  private readonly outputs: Map<string, PlanValue>;
  /** What a step can return: the kernels' outputs and those the host computes (plan.host). */
  readonly outputNames: ReadonlySet<string>;
  private readonly slotInputs: Map<string, PlanValue>;

  private constructor(
    readonly device: GPUDevice,
    readonly plan: Plan,
    private readonly buffers: Map<string, GPUBuffer[]>,
    private readonly pipelines: GPUComputePipeline[],
    private readonly bindGroups: GPUBindGroup[][], // [parity][kernel]
    private readonly host: IrFunction | null, // the step's host-side values (plan.host)
  ) {
    this.outputs = new Map(plan.outputs.map((o) => [o.name, o]));
    this.outputNames = new Set([...this.outputs.keys(), ...(host?.outputs.map((o) => o.name).filter((n) => !n.startsWith("host.")) ?? [])]);
    this.slotInputs = new Map(plan.inputs.filter((v) => v.buffer.startsWith("slot.")).map((v) => [v.name, v]));
  }

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
    const err = await device.popErrorScope();
    if (err) throw new WebGpuRunError(`plan ${plan.name}: ${err.message}`);
    const host = plan.host ? deserializeFunction(plan.host) : null;
    return new WebGpuProgram(device, plan, buffers, pipelines, bindGroups, host);
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
    const readSlots = opts.readSlots ?? true;
    const names = [...this.outputNames].filter((n) => readSlots || !this.outputs.get(n)?.buffer.startsWith("slot_next."));
    try {
      return this.submit(inputs, names)!;
    } catch (e) {
      return Promise.reject(e);
    }
  }

  /**
   * Queues one step on the device and returns at once: the inputs are written, the dispatches
   * and end-of-step copies encoded and submitted, and the slots swap roles. With `read` (names of
   * outputs, or of slots: their values as the step starts), those are copied into a staging buffer of a small pool in the same
   * submission and the promise resolves when it maps; with null nothing is read and nothing is
   * awaited. Steps run in submission order, so a caller can submit step s + 1 before step s's
   * values arrive: the device does not wait for the host. Host-computed outputs (plan.host)
   * are returned with the read values. A validation error of an unread step surfaces at the
   * next read.
   */
  submit(given: Record<string, Tensor>, read: readonly string[] | null): Promise<Record<string, Tensor>> | null {
    const { device, plan } = this;
    // the host's share of the step first: `host.<k>` values go to the kernels, the rest are outputs
    const hostValues = this.host ? interpret(this.host, Object.fromEntries(this.host.inputs.map((i) => [i.name, given[i.name]!]))) : {};
    const inputs = { ...given, ...hostValues };
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
    // what to read: slot values as the step starts (copied before the kernels), then outputs
    const wanted = read ? read.filter((n) => !(n in hostValues)) : [];
    const before = wanted.filter((n) => !this.outputs.has(n)).map((n) => this.slotInputs.get(n) ?? missingOutput(n));
    const values = [...before, ...wanted.filter((n) => this.outputs.has(n)).map((n) => this.outputs.get(n)!)];
    const bytes = values.reduce((a, v) => a + v.count * 4, 0);
    const staging = values.length ? this.takeStaging(bytes) : null;
    const offsets: number[] = [];
    for (let i = 0; i < values.length; i++) offsets.push(i ? offsets[i - 1]! + values[i - 1]!.count * 4 : 0);
    const copyOut = (v: PlanValue, i: number) => enc.copyBufferToBuffer(this.physical(v.buffer), v.offset * 4, staging!, offsets[i]!, v.count * 4);
    before.forEach((v, i) => copyOut(v, i));
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
    values.forEach((v, i) => i >= before.length && copyOut(v, i));
    device.queue.submit([enc.finish()]);
    this.parity = 1 - this.parity;
    const checked = device.popErrorScope().then((err) => {
      if (err) this.failure ??= new WebGpuRunError(`${plan.name}: ${err.message}`);
    });
    if (!read) return null;
    const hostOut: Record<string, Tensor> = {};
    for (const n of read) if (n in hostValues) hostOut[n] = hostValues[n]!;
    return (async () => {
      await checked;
      if (this.failure) throw this.failure;
      const out: Record<string, Tensor> = { ...hostOut };
      if (staging) {
        await staging.mapAsync(GPUMapMode.READ);
        const data = staging.getMappedRange(0, Math.ceil(bytes / 4) * 4).slice(0);
        staging.unmap();
        this.giveStaging(staging);
        values.forEach((v, i) => (out[v.name] = decode(data, offsets[i]!, v)));
      }
      return out;
    })();
  }

  /** A staging buffer of at least `bytes` from the pool (made when none is free). */
  private takeStaging(bytes: number): GPUBuffer {
    const size = Math.max(16, Math.ceil(bytes / 16) * 16);
    const i = this.freeStaging.findIndex((b) => b.size >= size);
    if (i >= 0) return this.freeStaging.splice(i, 1)[0]!;
    const b = this.device.createBuffer({ size, usage: GPUBufferUsage.MAP_READ | GPUBufferUsage.COPY_DST, label: `${this.plan.name}:staging` });
    this.allStaging.push(b);
    return b;
  }

  private giveStaging(b: GPUBuffer): void {
    this.freeStaging.push(b);
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
    for (const b of this.allStaging) b.destroy();
  }
}

function missingOutput(name: string): never {
  throw new WebGpuRunError(`the step has no output \`${name}\``);
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
