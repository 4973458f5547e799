// Bodies with synchronous semantics (optimizer, constraint, experiment): the order of the
// statements is irrelevant. Every `let` may use any other `let`, provided that there is no
// cycle among same-step values (LIP4004); a `state` breaks cycles, because its value is the
// previous step's. We sort the definitions by their dependencies and check them in that order.

import type * as A from "../ast/nodes.js";
import type { Span } from "../diag/span.js";
import type { Val } from "./call-context.js";
import type { Checker, Ctx } from "./checker.js";
import { BT, type Scope } from "./env.js";
import { unknown } from "./types.js";

/** A same-step definition: a `let`, a `metric`, or the experiment's `loss`/`out`. */
export interface Definition {
  readonly name: string;
  readonly nameSpan: Span;
  readonly value: A.Expr;
  /** Checks the value (all its dependencies are defined by then) and defines the name. */
  readonly define: (v: Val) => void;
}

/** The names an expression reads (a superset is fine: unknown ones are ignored). */
export function freeNames(e: A.Expr | A.IndexItem, out: Set<string> = new Set()): Set<string> {
  switch (e.kind) {
    case "Name":
      out.add(e.name);
      break;
    case "Binary":
      freeNames(e.left, out);
      freeNames(e.right, out);
      break;
    case "Unary":
      freeNames(e.operand, out);
      break;
    case "If":
      freeNames(e.cond, out);
      freeNames(e.then, out);
      freeNames(e.else, out);
      break;
    case "Call":
      freeNames(e.callee, out);
      for (const a of e.args) freeNames(a.value, out);
      break;
    case "Field":
      freeNames(e.object, out);
      break;
    case "Index":
      freeNames(e.object, out);
      for (const i of e.indices) freeNames(i, out);
      break;
    case "Slice":
      for (const p of [e.start, e.stop, e.step]) if (p) freeNames(p, out);
      break;
    case "List":
      for (const i of e.items) freeNames(i, out);
      break;
    case "Record":
      for (const f of e.fields) freeNames(f.value, out);
      break;
    default:
      break;
  }
  return out;
}

/**
 * Checks definitions in dependency order. A cycle is reported once, at the definition that
 * closes it, with the path of names; the definitions on the cycle become `unknown`.
 */
export function checkInDependencyOrder(cx: Checker, defs: readonly Definition[], scope: Scope, ctx: Ctx): void {
  const byName = new Map<string, Definition>();
  for (const d of defs) if (!byName.has(d.name)) byName.set(d.name, d);
  // every name is visible from the start (as `?` until checked), so that a reference to a
  // definition on a cycle is reported as the cycle, not as an unknown name
  for (const d of byName.values()) scope.define({ name: d.name, type: unknown, bt: BT.Tensor, kind: "local", span: d.nameSpan });
  const state = new Map<string, "active" | "done">();
  const path: Definition[] = []; // the definitions being visited, outermost first
  const visit = (d: Definition): void => {
    const s = state.get(d.name);
    if (s === "done") return;
    if (s === "active") {
      const start = path.findIndex((p) => p.name === d.name);
      const cycle = [...path.slice(start), d];
      const closing = path[path.length - 1]!;
      cx.report({
        code: "LIP4004",
        message: `\`${d.name}\` depends on itself within one step: ${cycle.map((c) => `\`${c.name}\``).join(" -> ")}`,
        span: closing.nameSpan,
        label: `\`${closing.name}\` reads \`${d.name}\``,
        secondary: cycle.slice(0, -1).filter((c) => c !== closing).map((c) => ({ span: c.nameSpan, text: `\`${c.name}\` is on the cycle` })),
        help: "break the cycle with a `state`, whose value is the previous step's: `state x = ...` and `x <- ...`",
      });
      return;
    }
    state.set(d.name, "active");
    path.push(d);
    for (const n of freeNames(d.value)) {
      const dep = byName.get(n);
      if (dep && dep !== d) visit(dep);
      else if (dep === d) {
        cx.report({ code: "LIP4004", message: `\`${d.name}\` is defined in terms of itself`, span: d.nameSpan, label: "reads its own value in the same step", help: `to refer to the previous step's value make it a state: \`state ${d.name} = ...\` and \`${d.name} <- ...\`` });
      }
    }
    path.pop();
    state.set(d.name, "done");
    d.define(cx.expr(d.value, scope, ctx));
  };
  for (const d of defs) visit(d);
}
