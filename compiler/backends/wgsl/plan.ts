// `compile(fn)`: an IR function -> a WebGPU plan, everything a runtime needs to run it and
// nothing it has to decide: the buffers (arenas, memory.ts) with every value's place in them,
// the kernels (WGSL text and its hash, the pipeline-cache key), each kernel's bindings, the
// dispatches of one step and the step's sequence (write inputs, dispatches, copies, read back).
// A plan is plain data: `JSON.stringify(plan)` is the `plan.json` a browser page can run.

import type { IrFunction } from "../../ir/function.js";
import { countUnfusedOps, fuseFunction, type FuseOptions } from "../../passes/fuse.js";
import { runPipeline, WGSL_PASSES } from "../../passes/pipeline.js";
import type { Region } from "./expr.js";
import type { KernelProgram } from "./kernel-ir.js";
import type { SerializedFunction } from "../../ir/serialize.js";
import { splitHost } from "./host.js";
import { planMemory } from "./memory.js";
import { arenaOf, renderKernel, type ArenaBinding } from "./render.js";

export interface PlanValue {
  readonly name: string;
  readonly buffer: string; // arena name, e.g. "tmp.f32" ("uniform" for scalar inputs)
  readonly offset: number; // elements (for "uniform": the struct field index)
  readonly count: number;
  readonly dtype: "f32" | "i32" | "bool";
  readonly shape?: readonly number[];
}

export interface PlanBuffer {
  readonly name: string;
  readonly space: string;
  readonly bytes: number;
  /** 2 for the slot arenas (this step's and the next step's values swap), else 1. */
  readonly copies: number;
}

export interface PlanKernel {
  readonly name: string;
  readonly hash: string;
  readonly wgsl: string;
  readonly strategy: string;
  readonly stages: readonly string[];
  readonly ops: readonly string[];
}

export type PlanStep =
  | { readonly op: "write_inputs" }
  | { readonly op: "dispatch"; readonly dispatch: number }
  | { readonly op: "copy"; readonly from: PlanValue; readonly to: PlanValue }
  | { readonly op: "read_back"; readonly buffers: readonly string[] };

export interface Plan {
  readonly name: string;
  readonly buffers: readonly PlanBuffer[];
  readonly values: readonly PlanValue[];
  readonly kernels: readonly PlanKernel[];
  readonly bindings: readonly { readonly kernel: number; readonly entries: readonly ArenaBinding[] }[];
  readonly dispatches: readonly { readonly kernel: number; readonly workgroups: readonly [number, number, number] }[];
  readonly sequence: readonly PlanStep[];
  readonly inputs: readonly PlanValue[];
  readonly outputs: readonly PlanValue[];
  readonly uniforms: readonly PlanValue[];
  readonly literals: readonly { readonly value: PlanValue; readonly data: readonly number[] }[];
  readonly irOps: number;
  /**
   * What the runtime computes on the host each step, before the kernels (host.ts): its outputs
   * named `host.<k>` are inputs of the kernels, the others are outputs of the step.
   */
  readonly host: SerializedFunction | null;
}

export interface PlanStats {
  readonly kernels: number;
  readonly dispatches_per_step: number;
  readonly unfused_ops: number;
  readonly intermediate_bytes: number;
  readonly buffer_bytes: number;
}

/** FNV-1a, 32 bits, as hex: the pipeline cache key of a kernel's WGSL. */
export function hashText(s: string): string {
  let h = 0x811c9dc5;
  for (let i = 0; i < s.length; i++) h = Math.imul(h ^ s.charCodeAt(i), 0x01000193);
  return (h >>> 0).toString(16).padStart(8, "0");
}

const valueOf = (r: Region, shape?: readonly number[], name = r.name): PlanValue => ({ name, buffer: arenaOf(r), offset: r.offset, count: r.count, dtype: r.dtype, ...(shape ? { shape: [...shape] } : {}) });

/** The kernel program of `fn` (fusion), with its memory planned. */
export function lowerToKernels(fn: IrFunction, opts: FuseOptions = {}): { prog: KernelProgram; arenas: { name: string; elements: number }[]; host: SerializedFunction | null } {
  const { device, host } = splitHost(runPipeline(fn, { passes: WGSL_PASSES }));
  // the unfused baseline is the whole step, the host's share included: one dispatch an op
  const prog = { ...fuseFunction(device, opts), irOps: countUnfusedOps(fn) };
  const arenas = planMemory(prog);
  return { prog, arenas, host };
}

export function compile(fn: IrFunction, opts: FuseOptions = {}): Plan {
  const { prog, arenas, host } = lowerToKernels(fn, opts);
  const uniforms = prog.regions.filter((r) => r.space === "uniform").sort((a, b) => a.offset - b.offset);
  const rendered = prog.kernels.map((k) => renderKernel(k, uniforms));
  const kernels: PlanKernel[] = prog.kernels.map((k, i) => ({
    name: k.name,
    hash: hashText(rendered[i]!.wgsl),
    wgsl: rendered[i]!.wgsl,
    strategy: rendered[i]!.strategy,
    stages: k.stages.map((s) => s.kind),
    ops: k.ops,
  }));
  const buffers: PlanBuffer[] = arenas
    .filter((a) => !a.name.startsWith("slot_next."))
    .map((a) => ({ name: a.name, space: a.name.split(".")[0]!, bytes: 4 * Math.max(1, a.elements), copies: a.name.startsWith("slot.") ? 2 : 1 }));
  if (uniforms.length) buffers.push({ name: "uniform", space: "uniform", bytes: 16 * Math.ceil(uniforms.length / 4), copies: 1 });
  const readBack = [...new Set(prog.outputs.map((o) => arenaOf(o.region)))].sort();
  return {
    name: prog.name,
    buffers,
    values: prog.regions.map((r) => valueOf(r)),
    kernels,
    bindings: rendered.map((r, kernel) => ({ kernel, entries: r.bindings })),
    dispatches: rendered.map((r, kernel) => ({ kernel, workgroups: r.workgroups })),
    sequence: [
      { op: "write_inputs" },
      ...prog.kernels.map((_, dispatch) => ({ op: "dispatch" as const, dispatch })),
      ...prog.copies.map((c) => ({ op: "copy" as const, from: valueOf(c.from), to: valueOf(c.to) })),
      { op: "read_back", buffers: readBack },
    ],
    inputs: prog.inputs.map((i) => valueOf(i.region, i.shape)),
    outputs: prog.outputs.map((o) => valueOf(o.region, o.shape, o.name)),
    uniforms: uniforms.map((r) => valueOf(r)),
    literals: prog.literals.map((l) => ({ value: valueOf(l.region), data: Array.from(l.data) })),
    irOps: prog.irOps,
    host,
  };
}

export function stats(plan: Plan): PlanStats {
  return {
    kernels: new Set(plan.kernels.map((k) => k.hash)).size,
    dispatches_per_step: plan.dispatches.length,
    unfused_ops: plan.irOps,
    intermediate_bytes: plan.buffers.filter((b) => b.space === "tmp").reduce((a, b) => a + b.bytes, 0),
    buffer_bytes: plan.buffers.reduce((a, b) => a + b.bytes * b.copies, 0),
  };
}
