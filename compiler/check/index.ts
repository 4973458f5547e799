// The checker's entry: checks every module the loader reported on. Declarations are checked
// generically first, then experiments and properties (which instantiate them), so that a
// mistake inside a declaration is reported once, at the declaration, and not again per call.

import type * as A from "../ast/nodes.js";
import { Checker, bodyDimNames, type CheckFacts } from "./checker.js";
import { BT } from "./env.js";
import { checkExperiment, type ExperimentInfo } from "./experiment.js";
import type { Loader } from "./loader.js";
import type { Module } from "./module.js";
import { checkProperty } from "./property.js";
import { checkRuleGeneric } from "./rules.js";
import { unknown, type Type } from "./types.js";
import { Bindings, REST, sizeVarsOf, typeOfTypeExpr } from "./unify.js";

export interface CheckedProgram {
  readonly facts: CheckFacts;
  readonly experiments: Map<string, ExperimentInfo>;
}

export function checkModules(loader: Loader): { checker: Checker; program: CheckedProgram } {
  const cx = new Checker(loader);
  const experiments = new Map<string, ExperimentInfo>();
  const modules = [...loader.reported];
  for (const m of modules) checkDeclarations(cx, m, syntaxErrorsIn(loader, m));
  for (const m of modules) {
    const broken = syntaxErrorsIn(loader, m);
    for (const d of m.program.decls) {
      if (isBroken(d, broken)) continue;
      if (d.kind === "Experiment") experiments.set(d.name.name, checkExperiment(cx, d, m));
      else if (d.kind === "Property") checkProperty(cx, d, m);
    }
  }
  return { checker: cx, program: { facts: cx.facts, experiments } };
}

/** Offsets of syntax errors in a module: a declaration that contains one is not checked further. */
function syntaxErrorsIn(loader: Loader, m: Module): number[] {
  return loader.diagnostics.filter((d) => d.code.startsWith("LIP1") && d.primary.span.file === m.path).map((d) => d.primary.span.start);
}

/** Declarations that the parser had to recover in: checking them would only repeat the syntax error. */
function isBroken(d: A.Decl, syntaxErrors: readonly number[]): boolean {
  return syntaxErrors.some((o) => o >= d.span.start && o <= d.span.end);
}

function checkDeclarations(cx: Checker, m: Module, broken: readonly number[]): void {
  for (const d of m.program.decls) {
    if (isBroken(d, broken)) continue;
    switch (d.kind) {
      case "Fn":
      case "Layer":
      case "Model":
        checkCallableGeneric(cx, d, m);
        break;
      case "Optimizer":
      case "Constraint":
        checkParamsAndDefaults(cx, d.params, m);
        checkRuleGeneric(cx, d, m);
        break;
      case "Const":
      case "Data":
        cx.resolveTop(m, d.name.name);
        break;
      default:
        break;
    }
  }
}

/** A fn/layer/model body with its declared types, size variables as symbols. */
function checkCallableGeneric(cx: Checker, d: A.Callable, m: Module): void {
  checkParamsAndDefaults(cx, d.params, m);
  const b = new Bindings();
  const sizeVars = new Map<string, A.Dim>();
  for (const p of d.params) sizeVarsOf(p.type, sizeVars);
  if (d.ret) sizeVarsOf(d.ret, sizeVars);
  for (const name of bodyDimNames(d)) if (!sizeVars.has(name)) sizeVars.set(name, { kind: "DimVar", name, span: d.name.span });
  for (const name of sizeVars.keys()) b.dims.set(name, { dim: { sym: name }, from: null, argSpan: null });
  b.rests.set(REST, { rest: { rest: REST }, dims: [] });
  const types = new Map<string, { type: Type; bt: BT }>();
  for (const p of d.params) {
    let t: Type = p.type ? typeOfTypeExpr(p.type) : unknown;
    if (t.k === "tensor" && p.type?.kind === "NamedType" && p.type.name === "int") t = { ...t, sizeVar: p.name.name }; // an `int` is a compile-time constant: symbolic here
    types.set(p.name.name, { type: t, bt: p.type?.kind === "NamedType" && p.type.name === "int" ? BT.Const : BT.Tensor });
  }
  cx.genericallyChecked.add(d);
  cx.checkCallableBody(d, m, types, b, { collector: null, instantiating: false }, REST);
}

function checkParamsAndDefaults(cx: Checker, params: readonly A.Param[], m: Module): void {
  const seen = new Map<string, A.Ident>();
  for (const p of params) {
    const prev = seen.get(p.name.name);
    if (prev) cx.report({ code: "LIP2003", message: `parameter \`${p.name.name}\` is declared twice`, span: p.name.span, label: "declared again here", secondary: [{ span: prev.span, text: "first declared here" }] });
    seen.set(p.name.name, p.name);
    if (p.default) {
      const v = cx.expr(p.default, cx.rootScope(m), cx.topCtx(m));
      if (p.type) cx.annotate(p.type, v, p.default.span, m);
    }
  }
}
