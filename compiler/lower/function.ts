// A top-level `fn` of a checked file as an IR function of tensor arguments: how tests (and
// `lip test`) evaluate stdlib functions such as schedules and losses on every backend.

import type * as A from "../ast/nodes.js";
import { CompilerBug } from "../diag/diagnostic.js";
import type { CheckResult } from "../driver.js";
import type { DType } from "../ir/dtype.js";
import { IrBuilder } from "../ir/builder.js";
import type { IrFunction } from "../ir/function.js";
import { IrContext } from "../ir/node.js";
import { Lowerer, noParams } from "./lowerer.js";
import { tensorV, numV, type LVal } from "./values.js";
import { lowerUpdate, type LoweredUpdate } from "./update.js";

export type ArgSpec = { readonly dtype: DType; readonly shape: number[] } | { readonly value: number; readonly kind: "int" | "float" | "bool" };

/** Lowers `fn name(...)` declared in the checked entry file, with tensor or constant arguments. */
export function lowerFunction(r: CheckResult, name: string, args: Record<string, ArgSpec>, opts: { training?: boolean } = {}): IrFunction {
  if (!r.checker || !r.loader) throw new CompilerBug("lowering a program that did not check");
  for (const m of r.loader.reported) {
    const d = m.decls.get(name);
    if (!d || d.kind !== "Fn") continue;
    const ctx = new IrContext();
    const b = new IrBuilder(ctx);
    const lw = new Lowerer(b, r.checker, 0, opts.training ?? true);
    const values = new Map<string, LVal>();
    const inputs: { name: string; node: ReturnType<IrBuilder["input"]> }[] = [];
    for (const p of (d as A.Callable).params) {
      const spec = args[p.name.name];
      if (spec === undefined) continue;
      if ("value" in spec) values.set(p.name.name, numV(spec.value, spec.kind));
      else {
        const node = b.input(p.name.name, "batch", spec.dtype, spec.shape);
        inputs.push({ name: p.name.name, node });
        values.set(p.name.name, tensorV(node));
      }
    }
    const out = lw.node(lw.inline(d as A.Callable, m, values, noParams));
    return { name, inputs, outputs: [{ name: "out", node: out }] };
  }
  throw new CompilerBug(`no fn \`${name}\` in the checked file`);
}

/** `let NAME = <optimizer or constraint call>` in the checked file, lowered for one tensor. */
export function lowerRuleConst(r: CheckResult, name: string, shape: number[], dtype: DType = "f32"): LoweredUpdate {
  if (!r.checker || !r.loader) throw new CompilerBug("lowering a program that did not check");
  for (const m of r.loader.reported) {
    const d = m.decls.get(name);
    if (d && d.kind === "Const") return lowerUpdate(r.checker, m, d.value, shape, dtype);
  }
  throw new CompilerBug(`no \`let ${name}\` in the checked file`);
}
