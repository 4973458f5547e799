// AST -> IR. The lowering is a partial evaluator over the checked AST: compile-time values
// (sizes, axes, literals, hyperparameters) are computed in JavaScript, and everything else
// becomes nodes built with the IrBuilder. `fn`, `layer` and `model` calls are inlined; each
// `param` of a layer becomes a named input of the step function (named by the same rule as the
// checker's ParamCollector), and its initialiser is lowered into the init function, which
// shares the IR context (so the init graph is built alongside the step graph).
//
// The checker has accepted the program, so a violated expectation here is a CompilerBug.

import type * as A from "../ast/nodes.js";
import { CompilerBug, diagnostic } from "../diag/diagnostic.js";
import { LoweringError } from "./errors.js";
import type { Span } from "../diag/span.js";
import { builtins } from "../check/builtins.js";
import type { Checker } from "../check/checker.js";
import { declName, type Module } from "../check/module.js";
import { ParamCollector, pathMatches } from "../check/names.js";
import type { IrBuilder } from "../ir/builder.js";
import type { DType } from "../ir/dtype.js";
import type { Node } from "../ir/node.js";
import { Env } from "./env.js";
import { lowerBuiltin, bindByParams } from "./builtins.js";
import { lowerIndex } from "./index-expr.js";
import { numV, tensorV, type LVal, type NumKind } from "./values.js";

/** A named tensor the step function reads and updates: a parameter or a state. */
export interface Slot {
  readonly name: string;
  readonly kind: "param" | "state";
  readonly input: Node; // the value at this step (an input of the step function)
  readonly init: Node; // its first value (an output of the init function)
  next?: Node; // its value at the next step (an output of the step function)
  readonly origin: Span;
}

/** What the body being lowered provides (names for parameters, where slots go). */
export interface LowerCtx {
  readonly naming: ParamCollector | null; // null: parameters are not allowed here
  /** The environment the parameter initialisers see (init-time values of update targets). */
  readonly initEnv: Env | null;
  /** In a property: a layer's parameters and states are their first values, not inputs. */
  readonly firstValues?: boolean;
}

export class Lowerer {
  readonly slots: Slot[] = [];
  /** The tolerances of `~=` (an `assert`'s `rtol:`/`atol:` set them while it is lowered). */
  tolerance: { rtol?: number; atol?: number } = {};
  /** Lowers Lip-level calls the prelude does not know (a property's `update`), or undefined. */
  special: ((name: string, e: A.Call, env: Env, ctx: LowerCtx) => LVal | undefined) | null = null;
  private readonly moduleEnvs = new Map<Module, Env>();

  constructor(
    readonly b: IrBuilder,
    readonly checker: Checker,
    readonly seed: number,
    /** The value of the prelude's `training`: true in the training step, false for evaluation. */
    readonly training = true,
  ) {}

  // ------------------------------------------------------------ modules

  moduleEnv(m: Module): Env {
    let env = this.moduleEnvs.get(m);
    if (env) return env;
    env = new Env(null, (name) => this.topLevel(m, name));
    this.moduleEnvs.set(m, env);
    return env;
  }

  private readonly topMemo = new Map<string, LVal>();

  private topLevel(m: Module, name: string): LVal | undefined {
    const key = `${m.path}\u0000${name}`;
    const memo = this.topMemo.get(key);
    if (memo) return memo;
    let v: LVal | undefined;
    const d = m.decls.get(name);
    if (d) v = this.declValue(m, d);
    else {
      const imp = m.imports.get(name);
      if (imp) v = this.topLevel(imp.from, imp.name);
      else v = name === "training" ? numV(this.training ? 1 : 0, "bool") : preludeValue(name);
    }
    if (v) this.topMemo.set(key, v);
    return v;
  }

  private declValue(m: Module, d: A.Decl): LVal | undefined {
    switch (d.kind) {
      case "Fn":
      case "Layer":
      case "Model":
      case "Optimizer":
      case "Constraint":
        return { k: "decl", decl: d, module: m };
      case "Const":
        return this.expr(d.value, this.moduleEnv(m), noParams);
      case "Data":
        return this.dataValue(d, m);
      default:
        return undefined;
    }
  }

  /** A data set: its record of tensors, with `train`/`test` views when split (see runtime/data). */
  private dataValue(d: A.DataDecl, m: Module): LVal {
    const v = this.expr(d.value, this.moduleEnv(m), noParams);
    if (v.k !== "record") throw new CompilerBug(`data \`${d.name.name}\` did not lower to a record`);
    if (!d.split) return v;
    const fraction = this.num(this.expr(d.split, this.moduleEnv(m), noParams));
    const part = (p: "train" | "test"): LVal => ({ k: "record", fields: v.fields, split: { fraction, part: p } });
    return { ...v, splits: new Map([["train", part("train")], ["test", part("test")]]) };
  }

  // ------------------------------------------------------------ expressions

  expr(e: A.Expr, env: Env, ctx: LowerCtx): LVal {
    switch (e.kind) {
      case "Number":
        return numV(e.value, e.isInt ? "int" : "float");
      case "Bool":
        return numV(e.value ? 1 : 0, "bool");
      case "String":
        return { k: "str", value: e.value };
      case "Name":
        return env.get(e.name);
      case "Unary":
        return this.unary(e, env, ctx);
      case "Binary":
        return this.binary(e.op, this.expr(e.left, env, ctx), this.expr(e.right, env, ctx), e.span);
      case "If":
        return this.ifExpr(e, env, ctx);
      case "Call":
        return this.call(e, env, ctx);
      case "Field":
        return this.field(e, env, ctx);
      case "Index":
        return lowerIndex(this, e, env, ctx);
      case "List":
        return { k: "list", items: e.items.map((i) => this.expr(i, env, ctx)) };
      case "Record":
        return { k: "record", fields: new Map(e.fields.map((f) => [f.name.name, this.expr(f.value, env, ctx)])) };
      case "Missing":
        throw new CompilerBug("lowering a program with syntax errors");
    }
  }

  num(v: LVal): number {
    if (v.k !== "num") throw new CompilerBug(`expected a compile-time number, found ${v.k}`);
    return v.value;
  }

  /** A value as a node; a compile-time number becomes a constant of `dtype` (or its own kind). */
  node(v: LVal, dtype?: DType): Node {
    if (v.k === "tensor") return dtype && v.node.dtype !== dtype ? this.b.cast(v.node, dtype) : v.node;
    if (v.k === "num") return this.b.constant(v.value, dtype ?? dtypeOfKind(v.kind));
    throw new CompilerBug(`expected a tensor, found ${v.k}`);
  }

  private unary(e: A.Unary, env: Env, ctx: LowerCtx): LVal {
    const v = this.expr(e.operand, env, ctx);
    if (v.k === "num") return e.op === "-" ? numV(-v.value, v.kind) : numV(v.value ? 0 : 1, "bool");
    return tensorV(this.b.unary(e.op === "-" ? "neg" : "not", this.node(v)));
  }

  /** Elementwise binary operation with Lip's promotion rules (weak literals, true division). */
  binary(op: A.BinaryOp, l: LVal, r: LVal, span: Span): LVal {
    void span;
    if (l.k === "str" && r.k === "str") return numV(Number((l.value === r.value) === (op === "==")), "bool");
    if (l.k === "num" && r.k === "num") return foldNum(op, l, r);
    if (op === "@") return tensorV(this.b.matmul(this.node(l), this.node(r)));
    if (op === "~=") {
      const f64 = (l.k === "tensor" && l.node.dtype === "f64") || (r.k === "tensor" && r.node.dtype === "f64");
      return tensorV(this.approxEqual(l, r, this.tolerance.rtol ?? (f64 ? 1e-12 : 1e-5), this.tolerance.atol ?? (f64 ? 1e-14 : 1e-6)));
    }
    const dtype = promote(l, r, op);
    const a = this.node(l, dtype);
    const c = this.node(r, dtype);
    switch (op) {
      case "+": return tensorV(this.b.binary("add", a, c));
      case "-": return tensorV(this.b.binary("sub", a, c));
      case "*": return tensorV(this.b.binary("mul", a, c));
      case "/": return tensorV(this.b.binary("div", a, c));
      case "%": return tensorV(this.b.binary("mod", a, c));
      case "^": return tensorV(this.b.binary("pow", a, c));
      case "==": return tensorV(this.b.binary("eq", a, c));
      case "!=": return tensorV(this.b.binary("ne", a, c));
      case "<": return tensorV(this.b.binary("lt", a, c));
      case "<=": return tensorV(this.b.binary("le", a, c));
      case ">": return tensorV(this.b.binary("gt", a, c));
      case ">=": return tensorV(this.b.binary("ge", a, c));
      case "and": return tensorV(this.b.binary("and", a, c));
      case "or": return tensorV(this.b.binary("or", a, c));
    }
  }

  /** |a - b| <= atol + rtol |b|, elementwise (`~=`). */
  approxEqual(l: LVal, r: LVal, rtol: number, atol: number): Node {
    const dtype = promote(l, r, "-");
    const a = this.node(l, dtype === "bool" ? "f32" : dtype);
    const c = this.node(r, a.dtype);
    const diff = this.b.unary("abs", this.b.binary("sub", a, c));
    const tol = this.b.binary("add", this.b.constant(atol, a.dtype), this.b.binary("mul", this.b.constant(rtol, a.dtype), this.b.unary("abs", c)));
    return this.b.binary("le", diff, tol);
  }

  private ifExpr(e: A.If, env: Env, ctx: LowerCtx): LVal {
    const c = this.expr(e.cond, env, ctx);
    // a condition known at compile time lowers only the branch it takes
    if (c.k === "num") return c.value ? this.expr(e.then, env, ctx) : this.expr(e.else, env, ctx);
    const a = this.expr(e.then, env, ctx);
    const b = this.expr(e.else, env, ctx);
    if (a.k !== "tensor" && a.k !== "num") return a;
    const dtype = promote(a, b, "+");
    return tensorV(this.b.where(this.node(c), this.node(a, dtype), this.node(b, dtype)));
  }

  private field(e: A.Field, env: Env, ctx: LowerCtx): LVal {
    const o = this.expr(e.object, env, ctx);
    if (o.k === "record") {
      const s = o.splits?.get(e.field.name);
      if (s) return s;
      const f = o.fields.get(e.field.name);
      if (f) return f;
    }
    if (o.k === "decl" || o.k === "params") return this.paramPath(e, env);
    throw new CompilerBug(`lowering: no field \`${e.field.name}\``);
  }

  /** `classifier.h1.w`, `classifier.*.w`: the model's parameters by path (experiment only). */
  private paramPath(e: A.Field, env: Env): LVal {
    const path: string[] = [];
    let x: A.Expr = e;
    while (x.kind === "Field") {
      path.unshift(x.field.name);
      x = x.object;
    }
    const members = env.lookup("$params");
    if (!members || members.k !== "params") throw new CompilerBug("parameter paths are lowered only in experiments");
    const sel = members.members.filter((m) => pathMatches(path, m.name.split(".")));
    if (!path.includes("*") && sel.length === 1) return tensorV(sel[0]!.node);
    return { k: "params", members: sel };
  }

  // ------------------------------------------------------------ calls

  private call(e: A.Call, env: Env, ctx: LowerCtx): LVal {
    if (this.special && e.callee.kind === "Name") {
      const v = this.special(e.callee.name, e, env, ctx);
      if (v !== undefined) return v;
    }
    const callee = this.expr(e.callee, env, ctx);
    if (callee.k === "builtin") return lowerBuiltin(this, callee.name, e, env, ctx);
    if (callee.k !== "decl") throw new CompilerBug(`lowering: calling a ${callee.k}`);
    const decl = callee.decl;
    if (decl.kind === "Optimizer" || decl.kind === "Constraint") {
      const params = decl.params.map((p) => p.name.name);
      const args = new Map<string, LVal>();
      for (const [k, a] of bindByParams(params, e.args)) args.set(k, this.expr(a.value, env, ctx));
      return { k: "rule", decl: decl as A.UpdateRule, module: callee.module, args };
    }
    const args = new Map<string, LVal>();
    for (const [k, a] of bindByParams(decl.params.map((p) => p.name.name), e.args)) args.set(k, this.expr(a.value, env, ctx));
    return this.inline(decl as A.Callable, callee.module, args, ctx);
  }

  /** Inlines a fn/layer/model call: binds parameters and size variables, lowers the body. */
  inline(decl: A.Callable, module: Module, args: Map<string, LVal>, ctx: LowerCtx, root = false): LVal {
    const env = this.moduleEnv(module).child();
    const sizes = new Map<string, number>();
    for (const p of decl.params) {
      const v = args.get(p.name.name) ?? (p.default ? this.expr(p.default, this.moduleEnv(module), noParams) : undefined);
      if (v === undefined) throw new CompilerBug(`missing argument \`${p.name.name}\``);
      env.define(p.name.name, v);
      if (p.type) {
        const problem = mismatch(p.type, v, sizes);
        if (problem) {
          throw new LoweringError(diagnostic({
            code: "LIP3007",
            message: `\`${p.name.name}\` of ${decl.kind === "Fn" ? "fn" : decl.kind.toLowerCase()} \`${decl.name.name}\` is declared \`${printTypeExpr(p.type)}\`, but the value given is \`${v.k === "tensor" ? `${v.node.dtype}[${v.node.shape.join(", ")}]` : v.k}\``,
            span: p.type.span,
            label: problem,
            notes: decl.kind === "Model" ? ["the model's inputs come from the data set, whose sizes are known only when it is loaded"] : [],
          }));
        }
        bindSizes(p.type, v, sizes);
      }
      if (v.k === "num" && p.type?.kind === "NamedType" && p.type.name === "int") sizes.set(p.name.name, v.value);
    }
    for (const [name, value] of sizes) if (!decl.params.some((p) => p.name.name === name)) env.define(name, numV(value, "int"));
    const layer = decl.kind !== "Fn";
    const naming = ctx.naming;
    if (layer && !naming) throw new CompilerBug(`layer \`${decl.name.name}\` called where parameters cannot be created`);
    if (layer && !root) naming!.enter(naming!.nameForCall(decl.name.name));
    try {
      return this.sequentialBody(decl.body, env, { ...ctx, naming: layer ? naming : ctx.naming }, sizes, decl.name.span);
    } finally {
      if (layer && !root) naming!.leave();
    }
  }

  /** A sequential body: lets in order, params and states created, the last expression returned. */
  sequentialBody(body: readonly A.Stmt[], env: Env, ctx: LowerCtx, sizes: Map<string, number>, origin: Span): LVal {
    let result: LVal | undefined;
    const states = new Map<string, Slot>();
    for (const s of body) {
      switch (s.kind) {
        case "Let":
          ctx.naming?.setLet(s.name.name);
          env.define(s.name.name, this.expr(s.value, env, ctx));
          ctx.naming?.setLet(null);
          break;
        case "ParamDecl":
          env.define(s.name.name, tensorV(this.paramSlot(s, env, ctx, sizes).input));
          break;
        case "StateDecl": {
          const slot = this.layerState(s, env, ctx);
          states.set(s.name.name, slot);
          env.define(s.name.name, tensorV(slot.input));
          break;
        }
        case "Assign": {
          const slot = states.get(s.target.name);
          if (!slot) throw new CompilerBug(`assignment to \`${s.target.name}\`, not a state of this body`);
          slot.next = this.node(this.expr(s.value, env, ctx), slot.input.dtype);
          break;
        }
        case "ExprStmt":
          result = this.expr(s.expr, env, ctx);
          break;
        default:
          break;
      }
    }
    if (!result) throw new CompilerBug(`a body without a result (at ${origin.file}:${origin.start})`);
    return result;
  }

  private paramSlot(s: A.ParamDecl, env: Env, ctx: LowerCtx, sizes: Map<string, number>): Slot {
    if (!ctx.naming) throw new CompilerBug("`param` outside a layer");
    const { dtype, shape } = concreteType(s.type, sizes);
    const name = ctx.naming.fullName(s.name.name);
    ctx.naming.add(s.name.name, { k: "tensor", dtype, shape: { rest: null, dims: shape }, weak: false });
    const init = this.node(this.initialiser(s.init, env, name, dtype, shape), dtype);
    if (ctx.firstValues) return { name, kind: "param", input: init, init, origin: s.span };
    const input = this.b.input(name, "param", dtype, shape);
    const slot: Slot = { name, kind: "param", input, init, origin: s.span };
    this.slots.push(slot);
    return slot;
  }

  private layerState(s: A.StateDecl, env: Env, ctx: LowerCtx): Slot {
    if (!ctx.naming) throw new CompilerBug("`state` outside a layer");
    const name = ctx.naming.fullName(s.name.name);
    const init = this.node(this.expr(s.init, env, { ...ctx, naming: null }));
    if (ctx.firstValues) return { name, kind: "state", input: init, init, origin: s.span };
    const input = this.b.input(name, "state", init.dtype, [...init.shape]);
    const slot: Slot = { name, kind: "state", input, init, origin: s.span };
    this.slots.push(slot);
    return slot;
  }

  /** Lowers a `param` initialiser; initialiser builtins take the declared shape and a seed. */
  private initialiser(e: A.Expr, env: Env, name: string, dtype: DType, shape: number[]): LVal {
    if (e.kind === "Call" && e.callee.kind === "Name") {
      const callee = env.lookup(e.callee.name);
      if (callee?.k === "builtin" && builtins[callee.name]?.initialiser) {
        return lowerBuiltin(this, callee.name, e, env, noParams, { dtype, shape, seed: paramSeed(this.seed, name) });
      }
    }
    return this.expr(e, env, noParams);
  }
}

export const noParams: LowerCtx = { naming: null, initEnv: null };

function preludeValue(name: string): LVal | undefined {
  if (name === "pi") return numV(Math.PI, "float");
  if (name === "inf") return numV(Infinity, "float");
  if (Object.prototype.hasOwnProperty.call(builtins, name) || ["csv", "load", "npy", "text"].includes(name)) return { k: "builtin", name };
  return undefined;
}

export function dtypeOfKind(k: NumKind): DType {
  return k === "int" ? "i32" : k === "bool" ? "bool" : "f32";
}

/** The dtype of an elementwise result: strong dtypes win; a float literal makes an int tensor f32. */
export function promote(l: LVal, r: LVal, op: A.BinaryOp): DType {
  const dt = (v: LVal): DType | null => (v.k === "tensor" ? v.node.dtype : null);
  const kind = (v: LVal): NumKind | null => (v.k === "num" ? v.kind : null);
  const a = dt(l);
  const b = dt(r);
  let d: DType;
  if (a && b) d = a === b ? a : isFloatDType(a) ? a : b;
  else if (a || b) {
    const strong = (a ?? b)!;
    const weak = kind(a ? r : l);
    d = weak === "float" && !isFloatDType(strong) && strong !== "bool" ? "f32" : strong;
  } else d = dtypeOfKind(kind(l) === "float" || kind(r) === "float" ? "float" : kind(l) ?? "int");
  if (op === "/" && d === "i32") d = "f32";
  return d;
}

export function isFloatDType(d: DType): boolean {
  return d === "f32" || d === "f64";
}

function foldNum(op: A.BinaryOp, l: { value: number; kind: NumKind }, r: { value: number; kind: NumKind }): LVal {
  const a = l.value;
  const b = r.value;
  const kind: NumKind = l.kind === "float" || r.kind === "float" ? "float" : l.kind === "bool" && r.kind === "bool" ? "bool" : "int";
  switch (op) {
    case "+": return numV(a + b, kind);
    case "-": return numV(a - b, kind);
    case "*": return numV(a * b, kind);
    case "/": return numV(a / b, "float");
    case "%": return numV(a - b * Math.floor(a / b), kind);
    case "^": return numV(Math.pow(a, b), kind);
    case "==": return numV(Number(a === b), "bool");
    case "!=": return numV(Number(a !== b), "bool");
    case "<": return numV(Number(a < b), "bool");
    case "<=": return numV(Number(a <= b), "bool");
    case ">": return numV(Number(a > b), "bool");
    case ">=": return numV(Number(a >= b), "bool");
    case "and": return numV(Number(Boolean(a) && Boolean(b)), "bool");
    case "or": return numV(Number(Boolean(a) || Boolean(b)), "bool");
    case "~=": return numV(Number(Math.abs(a - b) <= 1e-6 + 1e-5 * Math.abs(b)), "bool");
    case "@": throw new CompilerBug("matmul of scalars");
  }
}

/** Why a concrete value does not fit a declared tensor type (null when it fits). */
function mismatch(t: A.TypeExpr, v: LVal, sizes: Map<string, number>): string | null {
  if (t.kind !== "TensorType" || v.k !== "tensor") return null;
  const n = v.node;
  if (n.dtype !== t.dtype && !(t.dtype === "f32" && n.dtype === "f64")) return `the value is ${n.dtype}`;
  if (t.dims === null) return n.shape.length === 0 ? null : `the value has rank ${n.shape.length}, not a scalar`;
  const hasRest = t.dims.some((d) => d.kind === "DimRest");
  const explicit = t.dims.filter((d) => d.kind !== "DimRest");
  if (hasRest ? n.shape.length < explicit.length : n.shape.length !== explicit.length) return `the value has rank ${n.shape.length}`;
  const off = n.shape.length - explicit.length;
  const seen = new Map(sizes);
  for (let i = 0; i < explicit.length; i++) {
    const d = explicit[i]!;
    const actual = n.shape[off + i]!;
    if (d.kind === "DimNum" && d.value !== actual) return `dimension ${off + i} is ${actual}, not ${d.value}`;
    if (d.kind === "DimVar") {
      const prev = seen.get(d.name);
      if (prev !== undefined && prev !== actual) return `\`${d.name}\` is ${prev} elsewhere but ${actual} here`;
      seen.set(d.name, actual);
    }
  }
  return null;
}

function printTypeExpr(t: A.TypeExpr): string {
  if (t.kind !== "TensorType") return t.kind === "NamedType" ? t.name : "record";
  if (t.dims === null) return t.dtype;
  return `${t.dtype}[${t.dims.map((d) => (d.kind === "DimNum" ? String(d.value) : d.kind === "DimVar" ? d.name : "...")).join(", ")}]`;
}

/** Binds the size variables of a declared type from a concrete value. */
function bindSizes(t: A.TypeExpr, v: LVal, sizes: Map<string, number>): void {
  if (t.kind === "RecordType" && v.k === "record") {
    for (const f of t.fields) {
      const fv = v.fields.get(f.name.name);
      if (fv) bindSizes(f.type, fv, sizes);
    }
    return;
  }
  if (t.kind !== "TensorType" || !t.dims || v.k !== "tensor") return;
  const shape = v.node.shape;
  const dims = t.dims.filter((d) => d.kind !== "DimRest");
  const offset = shape.length - dims.length;
  dims.forEach((d, i) => {
    if (d.kind === "DimVar") sizes.set(d.name, shape[offset + i]!);
  });
}

function concreteType(t: A.TypeExpr, sizes: Map<string, number>): { dtype: DType; shape: number[] } {
  if (t.kind !== "TensorType") throw new CompilerBug("a parameter of a non-tensor type");
  const shape = (t.dims ?? []).map((d) => {
    if (d.kind === "DimNum") return d.value;
    if (d.kind === "DimVar") {
      const s = sizes.get(d.name);
      if (s === undefined) throw new CompilerBug(`unbound size \`${d.name}\``);
      return s;
    }
    throw new CompilerBug("a parameter with a `...` shape");
  });
  return { dtype: t.dtype as DType, shape };
}

/** A per-parameter seed: the run's seed mixed with the parameter's name (FNV-1a), an i32. */
export function paramSeed(seed: number, name: string): number {
  let h = 0x811c9dc5 ^ (seed | 0);
  for (let i = 0; i < name.length; i++) {
    h ^= name.charCodeAt(i);
    h = Math.imul(h, 0x01000193);
  }
  return h | 0;
}

export { declName };
