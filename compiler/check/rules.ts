// Optimizers and constraints: update rules for one parameter tensor, with synchronous
// semantics. An optimizer sees `param`, `grad`, `t` (1-based update count) and `step`; it must
// give `param` its next value exactly once. A constraint sees its first parameter (the tensor it
// projects) and may replace it with `<-`. Both may keep `state` per parameter.
//
// A rule is checked once generically (the parameter has any shape, `f32[...]`), and again for
// each parameter type it is applied to in an experiment or a property.

import type * as A from "../ast/nodes.js";
import type { Span } from "../diag/span.js";
import type { Val } from "./call-context.js";
import { Checker, bodyName, stmtHead, stmtName, typeKey, type Ctx } from "./checker.js";
import { BT, joinBT, Scope } from "./env.js";
import { checkInDependencyOrder, type Definition } from "./simultaneous.js";
import { i32Scalar, quoteType, unknown, type TensorType, type Type } from "./types.js";
import { Bindings, bindPattern, sizeVarsOf, typeOfTypeExpr } from "./unify.js";
import type { Module } from "./module.js";
import { diagnostic, type Diagnostic } from "../diag/diagnostic.js";

/** The generic parameter type: a float tensor of any shape. */
export const anyParam: TensorType = { k: "tensor", dtype: "f32", shape: { rest: { rest: "...param" }, dims: [] }, weak: false };

export interface RuleUse {
  /** The type of the tensor being updated or projected. */
  readonly target: TensorType;
  /** Hyperparameter types by name (absent: the default, or unknown when checking generically). */
  readonly args: ReadonlyMap<string, Type>;
  readonly argBT: ReadonlyMap<string, BT>;
}

const cache = new WeakMap<Checker, Map<string, Diagnostic[]>>();

/**
 * Checks a rule body for one use and returns the diagnostics it produced (instantiations do not
 * report directly: the caller wraps them, pointing at the use).
 */
export function checkRuleUse(cx: Checker, decl: A.UpdateRule, module: Module, use: RuleUse): Diagnostic[] {
  let memo = cache.get(cx);
  if (!memo) cache.set(cx, (memo = new Map()));
  const key = `${module.path}:${decl.span.start}|${typeKey(use.target)}|${[...use.args].map(([k, v]) => `${k}=${typeKey(v)}`).join(",")}`;
  const hit = memo.get(key);
  if (hit) return hit;
  const buffer = cx.collect(() => checkRuleBody(cx, decl, module, use, true));
  memo.set(key, buffer);
  return buffer;
}

export function checkRuleGeneric(cx: Checker, decl: A.UpdateRule, module: Module): void {
  checkRuleBody(cx, decl, module, { target: anyParam, args: new Map(), argBT: new Map() }, false);
}

function checkRuleBody(cx: Checker, decl: A.UpdateRule, module: Module, use: RuleUse, instantiating: boolean): void {
  const scope = cx.rootScope(module).child();
  const isOpt = decl.kind === "Optimizer";
  const bindings = new Bindings();
  const ctx: Ctx = { body: isOpt ? "optimizer" : "constraint", module, bindings, collector: null, paramInit: null, instantiating };
  let targetName = "param";
  let targetSpan: Span | null = null;
  let targetType: TensorType = use.target;
  const params = decl.params;
  if (!isOpt) {
    const first = params[0];
    if (!first) {
      cx.report({ code: "LIP2007", message: `constraint \`${decl.name.name}\` needs a first parameter: the tensor it constrains`, span: decl.name.span, label: "no parameters", help: `e.g. \`constraint ${decl.name.name}(w: f32[M, N], bound = 1.0) { ... }\`` });
      return;
    }
    targetName = first.name.name;
    targetSpan = first.name.span;
    if (first.type) {
      const pattern = typeOfTypeExpr(first.type);
      if (instantiating) {
        const err = bindPattern(pattern, use.target, bindings, null);
        if (err) {
          cx.report({ code: "LIP3007", message: `constraint \`${decl.name.name}\` cannot constrain ${quoteType(use.target)}: ${err.message}`, span: first.type.span, label: "the constrained tensor must fit this type" });
          return;
        }
      } else if (pattern.k === "tensor") targetType = pattern;
    }
    // size variables of the signature are ints in the body
    for (const [name, dim] of sizeVarsOf(first.type)) {
      const bound = bindings.dims.get(name)?.dim;
      scope.define({ name, type: typeof bound === "number" ? { ...i32Scalar, value: bound } : { ...i32Scalar, sizeVar: bound ? bound.sym : name }, bt: BT.Const, kind: "size", span: dim.span });
    }
  }
  scope.define({ name: targetName, type: targetType, bt: BT.Tensor, kind: "update-target", span: targetSpan });
  if (isOpt) {
    scope.define({ name: "grad", type: { ...targetType }, bt: BT.Tensor, kind: "local", span: null });
    scope.define({ name: "t", type: i32Scalar, bt: BT.Step, kind: "local", span: null });
    // the L2 norm of the gradients of all parameters together (for global-norm clipping)
    scope.define({ name: "global_grad_norm", type: { ...i32Scalar, dtype: "f32" }, bt: BT.Tensor, kind: "local", span: null });
  }
  scope.define({ name: "step", type: i32Scalar, bt: BT.Step, kind: "local", span: null });
  for (const p of isOpt ? params : params.slice(1)) {
    const given = use.args.get(p.name.name);
    let v: Val;
    if (given !== undefined) v = { type: given, bt: use.argBT.get(p.name.name) ?? BT.Run };
    else if (p.default) v = cx.expr(p.default, cx.rootScope(module), { ...cx.topCtx(module), instantiating: true });
    else v = { type: unknown, bt: BT.Run };
    let t = v.type;
    if (p.type) {
      const pattern = typeOfTypeExpr(p.type);
      if (given !== undefined) {
        const err = bindPattern(pattern, given, bindings, null);
        if (err) cx.report({ code: "LIP3007", message: `wrong argument \`${p.name.name}\` for ${decl.kind.toLowerCase()} \`${decl.name.name}\`: ${err.message}`, span: p.type.span, label: "declared here" });
      } else t = pattern;
    }
    scope.define({ name: p.name.name, type: t, bt: joinBT(BT.Run, v.bt), kind: "local", span: p.name.span });
  }
  simultaneousRuleBody(cx, decl, scope, ctx, { name: targetName, type: targetType, span: targetSpan });
}

function simultaneousRuleBody(cx: Checker, decl: A.UpdateRule, scope: Scope, ctx: Ctx, target: { name: string; type: TensorType; span: Span | null }): void {
  const states = new Map<string, A.StateDecl>();
  const assigns: A.Assign[] = [];
  const defs: Definition[] = [];
  for (const s of decl.body) {
    switch (s.kind) {
      case "StateDecl": {
        const v = cx.expr(s.init, scope, ctx);
        const t = cx.annotate(s.type, v, s.init.span, ctx.module);
        cx.defineLocal(scope, s.name, t, joinBT(BT.Step, v.bt), "state");
        states.set(s.name.name, s);
        break;
      }
      case "Let":
        defs.push({ name: s.name.name, nameSpan: s.name.span, value: s.value, define: (v) => scope.define({ name: s.name.name, type: cx.annotate(s.type, v, s.value.span, ctx.module), bt: v.bt, kind: "local", span: s.name.span }) });
        break;
      case "Assign":
        assigns.push(s);
        break;
      case "Missing":
        break;
      case "ParamDecl":
        cx.report({ code: "LIP4005", message: `\`param\` declarations are not allowed in ${bodyName(ctx.body)}`, span: stmtHead(s), label: "not allowed here", help: ctx.body === "optimizer" ? "inside an optimizer `param` is the parameter being updated: assign it with `param <- ...`" : undefined });
        break;
      default:
        cx.report({ code: "LIP2013", message: `${stmtName(s)} is not allowed in ${bodyName(ctx.body)}`, span: stmtHead(s), label: "not allowed here", help: s.kind === "ExprStmt" ? `an ${ctx.body} has no result; assign the next value with \`${target.name} <- ...\`` : undefined });
    }
  }
  const seenLets = new Map<string, Span>();
  for (const d of defs) {
    const prev = seenLets.get(d.name) ?? states.get(d.name)?.name.span;
    if (prev) {
      cx.report({ code: "LIP2003", message: `\`${d.name}\` is defined twice in this body`, span: d.nameSpan, label: "defined again here", secondary: [{ span: prev, text: "first defined here" }] });
    }
    seenLets.set(d.name, d.nameSpan);
  }
  checkInDependencyOrder(cx, defs.filter((d, i) => defs.findIndex((e) => e.name === d.name) === i && !states.has(d.name)), scope, ctx);
  const assigned = cx.checkAssignments(assigns, states, scope, ctx, target);
  if (decl.kind === "Optimizer" && !assigned.has("param") && decl.body.every((s) => s.kind !== "Missing")) {
    cx.report({ code: "LIP4006", message: `optimizer \`${decl.name.name}\` never assigns \`param\``, span: decl.name.span, label: "no `param <- ...` in this optimizer", help: "give the parameter its next value, e.g. `param <- param - lr * grad`" });
  }
}

/** Wraps a rule's diagnostics for one use so that they point at the use. */
export function reportRuleUse(cx: Checker, decl: A.UpdateRule, span: Span, forWhat: string, inner: Diagnostic[]): void {
  if (inner.length === 0) return;
  const first = inner[0]!;
  cx.report(diagnostic({
    code: first.code as never,
    message: `${first.message} (in ${decl.kind.toLowerCase()} \`${decl.name.name}\` applied to ${forWhat})`,
    span,
    label: `applied to ${forWhat} here`,
    secondary: [{ span: first.primary.span, text: first.primary.text || "here" }, ...first.secondary],
    notes: [...first.notes, ...(inner.length > 1 ? [`and ${inner.length - 1} more error${inner.length > 2 ? "s" : ""}`] : [])],
    help: first.help,
  }));
}
