// Experiments: the synchronous dataflow program over the step clock. Checks the clauses (each
// required one present once), binds the model's inputs to the batch fields by name, collects
// the model's parameters (with their names), checks every stream in dependency order, applies
// the optimizer and constraints to each parameter's type, and classifies every named stream by
// binding time (const, run, step, tensor) for the later stages.

import type * as A from "../ast/nodes.js";
import type { Span } from "../diag/span.js";
import type { CheckedArg, Val } from "./call-context.js";
import { bodyName, type Checker, type Ctx } from "./checker.js";
import { BT, btNames, joinBT, type Scope } from "./env.js";
import type { Module } from "./module.js";
import { ParamCollector, type CollectedParam } from "./names.js";
import { checkRuleUse, reportRuleUse } from "./rules.js";
import { checkInDependencyOrder, type Definition } from "./simultaneous.js";
import { i32Scalar, isFloat, isScalar, showShape, showType, quoteType, unknown, type RecordType, type TensorType, type Type } from "./types.js";
import { Bindings } from "./unify.js";
import { suggestionHelp } from "./suggest-help.js";

export interface StreamInfo {
  readonly name: string;
  readonly kind: "let" | "state" | "metric" | "loss" | "hyper";
  readonly type: Type;
  readonly bt: (typeof btNames)[number];
}

export interface ExperimentInfo {
  readonly name: string;
  readonly model: string | null;
  readonly params: readonly CollectedParam[];
  readonly batch: ReadonlyMap<string, Type>;
  readonly streams: readonly StreamInfo[];
}

type Clause = Exclude<A.Stmt["kind"], "Let" | "StateDecl" | "Assign" | "ExprStmt" | "ParamDecl" | "ForAll" | "Assert" | "Missing">;
const required: Clause[] = ["ModelClause", "DataClause", "StepsClause", "LossClause", "OptimizerClause"];
const single: Clause[] = ["ModelClause", "DataClause", "EvalClause", "StepsClause", "LossClause", "OptimizerClause"];
const clauseWord: Record<Clause, string> = {
  ModelClause: "model", DataClause: "data", EvalClause: "eval", StepsClause: "steps", LossClause: "loss",
  OptimizerClause: "optimizer", ConstrainClause: "constrain", MetricClause: "metric",
};

export function checkExperiment(cx: Checker, x: A.Experiment, module: Module): ExperimentInfo {
  const scope = cx.rootScope(module).child();
  const ctx: Ctx = { body: "experiment", module, bindings: new Bindings(), collector: null, paramInit: null, instantiating: false };
  const clauses = new Map<Clause, A.Stmt>();
  for (const s of x.body) {
    const k = s.kind as Clause;
    if (!(k in clauseWord)) continue;
    if (single.includes(k) && clauses.has(k)) {
      cx.report({ code: "LIP5002", message: `\`${clauseWord[k]}\` is given twice in experiment \`${x.name.name}\``, span: headSpan(s, clauseWord[k]), label: "given again here", secondary: [{ span: headSpan(clauses.get(k)!, clauseWord[k]), text: "first given here" }] });
      continue;
    }
    if (!clauses.has(k)) clauses.set(k, s);
  }
  const missing = required.filter((k) => !clauses.has(k));
  if (missing.length && x.body.every((s) => s.kind !== "Missing")) {
    cx.report({ code: "LIP5001", message: `experiment \`${x.name.name}\` has no ${missing.map((k) => `\`${clauseWord[k]}\``).join(", ")} clause${missing.length > 1 ? "s" : ""}`, span: x.name.span, label: "incomplete experiment", help: `an experiment needs ${required.map((k) => `\`${clauseWord[k]}\``).join(", ")}` });
  }
  const streams: StreamInfo[] = [];
  const define = (name: string, type: Type, bt: BT, span: Span | null, kind: "local" | "state" = "local") => scope.define({ name, type, bt, kind, span });

  // steps: a compile-time integer, in scope as `steps`
  const stepsClause = clauses.get("StepsClause") as A.StepsClause | undefined;
  if (stepsClause) {
    const v = cx.expr(stepsClause.value, scope, ctx);
    const n = v.type.k === "tensor" ? v.type.value : undefined;
    if (v.type.k !== "unknown" && (n === undefined || !Number.isInteger(n) || n < 0)) {
      cx.report({ code: "LIP3009", message: "`steps` must be a non-negative compile-time integer", span: stepsClause.value.span, label: n === undefined ? "not known at compile time" : `this is ${n}` });
    }
    define("steps", { ...i32Scalar, value: n, weak: true }, BT.Run, null);
  }
  define("step", i32Scalar, BT.Step, null);

  // data: the batch fields come into scope
  const batch = new Map<string, Type>();
  const dataClause = clauses.get("DataClause") as A.DataClause | undefined;
  let dataRecord: RecordType | undefined;
  if (dataClause) {
    const v = cx.expr(dataClause.source, scope, ctx);
    dataRecord = expectDataset(cx, v, dataClause.source.span);
    const opts = checkOptions(cx, dataClause.options, ["batch", "shuffle", "seed", "drop_last"], "data", scope, ctx);
    const b = opts.get("batch");
    let batchSize: number | undefined;
    if (b) {
      const n = b.type.k === "tensor" ? b.type.value : undefined;
      if (n === undefined || !Number.isInteger(n) || n <= 0) cx.report({ code: "LIP3009", message: "`batch` must be a positive compile-time integer", span: b.span, label: n === undefined ? "not known at compile time" : `this is ${n}` });
      else batchSize = n;
    }
    const sh = opts.get("shuffle");
    if (sh && !(sh.type.k === "tensor" && sh.type.dtype === "bool")) cx.report({ code: "LIP3004", message: `\`shuffle\` must be \`true\` or \`false\`, found ${quoteType(sh.type)}`, span: sh.span, label: "not a bool" });
    if (dataRecord?.open) define("$open-data", unknown, BT.Tensor, null);
    if (dataRecord) {
      for (const [name, t] of dataRecord.fields) {
        const bt: Type = t.k === "tensor" && t.shape ? { ...t, shape: { rest: null, dims: [batchSize ?? { sym: "B" }, ...t.shape.dims.slice(1)] } } : t;
        batch.set(name, bt);
        define(name, bt, BT.Tensor, null);
      }
    }
  }

  // model: inputs bound by name to the batch fields; parameters collected with their names
  const modelClause = clauses.get("ModelClause") as A.ModelClause | undefined;
  let params: CollectedParam[] = [];
  let modelName: string | null = null;
  let out: Val = { type: unknown, bt: BT.Tensor };
  if (modelClause) {
    const r = checkModelClause(cx, modelClause, batch, dataRecord, scope, ctx);
    if (r) {
      params = r.params;
      modelName = r.name;
      out = r.out;
      scope.define({ name: `$params:${r.name}`, type: { k: "paramtree", path: r.name, members: params.map((p) => ({ name: p.name, type: p.type })) }, bt: BT.Tensor, kind: "local", span: null });
    }
  }
  define("out", out.type, BT.Tensor, modelClause?.span ?? null);

  // streams: lets, metrics, loss (same-step, in dependency order) and states
  const defs: Definition[] = [];
  const states = new Map<string, A.StateDecl>();
  const assigns: A.Assign[] = [];
  const names = new Map<string, Span>();
  const claim = (name: string, span: Span): boolean => {
    const prev = names.get(name);
    const reserved = ["out", "step", "steps", ...batch.keys()].includes(name);
    if (prev || reserved) {
      cx.report({ code: "LIP2003", message: reserved ? `\`${name}\` is already defined by the experiment` : `\`${name}\` is defined twice in experiment \`${x.name.name}\``, span, label: "defined again here", secondary: prev ? [{ span: prev, text: "first defined here" }] : [], help: reserved ? `\`${name}\` is ${name === "out" ? "the model's output" : name === "step" ? "the step counter" : name === "steps" ? "the number of steps" : "a field of the training batch"}; choose another name` : undefined });
      return false;
    }
    names.set(name, span);
    return true;
  };
  const lossClause = clauses.get("LossClause") as A.LossClause | undefined;
  if (lossClause) {
    names.set("loss", headSpan(lossClause, "loss"));
    defs.push({
      name: "loss",
      nameSpan: headSpan(lossClause, "loss"),
      value: lossClause.value,
      define: (v) => {
        if (v.type.k !== "unknown" && !(isScalar(v.type) && isFloat(v.type.dtype))) {
          cx.report({ code: "LIP5003", message: `the loss must be a float scalar, found ${quoteType(v.type)}`, span: lossClause.value.span, label: `this is ${quoteType(v.type)}`, help: v.type.k === "tensor" && v.type.shape && v.type.shape.dims.length > 0 ? "reduce it, e.g. with `mean(...)`" : undefined });
        }
        define("loss", isScalar(v.type) ? v.type : { ...i32Scalar, dtype: "f32" }, BT.Tensor, lossClause.span);
        streams.push({ name: "loss", kind: "loss", type: v.type, bt: btNames[BT.Tensor] });
      },
    });
  }
  for (const s of x.body) {
    if (s.kind === "Let") {
      if (!claim(s.name.name, s.name.span)) continue;
      defs.push({
        name: s.name.name,
        nameSpan: s.name.span,
        value: s.value,
        define: (v) => {
          const t = cx.annotate(s.type, v, s.value.span, module);
          // a constant `let` of an experiment is a hyperparameter: fixed for a run, overridable with --set
          const bt = v.bt === BT.Const ? BT.Run : v.bt;
          define(s.name.name, t, bt, s.name.span);
          streams.push({ name: s.name.name, kind: v.bt === BT.Const ? "hyper" : "let", type: t, bt: btNames[bt] });
        },
      });
    } else if (s.kind === "MetricClause") {
      if (!claim(s.name.name, s.name.span)) continue;
      if (s.every) checkEvery(cx, s.every, scope, ctx);
      defs.push({
        name: s.name.name,
        nameSpan: s.name.span,
        value: s.value,
        define: (v) => {
          if (v.type.k !== "unknown" && !isScalar(v.type)) {
            cx.report({ code: "LIP3015", message: `a metric must be a scalar, found ${quoteType(v.type)}`, span: s.value.span, label: `this is ${quoteType(v.type)}`, help: "reduce it, e.g. with `mean(...)`" });
          }
          define(s.name.name, v.type, v.bt, s.name.span);
          streams.push({ name: s.name.name, kind: "metric", type: v.type, bt: btNames[v.bt] });
        },
      });
    } else if (s.kind === "StateDecl") {
      if (!claim(s.name.name, s.name.span)) continue;
      states.set(s.name.name, s);
    } else if (s.kind === "Assign") assigns.push(s);
    else if (!(s.kind in clauseWord) && s.kind !== "Missing") {
      cx.report({ code: "LIP2013", message: `${s.kind === "ExprStmt" ? "an expression" : `\`${s.kind === "ParamDecl" ? "param" : s.kind === "ForAll" ? "forall" : "assert"}\``} is not allowed in ${bodyName("experiment")}`, span: s.kind === "ExprStmt" ? s.span : headSpan(s, s.kind === "ParamDecl" ? "param" : s.kind === "ForAll" ? "forall" : "assert"), label: "not allowed here", help: s.kind === "ExprStmt" ? "name it: `let name = ...` or `metric name = ...`" : s.kind === "ParamDecl" ? "parameters belong in a `layer` or `model`" : "this belongs in a `property`" });
    }
  }
  // state initial values first: they cannot depend on same-step values
  for (const s of states.values()) {
    const v = cx.expr(s.init, scope, ctx);
    const t = cx.annotate(s.type, v, s.init.span, module);
    define(s.name.name, t, BT.Step, s.name.span, "state");
  }
  checkInDependencyOrder(cx, defs, scope, ctx);
  cx.checkAssignments(assigns, states, scope, ctx, null);
  // a state's binding time is that of its next value (at least step)
  for (const s of states.values()) {
    const a = assigns.find((x) => x.target.name === s.name.name);
    const bt = joinBT(BT.Step, a ? (cx.facts.bindingTimes.get(a.value) ?? BT.Step) : BT.Step, cx.facts.bindingTimes.get(s.init) ?? BT.Const);
    const t = scope.lookup(s.name.name)?.type ?? unknown;
    streams.push({ name: s.name.name, kind: "state", type: t, bt: btNames[bt] });
  }

  // optimizer: applied to every parameter
  const optClause = clauses.get("OptimizerClause") as A.OptimizerClause | undefined;
  if (optClause) checkOptimizerClause(cx, optClause, params, modelName, scope, ctx);
  for (const s of x.body) if (s.kind === "ConstrainClause") checkConstrainClause(cx, s, scope, ctx);

  const evalClause = clauses.get("EvalClause") as A.EvalClause | undefined;
  if (evalClause) {
    const v = cx.expr(evalClause.source, scope, ctx);
    const rec = expectDataset(cx, v, evalClause.source.span);
    if (rec && dataRecord) {
      for (const [name, t] of dataRecord.fields) {
        const et = rec.fields.get(name);
        if (!et && !rec.open) {
          cx.report({ code: "LIP5005", message: `the evaluation data has no field \`${name}\`, which the training data has`, span: evalClause.source.span, label: `fields: ${[...rec.fields.keys()].join(", ")}` });
        } else if (et && et.k === "tensor" && t.k === "tensor" && et.shape && t.shape) {
          const a = showShape({ rest: null, dims: et.shape.dims.slice(1) });
          const b = showShape({ rest: null, dims: t.shape.dims.slice(1) });
          if (a !== b || et.dtype !== t.dtype) cx.report({ code: "LIP5005", message: `field \`${name}\` of the evaluation data is ${quoteType(et)}, but in the training data it is ${quoteType(t)}`, span: evalClause.source.span, label: "the examples must have one shape" });
        }
      }
    }
    if (evalClause.every) checkEvery(cx, evalClause.every, scope, ctx);
    checkOptions(cx, evalClause.options, ["batch"], "eval", scope, ctx);
  }
  return { name: x.name.name, model: modelName, params, batch, streams };
}

function headSpan(s: A.Stmt, word: string): Span {
  return { file: s.span.file, start: s.span.start, end: Math.min(s.span.end, s.span.start + word.length) };
}

function expectDataset(cx: Checker, v: Val, span: Span): RecordType | undefined {
  if (v.type.k === "unknown") return undefined;
  if (v.type.k !== "record") {
    cx.report({ code: "LIP5005", message: `expected a data set, found ${quoteType(v.type)}`, span, label: "not a data set", help: "declare one with `data name = ...` at the top level" });
    return undefined;
  }
  return v.type;
}

function checkEvery(cx: Checker, e: A.Expr, scope: Scope, ctx: Ctx): void {
  const v = cx.expr(e, scope, ctx);
  const n = v.type.k === "tensor" ? v.type.value : undefined;
  if (v.type.k !== "unknown" && (n === undefined || !Number.isInteger(n) || n <= 0)) {
    cx.report({ code: "LIP3009", message: "`every` takes a positive compile-time integer (a number of steps)", span: e.span, label: n === undefined ? "not known at compile time" : `this is ${n}` });
  }
}

function checkOptions(cx: Checker, options: readonly A.Arg[], allowed: string[], clause: string, scope: Scope, ctx: Ctx): Map<string, CheckedArg> {
  const out = new Map<string, CheckedArg>();
  for (const o of options) {
    const v = cx.expr(o.value, scope, ctx);
    if (o.name === null) continue;
    if (!allowed.includes(o.name.name)) {
      cx.report({ code: "LIP2005", message: `\`${clause}\` has no option \`${o.name.name}\``, span: o.name.span, label: "unknown option", help: suggestionHelp(o.name.name, allowed, (s) => `did you mean \`${s}\`?`) ?? `the options are ${allowed.map((a) => `\`${a}\``).join(", ")}` });
      continue;
    }
    out.set(o.name.name, { ...v, span: o.value.span, expr: o.value });
  }
  return out;
}

function checkModelClause(cx: Checker, c: A.ModelClause, batch: Map<string, Type>, data: RecordType | undefined, scope: Scope, ctx: Ctx): { name: string; params: CollectedParam[]; out: Val } | undefined {
  if (c.model.kind !== "Name") {
    cx.report({ code: "LIP2014", message: "`model` takes the name of a model declared with `model name(...) { ... }`", span: c.model.span, label: "not a model name" });
    return undefined;
  }
  const b = scope.lookup(c.model.name);
  if (!b) {
    cx.unknownName(c.model.name, c.model.span, scope, ctx, "model");
    return undefined;
  }
  if (b.type.k === "unknown") return undefined;
  if (b.type.k !== "decl" || (b.type.decl.kind !== "Model" && b.type.decl.kind !== "Layer")) {
    cx.report({ code: "LIP2014", message: `\`${c.model.name}\` is not a model: it is ${quoteType(b.type)}`, span: c.model.span, label: "expected a model", secondary: b.span ? [{ span: b.span, text: "declared here" }] : [] });
    return undefined;
  }
  const decl = b.type.decl;
  const declModule = cx.moduleOf(b.type.module) ?? ctx.module;
  const args = new Map<string, CheckedArg>();
  for (const p of decl.params) {
    const t = batch.get(p.name.name);
    if (t) {
      args.set(p.name.name, { type: t, bt: BT.Tensor, span: c.model.span, expr: c.model });
      continue;
    }
    if (p.default) continue;
    if (data?.open) continue;
    cx.report({
      code: "LIP5004",
      message: `input \`${p.name.name}\` of model \`${decl.name.name}\` is not a field of the training data`,
      span: c.model.span,
      label: `the batch has ${[...batch.keys()].map((k) => `\`${k}\``).join(", ") || "no fields"}`,
      secondary: [{ span: p.name.span, text: "this input" }],
      help: suggestionHelp(p.name.name, batch.keys(), (s) => `rename the input to \`${s}\`, the name of the data field`) ?? "model inputs are bound to data fields by name",
    });
    return undefined;
  }
  const collector = new ParamCollector();
  const call: A.Call = { kind: "Call", callee: c.model, args: [], span: c.model.span };
  const out = cx.collectModel(decl, declModule, call, args, { ...ctx, collector });
  return { name: decl.name.name, params: collector.params, out };
}

function checkOptimizerClause(cx: Checker, c: A.OptimizerClause, params: readonly CollectedParam[], modelName: string | null, scope: Scope, ctx: Ctx): void {
  const v = c.value.kind === "Name" ? nameAsInstance(cx, c.value, scope, ctx) : cx.expr(c.value, scope, ctx);
  if (v.type.k === "unknown") return;
  if (v.type.k !== "rule" || v.type.decl.kind !== "Optimizer") {
    cx.report({ code: "LIP2014", message: `\`optimizer\` needs an optimizer such as \`adamw(lr: 1e-3)\`, found ${quoteType(v.type)}`, span: c.value.span, label: "not an optimizer" });
    return;
  }
  const rule = v.type;
  const module = cx.moduleOf(cx.moduleOfDecl(rule.decl)) ?? ctx.module;
  const argBT = argTimes(cx, c.value);
  const seen = new Set<string>();
  for (const p of params) {
    const key = showType(p.type);
    if (seen.has(key)) continue;
    seen.add(key);
    const diags = checkRuleUse(cx, rule.decl, module, { target: p.type, args: rule.args, argBT });
    reportRuleUse(cx, rule.decl, c.value.span, `\`${modelName}.${p.name}\`: ${quoteType(p.type)}`, diags);
  }
}

function nameAsInstance(cx: Checker, n: A.Name, scope: Scope, ctx: Ctx): Val {
  const v = cx.expr(n, scope, ctx);
  if (v.type.k === "decl" && (v.type.decl.kind === "Optimizer" || v.type.decl.kind === "Constraint")) {
    const missing = v.type.decl.params.filter((p, i) => p.default === null && !(v.type.k === "decl" && v.type.decl.kind === "Constraint" && i === 0));
    if (missing.length) {
      cx.report({ code: "LIP2007", message: `${v.type.decl.kind.toLowerCase()} \`${n.name}\` needs ${missing.map((m) => `\`${m.name.name}\``).join(", ")}`, span: n.span, label: "call it with its arguments", help: `e.g. \`${n.name}(${missing.map((m) => `${m.name.name}: ...`).join(", ")})\`` });
      return { type: unknown, bt: BT.Const };
    }
    return { type: { k: "rule", decl: v.type.decl, args: new Map() }, bt: BT.Const };
  }
  return v;
}

function argTimes(cx: Checker, e: A.Expr): Map<string, BT> {
  const out = new Map<string, BT>();
  if (e.kind !== "Call") return out;
  for (const a of e.args) if (a.name) out.set(a.name.name, cx.facts.bindingTimes.get(a.value) ?? BT.Run);
  return out;
}

function checkConstrainClause(cx: Checker, c: A.ConstrainClause, scope: Scope, ctx: Ctx): void {
  if (c.value.kind !== "Call" || c.value.callee.kind !== "Name") {
    cx.report({ code: "LIP2014", message: "`constrain` needs a constraint applied to parameters, e.g. `spectral_norm(classifier.*.w, bound: 1.0)`", span: c.value.span, label: "not a constraint call" });
    cx.expr(c.value, scope, ctx);
    return;
  }
  const callee = scope.lookup(c.value.callee.name);
  if (!callee) {
    cx.unknownName(c.value.callee.name, c.value.callee.span, scope, ctx, "constraint");
    return;
  }
  if (callee.type.k !== "decl" || callee.type.decl.kind !== "Constraint") {
    if (callee.type.k !== "unknown") cx.report({ code: "LIP2014", message: `\`${c.value.callee.name}\` is not a constraint: it is ${quoteType(callee.type)}`, span: c.value.callee.span, label: "expected a constraint", secondary: callee.span ? [{ span: callee.span, text: "declared here" }] : [] });
    return;
  }
  const decl = callee.type.decl;
  const module = cx.moduleOf(callee.type.module) ?? ctx.module;
  const v = cx.expr(c.value, scope, ctx); // binds the arguments (a rule instance)
  if (v.type.k !== "rule") return;
  const first = decl.params[0];
  if (!first) return;
  const targetArg = c.value.args.find((a) => a.name?.name === first.name.name) ?? c.value.args.find((a) => a.name === null);
  const target = v.type.args.get(first.name.name);
  if (!targetArg || !target) {
    cx.report({ code: "LIP2007", message: `\`constrain ${decl.name.name}(...)\` needs the parameters it applies to`, span: c.value.span, label: `missing \`${first.name.name}\``, help: `e.g. \`constrain ${decl.name.name}(model.*.w)\`` });
    return;
  }
  if (target.k === "unknown") return;
  const members: { name: string; type: TensorType }[] =
    target.k === "params" || target.k === "paramtree" ? [...target.members] :
    target.k === "tensor" && (cx.facts.bindingTimes.get(targetArg.value) ?? BT.Const) === BT.Tensor && targetArg.value.kind === "Field" ? [{ name: "parameter", type: target }] : [];
  if (members.length === 0) {
    cx.report({ code: "LIP2014", message: `a constraint applies to model parameters, found ${quoteType(target)}`, span: targetArg.value.span, label: "not a parameter path", help: "name parameters by path, e.g. `classifier.*.w` or `classifier.h1.w`" });
    return;
  }
  const args = new Map(v.type.args);
  args.delete(first.name.name);
  const argBT = argTimes(cx, c.value);
  for (const m of members) {
    const diags = checkRuleUse(cx, decl, module, { target: m.type, args, argBT });
    reportRuleUse(cx, decl, targetArg.value.span, `\`${m.name}\`: ${quoteType(m.type)}`, diags);
  }
}
