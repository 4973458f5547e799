// The static memory plan: every value of a step lives in an arena, one GPU buffer per memory
// space and storage type (f32, or i32 for i32 and bool), at an element offset fixed at compile
// time. Spaces:
//   slot, slot_next  parameters and states: two buffers that swap roles after every step (a
//                    step reads `slot` and writes `slot_next`; both have one layout)
//   input            batch fields, written by the host before each step
//   uniform          scalar inputs (the step counter, hyperparameters): one uniform struct
//   output           outputs that are not slots (loss, metrics, gradients): read back
//   const            literals, written once
//   tmp              intermediates: regions reused once their last reader has run. Lifetimes
//                    are known from the kernel order; regions are placed largest first at the
//                    lowest offset free for their whole lifetime (greedy by size)
// Regions written and read by the same kernel are live together, so a kernel never overwrites
// what it reads. Every region starts at a multiple of 4 elements (vec4 loads of aligned rows).

import { CompilerBug } from "../../diag/diagnostic.js";
import type { Region } from "./expr.js";
import { stageRegions, type KernelProgram } from "./kernel-ir.js";
import { arenaOf } from "./render.js";

/** Regions start at multiples of 4 elements (16 bytes), so rows can be read as vec4. */
const align = (n: number) => Math.ceil(n / 4) * 4;

export interface Arena {
  readonly name: string; // "tmp.f32"
  readonly elements: number;
}

/** Assigns every region's offset; returns the arenas' sizes (in elements). */
export function planMemory(prog: KernelProgram): Arena[] {
  const sizes = new Map<string, number>();
  const bump = (r: Region) => {
    const a = arenaOf(r);
    r.offset = align(sizes.get(a) ?? 0);
    sizes.set(a, r.offset + r.count);
  };
  // fixed layouts
  const slots = new Map<string, Region>();
  for (const r of prog.regions) {
    if (r.space === "slot") {
      bump(r);
      slots.set(r.name, r);
    } else if (r.space === "input" || r.space === "output" || r.space === "const") bump(r);
  }
  let field = 0;
  for (const r of prog.regions) if (r.space === "uniform") r.offset = field++;
  for (const r of prog.regions) {
    if (r.space !== "slot_next") continue;
    const s = slots.get(r.name);
    if (!s) throw new CompilerBug(`memory: slot_next region ${r.name} has no slot`);
    r.offset = s.offset;
    sizes.set(arenaOf(r), sizes.get(arenaOf(s)) ?? 0);
  }
  // tmp: lifetimes in kernel indices
  const first = new Map<Region, number>();
  const last = new Map<Region, number>();
  prog.kernels.forEach((k, i) => {
    for (const s of k.stages) {
      const { reads, writes } = stageRegions(s);
      for (const r of writes) if (!first.has(r)) first.set(r, i);
      for (const r of [...reads, ...writes]) last.set(r, i);
    }
  });
  for (const c of prog.copies) last.set(c.from, prog.kernels.length);
  const tmp = prog.regions.filter((r) => r.space === "tmp").sort((a, b) => b.count - a.count || first.get(a)! - first.get(b)!);
  const placed: Region[] = [];
  for (const r of tmp) {
    const live = (x: Region) => first.get(x)! <= last.get(r)! && first.get(r)! <= last.get(x)!;
    const busy = placed.filter((x) => arenaOf(x) === arenaOf(r) && live(x)).sort((a, b) => a.offset - b.offset);
    let offset = 0;
    for (const x of busy) {
      if (offset + r.count <= x.offset) break;
      offset = Math.max(offset, align(x.offset + x.count));
    }
    r.offset = offset;
    placed.push(r);
    sizes.set(arenaOf(r), Math.max(sizes.get(arenaOf(r)) ?? 0, offset + r.count));
  }
  for (const r of prog.regions) if (r.offset < 0) throw new CompilerBug(`memory: region ${r.name} (${r.space}) has no offset`);
  return [...sizes].map(([name, elements]) => ({ name, elements })).sort((a, b) => a.name.localeCompare(b.name));
}
