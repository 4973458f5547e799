// One optimizer update (or one constraint projection) of a single tensor, as IR functions: what
// a property's `update(opt, p, g)` means, and how the optimizer conformance tests drive the Lip
// optimizers of the standard library without an experiment around them.
//   init:   (param) -> the rule's states (their first values, from the parameter)
//   update: (param, grad, step, states...) -> (param.next, <state>.next...)

import type * as A from "../ast/nodes.js";
import { CompilerBug } from "../diag/diagnostic.js";
import type { Checker } from "../check/checker.js";
import type { Module } from "../check/module.js";
import type { DType } from "../ir/dtype.js";
import { IrBuilder } from "../ir/builder.js";
import type { IrFunction } from "../ir/function.js";
import { IrContext } from "../ir/node.js";
import { applyRule, ruleValue } from "./experiment.js";
import { Lowerer, noParams, type Slot } from "./lowerer.js";

export interface LoweredUpdate {
  readonly init: IrFunction;
  readonly update: IrFunction;
  readonly states: readonly string[]; // the rule's state slots, in order (`adamw.m.p`, ...)
}

/** Lowers `ruleExpr` (e.g. `adamw(lr: 0.01)`, in `module`'s scope) applied to a tensor of `shape`. */
export function lowerUpdate(checker: Checker, module: Module, ruleExpr: A.Expr, shape: number[], dtype: DType = "f32"): LoweredUpdate {
  const ctx = new IrContext();
  const b = new IrBuilder(ctx);
  const lw = new Lowerer(b, checker, 0);
  const env = lw.moduleEnv(module).child();
  const rule = ruleValue(lw, ruleExpr, env);
  const param = b.input("p", "param", dtype, shape);
  const step = b.input("step", "step", "i32", []);
  const grad = b.input("grad", "batch", dtype, shape);
  const slot: Slot = { name: "p", kind: "param", input: param, init: param, origin: ruleExpr.span };
  const next = applyRule(lw, rule, slot, rule.decl.kind === "Optimizer" ? { grad, step } : { step });
  const states = lw.slots.filter((s) => s !== slot);
  if (states.some((s) => !s.next)) throw new CompilerBug("a rule state without a next value");
  void noParams;
  return {
    init: { name: "init", inputs: [{ name: "p", node: param }], outputs: states.map((s) => ({ name: s.name, node: s.init })) },
    update: {
      name: "update",
      inputs: [{ name: "p", node: param }, ...(rule.decl.kind === "Optimizer" ? [{ name: "grad", node: grad }] : []), { name: "step", node: step }, ...states.map((s) => ({ name: s.name, node: s.input }))],
      outputs: [{ name: "p.next", node: next }, ...states.map((s) => ({ name: `${s.name}.next`, node: s.next! }))],
    },
    states: states.map((s) => s.name),
  };
}
