// The fusion pass: an IR function -> a kernel program (compiler/backends/wgsl/kernel-ir.ts).
// It decides which values are stored in memory ("materialised") and which are recomputed inside
// the kernels that use them, groups the stored values into kernels, and orders the kernels.
//
// Vocabulary. An *anchor* is an op that loops over other elements: a reduction, argmax/argmin,
// matmul or scatter_add; every anchor starts a kernel. Every other non-leaf op is *inline*: one
// element of its result is an expression of elements of its sources (wgsl/rules.ts), so it can
// be computed wherever it is needed. A node *belongs* to anchor A when its value depends on A's
// result through pointwise inline ops only (elementwise, where, cast): it can be computed in A's
// kernel, one element per element of A's result (an epilogue).
//
// The rules, in the order they are applied (each with the example that motivates it):
//  1. Movement is index arithmetic. broadcast, reshape, transpose, slice, pad, reverse, concat
//     and gather never make a kernel: their consumers read the source at a moved index
//     (`matmul(x, transpose(w))` reads w[j, p]).
//  2. Elementwise chains fuse. An inline node is recomputed in each kernel that uses it (a chain
//     of 20 ops on the step counter, like a learning-rate schedule, costs less than a load).
//  3. A reduction absorbs the work before it (a prologue: `sum(exp(x - m))` reads x) and after it
//     (an epilogue: `relu(x @ w + b)` is one matmul kernel, and so is an optimizer's update of a
//     gradient computed by a matmul, with all of its outputs).
//  4. A value is materialised where a kernel cannot compute it itself: a value belonging to
//     anchor A that is used by another anchor, through a movement op (a reduction's result
//     broadcast back over its rows), or together with a value of another anchor B (then the
//     one of the earlier anchor is stored); every function output; a value whose recomputation
//     would cost more than `recomputeLimit` ops per element when it has several users (random
//     bits); and a matmul prologue costing more than `prologueLimit` ops (the prologue runs once
//     per element per column tile).
//  5. Stored values with no anchor and one shape share a map kernel when neither needs the other.
//  6. Small kernels run together. Kernels whose work (elements x reduction length) is at most
//     `smallWork` are scheduled next to each other where the dependencies allow, and run as one
//     cooperative kernel: one workgroup executing them as stages with a barrier in between (a
//     softmax's max, sum and normalisation rows, a loss's mean, spectral-norm power iterations
//     on a 64 x 64 weight). Dispatches, not arithmetic, dominate such steps.
//  7. No kernel binds more than `maxStorageBuffers` storage buffers (WebGPU's default limit of
//     8 per stage). Values live in arenas, one buffer per memory space and storage type, so a
//     kernel binds at most a few; merges that would exceed the limit are not made.
//  8. Reduction sums are compensated (hi + lo, rounded once) so that a mean or a variance does
//     not depend on the order the kernel sums in; matmuls too with `exactSums`.
// With `fuse: false` every non-leaf op is materialised and is a kernel of its own (the unfused
// baseline the tests compare fusion against).

import { CompilerBug } from "../diag/diagnostic.js";
import type { IrFunction } from "../ir/function.js";
import { functionNodes } from "../ir/graph.js";
import type { Node } from "../ir/node.js";
import { Op, type OpArgs } from "../ir/ops.js";
import { numel, shapesEqual } from "../ir/shape.js";
import { ExprContext, exprOrder, flatIndex, unflatIndex, type Expr, type Region, type VarExpr } from "../backends/wgsl/expr.js";
import type { Copy, Kernel, KernelProgram, ReduceOpKind, Stage, StageOutput } from "../backends/wgsl/kernel-ir.js";
import { stageRegions, stageWork } from "../backends/wgsl/kernel-ir.js";
import { ruleFor, scalarType } from "../backends/wgsl/rules.js";
import { arenaOf } from "../backends/wgsl/render.js";

export interface FuseOptions {
  /** false: one kernel per op (default true). */
  readonly fuse?: boolean;
  /** Merge small kernels into cooperative single-workgroup kernels (default true). */
  readonly cooperative?: boolean;
  /** Merge row-wise reductions and their users into row kernels (default true). */
  readonly rows?: boolean;
  readonly maxStorageBuffers?: number;
  /** A kernel is small when its work is at most this (default 65536). */
  readonly smallWork?: number;
  /** The most work of one cooperative kernel (default 262144). */
  readonly cooperativeWork?: number;
  readonly recomputeLimit?: number;
  readonly prologueLimit?: number;
  /**
   * Carry every f32 reduction sum as an unevaluated pair hi + lo (TwoSum) and round once at the
   * end, as the interpreter's f64 accumulator does (default true). A reduction reads memory
   * for each term, so the few extra additions cost little; and a mean or a variance then no
   * longer depends on the order the device sums in (the relu after a layer norm flips on it).
   */
  readonly compensatedReductions?: boolean;
  /**
   * Matmuls too (default false): every product's rounding error (Dekker) and every addition's go
   * to lo. The device then agrees with the interpreter to the last bit nearly always, at about
   * 2.5 times the arithmetic of a matmul's inner loop.
   */
  readonly exactSums?: boolean;
}

const DEFAULTS = { fuse: true, cooperative: true, rows: true, maxStorageBuffers: 8, smallWork: 65536, cooperativeWork: 262144, recomputeLimit: 32, prologueLimit: 8, compensatedReductions: true, exactSums: false };

/** Inline ops whose result element i depends on element i of each source only. */
const POINTWISE = new Set<Op>([
  ...[Op.Neg, Op.Abs, Op.Sign, Op.Exp, Op.Log, Op.Sqrt, Op.Rsqrt, Op.Sin, Op.Cos, Op.Tanh, Op.Sigmoid, Op.Erf, Op.Relu, Op.Floor, Op.Round, Op.Not],
  ...[Op.Add, Op.Sub, Op.Mul, Op.Div, Op.Pow, Op.Max, Op.Min, Op.Mod, Op.Eq, Op.Ne, Op.Lt, Op.Le, Op.Gt, Op.Ge, Op.And, Op.Or],
  ...[Op.Where, Op.Cast, Op.BitsToUnit, Op.StopGradient, Op.StraightThrough],
]);

const isLeaf = (n: Node) => ruleFor(n.op).kind === "leaf";
const isAnchor = (n: Node) => {
  const k = ruleFor(n.op).kind;
  return k === "reduce" || k === "matmul" || k === "scatter";
};

/** A kernel before code generation: an anchor (or none, for map kernels) and its stored values. */
interface Group {
  readonly id: number;
  readonly anchor: Node | null;
  readonly outputs: Node[];
  readonly shape: readonly number[];
}

/** f32 sums carried as hi + lo: reductions (compensatedReductions) and matmuls (exactSums). */
function exactSum(s: Stage, opts: { compensatedReductions: boolean; exactSums: boolean }): Stage {
  if (s.kind === "matmul" && s.type === "f32" && opts.exactSums) return { ...s, exact: true };
  if (s.kind === "reduce" && s.op === "sum" && s.body.type === "f32" && (opts.compensatedReductions || opts.exactSums)) return { ...s, exact: true };
  return s;
}

/** The non-leaf ops of a function: the dispatches of a backend that runs one kernel an op. */
function countOps(nodes: readonly Node[]): number {
  return nodes.filter((n) => !isLeaf(n) && n.op !== Op.Constant && n.op !== Op.Iota).length;
}
export const countUnfusedOps = (fn: IrFunction): number => countOps(functionNodes(fn));

export function fuseFunction(fn: IrFunction, options: FuseOptions = {}): KernelProgram {
  const opts = { ...DEFAULTS, ...options };
  const nodes = functionNodes(fn);
  for (const n of nodes) scalarType(n.dtype); // rejects f64 graphs
  const users = new Map<Node, Node[]>();
  for (const n of nodes) for (const s of n.src) users.set(s, [...(users.get(s) ?? []), n]);
  const outputNodes = new Set(fn.outputs.map((o) => o.node));

  // ---- which values are stored, and which anchor each pending value belongs to (rules 1-4)
  const stored = new Set<Node>();
  const owner = new Map<Node, Node | null>();
  const cost = new Map<Node, number>(); // inline cost per element, through pending sources
  const pendingOwner = (s: Node) => (isLeaf(s) || stored.has(s) ? null : (owner.get(s) ?? null));
  // the latest anchor (by id) each value depends on, through any path: a value that depends on an
  // anchor later than A cannot be part of A's kernel (that kernel may run first)
  const after = new Map<Node, number>();
  for (const n of nodes) after.set(n, Math.max(isAnchor(n) ? n.id : -1, ...n.src.map((s) => after.get(s)!)));
  for (const n of nodes) {
    if (isLeaf(n)) continue;
    const rule = ruleFor(n.op);
    if (!opts.fuse) {
      owner.set(n, isAnchor(n) ? n : null);
      if (n.op !== Op.Constant && n.op !== Op.Iota) stored.add(n);
      continue;
    }
    if (isAnchor(n)) {
      for (const s of n.src) {
        if (pendingOwner(s) !== null) stored.add(s);
        else if (n.op === Op.MatMul && !isLeaf(s) && !stored.has(s) && (cost.get(s) ?? 0) > opts.prologueLimit) stored.add(s);
      }
      owner.set(n, n);
      continue;
    }
    const pending = n.src.filter((s) => pendingOwner(s) !== null);
    let top: Node | null = null;
    if (POINTWISE.has(n.op)) for (const s of pending) if (top === null || pendingOwner(s)!.id > top.id) top = pendingOwner(s);
    // every other source must be ready before the kernel of `top` runs
    const anchor = top;
    if (anchor !== null && n.src.some((s) => pendingOwner(s) !== anchor && owner.get(s) !== anchor && after.get(s)! >= anchor.id)) top = null;
    for (const s of pending) if (pendingOwner(s) !== top) stored.add(s);
    owner.set(n, top);
    let c = rule.kind === "inline" ? rule.cost : 0;
    for (const s of n.src) if (!isLeaf(s) && !stored.has(s) && owner.get(s) === null) c += cost.get(s) ?? 0;
    cost.set(n, c);
  }
  for (const n of nodes) {
    if (isLeaf(n) || stored.has(n)) continue;
    if (outputNodes.has(n)) stored.add(n);
    else if (owner.get(n) === null && (cost.get(n) ?? 0) > opts.recomputeLimit && (users.get(n)?.length ?? 0) > 1) stored.add(n);
  }

  // ---- regions: where inputs, literals and stored values live
  const cx = new ExprContext();
  const regions: Region[] = [];
  const region = (name: string, space: Region["space"], n: Node): Region => {
    const r: Region = { name, space, dtype: scalarType(n.dtype), count: numel(n.shape), offset: -1 };
    regions.push(r);
    return r;
  };
  const home = new Map<Node, Region>();
  const inputs = fn.inputs.map(({ name, node }) => {
    const kind = (node.arg as OpArgs[Op.Input]).kind;
    const space = kind === "param" || kind === "state" ? "slot" : node.rank === 0 ? "uniform" : "input";
    const r = region(name, space, node);
    home.set(node, r);
    return { name, region: r, shape: node.shape };
  });
  const slotNext = new Map<string, Region>(); // slot name -> its next value's region
  for (const i of inputs) if (i.region.space === "slot") slotNext.set(i.name, { ...i.region, space: "slot_next", offset: -1 });
  regions.push(...slotNext.values());
  const literals = new Map<Node, Float64Array | Int32Array | Uint8Array>();
  for (const n of nodes) {
    if (n.op === Op.Literal) {
      home.set(n, region(`literal%${n.id}`, "const", n));
      literals.set(n, (n.arg as OpArgs[Op.Literal]).data);
    }
  }
  const copies: Copy[] = [];
  const extra = new Map<Node, Region[]>(); // further regions of a stored value (an output twice)
  const outputs = fn.outputs.map(({ name, node }) => {
    const base = name.endsWith(".next") ? name.slice(0, -5) : null;
    const dest = base !== null && slotNext.has(base) ? slotNext.get(base)! : region(name, "output", node);
    if (stored.has(node) && !home.has(node)) home.set(node, dest);
    else if (stored.has(node)) extra.set(node, [...(extra.get(node) ?? []), dest]); // stored twice by its kernel
    else copies.push({ from: home.get(node)!, to: dest });
    return { name, region: dest, shape: node.shape };
  });
  for (const [name, next] of slotNext) if (!outputs.some((o) => o.region === next)) copies.push({ from: inputs.find((i) => i.name === name)!.region, to: next });
  for (const n of nodes) if (stored.has(n) && !home.has(n)) home.set(n, region(`%${n.id}`, "tmp", n));

  // ---- groups (rule 5 merges map groups later, with the kernel order)
  const groups: Group[] = [];
  const groupOf = new Map<Node, Group>();
  for (const n of nodes) {
    if (!stored.has(n)) continue;
    const a = owner.get(n) ?? null;
    let g = a ? groups.find((x) => x.anchor === a) : undefined;
    if (!g) {
      g = { id: groups.length, anchor: a, outputs: [], shape: a ? a.shape : n.shape };
      groups.push(g);
    }
    g.outputs.push(n);
    groupOf.set(n, g);
  }

  const lower = new StageLowering(cx, home, stored, extra);
  const stageOf = new Map<Group, { stage: Stage; ops: string[] }>();
  for (const g of groups) stageOf.set(g, lower.stage(g));
  // dependencies between groups: the stored values each one reads
  const deps = new Map<Group, Set<Group>>();
  for (const g of groups) {
    const d = new Set<Group>();
    for (const r of stageRegions(stageOf.get(g)!.stage).reads) {
      const producer = groups.find((x) => x !== g && x.outputs.some((o) => home.get(o) === r));
      if (producer) d.add(producer);
    }
    deps.set(g, d);
  }

  const scheduled = schedule(groups, deps, stageOf, opts, fn.name, cx);
  const kernels = scheduled.map((k) => ({ ...k, stages: k.stages.map((st) => exactSum(st, opts)) }));
  return {
    name: fn.name,
    cx,
    kernels,
    copies,
    regions,
    inputs,
    outputs,
    irOps: countOps(nodes),
    literals: [...literals].map(([n, data]) => ({ region: home.get(n)!, data })),
  };
}

// ---------------------------------------------------------------- scheduling (rules 5-7)

function storageBuffers(stages: readonly Stage[]): number {
  const arenas = new Set<string>();
  for (const s of stages) {
    const { reads, writes } = stageRegions(s);
    for (const r of [...reads, ...writes]) if (r.space !== "uniform") arenas.add(arenaOf(r));
  }
  return arenas.size;
}

/**
 * Orders the groups (a topological order that keeps small kernels together) and forms kernels:
 * same-shape map groups merge into one map stage, and runs of small kernels into one
 * cooperative kernel, within the binding limit.
 */
function schedule(groups: Group[], deps: Map<Group, Set<Group>>, stageOf: Map<Group, { stage: Stage; ops: string[] }>, opts: typeof DEFAULTS, fname: string, cx: ExprContext): Kernel[] {
  const small = (g: Group) => stageWork(stageOf.get(g)!.stage) <= opts.smallWork;
  const done = new Set<Group>();
  const order: Group[][] = []; // kernels as lists of groups (stages)
  const modes: Kernel["mode"][] = [];
  let lastSmall = false;
  while (done.size < groups.length) {
    const ready = groups.filter((g) => !done.has(g) && [...deps.get(g)!].every((d) => done.has(d)));
    if (ready.length === 0) throw new CompilerBug("fusion: a cycle between kernels");
    const pick = (opts.cooperative ? ready.filter((g) => small(g) === lastSmall) : [])[0] ?? ready[0]!;
    done.add(pick);
    const cur = order[order.length - 1];
    const stages = (gs: Group[]) => gs.map((g) => stageOf.get(g)!.stage);
    const work = (gs: Group[]) => gs.reduce((a, g) => a + stageWork(stageOf.get(g)!.stage), 0);
    const fits = () => storageBuffers(stages([...cur!, pick])) <= opts.maxStorageBuffers;
    const coop = opts.cooperative && small(pick) && lastSmall && work([...cur ?? [], pick]) <= opts.cooperativeWork;
    const last = cur && stageOf.get(cur[cur.length - 1]!)!.stage;
    const sameMap = cur && cur.length === 1 && last!.kind === "map" && pick.anchor === null && numel(pick.shape) === last!.size && !readsAny(stageOf.get(pick)!.stage, last!);
    if (opts.fuse && cur && (coop || sameMap) && fits() && modes[order.length - 1] !== "rows") {
      cur.push(pick);
      if (coop) modes[order.length - 1] = "coop";
    } else if (opts.fuse && opts.rows && cur && modes[order.length - 1] !== "coop" && rowsOf(stages([...cur, pick]), cx) !== null && fits()) {
      cur.push(pick);
      modes[order.length - 1] = "rows";
    } else {
      order.push([pick]);
      modes.push("single");
    }
    lastSmall = small(pick);
  }
  // rule 5: a map stage absorbs the next map stages of its shape in the same kernel when they do
  // not read each other (they then run as one stage)
  const kernels: Kernel[] = [];
  for (const [ki, gs] of order.entries()) {
    const stages: Stage[] = [];
    const ops: string[] = [];
    for (const g of gs) {
      const { stage, ops: o } = stageOf.get(g)!;
      ops.push(...o);
      const prev = stages[stages.length - 1];
      if (opts.fuse && prev && prev.kind === "map" && stage.kind === "map" && prev.size === stage.size && !readsAny(stage, prev)) {
        stages[stages.length - 1] = mergeMaps(prev, stage);
      } else stages.push(stage);
    }
    const mode = stages.length === 1 ? "single" : modes[ki]!;
    const rows = mode === "rows" ? rowsOf(stages, cx)! : undefined;
    if (storageBuffers(stages) > opts.maxStorageBuffers) throw new CompilerBug(`fusion: a kernel of \`${fname}\` needs ${storageBuffers(stages)} storage buffers`);
    kernels.push({ name: `k${kernels.length}_${kernelName(ops)}`, mode, stages, ops, ...(rows ? { rows } : {}) });
  }
  return kernels;
}

/**
 * Rule 6b, row kernels: stages that start with a reduction to R rows and whose later stages read
 * the earlier stages' results only in their own row (a row's max, its sum, its own element) can
 * run with one invocation per row doing every stage for its row, with no barrier: the softmax,
 * layer norm or cross-entropy of a large batch as one kernel. A stage of size R c covers c
 * elements per row; a value of one element per row is read at `e / c`, one of c elements at `e`.
 * The row count, or null when the stages do not fit the pattern.
 */
function rowsOf(stages: readonly Stage[], cx: ExprContext): number | null {
  const first = stages[0]!;
  if (first.kind !== "reduce") return null;
  const R = first.size;
  const per = new Map<Region, number>(); // region -> elements per row of the stage writing it
  for (const st of stages) {
    if (st.kind === "matmul" || st.size % R !== 0) return null;
    const c = st.size / R;
    const v = st.kind === "map" ? st.i : st.o;
    const roots = st.kind === "map" ? st.outputs.map((o) => o.expr) : [st.body, ...st.outputs.map((o) => o.expr)];
    const seen = new Set<Expr>();
    const stack = [...roots];
    while (stack.length) {
      const e = stack.pop()!;
      if (seen.has(e)) continue;
      seen.add(e);
      if (e.k === "op") stack.push(...e.args);
      if (e.k !== "load") continue;
      stack.push(e.index);
      const cp = per.get(e.region);
      if (cp === undefined) continue;
      if (!((cp === c && e.index === v) || (cp === 1 && e.index === cx.div(v, c)))) return null;
    }
    for (const o of st.outputs) per.set(o.region, c);
  }
  return R;
}

function readsAny(s: Stage, prev: Stage): boolean {
  const { reads } = stageRegions(s);
  return prev.outputs.some((o) => reads.has(o.region));
}

/** Two map stages of one size as one: the second's index variable is the first's. */
function mergeMaps(a: Stage & { kind: "map" }, b: Stage & { kind: "map" }): Stage {
  if (a.i !== b.i) throw new CompilerBug("map stages of one size with different index variables");
  return { kind: "map", size: a.size, i: a.i, outputs: [...a.outputs, ...b.outputs] };
}

function kernelName(ops: readonly string[]): string {
  const uniq = [...new Set(ops)];
  const main = uniq.filter((o) => ["matmul", "reduce_sum", "reduce_max", "reduce_min", "reduce_prod", "argmax", "argmin", "scatter_add"].includes(o));
  const pick = (main.length ? main : uniq).slice(0, 3);
  return pick.join("_") || "copy";
}

// ---------------------------------------------------------------- lowering a group to a stage

interface StageCx {
  readonly produces: ReadonlySet<Node>;
  readonly anchor: Node | null;
  readonly acc: VarExpr | null;
  readonly memo: Map<string, Expr>;
  readonly ops: string[];
}

class StageLowering {
  constructor(
    private readonly cx: ExprContext,
    private readonly home: ReadonlyMap<Node, Region>,
    private readonly stored: ReadonlySet<Node>,
    private readonly extra: ReadonlyMap<Node, readonly Region[]>,
  ) {}

  /** Element `idx` of node n as seen by a stage (loads of stored values, inlined otherwise). */
  element(n: Node, idx: readonly Expr[], st: StageCx): Expr {
    const key = `${n.id}|${idx.map((e) => e.id).join(",")}`;
    const hit = st.memo.get(key);
    if (hit) return hit;
    let e: Expr;
    const rule = ruleFor(n.op);
    if (n === st.anchor) e = st.acc!;
    else if (rule.kind === "leaf" || (this.stored.has(n) && !st.produces.has(n))) {
      const r = this.home.get(n);
      if (!r) throw new CompilerBug(`fusion: %${n.id} (${n.op}) has no buffer`);
      e = this.cx.load(r, r.space === "uniform" ? this.cx.int(0) : flatIndex(this.cx, idx, n.shape));
    } else if (rule.kind === "inline") {
      st.ops.push(n.op);
      e = rule.element({ cx: this.cx, node: n as never, idx, at: (k, i) => this.element(n.src[k]!, i, st) });
    } else throw new CompilerBug(`fusion: anchor %${n.id} (${n.op}) read inside another kernel`);
    st.memo.set(key, e);
    return e;
  }

  /** A matmul operand read straight from memory (no prologue): its region, for vector loads. */
  private direct(n: Node, key: "aDirect" | "bDirect"): Partial<Record<"aDirect" | "bDirect", Region>> {
    const r = this.home.get(n);
    return r && r.space !== "uniform" && (isLeaf(n) || this.stored.has(n)) ? { [key]: r } : {};
  }

  private out(st: StageCx, g: Group, idx: readonly Expr[]): StageOutput[] {
    return g.outputs.flatMap((n) => {
      const expr = this.element(n, idx, st);
      return [this.home.get(n)!, ...(this.extra.get(n) ?? [])].map((region) => ({ region, expr }));
    });
  }

  private index(name: string, size: number): VarExpr {
    return this.cx.variable(name, "i32", 0, Math.max(0, size - 1));
  }

  stage(g: Group): { stage: Stage; ops: string[] } {
    const cx = this.cx;
    const produces = new Set(g.outputs);
    const a = g.anchor;
    if (a === null) {
      const size = numel(g.shape);
      const i = this.index("i", size);
      const st: StageCx = { produces, anchor: null, acc: null, memo: new Map(), ops: [] };
      const idx = unflatIndex(cx, i, g.shape);
      for (const n of g.outputs) if (!shapesEqual(n.shape, g.shape)) throw new CompilerBug("fusion: a map group of mixed shapes");
      return { stage: { kind: "map", size, i, outputs: this.out(st, g, idx) }, ops: st.ops };
    }
    const rule = ruleFor(a.op);
    const ops = [a.op as string];
    if (rule.kind === "matmul") {
      const [A, B] = a.src as [Node, Node];
      const r = a.rank;
      const bs = a.shape.slice(0, r - 2);
      const [m, n, k] = [a.shape[r - 2]!, a.shape[r - 1]!, A.shape[r - 1]!];
      const batch = numel(bs);
      const type = scalarType(a.dtype) as "f32" | "i32";
      const acc = cx.variable("acc", type);
      const [vj, vp] = [this.index("j", n), this.index("p", k)];
      if (batch > 1) {
        // B shared by every batch entry (a weight broadcast over [B, T]): one [B*M, K] @ [K, N]
        // matmul, so that the tiles fill with rows instead of holding M rows of each batch entry
        const st: StageCx = { produces, anchor: a, acc, memo: new Map(), ops: [a.op as string] };
        const row = this.index("i", batch * m);
        const bidx = unflatIndex(cx, cx.div(row, m), bs);
        const bExpr = this.element(B, [...bidx, vp, vj], st);
        if (!exprOrder([bExpr]).includes(row)) {
          const oidx = [...bidx, cx.mod(row, m), vj];
          const stage: Stage = {
            kind: "matmul",
            batch: 1,
            m: batch * m,
            n,
            k,
            vb: this.index("b", 1),
            vi: row,
            vj,
            vp,
            a: this.element(A, oidx.slice(0, -1).concat(vp), st),
            b: bExpr,
            acc,
            outputs: this.out(st, g, oidx),
            flat: flatIndex(cx, oidx, a.shape),
            type,
            ...this.direct(A, "aDirect"),
          };
          return { stage, ops: st.ops };
        }
      }
      const st: StageCx = { produces, anchor: a, acc, memo: new Map(), ops };
      const [vb, vi] = [this.index("b", batch), this.index("i", m)];
      const bidx = unflatIndex(cx, vb, bs);
      const oidx = [...bidx, vi, vj];
      const stage: Stage = {
        kind: "matmul",
        batch,
        m,
        n,
        k,
        vb,
        vi,
        vj,
        vp,
        a: this.element(A, [...bidx, vi, vp], st),
        b: this.element(B, [...bidx, vp, vj], st),
        acc,
        outputs: this.out(st, g, oidx),
        flat: flatIndex(cx, oidx, a.shape),
        type,
        ...this.direct(A, "aDirect"),
        ...this.direct(B, "bDirect"),
      };
      return { stage, ops: st.ops };
    }
    if (rule.kind === "scatter") {
      const [ind, upd] = a.src as [Node, Node];
      const xs = (a.arg as OpArgs[Op.ScatterAdd]).shape;
      const kk = ind.shape[ind.rank - 1]!;
      const S = ind.shape.slice(0, -1);
      const size = numel(xs);
      const o = this.index("o", size);
      const r = this.index("r", numel(S));
      const type = scalarType(a.dtype);
      const acc = cx.variable("acc", type);
      const st: StageCx = { produces, anchor: a, acc, memo: new Map(), ops };
      const oidx = unflatIndex(cx, o, xs);
      const sidx = unflatIndex(cx, r, S);
      let match: Expr = cx.constant(1, "bool");
      for (let j = 0; j < kk; j++) {
        const at = cx.clamp(this.element(ind, [...sidx, cx.int(j)], st), 0, Math.max(0, xs[j]! - 1));
        const eq = cx.op("eq", "bool", [at, oidx[j]!]);
        match = j === 0 ? eq : cx.op("and", "bool", [match, eq]);
      }
      const v = this.element(upd, [...sidx, ...oidx.slice(kk)], st);
      const body = cx.op("select", type, [match, v, cx.constant(0, type)]);
      return { stage: { kind: "reduce", size, rsize: numel(S), op: "sum", o, r, body, acc, outputs: this.out(st, g, oidx) }, ops: st.ops };
    }
    if (rule.kind !== "reduce") throw new CompilerBug(`fusion: ${a.op} is not an anchor`);
    const x = a.src[0]!;
    const arg = a.arg as { axes?: readonly number[]; axis?: number; keepdims: boolean };
    const axes = arg.axes ?? [arg.axis!];
    const rdims = axes.map((d) => x.shape[d]!);
    const size = numel(a.shape);
    const o = this.index("o", size);
    const r = this.index("r", numel(rdims));
    const arg1 = rule.op === "argmax" || rule.op === "argmin";
    const acc = cx.variable("acc", arg1 ? "i32" : scalarType(a.dtype));
    const st: StageCx = { produces, anchor: a, acc, memo: new Map(), ops };
    const oidx = unflatIndex(cx, o, a.shape);
    const ridx = unflatIndex(cx, r, rdims);
    let kept = 0;
    let red = 0;
    const sidx = x.shape.map((_, d) => {
      if (axes.includes(d)) {
        if (arg.keepdims) kept++;
        return ridx[red++]!;
      }
      return oidx[kept++]!;
    });
    let body = this.element(x, sidx, st);
    if (arg1 && body.type === "bool") body = cx.op("cast_bool_i32", "i32", [body]);
    const op: ReduceOpKind = rule.op;
    return { stage: { kind: "reduce", size, rsize: numel(rdims), op, o, r, body, acc, outputs: this.out(st, g, oidx) }, ops: st.ops };
  }
}
