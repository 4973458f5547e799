// The kernel IR: what the fusion pass (compiler/passes/fuse.ts) produces and the WGSL renderer
// consumes. A program is a sequence of kernels; a kernel is one compute dispatch made of stages.
// A standalone kernel has one stage spread over as many workgroups as it needs; a cooperative
// kernel runs several small stages in one workgroup, one after the other, with a barrier between
// them (so a stage may read what an earlier stage of the same kernel stored).
//
// Stages compute materialised values (regions of an arena, expr.ts) from scalar expressions:
//   map:     for every flat index i < size: each output's `expr` (in terms of var `i`)
//   reduce:  for every output index o < size: acc = op over r < rsize of `body` (vars `o`, `r`),
//            then each output's `expr` (vars `o`, `acc`, and `at` for argmax/argmin)
//   matmul:  a reduce whose body is a(b, i, p) * b(b, p, j): kept apart so the renderer can
//            tile it (workgroup-memory tiles, 4x4 outputs per invocation)
// Every expression was built in the program's ExprContext.

import type { Expr, ExprContext, Region, VarExpr } from "./expr.js";

export interface StageOutput {
  readonly region: Region;
  readonly expr: Expr;
}

export type ReduceOpKind = "sum" | "max" | "min" | "prod" | "argmax" | "argmin";

export interface MapStage {
  readonly kind: "map";
  readonly size: number;
  readonly i: VarExpr;
  readonly outputs: readonly StageOutput[];
}

export interface ReduceStage {
  readonly kind: "reduce";
  readonly size: number;
  readonly rsize: number;
  readonly op: ReduceOpKind;
  readonly o: VarExpr;
  readonly r: VarExpr;
  readonly body: Expr;
  readonly acc: VarExpr; // the reduced value (argmax/argmin: the index, i32)
  readonly outputs: readonly StageOutput[];
  /** An f32 sum carried as hi + lo (FuseOptions.compensatedReductions, exactSums): render.ts. */
  readonly exact?: boolean;
}

export interface MatmulStage {
  readonly kind: "matmul";
  readonly batch: number;
  readonly m: number;
  readonly n: number;
  readonly k: number;
  readonly vb: VarExpr; // batch index
  readonly vi: VarExpr; // row of the result
  readonly vj: VarExpr; // column of the result
  readonly vp: VarExpr; // contraction index
  readonly a: Expr; // a(vb, vi, vp)
  readonly b: Expr; // b(vb, vp, vj)
  readonly acc: VarExpr;
  readonly outputs: readonly StageOutput[]; // in terms of vb, vi, vj, acc
  readonly flat: Expr; // the row-major output index (vb, vi, vj)
  /** Set when an operand is a stored row-major [...B, M, K] (or [...B, K, N]) tensor read as is. */
  readonly aDirect?: Region;
  readonly bDirect?: Region;
  readonly type: "f32" | "i32";
  /** Products and sums carried exactly as hi + lo (FuseOptions.exactSums): see render.ts. */
  readonly exact?: boolean;
}

export type Stage = MapStage | ReduceStage | MatmulStage;

export interface Kernel {
  readonly name: string;
  /**
   * "single": one stage over a grid of workgroups; "coop": every stage in one workgroup, with
   * barriers; "rows": one invocation per row running every stage for its row (`rows` rows).
   */
  readonly mode: "single" | "coop" | "rows";
  readonly rows?: number;
  readonly stages: readonly Stage[];
  /** The IR ops this kernel computes (for stats and for names). */
  readonly ops: readonly string[];
}

/** A copy between regions at the end of a step (an output that is also a slot's next value). */
export interface Copy {
  readonly from: Region;
  readonly to: Region;
}

export interface KernelProgram {
  readonly name: string;
  readonly cx: ExprContext;
  readonly kernels: readonly Kernel[];
  /** Copies after the kernels (slot values carried over unchanged, outputs stored twice). */
  readonly copies: readonly Copy[];
  readonly regions: readonly Region[];
  /** Where each function input and output lives. */
  readonly inputs: readonly { readonly name: string; readonly region: Region; readonly shape: readonly number[] }[];
  readonly outputs: readonly { readonly name: string; readonly region: Region; readonly shape: readonly number[] }[];
  /** IR ops (non-leaf nodes) of the function: the dispatches an unfused backend would make. */
  readonly irOps: number;
  /** The data of every literal's region (uploaded once). */
  readonly literals: readonly { readonly region: Region; readonly data: ArrayLike<number> }[];
}

/** Every region a stage reads (through loads) or writes. */
export function stageRegions(s: Stage): { reads: Set<Region>; writes: Set<Region> } {
  const reads = new Set<Region>();
  const writes = new Set<Region>();
  const roots: Expr[] = s.kind === "map" ? [] : s.kind === "reduce" ? [s.body] : [s.a, s.b, s.flat];
  for (const o of s.outputs) {
    writes.add(o.region);
    roots.push(o.expr);
  }
  const seen = new Set<Expr>();
  const stack = [...roots];
  while (stack.length) {
    const e = stack.pop()!;
    if (seen.has(e)) continue;
    seen.add(e);
    if (e.k === "load") {
      reads.add(e.region);
      stack.push(e.index);
    } else if (e.k === "op") stack.push(...e.args);
  }
  return { reads, writes };
}

/** The number of elements a stage computes times its reduction length: its work. */
export function stageWork(s: Stage): number {
  if (s.kind === "map") return s.size;
  if (s.kind === "reduce") return s.size * Math.max(1, s.rsize);
  return s.batch * s.m * s.n * Math.max(1, s.k);
}
