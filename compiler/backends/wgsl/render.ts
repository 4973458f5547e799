// Kernel IR -> WGSL text. Each stage becomes a few small functions whose parameters are the
// stage's variables (`s1_body(o, r)`, `s1_out(o, acc)`, ...); `main` only runs the loops that
// call them: one element per invocation over a grid (map, serial reduce), a workgroup tree per
// output (few outputs with long reductions), a register-tiled matmul (matmul.ts), or, in a
// cooperative kernel, every stage in turn over one workgroup with a barrier between stages.
//
// Buffers are arenas (memory.ts): one binding per (space, storage type) the kernel touches,
// `read` unless the kernel stores to it. Values of bool type are i32 0/1 in buffers.

import { CompilerBug } from "../../diag/diagnostic.js";
import { exprOrder, type Expr, type Region, type ScalarType, type VarExpr } from "./expr.js";
import { helperCode, helpers } from "./helpers.js";
import type { Kernel, MatmulStage, ReduceStage, Stage, StageOutput } from "./kernel-ir.js";
import { renderTiledMatmul, tiledMatmulFits, vectorizable } from "./matmul.js";

/** Threads per workgroup for every kernel but the tiled matmul. */
export const WORKGROUP = 256;
/** A standalone reduce uses a workgroup tree per output when it has at most this many outputs. */
const TREE_MAX_OUTPUTS = 1024;
const TREE_MIN_LENGTH = 256;

export interface ArenaBinding {
  readonly binding: number;
  readonly arena: string; // e.g. "tmp.f32"; "slot.f32" reads the current slots, "slot_next.f32" writes the next
  readonly access: "read" | "read_write" | "uniform";
  /** A second, vec4-typed binding of the same (read-only) arena. */
  readonly view?: "vec4";
}

/** WebGPU's default maxStorageBuffersPerShaderStage. */
export const MAX_STORAGE_BINDINGS = 8;

export interface RenderedKernel {
  readonly wgsl: string;
  readonly bindings: readonly ArenaBinding[];
  readonly workgroups: readonly [number, number, number];
  readonly workgroupSize: number;
  readonly strategy: string;
}

export function storageType(d: Region["dtype"]): "f32" | "i32" {
  return d === "f32" ? "f32" : "i32";
}

export function arenaOf(r: Region): string {
  return r.space === "uniform" ? "uniform" : `${r.space}.${storageType(r.dtype)}`;
}

const wgslName = (arena: string) => arena.replace(".", "_");

// ---------------------------------------------------------------- scalar expressions

const inf = (v: number) => (v > 0 ? "f_inf()" : "(-f_inf())");

export function literal(value: number, type: ScalarType): string {
  switch (type) {
    case "bool":
      return value ? "true" : "false";
    case "u32":
      return `${value >>> 0}u`;
    case "i32":
      return value === -2147483648 ? "(-2147483647i - 1i)" : value < 0 ? `(${value}i)` : `${value}i`;
    case "f32": {
      if (Number.isNaN(value)) return "f_nan()";
      if (!Number.isFinite(value)) return inf(value);
      if (Object.is(value, -0)) return "(-0.0f)";
      const s = shortestF32(value);
      return value < 0 ? `(${s}f)` : `${s}f`;
    }
  }
}

/** The shortest decimal that reads back as the same f32. */
function shortestF32(v: number): string {
  for (let p = 1; p <= 9; p++) {
    const s = v.toPrecision(p);
    if (Math.fround(Number(s)) === v) return String(Number(s));
  }
  return String(v);
}

type Render = (a: readonly string[], e: Expr & { k: "op" }) => string;
const call = (f: string): Render => (a) => `${f}(${a.join(", ")})`;
const infix = (op: string): Render => (a) => `(${a[0]} ${op} ${a[1]})`;

/** How each scalar op of the kernel IR prints; names that are helpers also pull in their code. */
const scalarOps: Record<string, Render> = {
  add: infix("+"),
  sub: infix("-"),
  mul: infix("*"),
  div: infix("/"),
  neg: (a) => `(-${a[0]})`,
  abs: call("abs"),
  sign: call("sign"),
  exp: call("exp"),
  sqrt: call("sqrt"),
  inverseSqrt: call("inverseSqrt"),
  floor: call("floor"),
  round: call("round"),
  max: call("max"),
  min: call("min"),
  not: (a) => `(!${a[0]})`,
  and: infix("&&"),
  or: infix("||"),
  eq: infix("=="),
  ne: infix("!="),
  lt: infix("<"),
  le: infix("<="),
  gt: infix(">"),
  ge: infix(">="),
  select: (a) => `select(${a[2]}, ${a[1]}, ${a[0]})`,
  idx_add: infix("+"),
  idx_mul: infix("*"),
  idx_div: infix("/"),
  idx_mod: infix("%"),
  clamp_i: call("clamp"),
  cast_i32_f32: call("f32"),
  cast_bool_f32: (a) => `select(0.0f, 1.0f, ${a[0]})`,
  cast_bool_i32: (a) => `select(0i, 1i, ${a[0]})`,
  cast_i32_bool: (a) => `(${a[0]} != 0i)`,
};

/** Renders a function body: `let`s for the expressions used more than once, then the roots. */
class BodyWriter {
  readonly lines: string[] = [];
  private readonly names = new Map<Expr, string>();
  private n = 0;

  constructor(
    private readonly used: Set<string>, // helper names used
    private readonly bound: ReadonlyMap<VarExpr, string>,
  ) {}

  /** Binds every shared subexpression of `roots` to a `let`, in dependency order. */
  prepare(roots: readonly Expr[]): void {
    const order = exprOrder(roots);
    const uses = new Map<Expr, number>();
    for (const e of order) for (const k of kids(e)) uses.set(k, (uses.get(k) ?? 0) + 1);
    for (const r of roots) uses.set(r, (uses.get(r) ?? 0) + 2);
    for (const e of order) {
      if (this.names.has(e) || e.k === "const" || e.k === "var") continue;
      const shared = (uses.get(e) ?? 0) > 1 || e.k === "load";
      if (!shared || (e.k === "op" && e.op.startsWith("idx_") && (uses.get(e) ?? 0) < 3)) continue;
      const name = `t${this.n++}`;
      this.lines.push(`let ${name} = ${this.expr(e)};`);
      this.names.set(e, name);
    }
  }

  expr(e: Expr): string {
    const named = this.names.get(e);
    if (named) return named;
    switch (e.k) {
      case "const":
        if (e.type === "f32" && !Number.isFinite(e.value)) this.used.add(Number.isNaN(e.value) ? "f_nan" : "f_inf");
        return literal(e.value, e.type);
      case "var": {
        const b = this.bound.get(e);
        if (b === undefined) throw new CompilerBug(`unbound kernel variable ${e.name}`);
        return b;
      }
      case "load":
        return loadText(e.region, this.expr(e.index));
      case "op": {
        const args = e.args.map((a) => this.expr(a));
        const r = scalarOps[e.op];
        if (r) return r(args, e);
        if (!helpers[e.op]) throw new CompilerBug(`no WGSL rendering for scalar op ${e.op}`);
        this.used.add(e.op);
        return `${e.op}(${args.join(", ")})`;
      }
    }
  }
}

function kids(e: Expr): readonly Expr[] {
  return e.k === "op" ? e.args : e.k === "load" ? [e.index] : [];
}

function indexText(offset: number, index: string): string {
  if (offset === 0) return index;
  return index === "0i" ? `${offset}i` : `${offset}i + ${index}`;
}

function loadText(r: Region, index: string): string {
  if (r.space === "uniform") return r.dtype === "bool" ? `(u.s${r.offset} != 0i)` : `u.s${r.offset}`;
  const v = `${wgslName(arenaOf(r))}[${indexText(r.offset, index)}]`;
  return r.dtype === "bool" ? `(${v} != 0i)` : v;
}

function storeText(r: Region, index: string, value: string): string {
  const v = r.dtype === "bool" ? `select(0i, 1i, ${value})` : value;
  return `${wgslName(arenaOf(r))}[${indexText(r.offset, index)}] = ${v}; // ${r.name}`;
}

const wgslType = (t: ScalarType) => t;

// ---------------------------------------------------------------- stage functions

interface FnSpec {
  readonly name: string;
  readonly params: readonly VarExpr[];
  readonly returns?: Expr;
  readonly stores?: readonly StageOutput[];
  readonly storeIndex?: Expr;
}

function renderFn(spec: FnSpec, used: Set<string>): string {
  const bound = new Map<VarExpr, string>(spec.params.map((p) => [p, p.name]));
  const w = new BodyWriter(used, bound);
  const roots = [...(spec.returns ? [spec.returns] : []), ...(spec.stores ?? []).map((s) => s.expr), ...(spec.storeIndex ? [spec.storeIndex] : [])];
  w.prepare(roots);
  const body = [...w.lines];
  if (spec.stores) {
    const at = w.expr(spec.storeIndex!);
    for (const s of spec.stores) body.push(storeText(s.region, at, w.expr(s.expr)));
  }
  if (spec.returns) body.push(`return ${w.expr(spec.returns)};`);
  const params = spec.params.map((p) => `${p.name}: ${wgslType(p.type)}`).join(", ");
  const ret = spec.returns ? ` -> ${wgslType(spec.returns.type)}` : "";
  return `fn ${spec.name}(${params})${ret} {\n${body.map((l) => `  ${l}`).join("\n")}\n}`;
}

/** The functions of stage `s` (prefix p): see the file header. */
function stageFunctions(s: Stage, p: string, used: Set<string>): string[] {
  switch (s.kind) {
    case "map":
      return [renderFn({ name: `${p}_map`, params: [s.i], stores: s.outputs, storeIndex: s.i }, used)];
    case "reduce":
      return [renderFn({ name: `${p}_body`, params: [s.o, s.r], returns: s.body }, used), renderFn({ name: `${p}_out`, params: [s.o, s.acc], stores: s.outputs, storeIndex: s.o }, used)];
    case "matmul": {
      return [
        renderFn({ name: `${p}_a`, params: [s.vb, s.vi, s.vp], returns: s.a }, used),
        renderFn({ name: `${p}_b`, params: [s.vb, s.vp, s.vj], returns: s.b }, used),
        renderFn({ name: `${p}_out`, params: [s.vb, s.vi, s.vj, s.acc], stores: s.outputs, storeIndex: s.flat }, used),
      ];
    }
  }
}

// ---------------------------------------------------------------- reductions

function reduceInit(s: ReduceStage | MatmulStage, used: Set<string>): string {
  const t = s.kind === "matmul" ? s.type : s.body.type;
  const op = s.kind === "matmul" ? "sum" : s.op;
  if (op === "sum") return literal(0, t === "bool" ? "i32" : t);
  if (op === "prod") return literal(1, t);
  if (t === "bool") return op === "max" ? "false" : "true";
  if (t === "i32") return literal(op === "max" ? -2147483648 : 2147483647, "i32");
  used.add("f_inf");
  return op === "max" ? "(-f_inf())" : "f_inf()";
}

function combine(op: string, t: ScalarType, acc: string, v: string, used: Set<string>): string {
  switch (op) {
    case "sum":
      return `${acc} + ${v}`;
    case "prod":
      return `${acc} * ${v}`;
    case "max":
    case "min":
      if (t === "bool") return op === "max" ? `${acc} || ${v}` : `${acc} && ${v}`;
      if (t === "f32") {
        used.add(`f_${op}`);
        return `f_${op}(${acc}, ${v})`;
      }
      return `${op}(${acc}, ${v})`;
  }
  throw new CompilerBug(`no combine for ${op}`);
}

/** Is value v (at index iv) better than the best so far (at index ib) for argmax/argmin? */
function argBetter(op: "argmax" | "argmin", t: ScalarType, v: string, best: string, used: Set<string>, tie?: [string, string]): string {
  const cmp = op === "argmax" ? ">" : "<";
  const strict = `${v} ${cmp} ${best}`;
  const tieText = tie ? ` || (${v} == ${best} && ${tie[0]} < ${tie[1]})` : "";
  if (t !== "f32") return `(${strict}${tieText})`;
  used.add("is_nan");
  // the first NaN wins and stays
  const nanTie = tie ? ` || (is_nan(${v}) && ${tie[0]} < ${tie[1]})` : "";
  return `(!is_nan(${best}) && (is_nan(${v}) || ${strict}${tieText}))${nanTie}`;
}

/** Statements reducing `count` indices r = from, from + step, ... for output `o` into acc (and at). */
function serialLoop(s: ReduceStage | MatmulStage, p: string, o: string, from: string, step: string, used: Set<string>, fold = true): string[] {
  if (s.exact) {
    // acc + acc_lo holds the sum exactly but for the rounding of acc_lo: two_sum's error of each
    // addition and, for a matmul, two_prod's exact error of each product go to acc_lo
    used.add("two_sum");
    if (s.kind === "matmul") used.add("two_prod");
    const term = s.kind === "matmul" ? [`  let tp = two_prod(${p}_a(${o}_b, ${o}_i, r), ${p}_b(${o}_b, r, ${o}_j));`, `  let ts = two_sum(acc, tp.x);`, `  acc_lo = acc_lo + ts.y + tp.y;`] : [`  let ts = two_sum(acc, ${p}_body(${o}, r));`, `  acc_lo = acc_lo + ts.y;`];
    const n = s.kind === "matmul" ? s.k : s.rsize;
    return [`var acc = 0.0f;`, `var acc_lo = 0.0f;`, `for (var r = ${from}; r < ${n}i; r += ${step}) {`, ...term, `  acc = ts.x;`, `}`, ...(fold ? [`acc = acc + acc_lo;`] : [])];
  }
  if (s.kind === "matmul") {
    return [`var acc = ${reduceInit(s, used)};`, `for (var r = ${from}; r < ${s.k}i; r += ${step}) {`, `  acc = acc + ${p}_a(${o}_b, ${o}_i, r) * ${p}_b(${o}_b, r, ${o}_j);`, `}`];
  }
  const t = s.body.type;
  if (s.op === "argmax" || s.op === "argmin") {
    return [
      `var best = ${p}_body(${o}, ${from});`,
      `var at = ${from};`,
      `for (var r = ${from} + ${step}; r < ${s.rsize}i; r += ${step}) {`,
      `  let v = ${p}_body(${o}, r);`,
      `  if ${argBetter(s.op, t, "v", "best", used)} { best = v; at = r; }`,
      `}`,
    ];
  }
  const init = reduceInit(s, used);
  const bodyT = t === "bool" && s.op === "sum" ? "i32" : t;
  return [`var acc: ${bodyT} = ${init};`, `for (var r = ${from}; r < ${s.rsize}i; r += ${step}) {`, `  acc = ${combine(s.op, t, "acc", `${p}_body(${o}, r)`, used)};`, `}`];
}

/** A workgroup tree reduction of each invocation's partial result (acc, and at for arg ops). */
function treeCombine(s: ReduceStage, p: string, o: string, used: Set<string>): string[] {
  const arg = s.op === "argmax" || s.op === "argmin";
  const t = s.body.type;
  const lines = arg ? [`wg_v${p}[li] = best;`, `wg_i${p}[li] = at;`, `workgroupBarrier();`] : s.exact ? [`wg_v${p}[li] = acc;`, `wg_lo${p}[li] = acc_lo;`, `workgroupBarrier();`] : [`wg_v${p}[li] = acc;`, `workgroupBarrier();`];
  lines.push(`for (var w = ${WORKGROUP / 2}u; w > 0u; w = w >> 1u) {`, `  if (li < w) {`);
  if (arg) {
    lines.push(
      `    let v = wg_v${p}[li + w];`,
      `    let vi = wg_i${p}[li + w];`,
      `    if (vi >= 0i && (wg_i${p}[li] < 0i || ${argBetter(s.op as "argmax", t, "v", `wg_v${p}[li]`, used, ["vi", `wg_i${p}[li]`])})) { wg_v${p}[li] = v; wg_i${p}[li] = vi; }`,
    );
  } else if (s.exact) {
    lines.push(`    let ts = two_sum(wg_v${p}[li], wg_v${p}[li + w]);`, `    wg_lo${p}[li] = wg_lo${p}[li] + wg_lo${p}[li + w] + ts.y;`, `    wg_v${p}[li] = ts.x;`);
  } else lines.push(`    wg_v${p}[li] = ${combine(s.op, t, `wg_v${p}[li]`, `wg_v${p}[li + w]`, used)};`);
  const result = arg ? `wg_i${p}[0]` : s.exact ? `wg_v${p}[0] + wg_lo${p}[0]` : `wg_v${p}[0]`;
  lines.push(`  }`, `  workgroupBarrier();`, `}`, `if (li == 0u) { ${p}_out(${o}, ${result}); }`, `workgroupBarrier();`);
  return lines;
}

function treeDecls(s: ReduceStage, p: string): string[] {
  const t = s.body.type === "bool" ? (s.op === "sum" ? "i32" : "bool") : s.body.type;
  const out = [`var<workgroup> wg_v${p}: array<${t}, ${WORKGROUP}>;`];
  if (s.op === "argmax" || s.op === "argmin") out.push(`var<workgroup> wg_i${p}: array<i32, ${WORKGROUP}>;`);
  if (s.exact) out.push(`var<workgroup> wg_lo${p}: array<f32, ${WORKGROUP}>;`);
  return out;
}

/** Partial result of invocation li over r = li, li + 256, ... (arg ops: -1 when it saw none). */
function treePartial(s: ReduceStage, p: string, o: string, used: Set<string>): string[] {
  if (s.op === "argmax" || s.op === "argmin") {
    return [
      `var best = ${p}_body(${o}, min(i32(li), ${s.rsize - 1}i));`,
      `var at = select(-1i, i32(li), i32(li) < ${s.rsize}i);`,
      `for (var r = i32(li) + ${WORKGROUP}i; r < ${s.rsize}i; r += ${WORKGROUP}i) {`,
      `  let v = ${p}_body(${o}, r);`,
      `  if ${argBetter(s.op, s.body.type, "v", "best", used)} { best = v; at = r; }`,
      `}`,
    ];
  }
  return serialLoop(s, p, o, "i32(li)", `${WORKGROUP}i`, used, false);
}

// ---------------------------------------------------------------- kernels

function header(k: Kernel): string {
  const what = k.mode === "coop" ? `${k.stages.length} stages in one workgroup` : k.mode === "rows" ? `${k.stages.length} stages, one row of ${k.rows} per invocation` : k.stages[0]!.kind;
  return `// ${k.name}: ${what}; ops: ${k.ops.join(" ")}`;
}

function bindingsOf(k: Kernel, uniformFields: readonly Region[]): { bindings: ArenaBinding[]; decls: string[] } {
  const access = new Map<string, "read" | "read_write" | "uniform">();
  for (const s of k.stages) {
    for (const e of exprOrder(rootsOf(s))) if (e.k === "load") access.set(arenaOf(e.region), e.region.space === "uniform" ? "uniform" : access.get(arenaOf(e.region)) ?? "read");
    for (const o of s.outputs) access.set(arenaOf(o.region), "read_write");
  }
  const names = [...access.keys()].sort();
  const bindings = names.map((arena, binding) => ({ binding, arena, access: access.get(arena)! }));
  const decls: string[] = [];
  for (const b of bindings) {
    if (b.access === "uniform") {
      const fields = uniformFields.map((r) => `  s${r.offset}: ${storageType(r.dtype)}, // ${r.name}`);
      decls.unshift(`struct Uniforms {\n${fields.join("\n")}\n}`);
      decls.push(`@group(0) @binding(${b.binding}) var<uniform> u: Uniforms;`);
    } else {
      const t = b.arena.split(".")[1]!;
      decls.push(`@group(0) @binding(${b.binding}) var<storage, ${b.access}> ${wgslName(b.arena)}: array<${t}>;`);
    }
  }
  return { bindings, decls };
}

function rootsOf(s: Stage): Expr[] {
  const outs = s.outputs.map((o) => o.expr);
  if (s.kind === "map") return outs;
  if (s.kind === "reduce") return [s.body, ...outs];
  return [s.a, s.b, ...outs, s.flat];
}

/** 1-D grids of more than 65535 workgroups fold into 2-D. */
export function grid(groups: number): [number, number, number] {
  if (groups <= 65535) return [Math.max(1, groups), 1, 1];
  return [65535, Math.ceil(groups / 65535), 1];
}

const flatId = (g: readonly number[]) => (g[1]! > 1 ? `(wg.y * ${g[0]}u + wg.x)` : "wg.x");

/** Renders one kernel; `uniformFields` are the program's scalar inputs (a shared struct). */
export function renderKernel(k: Kernel, uniformFields: readonly Region[]): RenderedKernel {
  const used = new Set<string>();
  const fns: string[] = [];
  const wgDecls: string[] = [];
  k.stages.forEach((s, i) => fns.push(...stageFunctions(s, `s${i}`, used)));
  const { bindings, decls } = bindingsOf(k, uniformFields);
  const entry = `@compute @workgroup_size(${WORKGROUP})\nfn main(@builtin(workgroup_id) wg: vec3<u32>, @builtin(local_invocation_index) li: u32) {`;
  let main: string[];
  let workgroups: [number, number, number] = [1, 1, 1];
  let strategy: string;
  let workgroupSize = WORKGROUP;

  if (k.mode === "single") {
    const s = k.stages[0]!;
    if (s.kind === "matmul" && tiledMatmulFits(s)) {
      // an operand stored as is, in an arena this kernel only reads, is also bound as vec4s
      const views: { a?: string; b?: string } = {};
      for (const which of ["a", "b"] as const) {
        const r = which === "a" ? s.aDirect : s.bDirect;
        if (!r || !vectorizable(s, which)) continue;
        const arena = arenaOf(r);
        const b = bindings.find((x) => x.arena === arena);
        if (!b || b.access !== "read") continue;
        const name = `${wgslName(arena)}_v4`;
        if (!bindings.some((x) => x.view === "vec4" && x.arena === arena)) {
          if (bindings.filter((x) => x.access !== "uniform").length >= MAX_STORAGE_BINDINGS) continue;
          bindings.push({ binding: bindings.length, arena, access: "read", view: "vec4" });
          decls.push(`@group(0) @binding(${bindings.length - 1}) var<storage, read> ${name}: array<vec4<f32>>;`);
        }
        views[which] = name;
      }
      if (s.exact) used.add("two_sum4");
      const t = renderTiledMatmul(s, "s0", views);
      const how = views.a || views.b ? `tiled matmul, vec4 loads of ${[views.a ? "A" : "", views.b ? "B" : ""].filter((x) => x).join(" and ")}` : "tiled matmul";
      return finish(k, used, decls, [...fns, t.code], bindings, t.workgroups, t.workgroupSize, how);
    }
    if (s.kind === "reduce" && s.size <= TREE_MAX_OUTPUTS && s.rsize >= TREE_MIN_LENGTH) {
      strategy = "workgroup tree per output";
      workgroups = grid(s.size);
      wgDecls.push(...treeDecls(s, "s0"));
      main = [`let o = i32(${flatId(workgroups)});`, ...treePartial(s, "s0", "o", used), ...treeCombine(s, "s0", "o", used)];
    } else {
      const size = s.kind === "matmul" ? s.batch * s.m * s.n : s.size;
      workgroups = grid(Math.ceil(size / WORKGROUP));
      const id = `let e = i32(${flatId(workgroups)} * ${WORKGROUP}u + li);`;
      strategy = s.kind === "map" ? "one element per invocation" : "one output per invocation";
      main = [id, `if (e >= ${size}i) { return; }`, ...elementBody(s, "s0", "e", used)];
    }
  } else if (k.mode === "rows") {
    const R = k.rows!;
    strategy = "one row per invocation";
    workgroups = grid(Math.ceil(R / WORKGROUP));
    main = [`let row = i32(${flatId(workgroups)} * ${WORKGROUP}u + li);`, `if (row >= ${R}i) { return; }`];
    k.stages.forEach((s, i) => {
      const p = `s${i}`;
      const size = s.kind === "matmul" ? s.batch * s.m * s.n : s.size;
      const c = size / R;
      if (c === 1) main.push(`{`, ...elementBody(s, p, "row", used).map((l) => `  ${l}`), `}`);
      else main.push(`for (var j = 0i; j < ${c}i; j++) {`, `  let e = row * ${c}i + j;`, ...elementBody(s, p, "e", used).map((l) => `  ${l}`), `}`);
    });
  } else {
    strategy = "cooperative";
    main = [];
    k.stages.forEach((s, i) => {
      const p = `s${i}`;
      if (i > 0) main.push(`storageBarrier();`);
      if (s.kind === "reduce" && s.size * 16 <= WORKGROUP && s.rsize >= 512) {
        // few outputs, long rows: the whole workgroup on each output in turn (a barrier per
        // tree level and output: not worth it for shorter rows)
        wgDecls.push(...treeDecls(s, p));
        main.push(`for (var o = 0i; o < ${s.size}i; o++) {`, ...[...treePartial(s, p, "o", used), ...treeCombine(s, p, "o", used)].map((l) => `  ${l}`), `}`);
      } else {
        const size = s.kind === "matmul" ? s.batch * s.m * s.n : s.size;
        main.push(`for (var e = i32(li); e < ${size}i; e += ${WORKGROUP}i) {`, ...elementBody(s, p, "e", used).map((l) => `  ${l}`), `}`);
      }
    });
  }
  const code = [...fns, `${entry}\n${main.map((l) => `  ${l}`).join("\n")}\n}`];
  return finish(k, used, [...decls, ...wgDecls], code, bindings, workgroups, workgroupSize, strategy);
}

/** One element of a stage at flat index `e` (map element, reduce output, matmul output). */
function elementBody(s: Stage, p: string, e: string, used: Set<string>): string[] {
  if (s.kind === "map") return [`${p}_map(${e});`];
  if (s.kind === "reduce") {
    const arg = s.op === "argmax" || s.op === "argmin";
    return [...serialLoop(s, p, e, "0i", "1i", used), `${p}_out(${e}, ${arg ? "at" : "acc"});`];
  }
  const mn = s.m * s.n;
  return [`let ${e}_b = ${e} / ${mn}i;`, `let ${e}_i = (${e} / ${s.n}i) % ${s.m}i;`, `let ${e}_j = ${e} % ${s.n}i;`, ...serialLoop(s, p, e, "0i", "1i", used), `${p}_out(${e}_b, ${e}_i, ${e}_j, acc);`];
}

function finish(k: Kernel, used: Set<string>, decls: string[], code: string[], bindings: ArenaBinding[], workgroups: [number, number, number], workgroupSize: number, strategy: string): RenderedKernel {
  const pre = helperCode(used);
  const wgsl = [header(k), decls.join("\n"), ...(pre ? [pre] : []), ...code].join("\n\n") + "\n";
  return { wgsl, bindings, workgroups, workgroupSize, strategy };
}
