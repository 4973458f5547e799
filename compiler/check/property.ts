// Properties: `forall` generators, `where` filters, `let`s and `assert`s, checked in order.
// Generated tensors have symbolic sizes (`f32[N]`: N is drawn per case and shared between
// generators), so a property is checked for every size at once. `update(opt, p, g)` and
// `updates(opt, p, gs)` apply an optimizer from fresh state; its body is checked for `p`'s type.

import type * as A from "../ast/nodes.js";
import type { Val } from "./call-context.js";
import type { Checker, Ctx } from "./checker.js";
import { BT, joinBT, type Scope } from "./env.js";
import type { Module } from "./module.js";
import { checkRuleUse, reportRuleUse } from "./rules.js";
import { isFloat, quoteType, unknown, type TensorType, type Type } from "./types.js";
import { Bindings, typeOfTypeExpr } from "./unify.js";
import { shapesEqual } from "./shapes.js";

export function checkProperty(cx: Checker, p: A.Property, module: Module): void {
  const scope = cx.rootScope(module).child();
  const ctx: Ctx = { body: "property", module, bindings: new Bindings(), collector: null, paramInit: null, instantiating: false };
  let generated = false;
  let asserted = false;
  const previous = cx.specialCall;
  cx.specialCall = (name, e, sc, c) => (name === "update" || name === "updates") && sc.lookup(name)?.kind === "builtin" ? checkUpdate(cx, name, e, sc, c) : undefined;
  try {
    scope.define({ name: "update", type: { k: "builtin", name: "update" }, bt: BT.Const, kind: "builtin", span: null });
    scope.define({ name: "updates", type: { k: "builtin", name: "updates" }, bt: BT.Const, kind: "builtin", span: null });
    for (const s of p.body) {
      switch (s.kind) {
        case "ForAll":
          generated = true;
          for (const g of s.generators) {
            const t = typeOfTypeExpr(g.type, `...${g.name.name}`);
            if (t.k === "tensor") {
              for (const d of t.shape?.dims ?? []) if (typeof d !== "number" && !scope.lookup(d.sym)) scope.define({ name: d.sym, type: { k: "tensor", dtype: "i32", shape: { rest: null, dims: [] }, weak: false, sizeVar: d.sym }, bt: BT.Const, kind: "size", span: g.type.span });
            }
            if (g.range) {
              const r = cx.expr(g.range, scope, ctx);
              const ok = r.type.k === "list" && r.type.items.length === 2 && r.type.items.every((i) => i.k === "tensor" && i.value !== undefined);
              if (r.type.k !== "unknown" && !ok) cx.report({ code: "LIP3017", message: "a generator range is two constants, e.g. `in [0.01, 100]`", span: g.range.span, label: `found ${quoteType(r.type)}` });
              if (ok && r.type.k === "list") {
                const [lo, hi] = r.type.items.map((i) => (i as TensorType).value!);
                if (lo! > hi!) cx.report({ code: "LIP5007", message: `the range [${lo}, ${hi}] is empty`, span: g.range.span, label: "the low end is above the high end" });
              }
            }
            cx.defineLocal(scope, g.name, t, BT.Tensor, "local");
          }
          if (s.where) expectBool(cx, cx.expr(s.where, scope, ctx), s.where, "`where`");
          break;
        case "Let": {
          const v = cx.expr(s.value, scope, ctx);
          cx.defineLocal(scope, s.name, cx.annotate(s.type, v, s.value.span, module), v.bt, "local");
          break;
        }
        case "Assert": {
          asserted = true;
          expectBool(cx, cx.expr(s.expr, scope, ctx), s.expr, "`assert`");
          for (const o of s.options) {
            const v = cx.expr(o.value, scope, ctx);
            if (o.name === null || !["rtol", "atol"].includes(o.name.name)) {
              cx.report({ code: "LIP2005", message: "`assert` takes only `rtol:` and `atol:` options", span: o.name?.span ?? o.span, label: "unknown option" });
            } else if (v.type.k !== "unknown" && !(v.type.k === "tensor" && v.type.value !== undefined && v.type.value >= 0)) {
              cx.report({ code: "LIP3009", message: `\`${o.name.name}\` must be a non-negative constant`, span: o.value.span, label: `found ${quoteType(v.type)}` });
            }
          }
          break;
        }
        case "Missing":
          break;
        case "ExprStmt":
          cx.expr(s.expr, scope, ctx);
          cx.report({ code: "LIP2013", message: "an expression here has no effect", span: s.span, label: "not asserted", help: "write `assert ...` to check it" });
          break;
        default:
          cx.report({ code: "LIP2013", message: `this statement is not allowed in a \`property\``, span: { ...s.span, end: Math.min(s.span.end, s.span.start + 8) }, label: "not allowed here", help: "a property has `forall`, `let` and `assert`" });
      }
    }
  } finally {
    cx.specialCall = previous;
  }
  if (!asserted && p.body.every((s) => s.kind !== "Missing")) {
    cx.report({ code: "LIP5007", message: `property ${JSON.stringify(p.title.value)} asserts nothing`, span: p.title.span, label: "no `assert`", help: "add `assert <condition>`" });
  }
  void generated;
}

function expectBool(cx: Checker, v: Val, e: A.Expr, what: string): void {
  if (v.type.k === "unknown") return;
  if (v.type.k !== "tensor" || v.type.dtype !== "bool") {
    cx.report({ code: "LIP3013", message: `${what} needs a bool condition, found ${quoteType(v.type)}`, span: e.span, label: `this is ${quoteType(v.type)}`, help: "compare values, e.g. `a ~= b` or `all(x >= 0)`" });
  }
}

function checkUpdate(cx: Checker, name: string, e: A.Call, scope: Scope, ctx: Ctx): Val {
  const third = name === "update" ? "g" : "gs";
  const { args } = cx.checkArgs([{ name: "opt", optional: false }, { name: "p", optional: false }, { name: third, optional: true }], e, `\`${name}\``, scope, ctx);
  const opt = args.get("opt");
  const p = args.get("p");
  const g = args.get(third);
  const bt = joinBT(BT.Tensor, ...[...args.values()].map((a) => a.bt));
  if (!opt || !p) return { type: unknown, bt };
  if (opt.type.k !== "unknown" && opt.type.k !== "rule") {
    cx.report({ code: "LIP2014", message: `\`${name}\` needs an optimizer such as \`adam(lr: 0.1)\` or a constraint, found ${quoteType(opt.type)}`, span: opt.span, label: "not an optimizer or constraint" });
    return { type: unknown, bt };
  }
  if (p.type.k === "unknown" || opt.type.k !== "rule") return { type: p.type, bt };
  if (p.type.k !== "tensor" || !isFloat(p.type.dtype)) {
    cx.report({ code: "LIP3007", message: `the parameter given to \`${name}\` must be a float tensor, found ${quoteType(p.type)}`, span: p.span, label: "not a float tensor" });
    return { type: unknown, bt };
  }
  const isOpt = opt.type.decl.kind === "Optimizer";
  if (isOpt && !g) {
    cx.report({ code: "LIP2007", message: `\`${name}\` of an optimizer needs the gradient${name === "update" ? "" : "s"}: \`${name}(opt, p, ${third})\``, span: e.span, label: `missing \`${third}\`` });
    return { type: unknown, bt };
  }
  if (!isOpt) {
    if (name === "update" && g) cx.report({ code: "LIP2006", message: "`update` of a constraint takes the tensor only: `update(c, w)`", span: g.span, label: "unexpected argument" });
    if (name === "updates" && !(g && g.type.k === "tensor" && g.type.value !== undefined && Number.isInteger(g.type.value) && g.type.value >= 0)) {
      cx.report({ code: "LIP3009", message: "`updates` of a constraint takes the number of projections, a compile-time integer: `updates(c, w, 10)`", span: g?.span ?? e.span, label: "not a compile-time integer" });
    }
  } else if (g) {
    const gType: Type = g.type;
    if (gType.k !== "tensor") {
      cx.report({ code: "LIP3007", message: `the gradient given to \`${name}\` must be a tensor, found ${quoteType(gType)}`, span: g.span, label: "not a tensor" });
      return { type: unknown, bt };
    }
    const gradShape = name === "update" ? gType.shape : gType.shape && !gType.shape.rest ? { rest: null, dims: gType.shape.dims.slice(1) } : null;
    if (!shapesEqual(gradShape, p.type.shape) || (gType.dtype !== p.type.dtype && !gType.weak)) {
      cx.report({
        code: "LIP3007",
        message: name === "update" ? `the gradient must have the parameter's type ${quoteType(p.type)}, found ${quoteType(gType)}` : `\`gs\` must stack gradients of the parameter's type ${quoteType(p.type)} along a leading step dimension, found ${quoteType(gType)}`,
        span: g.span,
        label: `this is ${quoteType(gType)}`,
        secondary: [{ span: p.span, text: `the parameter is ${quoteType(p.type)}` }],
      });
    }
  }
  const module = cx.moduleOf(cx.moduleOfDecl(opt.type.decl));
  if (module) {
    const argBT = new Map<string, BT>();
    for (const k of opt.type.args.keys()) argBT.set(k, BT.Run);
    const args2 = new Map(opt.type.args);
    if (!isOpt) args2.delete(opt.type.decl.params[0]?.name.name ?? "");
    const diags = checkRuleUse(cx, opt.type.decl, module, { target: p.type, args: args2, argBT });
    reportRuleUse(cx, opt.type.decl, opt.span, `a tensor of type ${quoteType(p.type)}`, diags);
  }
  return { type: { ...p.type, value: undefined, weak: false }, bt };
}
