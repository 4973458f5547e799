// Matching call arguments to parameters: positional first, then named; every error
// (unknown name, given twice, missing, too many) is reported with a "did you mean".

import type * as A from "../ast/nodes.js";
import { diagnostic, type Diagnostic } from "../diag/diagnostic.js";
import { suggestionHelp } from "./suggest-help.js";

export interface ParamSpec {
  readonly name: string;
  readonly optional: boolean;
}

export interface BoundArgs {
  /** Parameter name -> the argument expression bound to it. */
  readonly byName: Map<string, A.Arg>;
  readonly ok: boolean;
}

/**
 * Binds `args` to `params`. `what` names the callee in messages ("`dense`").
 * `declSpan` (optional) labels where the callee is declared.
 */
export function bindArgs(
  params: readonly ParamSpec[],
  args: readonly A.Arg[],
  call: { span: A.Call["span"]; calleeSpan: A.Call["span"]; what: string },
  report: (d: Diagnostic) => void,
): BoundArgs {
  const byName = new Map<string, A.Arg>();
  let ok = true;
  let seenNamed = false;
  let pos = 0;
  for (const arg of args) {
    if (arg.name === null) {
      if (seenNamed) {
        report(diagnostic({ code: "LIP2011", message: "positional argument after a named argument", span: arg.span, label: "this argument has no name", help: "put positional arguments first, or name this one" }));
        ok = false;
        continue;
      }
      const p = params[pos++];
      if (p === undefined) {
        report(diagnostic({
          code: "LIP2006",
          message: `${call.what} takes ${params.length} argument${params.length === 1 ? "" : "s"} but ${args.length} were given`,
          span: arg.span,
          label: "unexpected argument",
          help: params.length === 0 ? "remove the arguments" : `the parameters are ${params.map((q) => `\`${q.name}\``).join(", ")}`,
        }));
        ok = false;
        break;
      }
      byName.set(p.name, arg);
      continue;
    }
    seenNamed = true;
    const name = arg.name.name;
    const p = params.find((q) => q.name === name);
    if (p === undefined) {
      report(diagnostic({
        code: "LIP2005",
        message: `${call.what} has no parameter named \`${name}\``,
        span: arg.name.span,
        label: "unknown parameter",
        help: suggestionHelp(name, params.map((q) => q.name).filter((q) => !byName.has(q)), (s) => `did you mean \`${s}\`?`) ??
          (params.length ? `the parameters are ${params.map((q) => `\`${q.name}\``).join(", ")}` : `${call.what} takes no arguments`),
      }));
      ok = false;
      continue;
    }
    if (byName.has(name)) {
      report(diagnostic({ code: "LIP2008", message: `argument \`${name}\` given twice`, span: arg.span, label: "given again here", secondary: [{ span: byName.get(name)!.span, text: "first given here" }] }));
      ok = false;
      continue;
    }
    byName.set(name, arg);
  }
  const missing = params.filter((p) => !p.optional && !byName.has(p.name));
  if (missing.length > 0 && ok) {
    report(diagnostic({
      code: "LIP2007",
      message: `missing argument${missing.length > 1 ? "s" : ""} ${missing.map((m) => `\`${m.name}\``).join(", ")} in the call to ${call.what}`,
      span: call.span,
      label: `${missing.length > 1 ? "arguments" : "argument"} ${missing.map((m) => `\`${m.name}\``).join(", ")} missing`,
    }));
    ok = false;
  }
  return { byName, ok };
}
