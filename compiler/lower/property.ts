// A `property` as an IR function of its generated values, for `lip test`: each `forall`
// variable is an input (with the sizes drawn for this case), each `where` and each `assert`
// an output that is true when the case satisfies it. `update(opt, p, g)` applies one optimizer
// step from fresh state, `updates(opt, p, gs)` one step per leading slice of `gs` (state carried
// along); for a constraint, `update(c, w)` projects once and `updates(c, w, k)` k times.

import type * as A from "../ast/nodes.js";
import { CompilerBug } from "../diag/diagnostic.js";
import type { Span } from "../diag/span.js";
import type { CheckResult } from "../driver.js";
import type { Module } from "../check/module.js";
import type { DType } from "../ir/dtype.js";
import { IrBuilder } from "../ir/builder.js";
import type { IrFunction } from "../ir/function.js";
import { IrContext, type Node } from "../ir/node.js";
import { applyRule, ruleValue, type StateThreading } from "./experiment.js";
import { Lowerer, type LowerCtx, type Slot } from "./lowerer.js";
import { ParamCollector } from "../check/names.js";
import { numV, tensorV, type LVal } from "./values.js";
import { printExpr } from "../ast/print.js";

/** One generated variable: dtype, dims (numbers or size-variable names) and an optional range. */
export interface GeneratorSpec {
  readonly name: string;
  readonly dtype: DType;
  readonly dims: readonly (number | string)[];
  readonly range: readonly [number, number] | null;
  readonly span: Span;
}

export interface PropertyInfo {
  readonly title: string;
  readonly property: A.Property;
  readonly module: Module;
  readonly generators: readonly GeneratorSpec[];
  readonly sizeVars: readonly string[];
}

export interface LoweredProperty {
  readonly fn: IrFunction; // inputs: the generators; outputs: `where_<i>` and `assert_<i>` (bool scalars)
  /** Each assert's output, its text, and the tolerances its `rtol:`/`atol:` options set. */
  readonly asserts: readonly { readonly output: string; readonly text: string; readonly span: Span; readonly tolerance: { readonly rtol?: number; readonly atol?: number } }[];
  readonly wheres: readonly string[];
}

/** The properties of the files a check was asked about, with their generators. */
export function propertiesOf(r: CheckResult): PropertyInfo[] {
  const out: PropertyInfo[] = [];
  for (const m of r.loader?.reported ?? []) {
    for (const d of m.program.decls) {
      if (d.kind !== "Property") continue;
      const generators: GeneratorSpec[] = [];
      const sizeVars: string[] = [];
      for (const s of d.body) {
        if (s.kind !== "ForAll") continue;
        for (const g of s.generators) {
          const spec = generatorSpec(g);
          for (const dim of spec.dims) if (typeof dim === "string" && !sizeVars.includes(dim)) sizeVars.push(dim);
          generators.push(spec);
        }
      }
      out.push({ title: d.title.value, property: d, module: m, generators, sizeVars });
    }
  }
  return out;
}

function generatorSpec(g: A.Generator): GeneratorSpec {
  const t = g.type;
  let dtype: DType = "f32";
  let dims: (number | string)[] = [];
  if (t.kind === "TensorType") {
    dtype = t.dtype === "i64" ? "i32" : t.dtype === "f16" ? "f32" : (t.dtype as DType);
    dims = (t.dims ?? []).map((d) => (d.kind === "DimNum" ? d.value : d.kind === "DimVar" ? d.name : "..."));
  } else if (t.kind === "NamedType") dtype = t.name === "int" ? "i32" : "f32";
  let range: [number, number] | null = null;
  if (g.range && g.range.kind === "List" && g.range.items.length === 2) {
    const v = g.range.items.map((i) => constNumber(i));
    if (v[0] !== undefined && v[1] !== undefined) range = [v[0], v[1]];
  }
  return { name: g.name.name, dtype, dims, range, span: g.span };
}

function constNumber(e: A.Expr): number | undefined {
  if (e.kind === "Number") return e.value;
  if (e.kind === "Unary" && e.op === "-") {
    const v = constNumber(e.operand);
    return v === undefined ? undefined : -v;
  }
  return undefined;
}

/** Lowers a property for one choice of sizes (`{ N: 5 }`). */
export function lowerProperty(r: CheckResult, info: PropertyInfo, sizes: Readonly<Record<string, number>>): LoweredProperty {
  if (!r.checker) throw new CompilerBug("lowering a property of a program that did not check");
  const b = new IrBuilder(new IrContext());
  const lw = new Lowerer(b, r.checker, 0);
  const env = lw.moduleEnv(info.module).child();
  for (const [k, v] of Object.entries(sizes)) env.define(k, numV(v, "int"));
  const inputs: { name: string; node: Node }[] = [];
  const outputs: { name: string; node: Node }[] = [];
  const asserts: { output: string; text: string; span: Span; tolerance: { rtol?: number; atol?: number } }[] = [];
  const wheres: string[] = [];
  const all = (v: LVal): Node => {
    const n = lw.node(v, "bool");
    return n.shape.length === 0 ? n : b.reduce("min", n, "all", false);
  };
  lw.special = (name, e, callEnv, callCtx) => (name === "update" || name === "updates" ? lowerUpdateCall(lw, name, e, callEnv, callCtx) : undefined);
  const gens = new Map(info.generators.map((g) => [g.name, g]));
  // layers called in a property get their parameters' and states' first values
  const ctx: LowerCtx = { naming: new ParamCollector(), initEnv: null, firstValues: true };
  for (const s of info.property.body) {
    switch (s.kind) {
      case "ForAll":
        for (const g of s.generators) {
          const spec = gens.get(g.name.name)!;
          const shape = spec.dims.map((d) => (typeof d === "number" ? d : sizes[d] ?? missingSize(d)));
          const node = b.input(g.name.name, "batch", spec.dtype, shape);
          inputs.push({ name: g.name.name, node });
          env.define(g.name.name, tensorV(node));
        }
        if (s.where) {
          const name = `where_${wheres.length}`;
          outputs.push({ name, node: all(lw.expr(s.where, env, ctx)) });
          wheres.push(name);
        }
        break;
      case "Let":
        env.define(s.name.name, lw.expr(s.value, env, ctx));
        break;
      case "Assert": {
        const tol: { rtol?: number; atol?: number } = {};
        for (const o of s.options) if (o.name) tol[o.name.name as "rtol" | "atol"] = lw.num(lw.expr(o.value, env, ctx));
        lw.tolerance = tol;
        const name = `assert_${asserts.length}`;
        outputs.push({ name, node: all(lw.expr(s.expr, env, ctx)) });
        lw.tolerance = {};
        asserts.push({ output: name, text: printExpr(s.expr), span: s.span, tolerance: tol });
        break;
      }
      default:
        break;
    }
  }
  return { fn: { name: info.title, inputs, outputs }, asserts, wheres };
}

function missingSize(d: string): number {
  throw new CompilerBug(`no size drawn for \`${d}\``);
}

/** `update(opt, p, g)`, `updates(opt, p, gs)`, `update(c, w)`, `updates(c, w, k)`. */
function lowerUpdateCall(lw: Lowerer, name: string, e: A.Call, env: Parameters<Lowerer["expr"]>[1], ctx: Parameters<Lowerer["expr"]>[2]): LVal {
  const b = lw.b;
  const args = e.args.map((a) => a.value);
  const rule = ruleValue(lw, args[0]!, env);
  const p = lw.node(lw.expr(args[1]!, env, ctx));
  const slot: Slot = { name: "p", kind: "param", input: p, init: p, origin: e.span };
  const isOpt = rule.decl.kind === "Optimizer";
  if (name === "update") {
    const threading: StateThreading = { current: "fresh", next: new Map() };
    const g = isOpt ? lw.node(lw.expr(args[2]!, env, ctx), p.dtype) : undefined;
    const step = b.constant(0, "i32");
    return tensorV(applyRule(lw, rule, { ...slot, next: p }, g ? { grad: g, step } : { step }, threading));
  }
  // several steps, the state carried from one to the next
  let count: number;
  let gs: Node | undefined;
  if (isOpt) {
    gs = lw.node(lw.expr(args[2]!, env, ctx), p.dtype);
    count = gs.shape[0]!;
  } else count = lw.num(lw.expr(args[2]!, env, ctx));
  let current: Node = p;
  let states: ReadonlyMap<string, Node> | "fresh" = "fresh";
  for (let k = 0; k < count; k++) {
    const threading: StateThreading = { current: states, next: new Map() };
    const step = b.constant(k, "i32");
    let g: Node | undefined;
    if (gs) {
      const starts = gs.shape.map((_, i) => (i === 0 ? k : 0));
      const stops = gs.shape.map((d, i) => (i === 0 ? k + 1 : d));
      g = b.reshape(b.slice(gs, starts, stops, gs.shape.map(() => 1)), [...p.shape]);
    }
    current = applyRule(lw, rule, { ...slot, input: isOpt ? current : p, next: current, init: p }, g ? { grad: g, step } : { step }, threading);
    states = threading.next;
  }
  return tensorV(current);
}
