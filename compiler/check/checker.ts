// The checker: name resolution, dtype and static shape inference, and binding times, over the
// modules the loader produced. It never throws on user input: every problem is a diagnostic,
// and an expression that could not be typed gets the `unknown` type, which is accepted
// everywhere so that one mistake gives one diagnostic.
//
// Declarations are checked once *generically* (size variables as symbols); each call is then
// checked against the signature, binding size variables by unification. A body is checked again
// at a call (instantiated) only when the signature alone does not give the result (untyped
// parameters, no return type) or when the parameters of a model are being collected.

import type * as A from "../ast/nodes.js";
import { diagnostic, type Diagnostic, type DiagnosticInit } from "../diag/diagnostic.js";
import type { Span } from "../diag/span.js";
import { bindArgs, type ParamSpec } from "./args.js";
import { builtins, preludeConstants } from "./builtins.js";
import { CallContext, promote, type CheckedArg, type Val } from "./call-context.js";
import { BT, joinBT, Scope, type Binding } from "./env.js";
import { checkIndex } from "./index-expr.js";
import type { Loader } from "./loader.js";
import { declName, type Module } from "./module.js";
import { ParamCollector, pathMatches } from "./names.js";
import { broadcastShapes, matmulShapes, shapesEqual } from "./shapes.js";
import { suggestionHelp } from "./suggest-help.js";
import { isFloat, isInt, showShape, showType, quoteType, unknown, type DType, type RecordType, type TensorType, type Type } from "./types.js";
import { Bindings, bindIntParam, bindPattern, REST, sizeVarsOf, substitute, typeOfTypeExpr } from "./unify.js";
import { checkDataLoader, dataLoaders } from "./data-loaders.js";

export type BodyKind = "fn" | "layer" | "model" | "optimizer" | "constraint" | "experiment" | "property" | "top";

/** What the body being checked allows and provides. */
export interface Ctx {
  readonly body: BodyKind;
  readonly module: Module;
  readonly bindings: Bindings; // size variables in scope
  readonly collector: ParamCollector | null; // collecting a model's parameters
  readonly paramInit: TensorType | null; // checking the initialiser of a `param`
  readonly instantiating: boolean; // checking a body again for one call
}

/** What the checker learned, for the later stages (lowering, the runtime). */
export interface CheckFacts {
  /** The binding time of every expression checked generically (not per instantiation). */
  readonly bindingTimes: Map<A.Expr, BT>;
  readonly types: Map<A.Expr, Type>;
}

export class Checker {
  readonly diagnostics: Diagnostic[] = [];
  readonly facts: CheckFacts = { bindingTimes: new Map(), types: new Map() };
  private readonly seen = new Set<string>(); // dedupe: code@file:start
  private sink: Diagnostic[] | null = null; // collects diagnostics while instantiating
  private readonly resolved = new Map<Module, Map<string, Binding | "in-progress">>();
  private readonly rootScopes = new Map<Module, Scope>();
  private readonly stack: (A.Callable | A.UpdateRule)[] = [];
  private readonly instances = new Map<string, { type: Type; diags: Diagnostic[] }>();
  readonly genericallyChecked = new Set<A.Callable | A.UpdateRule>();
  private nextRest = 0;

  constructor(readonly loader: Loader) {}

  // ------------------------------------------------------------ reporting

  report(init: DiagnosticInit | Diagnostic): void {
    const d = "primary" in init ? init : diagnostic(init);
    if (this.sink) {
      this.sink.push(d);
      return;
    }
    const key = `${d.code}@${d.primary.span.file}:${d.primary.span.start}:${d.primary.span.end}`;
    if (this.seen.has(key)) return;
    this.seen.add(key);
    this.diagnostics.push(d);
  }

  /** Runs `fn`, collecting (not reporting) its diagnostics; returns those not reported yet. */
  collect(fn: () => void): Diagnostic[] {
    const saved = this.sink;
    const buffer: Diagnostic[] = [];
    this.sink = buffer;
    try {
      fn();
    } finally {
      this.sink = saved;
    }
    return buffer.filter((d) => !this.wasReported(d));
  }

  private wasReported(d: Diagnostic): boolean {
    return this.seen.has(`${d.code}@${d.primary.span.file}:${d.primary.span.start}:${d.primary.span.end}`);
  }

  // ------------------------------------------------------------ scopes and top-level names

  rootScope(m: Module): Scope {
    let s = this.rootScopes.get(m);
    if (!s) {
      s = new Scope(null, (name) => this.resolveTop(m, name) ?? preludeBinding(name));
      this.rootScopes.set(m, s);
    }
    return s;
  }

  topCtx(m: Module): Ctx {
    return { body: "top", module: m, bindings: new Bindings(), collector: null, paramInit: null, instantiating: false };
  }

  /** A top-level name of a module (its own declarations, then its imports). */
  resolveTop(m: Module, name: string): Binding | undefined {
    let table = this.resolved.get(m);
    if (!table) this.resolved.set(m, (table = new Map()));
    const memo = table.get(name);
    if (memo === "in-progress") return { name, type: unknown, bt: BT.Const, kind: "decl", span: null };
    if (memo) return memo;
    const d = m.decls.get(name);
    if (d === undefined) {
      const imp = m.imports.get(name);
      if (!imp) return undefined;
      const b = this.resolveTop(imp.from, imp.name);
      if (b) table.set(name, b);
      return b;
    }
    table.set(name, "in-progress");
    const b = this.bindingOfDecl(m, d);
    table.set(name, b);
    return b;
  }

  private bindingOfDecl(m: Module, d: A.Decl): Binding {
    const id = declName(d)!;
    switch (d.kind) {
      case "Fn":
      case "Layer":
      case "Model":
      case "Optimizer":
      case "Constraint":
        return { name: id.name, type: { k: "decl", decl: d, module: m.path }, bt: BT.Const, kind: "decl", span: id.span };
      case "Const": {
        const v = this.expr(d.value, this.rootScope(m), this.topCtx(m));
        const t = this.annotate(d.type, v, d.value.span, m);
        return { name: id.name, type: t, bt: v.bt, kind: "decl", span: id.span };
      }
      case "Data": {
        const t = this.dataType(d, m);
        return { name: id.name, type: t, bt: BT.Const, kind: "decl", span: id.span };
      }
      default:
        return { name: id.name, type: unknown, bt: BT.Const, kind: "decl", span: id.span };
    }
  }

  /** The module a declaration lives in (for checking its body in its own scope). */
  moduleOf(path: string): Module | undefined {
    for (const m of this.loader.modules.values()) if (m.path === path) return m;
    return undefined;
  }

  // ------------------------------------------------------------ expressions

  expr(e: A.Expr, scope: Scope, ctx: Ctx): Val {
    const v = this.exprInner(e, scope, ctx);
    if (!ctx.instantiating) {
      this.facts.bindingTimes.set(e, v.bt);
      this.facts.types.set(e, v.type);
    }
    return v;
  }

  private exprInner(e: A.Expr, scope: Scope, ctx: Ctx): Val {
    switch (e.kind) {
      case "Number":
        return { type: { k: "tensor", dtype: e.isInt ? "i32" : "f32", shape: { rest: null, dims: [] }, weak: true, value: e.value }, bt: BT.Const };
      case "Bool":
        return { type: { k: "tensor", dtype: "bool", shape: { rest: null, dims: [] }, weak: false, value: e.value ? 1 : 0 }, bt: BT.Const };
      case "String":
        return { type: { k: "str", value: e.value }, bt: BT.Const };
      case "Missing":
        return { type: unknown, bt: BT.Const };
      case "Name":
        return this.name(e, scope, ctx);
      case "Unary":
        return this.unary(e, scope, ctx);
      case "Binary":
        return this.binary(e, scope, ctx);
      case "If":
        return this.ifExpr(e, scope, ctx);
      case "Call":
        return this.call(e, scope, ctx);
      case "Field":
        return this.field(e, scope, ctx);
      case "Index":
        return checkIndex(this, e, scope, ctx);
      case "List": {
        const items = e.items.map((i) => this.expr(i, scope, ctx));
        return { type: { k: "list", items: items.map((i) => i.type) }, bt: joinBT(...items.map((i) => i.bt)) };
      }
      case "Record": {
        const fields = new Map<string, Type>();
        const bts: BT[] = [];
        for (const f of e.fields) {
          if (fields.has(f.name.name)) {
            this.report({ code: "LIP2003", message: `field \`${f.name.name}\` is given twice`, span: f.name.span, label: "given again here" });
            continue;
          }
          const v = this.expr(f.value, scope, ctx);
          fields.set(f.name.name, v.type);
          bts.push(v.bt);
        }
        return { type: { k: "record", fields, dataset: false }, bt: joinBT(...bts) };
      }
    }
  }

  private name(e: A.Name, scope: Scope, ctx: Ctx): Val {
    const b = scope.lookup(e.name);
    if (b) {
      b.used = true;
      return { type: b.type, bt: b.bt };
    }
    // with a data set whose fields are known only at run time, a name may be one of its fields
    if (scope.lookup("$open-data")) return { type: unknown, bt: BT.Tensor };
    this.unknownName(e.name, e.span, scope, ctx);
    return { type: unknown, bt: BT.Const };
  }

  unknownName(name: string, span: Span, scope: Scope, ctx: Ctx, what = "name"): void {
    const candidates = scope.visibleNames([...ctx.module.decls.keys(), ...ctx.module.imports.keys(), ...Object.keys(builtins), ...Object.keys(preludeConstants)]);
    let help = suggestionHelp(name, candidates, (s) => `did you mean \`${s}\`?`);
    const notes: string[] = [];
    const home = this.loader.findInStdlib(name);
    if (home) {
      const line = `\`${name}\` is in \`std.${home}\`: add \`use std.${home} { ${name} }\``;
      if (help === undefined) help = line;
      else notes.push(line);
    }
    if (help === undefined && ctx.body === "optimizer" && ["p", "g", "w", "params", "gradient"].includes(name)) help = "inside an optimizer the parameter is `param` and its gradient `grad`";
    this.report({ code: "LIP2001", message: `unknown ${what} \`${name}\``, span, label: "not found in this scope", help, notes });
  }

  private unary(e: A.Unary, scope: Scope, ctx: Ctx): Val {
    const v = this.expr(e.operand, scope, ctx);
    if (v.type.k === "unknown") return v;
    if (v.type.k !== "tensor") {
      this.report({ code: "LIP3010", message: `\`${e.op}\` needs a tensor, found ${quoteType(v.type)}`, span: e.operand.span, label: "not a tensor" });
      return { type: unknown, bt: v.bt };
    }
    const t = v.type;
    if (e.op === "not") {
      if (t.dtype !== "bool") {
        this.report({ code: "LIP3004", message: `\`not\` needs a bool, found ${quoteType(t)}`, span: e.operand.span, label: `this is ${quoteType(t)}`, help: "compare it first, e.g. `x != 0`" });
        return { type: unknown, bt: v.bt };
      }
      return { type: { ...t, value: t.value === undefined ? undefined : t.value ? 0 : 1 }, bt: v.bt };
    }
    if (t.dtype === "bool") {
      this.report({ code: "LIP3004", message: "cannot negate a bool tensor", span: e.operand.span, label: "this is bool", help: "use `not` for booleans" });
      return { type: unknown, bt: v.bt };
    }
    return { type: { ...t, value: t.value === undefined ? undefined : -t.value, sizeVar: undefined }, bt: v.bt };
  }

  private binary(e: A.Binary, scope: Scope, ctx: Ctx): Val {
    const l = this.expr(e.left, scope, ctx);
    const r = this.expr(e.right, scope, ctx);
    const bt = joinBT(l.bt, r.bt);
    if (l.type.k === "unknown" || r.type.k === "unknown") return { type: unknown, bt };
    if (l.type.k === "str" && r.type.k === "str" && (e.op === "==" || e.op === "!=")) {
      const value = l.type.value !== undefined && r.type.value !== undefined ? Number((l.type.value === r.type.value) === (e.op === "==")) : undefined;
      return { type: { k: "tensor", dtype: "bool", shape: { rest: null, dims: [] }, weak: false, value }, bt };
    }
    for (const [side, v] of [[e.left, l], [e.right, r]] as const) {
      if (v.type.k !== "tensor") {
        this.report({ code: "LIP3010", message: `\`${e.op}\` needs tensors, found ${quoteType(v.type)}`, span: side.span, label: `this is ${quoteType(v.type)}` });
        return { type: unknown, bt };
      }
    }
    const a = l.type as TensorType;
    const b = r.type as TensorType;
    const opLabel = `\`${e.op}\``;
    if (e.op === "and" || e.op === "or") {
      for (const [side, t] of [[e.left, a], [e.right, b]] as const) {
        if (t.dtype !== "bool") {
          this.report({ code: "LIP3004", message: `${opLabel} needs bool operands, found ${quoteType(t)}`, span: side.span, label: `this is ${quoteType(t)}`, help: "compare it first, e.g. `x > 0`" });
          return { type: unknown, bt };
        }
      }
      const shape = this.broadcastOrReport(e, a, b);
      if (shape === undefined) return { type: unknown, bt };
      const value = a.value !== undefined && b.value !== undefined ? Number(e.op === "and" ? a.value && b.value : a.value || b.value) : undefined;
      return { type: { k: "tensor", dtype: "bool", shape, weak: false, value }, bt };
    }
    if (a.dtype === "bool" || b.dtype === "bool") {
      if (e.op === "==" || e.op === "!=") {
        if (a.dtype !== b.dtype) return this.dtypeClash(e, a, b, bt);
      } else {
        const side = a.dtype === "bool" ? e.left : e.right;
        this.report({ code: "LIP3004", message: `${opLabel} is not defined for bool tensors`, span: side.span, label: "this is bool", help: "convert with `f32(...)` to compute with it" });
        return { type: unknown, bt };
      }
    }
    const p = promote([a, b]);
    if ("clash" in p) return this.dtypeClash(e, a, b, bt);
    if (e.op === "@") {
      const m = matmulShapes(a.shape, b.shape);
      if (!m.ok) {
        this.report({
          code: "LIP3003",
          message: `matmul inner dimensions differ: ${quoteType(a)} @ ${quoteType(b)}`,
          span: e.opSpan,
          label: m.message,
          secondary: [
            { span: e.left.span, text: `this has shape \`${showShape(a.shape)}\`` },
            { span: e.right.span, text: `this has shape \`${showShape(b.shape)}\`` },
          ],
          help: matmulHelp(a, b),
        });
        return { type: unknown, bt };
      }
      return { type: { k: "tensor", dtype: p.dtype, shape: m.shape, weak: false }, bt };
    }
    const shape = this.broadcastOrReport(e, a, b);
    if (shape === undefined) return { type: unknown, bt };
    const isCompare = ["==", "!=", "<", "<=", ">", ">=", "~="].includes(e.op);
    let dtype: DType = isCompare ? "bool" : p.dtype;
    let weak = isCompare ? false : p.weak;
    // `/` of two integers is true division, as in Python 3
    if (e.op === "/" && isInt(dtype) && !isCompare) {
      dtype = "f32";
      weak = a.weak && b.weak;
    }
    const value = foldBinary(e.op, a.value, b.value);
    return { type: { k: "tensor", dtype, shape, weak, value, sizeVar: value === undefined ? symbolicSize(e.op, a, b) : undefined }, bt };
  }

  private dtypeClash(e: A.Binary, a: TensorType, b: TensorType, bt: BT): Val {
    const toFloat = isInt(a.dtype) ? e.left : isInt(b.dtype) ? e.right : null;
    this.report({
      code: "LIP3004",
      message: `\`${e.op}\` mixes ${a.dtype} and ${b.dtype}`,
      span: e.opSpan,
      label: "these dtypes differ",
      secondary: [
        { span: e.left.span, text: `this is ${quoteType(a)}` },
        { span: e.right.span, text: `this is ${quoteType(b)}` },
      ],
      help: toFloat ? "convert the integer operand with `f32(...)`" : "convert one operand so that both have one dtype",
    });
    return { type: unknown, bt };
  }

  private broadcastOrReport(e: A.Binary, a: TensorType, b: TensorType): TensorType["shape"] | undefined {
    const r = broadcastShapes(a.shape, b.shape);
    if (r.ok) return r.shape;
    this.report({
      code: "LIP3001",
      message: `shapes \`${showShape(a.shape)}\` and \`${showShape(b.shape)}\` cannot be broadcast together`,
      span: e.opSpan,
      label: r.message,
      secondary: [
        { span: e.left.span, text: `this has shape \`${showShape(a.shape)}\`` },
        { span: e.right.span, text: `this has shape \`${showShape(b.shape)}\`` },
      ],
      help: "dimensions are matched from the right: each pair must be equal or 1 (reshape, transpose or `expand_dims` one side)",
    });
    return undefined;
  }

  private ifExpr(e: A.If, scope: Scope, ctx: Ctx): Val {
    const c = this.expr(e.cond, scope, ctx);
    // with a condition known at compile time, a layer in the branch not taken has no parameters
    const known = c.type.k === "tensor" ? c.type.value : undefined;
    const branchCtx = (taken: boolean): Ctx => (known !== undefined && !taken && ctx.collector ? { ...ctx, collector: null } : ctx);
    const a = this.expr(e.then, scope, branchCtx(known === undefined || known !== 0));
    const b = this.expr(e.else, scope, branchCtx(known === undefined || known === 0));
    const bt = joinBT(c.bt, a.bt, b.bt);
    if (c.type.k === "tensor") {
      if (c.type.dtype !== "bool") {
        this.report({ code: "LIP3013", message: `the condition of \`if\` must be a bool, found ${quoteType(c.type)}`, span: e.cond.span, label: `this is ${quoteType(c.type)}`, help: "compare it, e.g. `x > 0`" });
      } else if (c.type.shape && (c.type.shape.rest || c.type.shape.dims.length > 0)) {
        this.report({ code: "LIP3015", message: `the condition of \`if\` must be a scalar, found ${quoteType(c.type)}`, span: e.cond.span, label: "a tensor condition", help: "for an elementwise choice use `where(cond, a, b)`" });
      }
    } else if (c.type.k !== "unknown") {
      this.report({ code: "LIP3013", message: `the condition of \`if\` must be a bool, found ${quoteType(c.type)}`, span: e.cond.span, label: "not a bool" });
    }
    if (a.type.k === "unknown" || b.type.k === "unknown") return { type: unknown, bt };
    if (a.type.k !== "tensor" || b.type.k !== "tensor") {
      if (a.type.k === b.type.k) return { type: a.type, bt };
      this.report({ code: "LIP3014", message: `the branches of \`if\` have different types: ${quoteType(a.type)} and ${quoteType(b.type)}`, span: e.else.span, label: `this is ${quoteType(b.type)}`, secondary: [{ span: e.then.span, text: `this is ${quoteType(a.type)}` }] });
      return { type: unknown, bt };
    }
    const p = promote([a.type, b.type]);
    if ("clash" in p) {
      this.report({ code: "LIP3014", message: `the branches of \`if\` have different dtypes: ${a.type.dtype} and ${b.type.dtype}`, span: e.else.span, label: `this is ${quoteType(b.type)}`, secondary: [{ span: e.then.span, text: `this is ${quoteType(a.type)}` }] });
      return { type: unknown, bt };
    }
    const r = broadcastShapes(a.type.shape, b.type.shape);
    if (!r.ok) {
      this.report({ code: "LIP3014", message: `the branches of \`if\` have shapes \`${showShape(a.type.shape)}\` and \`${showShape(b.type.shape)}\``, span: e.else.span, label: `this has shape \`${showShape(b.type.shape)}\``, secondary: [{ span: e.then.span, text: `this has shape \`${showShape(a.type.shape)}\`` }] });
      return { type: unknown, bt };
    }
    const cv = c.type.k === "tensor" ? c.type.value : undefined;
    const value = cv === undefined ? undefined : cv ? a.type.value : b.type.value;
    return { type: { k: "tensor", dtype: p.dtype, shape: r.shape, weak: p.weak, value }, bt };
  }

  private field(e: A.Field, scope: Scope, ctx: Ctx): Val {
    const o = this.expr(e.object, scope, ctx);
    const name = e.field.name;
    const t = o.type;
    if (t.k === "unknown") return o;
    if (t.k === "record") {
      const splits = t.splits;
      if (splits && splits.has(name)) return { type: splits.get(name)!, bt: o.bt };
      const f = t.fields.get(name);
      if (f) return { type: f, bt: o.bt };
      if (t.open) return { type: unknown, bt: o.bt };
      const names = [...t.fields.keys(), ...(splits ? splits.keys() : [])];
      this.report({ code: "LIP2010", message: `no field \`${name}\` in ${quoteType(t)}${splits ? " (a data set split into `train` and `test`)" : ""}`, span: e.field.span, label: "unknown field", help: suggestionHelp(name, names, (s) => `did you mean \`${s}\`?`) ?? `the fields are ${names.map((n) => `\`${n}\``).join(", ")}` });
      return { type: unknown, bt: o.bt };
    }
    if (t.k === "paramtree" || t.k === "params" || (t.k === "decl" && t.decl.kind === "Model")) {
      return this.paramPath(e, t, o.bt, scope, ctx);
    }
    this.report({ code: "LIP2010", message: `${quoteType(t)} has no field \`${name}\``, span: e.field.span, label: "unknown field" });
    return { type: unknown, bt: o.bt };
  }

  /** `classifier.h1.w` and `classifier.*.w`: parameters of the model being trained. */
  private paramPath(e: A.Field, t: Type, bt: BT, scope: Scope, ctx: Ctx): Val {
    const path = fieldPath(e);
    const model = path[0]!;
    const params = this.modelParams(model, scope, ctx);
    if (params === undefined) {
      this.report({ code: "LIP2010", message: `the parameters of \`${model}\` are known only inside an experiment that trains it`, span: e.span, label: "not the model of this experiment" });
      return { type: unknown, bt };
    }
    void t;
    const pattern = path.slice(1);
    const members = params.filter((p) => pathMatches(pattern, p.name.split(".")));
    const pathText = path.join(".");
    if (members.length === 0) {
      const all = params.map((p) => `${model}.${p.name}`);
      const prefixes = params.flatMap((p) => p.name.split(".").map((_, i, parts) => `${model}.${parts.slice(0, i + 1).join(".")}`));
      const isPrefix = prefixes.includes(pathText);
      if (isPrefix) return { type: { k: "paramtree", path: pathText, members: params.filter((p) => `${model}.${p.name}`.startsWith(pathText + ".")).map((p) => ({ name: `${model}.${p.name}`, type: p.type })) }, bt: BT.Tensor };
      this.report({
        code: "LIP2010",
        message: `\`${pathText}\` matches no parameter of \`${model}\``,
        span: e.span,
        label: "no such parameter",
        help: suggestionHelp(pathText, all, (s) => `did you mean \`${s}\`?`) ?? (all.length ? `the parameters are ${all.slice(0, 8).map((n) => `\`${n}\``).join(", ")}${all.length > 8 ? ", ..." : ""}` : `\`${model}\` has no parameters`),
      });
      return { type: unknown, bt: BT.Tensor };
    }
    if (!pattern.includes("*") && members.length === 1 && pathText === `${model}.${members[0]!.name}`) return { type: members[0]!.type, bt: BT.Tensor };
    return { type: { k: "params", path: pathText, members: members.map((p) => ({ name: `${model}.${p.name}`, type: p.type })) }, bt: BT.Tensor };
  }

  /** Parameters of a model known in this scope (set by the experiment checker). */
  modelParams(model: string, scope: Scope, _ctx: Ctx): { name: string; type: TensorType }[] | undefined {
    const b = scope.lookup(`$params:${model}`);
    if (b && b.type.k === "paramtree") return b.type.members.map((m) => ({ name: m.name, type: m.type }));
    return undefined;
  }

  // ------------------------------------------------------------ calls

  private call(e: A.Call, scope: Scope, ctx: Ctx): Val {
    const calleeName = e.callee.kind === "Name" ? e.callee.name : null;
    let b: Binding | undefined;
    if (e.callee.kind === "Name") {
      b = scope.lookup(e.callee.name);
      if (!b) {
        this.unknownName(e.callee.name, e.callee.span, scope, ctx, "function");
        for (const a of e.args) this.expr(a.value, scope, ctx);
        return { type: unknown, bt: BT.Const };
      }
      b.used = true;
      if (!ctx.instantiating) this.facts.bindingTimes.set(e.callee, BT.Const);
    } else {
      const v = this.expr(e.callee, scope, ctx);
      if (v.type.k !== "unknown") this.report({ code: "LIP2009", message: `${quoteType(v.type)} is not a function`, span: e.callee.span, label: "called here" });
      for (const a of e.args) this.expr(a.value, scope, ctx);
      return { type: unknown, bt: v.bt };
    }
    const t = b.type;
    if (t.k === "builtin") return this.builtinCall(t.name, e, scope, ctx);
    if (t.k === "decl") {
      const decl = t.decl;
      if (decl.kind === "Optimizer" || decl.kind === "Constraint") return this.ruleInstance(decl as A.UpdateRule, e, scope, ctx);
      return this.callableCall(decl as A.Callable, this.moduleOf(t.module) ?? ctx.module, e, scope, ctx);
    }
    if (t.k !== "unknown") {
      this.report({ code: "LIP2009", message: `\`${calleeName}\` is not a function: it is ${quoteType(t)}`, span: e.callee.span, label: "called here", secondary: b.span ? [{ span: b.span, text: "defined here" }] : [] });
    }
    for (const a of e.args) this.expr(a.value, scope, ctx);
    return { type: unknown, bt: b.bt };
  }

  /** Checks the arguments of a call and binds them to `params`. */
  checkArgs(params: readonly ParamSpec[], e: A.Call, what: string, scope: Scope, ctx: Ctx): { args: Map<string, CheckedArg>; ok: boolean } {
    const bound = bindArgs(params, e.args, { span: e.span, calleeSpan: e.callee.span, what }, (d) => this.report(d));
    const args = new Map<string, CheckedArg>();
    const byArg = new Map<A.Arg, string>();
    for (const [k, a] of bound.byName) byArg.set(a, k);
    for (const a of e.args) {
      const v = this.expr(a.value, scope, ctx);
      const k = byArg.get(a);
      if (k !== undefined) args.set(k, { ...v, span: a.value.span, expr: a.value });
    }
    return { args, ok: bound.ok };
  }

  private builtinCall(name: string, e: A.Call, scope: Scope, ctx: Ctx): Val {
    const loader = dataLoaders[name];
    if (loader) return checkDataLoader(this, name, e, scope, ctx);
    const special = this.specialCall?.(name, e, scope, ctx);
    if (special) return special;
    const bi = builtins[name];
    if (!bi) return { type: unknown, bt: BT.Const };
    const { args } = this.checkArgs(bi.params, e, `\`${name}\``, scope, ctx);
    const c = new CallContext(name, e.span, args, (d) => this.report(d), bi.initialiser ? ctx.paramInit : null);
    const type = bi.rule(c);
    const bt = bi.bt ? bi.bt(c) : c.bt();
    return { type, bt };
  }

  /** Hook for body-specific functions (`update` in properties). */
  specialCall: ((name: string, e: A.Call, scope: Scope, ctx: Ctx) => Val | undefined) | undefined;

  /** `adamw(lr: lr)`: binds hyperparameters; the body is checked per parameter later. */
  private ruleInstance(decl: A.UpdateRule, e: A.Call, scope: Scope, ctx: Ctx): Val {
    // a constraint's first parameter (what it constrains) may come later: `update(c, w)` in a property
    const params = decl.params.map((p, i) => ({ name: p.name.name, optional: p.default !== null || (decl.kind === "Constraint" && i === 0) }));
    const { args } = this.checkArgs(params, e, `${decl.kind.toLowerCase()} \`${decl.name.name}\``, scope, ctx);
    const types = new Map<string, Type>();
    for (const [k, a] of args) types.set(k, a.type);
    return { type: { k: "rule", decl, args: types }, bt: joinBT(BT.Const, ...[...args.values()].map((a) => a.bt)) };
  }

  /** A call of a `fn`, `layer` or `model`. */
  callableCall(decl: A.Callable, declModule: Module, e: A.Call, scope: Scope, ctx: Ctx): Val {
    const what = `${decl.kind === "Fn" ? "fn" : decl.kind.toLowerCase()} \`${decl.name.name}\``;
    if (decl.kind !== "Fn" && (ctx.body === "fn" || ctx.body === "experiment" || ctx.body === "optimizer" || ctx.body === "constraint" || ctx.body === "top")) {
      this.report({
        code: "LIP2014",
        message: `${what} owns parameters, so it can be called only from a \`layer\`, a \`model\` or a \`property\``,
        span: e.callee.span,
        label: `called from ${bodyName(ctx.body)}`,
        help: ctx.body === "fn" ? "make the enclosing `fn` a `layer`" : ctx.body === "experiment" ? "call it inside the model" : undefined,
      });
    }
    const params = decl.params.map((p) => ({ name: p.name.name, optional: p.default !== null }));
    const { args, ok } = this.checkArgs(params, e, what, scope, ctx);
    if (this.stack.includes(decl)) {
      this.report({ code: "LIP2015", message: `${what} calls itself`, span: e.callee.span, label: "recursive call", help: "Lip has no recursion: every call is inlined into the training step" });
      return { type: unknown, bt: BT.Tensor };
    }
    if (!ok) return { type: unknown, bt: decl.kind === "Fn" ? BT.Tensor : BT.Tensor };
    return this.instantiate(decl, declModule, e, args, ctx);
  }

  /** Checks the model of an experiment for its batch, collecting its parameters (unprefixed). */
  collectModel(decl: A.Callable, declModule: Module, e: A.Call, args: Map<string, CheckedArg>, ctx: Ctx): Val {
    return this.instantiate(decl, declModule, e, args, ctx, true);
  }

  /** The path of the module that declares `decl`. */
  moduleOfDecl(decl: A.Decl): string {
    for (const m of this.loader.modules.values()) if (m.program.decls.includes(decl)) return m.path;
    return "";
  }

  instantiate(decl: A.Callable, declModule: Module, e: A.Call, args: Map<string, CheckedArg>, ctx: Ctx, root = false): Val {
    const what = `${decl.kind === "Fn" ? "fn" : decl.kind.toLowerCase()} \`${decl.name.name}\``;
    const b = new Bindings();
    const restName = `...${decl.name.name}#${this.nextRest++}`;
    const paramTypes = new Map<string, Val>();
    const sizeVars = new Set<string>();
    for (const p of decl.params) sizeVarsOf(p.type, new Map()).forEach((_, k) => sizeVars.add(k));
    if (decl.ret) sizeVarsOf(decl.ret).forEach((_, k) => sizeVars.add(k));
    // an `int` parameter can also size a tensor declared in the body (`param table: f32[V, D]`)
    for (const name of bodyDimNames(decl)) sizeVars.add(name);
    let failed = false;
    const defaultsScope = this.rootScope(declModule);
    for (const p of decl.params) {
      const a = args.get(p.name.name);
      const v: Val | undefined = a ?? (p.default ? this.expr(p.default, defaultsScope, { ...this.topCtx(declModule), instantiating: true }) : undefined);
      if (!v) continue;
      let t = v.type;
      if (p.type) {
        const pattern = typeOfTypeExpr(p.type, restName);
        const err = bindPattern(pattern, v.type, b, a?.span ?? null);
        if (err) {
          failed = true;
          this.reportArgMismatch(what, p, v.type, err.message, a?.span ?? e.span, b);
          continue;
        }
        if (p.type.kind === "NamedType" && p.type.name === "int" && v.type.k === "tensor") {
          const dim = v.type.value !== undefined ? v.type.value : v.type.sizeVar !== undefined ? { sym: v.type.sizeVar } : undefined;
          if (dim === undefined) {
            failed = true;
            this.report({ code: "LIP3009", message: `\`${p.name.name}\` of ${what} is an \`int\`, so it must be a compile-time integer`, span: a?.span ?? e.span, label: "not known at compile time", secondary: [{ span: p.name.span, text: "declared here" }] });
            continue;
          }
          if (sizeVars.has(p.name.name)) {
            if (typeof dim === "number" && (!Number.isInteger(dim) || dim < 0)) {
              failed = true;
              this.report({ code: "LIP3009", message: `\`${p.name.name}\` sizes a tensor in ${what}, so it must be a non-negative compile-time integer`, span: a?.span ?? e.span, label: v.type.value !== undefined ? `this is ${v.type.value}` : "not known at compile time", secondary: [{ span: p.name.span, text: "declared here" }] });
              continue;
            }
            const err2 = bindIntParam(p.name.name, dim, b, a?.span ?? null);
            if (err2) {
              failed = true;
              this.report({ code: "LIP3002", message: `size \`${p.name.name}\` is bound to two sizes in this call to ${what}`, span: a?.span ?? e.span, label: err2.message });
              continue;
            }
          }
          t = { ...v.type, weak: false };
        } else t = substitute(pattern, b);
        if (t.k === "tensor" && v.type.k === "tensor" && v.type.value !== undefined) t = { ...t, value: v.type.value };
      }
      paramTypes.set(p.name.name, { type: t, bt: v.bt });
    }
    const argBT = joinBT(...[...paramTypes.values()].map((v) => v.bt));
    const bt = decl.kind === "Fn" ? argBT : BT.Tensor;
    if (failed) return { type: decl.ret ? substitute(typeOfTypeExpr(decl.ret, restName), b) : unknown, bt };
    const collecting = ctx.collector !== null && decl.kind !== "Fn";
    const allTyped = decl.params.every((p) => p.type !== null);
    if (allTyped && decl.ret && !collecting) {
      return { type: substitute(typeOfTypeExpr(decl.ret, restName), b), bt };
    }
    // check the body for this call
    const key = collecting ? null : `${declModule.path}:${decl.span.start}|${[...paramTypes].map(([k, v]) => `${k}=${typeKey(v.type)}`).join(",")}`;
    if (key !== null) {
      const memo = this.instances.get(key);
      if (memo) {
        if (memo.diags.length) this.reportInCall(what, e, memo.diags);
        return { type: memo.type, bt };
      }
    }
    let type: Type = unknown;
    if (collecting && !root) ctx.collector!.enter(ctx.collector!.nameForCall(decl.name.name));
    const fresh = this.collect(() => {
      try {
        type = this.checkCallableBody(decl, declModule, paramTypes, b, { collector: collecting ? ctx.collector : null, instantiating: true }, restName);
      } finally {
        if (collecting && !root) ctx.collector!.leave();
      }
    });
    if (key !== null) this.instances.set(key, { type, diags: fresh });
    if (fresh.length) this.reportInCall(what, e, fresh);
    return { type, bt };
  }

  private reportInCall(what: string, e: A.Call, inner: Diagnostic[]): void {
    const first = inner[0]!;
    this.report({
      code: first.code as DiagnosticInit["code"],
      message: `${first.message} (in this call to ${what})`,
      span: e.span,
      label: `in this call to ${what}`,
      secondary: [{ span: first.primary.span, text: first.primary.text || "here" }, ...first.secondary],
      notes: [...first.notes, ...(inner.length > 1 ? [`and ${inner.length - 1} more error${inner.length > 2 ? "s" : ""} in this call`] : [])],
      help: first.help,
    });
  }

  private reportArgMismatch(what: string, p: A.Param, actual: Type, message: string, span: Span, b: Bindings): void {
    const sizeConflict = /^size `/.test(message);
    const prior = sizeConflict ? [...b.dims.values()].find((d) => d.argSpan && d.argSpan !== span)?.argSpan : undefined;
    this.report({
      code: sizeConflict ? "LIP3002" : "LIP3007",
      message: `wrong argument \`${p.name.name}\` for ${what}: ${message}`,
      span,
      label: `this is ${quoteType(actual)}`,
      secondary: [
        ...(p.type ? [{ span: p.type.span, text: `\`${p.name.name}\` is declared here` }] : []),
        ...(prior ? [{ span: prior, text: "the size was bound by this argument" }] : []),
      ],
    });
  }

  /** Checks a fn/layer/model body with the given parameter types; returns the result type. */
  checkCallableBody(decl: A.Callable, declModule: Module, paramTypes: Map<string, Val>, b: Bindings, opts: { collector: ParamCollector | null; instantiating: boolean }, restName: string): Type {
    const scope = this.rootScope(declModule).child();
    // size variables are usable as int values in the body
    const sizeVars = new Map<string, A.Dim>();
    for (const p of decl.params) sizeVarsOf(p.type, sizeVars);
    if (decl.ret) sizeVarsOf(decl.ret, sizeVars);
    for (const [name, dim] of sizeVars) {
      const bound = b.dims.get(name)?.dim;
      const t: TensorType = typeof bound === "number"
        ? { k: "tensor", dtype: "i32", shape: { rest: null, dims: [] }, weak: false, value: bound }
        : { k: "tensor", dtype: "i32", shape: { rest: null, dims: [] }, weak: false, sizeVar: bound ? bound.sym : name };
      scope.define({ name, type: t, bt: BT.Const, kind: "size", span: dim.span });
    }
    for (const p of decl.params) {
      const v = paramTypes.get(p.name.name) ?? { type: unknown, bt: BT.Tensor };
      scope.define({ name: p.name.name, type: v.type, bt: v.bt, kind: "local", span: p.name.span });
    }
    const ctx: Ctx = { body: decl.kind === "Fn" ? "fn" : decl.kind === "Layer" ? "layer" : "model", module: declModule, bindings: b, collector: opts.collector, paramInit: null, instantiating: opts.instantiating };
    this.stack.push(decl);
    let result: Val | undefined;
    try {
      result = this.sequentialBody(decl.body, scope, ctx, decl);
    } finally {
      this.stack.pop();
    }
    if (!result) {
      if (decl.body.every((s) => s.kind !== "Missing")) {
        this.report({ code: "LIP4008", message: `${decl.kind === "Fn" ? "fn" : decl.kind.toLowerCase()} \`${decl.name.name}\` has no result`, span: decl.name.span, label: "the body must end with an expression", help: "add the value to return as the last line of the body" });
      }
      return decl.ret ? substitute(typeOfTypeExpr(decl.ret, restName), b) : unknown;
    }
    if (decl.ret) {
      const expected = typeOfTypeExpr(decl.ret, restName);
      const err = this.checkAgainst(expected, result.type, b);
      if (err) {
        const last = [...decl.body].reverse().find((s) => s.kind === "ExprStmt");
        this.report({
          code: "LIP3006",
          message: `${decl.kind === "Fn" ? "fn" : decl.kind.toLowerCase()} \`${decl.name.name}\` returns ${quoteType(result.type)} but its signature says ${quoteType(substitute(expected, b))}`,
          span: last ? last.span : decl.name.span,
          label: `this is ${quoteType(result.type)}`,
          secondary: [{ span: decl.ret.span, text: "the declared return type" }],
          notes: /^size `/.test(err) ? [] : [err],
        });
      }
      return substitute(expected, b);
    }
    return result.type;
  }

  /** Does `actual` fit the declared `expected` under the bindings? Returns the reason if not. */
  checkAgainst(expected: Type, actual: Type, b: Bindings): string | null {
    const copy = new Bindings();
    for (const [k, v] of b.dims) copy.dims.set(k, v);
    for (const [k, v] of b.rests) copy.rests.set(k, v);
    const err = bindPattern(expected, actual, copy, null);
    return err ? err.message : null;
  }

  /**
   * A body of sequential statements (fn, layer, model, property): each `let` sees the earlier
   * ones; the last statement may be the result.
   */
  sequentialBody(body: readonly A.Stmt[], scope: Scope, ctx: Ctx, owner: A.Callable | null): Val | undefined {
    let result: Val | undefined;
    const states = new Map<string, A.StateDecl>();
    const assigns: A.Assign[] = [];
    body.forEach((s, i) => {
      const last = i === body.length - 1;
      switch (s.kind) {
        case "Let": {
          ctx.collector?.setLet(s.name.name);
          const v = this.expr(s.value, scope, ctx);
          ctx.collector?.setLet(null);
          this.defineLocal(scope, s.name, this.annotate(s.type, v, s.value.span, ctx.module), v.bt, "local");
          break;
        }
        case "ParamDecl":
          if (ctx.body !== "layer" && ctx.body !== "model") {
            this.report({ code: "LIP4005", message: "`param` declarations are allowed only in a `layer` or `model`", span: stmtHead(s), label: `not allowed in ${bodyName(ctx.body)}`, help: owner?.kind === "Fn" ? `make \`${owner.name.name}\` a \`layer\`` : undefined });
            this.defineLocal(scope, s.name, substitute(typeOfTypeExpr(s.type), ctx.bindings), BT.Tensor, "param");
            break;
          }
          this.paramDecl(s, scope, ctx);
          break;
        case "StateDecl": {
          if (ctx.body !== "layer" && ctx.body !== "model") {
            this.report({ code: "LIP2013", message: `\`state\` is not allowed in ${bodyName(ctx.body)}`, span: s.span, label: "a state needs a step clock", help: "declare state in a layer, an optimizer, a constraint or an experiment" });
            break;
          }
          const v = this.expr(s.init, scope, ctx);
          const t = this.annotate(s.type, v, s.init.span, ctx.module);
          this.defineLocal(scope, s.name, t, BT.Tensor, "state");
          states.set(s.name.name, s);
          break;
        }
        case "Assign":
          assigns.push(s);
          break;
        case "ExprStmt":
          result = this.expr(s.expr, scope, ctx);
          if (!last) {
            this.report({ code: "LIP4009", message: "an expression here has no effect", span: s.span, label: "only the last line of a body is its result", help: "bind it with `let name = ...`, or move it to the end" });
            result = undefined;
          }
          break;
        case "Missing":
          break;
        default:
          this.report({ code: "LIP2013", message: `${stmtName(s)} is not allowed in ${bodyName(ctx.body)}`, span: stmtHead(s), label: "not allowed here", help: stmtHelp(s) });
      }
    });
    this.checkAssignments(assigns, states, scope, ctx, null);
    return result;
  }

  defineLocal(scope: Scope, name: A.Ident, type: Type, bt: BT, kind: Binding["kind"]): void {
    const prev = scope.own(name.name);
    if (prev && prev.span) {
      this.report({ code: "LIP2003", message: `\`${name.name}\` is defined twice in this body`, span: name.span, label: "defined again here", secondary: [{ span: prev.span, text: "first defined here" }], help: "rename one of them (a `let` cannot be reassigned; for a value that changes over steps use `state` and `<-`)" });
      return;
    }
    scope.define({ name: name.name, type, bt, kind, span: name.span });
  }

  /** Applies an optional type annotation (`let x: f32[3] = ...`). */
  annotate(te: A.TypeExpr | null, v: Val, span: Span, m: Module): Type {
    if (te === null) return v.type;
    void m;
    const expected = typeOfTypeExpr(te);
    const b = new Bindings();
    const err = bindPattern(expected, v.type, b, null);
    if (err) {
      this.report({ code: "LIP3016", message: `the value does not match its annotation ${quoteType(expected)}`, span, label: `this is ${quoteType(v.type)}`, secondary: [{ span: te.span, text: "the annotation" }], notes: [err.message] });
      return expected;
    }
    return v.type.k === "tensor" && expected.k === "tensor" ? { ...v.type, dtype: expected.dtype, weak: false } : v.type;
  }

  private paramDecl(s: A.ParamDecl, scope: Scope, ctx: Ctx): void {
    const declared = substitute(typeOfTypeExpr(s.type), ctx.bindings);
    if (declared.k !== "tensor") {
      this.report({ code: "LIP3017", message: "a parameter must be a tensor type such as `f32[I, O]`", span: s.type.span, label: "not a tensor type" });
      return;
    }
    if (!isFloat(declared.dtype)) {
      this.report({ code: "LIP3017", message: `a trainable parameter must be a float tensor, found ${quoteType(declared)}`, span: s.type.span, label: "gradients need a float dtype" });
    }
    if (declared.shape?.rest) {
      this.report({ code: "LIP3017", message: "a parameter cannot have a `...` shape: its size must be known", span: s.type.span, label: "use size variables, e.g. `f32[I, O]`" });
    }
    const v = this.expr(s.init, scope, { ...ctx, paramInit: declared });
    if (v.type.k === "tensor" && !shapesEqual(v.type.shape, declared.shape)) {
      this.report({ code: "LIP4007", message: `the initialiser of \`${s.name.name}\` has shape \`${showShape(v.type.shape)}\`, but the parameter is ${quoteType(declared)}`, span: s.init.span, label: `this has shape \`${showShape(v.type.shape)}\``, secondary: [{ span: s.type.span, text: "the declared type" }] });
    } else if (v.type.k !== "tensor" && v.type.k !== "unknown") {
      this.report({ code: "LIP4007", message: `the initialiser of \`${s.name.name}\` is not a tensor`, span: s.init.span, label: `this is ${quoteType(v.type)}` });
    }
    this.defineLocal(scope, s.name, declared, BT.Tensor, "param");
    ctx.collector?.add(s.name.name, declared);
  }

  /**
   * Checks `x <- e` statements: the target must be a state of this body (or the update target
   * of an optimizer/constraint), assigned once, with a value of the state's type.
   */
  checkAssignments(assigns: readonly A.Assign[], states: ReadonlyMap<string, A.StateDecl>, scope: Scope, ctx: Ctx, target: { name: string; type: Type; span: Span | null } | null): Map<string, A.Assign> {
    const seen = new Map<string, A.Assign>();
    for (const a of assigns) {
      const name = a.target.name;
      const v = this.expr(a.value, scope, ctx);
      const isTarget = target !== null && name === target.name;
      if (!states.has(name) && !isTarget) {
        const b = scope.lookup(name);
        this.report({
          code: "LIP4001",
          message: b ? `\`${name}\` is not a state, so it cannot be assigned with \`<-\`` : `unknown state \`${name}\``,
          span: a.target.span,
          label: b ? `\`${name}\` is ${kindName(b.kind)}` : "not declared",
          secondary: b?.span ? [{ span: b.span, text: "declared here" }] : [],
          help: b ? `declare it with \`state ${name} = ...\` to give it a value per step` : suggestionHelp(name, [...states.keys(), ...(target ? [target.name] : [])], (s) => `did you mean \`${s}\`?`) ?? `declare it first: \`state ${name} = ...\``,
        });
        continue;
      }
      const prev = seen.get(name);
      if (prev) {
        this.report({ code: "LIP4002", message: `\`${name}\` is assigned twice`, span: a.span, label: "assigned again here", secondary: [{ span: prev.span, text: "first assigned here" }], help: "a state has exactly one next-step value; combine the two, e.g. with `if ... then ... else`" });
        continue;
      }
      seen.set(name, a);
      const declared = isTarget ? target!.type : scope.lookup(name)?.type ?? unknown;
      const err = this.stateMismatch(declared, v.type);
      if (err) {
        const declSpan = isTarget ? target!.span : states.get(name)!.name.span;
        this.report({ code: "LIP3016", message: `the next value of \`${name}\` is ${quoteType(v.type)}, but \`${name}\` is ${quoteType(declared)}`, span: a.value.span, label: `this is ${quoteType(v.type)}`, secondary: declSpan ? [{ span: declSpan, text: `\`${name}\` is declared here` }] : [], notes: [err] });
      }
    }
    for (const [name, s] of states) {
      if (!seen.has(name)) this.report({ code: "LIP4003", severity: "warning", message: `state \`${name}\` is never assigned`, span: s.name.span, label: "it keeps its first value forever", help: `give it a next value with \`${name} <- ...\`, or make it a \`let\`` });
    }
    return seen;
  }

  /** A state's next value must have the state's dtype and shape (weak literals adapt). */
  private stateMismatch(declared: Type, next: Type): string | null {
    if (declared.k !== "tensor" || next.k !== "tensor") return null;
    if (declared.dtype !== next.dtype && !(next.weak && declared.dtype !== "bool" && next.dtype !== "bool") && !(declared.weak && next.dtype !== "bool")) return `dtypes differ: ${declared.dtype} and ${next.dtype}`;
    if (!shapesEqual(declared.shape, next.shape)) {
      // a scalar literal state (`state ema = 0.0`) may take a scalar value
      return `shapes differ: \`${showShape(declared.shape)}\` and \`${showShape(next.shape)}\``;
    }
    return null;
  }

  // ------------------------------------------------------------ data

  dataType(d: A.DataDecl, m: Module): Type {
    const v = this.expr(d.value, this.rootScope(m), this.topCtx(m));
    if (v.type.k === "unknown") return unknown;
    if (v.type.k !== "record") {
      this.report({ code: "LIP5005", message: `\`${d.name.name}\` is not a data set: its value is ${quoteType(v.type)}`, span: d.value.span, label: "expected a record of tensors such as `{x: f32[n, 2], y: i32[n]}`", help: "use a generator such as `two_moons(...)`, a loader such as `load(\"file.safetensors\")`, or a record literal" });
      return unknown;
    }
    const rec = this.asDataset(v.type, d.value.span);
    if (!rec) return unknown;
    if (d.split === null) return rec;
    const s = this.expr(d.split, this.rootScope(m), this.topCtx(m));
    const f = s.type.k === "tensor" ? s.type.value : undefined;
    if (s.type.k !== "unknown" && (f === undefined || !(f > 0 && f < 1))) {
      this.report({ code: "LIP5006", message: "`split` takes the training fraction, a constant strictly between 0 and 1", span: d.split.span, label: f === undefined ? "not a constant" : `this is ${f}`, help: "e.g. `split 0.8` keeps 80% for `.train` and 20% for `.test`" });
      return rec;
    }
    const parts = new Map<string, RecordType>();
    const n = leadingDim(rec);
    const nTrain = typeof n === "number" && f !== undefined ? Math.round(n * f) : undefined;
    parts.set("train", withLeading(rec, nTrain));
    parts.set("test", withLeading(rec, typeof n === "number" && nTrain !== undefined ? n - nTrain : undefined));
    return { ...rec, splits: parts };
  }

  /** Checks that a record's fields share their leading dimension. */
  asDataset(r: RecordType, span: Span): RecordType | undefined {
    let lead: { name: string; dim: unknown } | undefined;
    for (const [name, t] of r.fields) {
      if (t.k === "unknown") continue;
      if (t.k !== "tensor" || !t.shape || t.shape.rest || t.shape.dims.length === 0) {
        if (t.k === "tensor" && !t.shape) continue;
        this.report({ code: "LIP5005", message: `field \`${name}\` of a data set must be a tensor with a leading example dimension, found ${quoteType(t)}`, span, label: "not a data set" });
        return undefined;
      }
      const d0 = t.shape.dims[0]!;
      if (lead === undefined) lead = { name, dim: d0 };
      else if (typeof d0 === "number" && typeof lead.dim === "number" && d0 !== lead.dim) {
        this.report({ code: "LIP5005", message: `the fields of a data set must have the same number of examples: \`${lead.name}\` has ${lead.dim} and \`${name}\` has ${d0}`, span, label: "different leading dimensions" });
        return undefined;
      }
    }
    return { ...r, dataset: true };
  }
}

function leadingDim(r: RecordType): number | string | undefined {
  for (const t of r.fields.values()) if (t.k === "tensor" && t.shape && t.shape.dims.length) return typeof t.shape.dims[0] === "number" ? t.shape.dims[0] : "sym";
  return undefined;
}

function withLeading(r: RecordType, n: number | undefined): RecordType {
  const fields = new Map<string, Type>();
  for (const [k, t] of r.fields) {
    if (t.k === "tensor" && t.shape && t.shape.dims.length) fields.set(k, { ...t, shape: { rest: null, dims: [n ?? { sym: "n" }, ...t.shape.dims.slice(1)] } });
    else fields.set(k, t);
  }
  return { k: "record", fields, dataset: true };
}

function preludeBinding(name: string): Binding | undefined {
  if (Object.prototype.hasOwnProperty.call(builtins, name)) return { name, type: { k: "builtin", name }, bt: BT.Const, kind: "builtin", span: null };
  if (Object.prototype.hasOwnProperty.call(dataLoaders, name)) return { name, type: { k: "builtin", name }, bt: BT.Const, kind: "builtin", span: null };
  const c = preludeConstants[name];
  if (c !== undefined && Object.prototype.hasOwnProperty.call(preludeConstants, name)) return { name, type: c, bt: BT.Const, kind: "builtin", span: null };
  return undefined;
}

/** Size-variable names used in the type annotations inside a body (param, state, let). */
export function bodyDimNames(decl: A.Callable): Set<string> {
  const out = new Map<string, A.Dim>();
  for (const st of decl.body) {
    if (st.kind === "ParamDecl") sizeVarsOf(st.type, out);
    else if ((st.kind === "StateDecl" || st.kind === "Let") && st.type) sizeVarsOf(st.type, out);
  }
  return new Set(out.keys());
}

/**
 * Arithmetic on compile-time sizes whose values are not known yet (`4 * D`, `D / heads` in a
 * generic body) gives a symbolic size, named by the expression, so that it can still size a
 * tensor; two such sizes are equal when they are the same expression.
 */
function symbolicSize(op: A.BinaryOp, a: TensorType, b: TensorType): string | undefined {
  if (!["+", "-", "*", "/"].includes(op)) return undefined;
  const scalar = (t: TensorType) => t.shape !== null && !t.shape.rest && t.shape.dims.length === 0 && t.dtype !== "bool";
  const term = (t: TensorType) => (t.value !== undefined ? String(t.value) : t.sizeVar);
  if (!scalar(a) || !scalar(b)) return undefined;
  const x = term(a);
  const y = term(b);
  if (x === undefined || y === undefined || (a.sizeVar === undefined && b.sizeVar === undefined)) return undefined;
  return `(${x} ${op} ${y})`;
}

function foldBinary(op: A.BinaryOp, a: number | undefined, b: number | undefined): number | undefined {
  if (a === undefined || b === undefined) return undefined;
  switch (op) {
    case "+": return a + b;
    case "-": return a - b;
    case "*": return a * b;
    case "/": return a / b;
    case "%": return a - b * Math.floor(a / b);
    case "^": return Math.pow(a, b);
    case "==": return Number(a === b);
    case "!=": return Number(a !== b);
    case "<": return Number(a < b);
    case "<=": return Number(a <= b);
    case ">": return Number(a > b);
    case ">=": return Number(a >= b);
    default: return undefined;
  }
}

function matmulHelp(a: TensorType, b: TensorType): string | undefined {
  if (!a.shape || !b.shape) return undefined;
  const ad = a.shape.dims;
  const bd = b.shape.dims;
  if (ad.length >= 1 && bd.length >= 2) {
    const k = ad[ad.length - 1]!;
    const n = bd[bd.length - 1]!;
    if (typeof k === "number" ? k === n : typeof n !== "number" && k.sym === n.sym) return "the right operand looks transposed: try `transpose(...)` on it";
  }
  return "in `a @ b` the last dimension of `a` must equal the second-to-last of `b`";
}

export function fieldPath(e: A.Expr): string[] {
  if (e.kind === "Name") return [e.name];
  if (e.kind === "Field") return [...fieldPath(e.object), e.field.name];
  return ["?"];
}

export function typeKey(t: Type): string {
  switch (t.k) {
    case "tensor":
      return `${t.dtype}${t.weak ? "~" : ""}\`${showShape(t.shape)}\`${t.value !== undefined ? `=${t.value}` : ""}${t.sizeVar ? `#${t.sizeVar}` : ""}`;
    case "list":
      return `[${t.items.map(typeKey).join(",")}]`;
    case "record":
      return `{${[...t.fields].map(([k, v]) => `${k}:${typeKey(v)}`).join(",")}}`;
    case "rule":
      return `rule:${t.decl.name.name}:${t.decl.span.start}(${[...t.args].map(([k, v]) => `${k}=${typeKey(v)}`).join(",")})`;
    default:
      return showType(t);
  }
}

export function bodyName(b: BodyKind): string {
  switch (b) {
    case "fn": return "a `fn`";
    case "layer": return "a `layer`";
    case "model": return "a `model`";
    case "optimizer": return "an `optimizer`";
    case "constraint": return "a `constraint`";
    case "experiment": return "an `experiment`";
    case "property": return "a `property`";
    case "top": return "the top level";
  }
}

function kindName(k: Binding["kind"]): string {
  switch (k) {
    case "local": return "a `let` or a parameter of the function";
    case "param": return "a trainable parameter (updated by the optimizer)";
    case "decl": return "a declaration";
    case "builtin": return "a built-in";
    case "size": return "a size variable";
    case "state": return "a state";
    case "update-target": return "the tensor being updated";
  }
}

export function stmtName(s: A.Stmt): string {
  switch (s.kind) {
    case "Let": return "`let`";
    case "ParamDecl": return "`param`";
    case "StateDecl": return "`state`";
    case "Assign": return "`<-`";
    case "ExprStmt": return "an expression";
    case "ModelClause": return "`model`";
    case "DataClause": return "`data`";
    case "EvalClause": return "`eval`";
    case "StepsClause": return "`steps`";
    case "LossClause": return "`loss`";
    case "OptimizerClause": return "`optimizer`";
    case "ConstrainClause": return "`constrain`";
    case "MetricClause": return "`metric`";
    case "ForAll": return "`forall`";
    case "Assert": return "`assert`";
    case "Missing": return "this";
  }
}

/** The span of a statement's first token or so: the smallest span that explains "not here". */
export function stmtHead(s: A.Stmt): Span {
  const kw = stmtName(s).replace(/`/g, "");
  return { file: s.span.file, start: s.span.start, end: Math.min(s.span.end, s.span.start + (kw.length > 0 && kw !== "an expression" ? kw.length : s.span.end - s.span.start)) };
}

function stmtHelp(s: A.Stmt): string | undefined {
  switch (s.kind) {
    case "ModelClause": case "DataClause": case "EvalClause": case "StepsClause": case "LossClause":
    case "OptimizerClause": case "ConstrainClause": case "MetricClause":
      return "this clause belongs in an `experiment`";
    case "ForAll": case "Assert":
      return "this belongs in a `property`";
    default:
      return undefined;
  }
}

export { REST };
