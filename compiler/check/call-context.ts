// What a built-in's type rule sees of a call: the checked arguments by parameter name, and
// helpers that report a precise diagnostic (pointing at the argument) and return a fallback
// type, so each rule reads as a short list of requirements.

import type * as A from "../ast/nodes.js";
import { diagnostic, type Diagnostic, type DiagnosticInit } from "../diag/diagnostic.js";
import type { Span } from "../diag/span.js";
import { BT, joinBT } from "./env.js";
import { broadcastShapes } from "./shapes.js";
import { isFloat, isInt, showShape, quoteType, type DType, type Dim, type Shape, type TensorType, type Type } from "./types.js";

/** A checked value: its type and its binding time. */
export interface Val {
  readonly type: Type;
  readonly bt: BT;
}

export interface CheckedArg extends Val {
  readonly span: Span;
  readonly expr: A.Expr;
}

export class CallContext {
  constructor(
    readonly name: string,
    readonly span: Span,
    readonly args: ReadonlyMap<string, CheckedArg>,
    private readonly sink: (d: Diagnostic) => void,
    /** True when checking the right-hand side of a `param` declaration (initialisers). */
    readonly paramInit: TensorType | null,
  ) {}

  failed = false;

  report(init: DiagnosticInit): void {
    this.failed = true;
    this.sink(diagnostic(init));
  }

  has(name: string): boolean {
    return this.args.has(name);
  }

  arg(name: string): CheckedArg | undefined {
    return this.args.get(name);
  }

  /** The binding time of the whole call: the latest of its arguments'. */
  bt(): BT {
    return joinBT(...[...this.args.values()].map((a) => a.bt));
  }

  /** The argument as a tensor; reports and returns undefined otherwise (unknown passes). */
  tensor(name: string, opts: { float?: boolean; bool?: boolean; int?: boolean; numeric?: boolean } = {}): TensorType | undefined {
    const a = this.args.get(name);
    if (a === undefined || a.type.k === "unknown") return undefined;
    if (a.type.k !== "tensor") {
      this.report({ code: "LIP3010", message: `\`${this.name}\` expects a tensor for \`${name}\`, found ${quoteType(a.type)}`, span: a.span, label: "not a tensor" });
      return undefined;
    }
    const d = a.type.dtype;
    const want =
      opts.float ? (isFloat(d) || (a.type.weak && d !== "bool") ? null : "a float tensor") :
      opts.bool ? (d === "bool" ? null : "a bool tensor") :
      opts.int ? (isInt(d) ? null : "an integer tensor") :
      opts.numeric ? (d !== "bool" ? null : "a numeric tensor") : null;
    if (want !== null) {
      this.report({
        code: "LIP3004",
        message: `\`${this.name}\` expects ${want} for \`${name}\`, found ${quoteType(a.type)}`,
        span: a.span,
        label: `this is ${d}`,
        help: opts.float && isInt(d) ? `convert it with \`f32(...)\`` : opts.bool ? "compare it, e.g. `x > 0`" : undefined,
      });
      return undefined;
    }
    return opts.float && a.type.weak && isInt(d) ? { ...a.type, dtype: "f32" } : a.type;
  }

  /** A compile-time integer (e.g. an axis or a size). */
  constInt(name: string): number | undefined {
    const a = this.args.get(name);
    if (a === undefined || a.type.k === "unknown") return undefined;
    if (a.type.k === "tensor" && a.type.value !== undefined && Number.isInteger(a.type.value)) return a.type.value;
    if (a.type.k === "tensor" && a.type.shape?.dims.length === 0 && a.type.dtype !== "bool" && a.bt === BT.Const) return undefined; // symbolic const
    this.report({
      code: "LIP3009",
      message: `\`${name}\` of \`${this.name}\` must be a compile-time integer`,
      span: a.span,
      label: a.type.k === "tensor" && a.type.value !== undefined ? `this is ${a.type.value}` : "not known at compile time",
    });
    return undefined;
  }

  /** A compile-time dim: an integer or a size variable. */
  constDim(a: CheckedArg | undefined, what: string, allowMinusOne = false): Dim | undefined | null {
    if (a === undefined || a.type.k === "unknown") return undefined;
    if (a.type.k === "tensor" && a.type.shape?.dims.length === 0 && a.type.shape.rest === null) {
      if (a.type.value !== undefined && Number.isInteger(a.type.value) && (a.type.value >= 0 || (allowMinusOne && a.type.value === -1))) return a.type.value;
      if (a.type.sizeVar !== undefined) return { sym: a.type.sizeVar };
      if (a.type.value === undefined && a.bt <= BT.Run && a.type.dtype !== "bool") return null; // known later
    }
    this.report({ code: "LIP3009", message: `${what} must be a non-negative compile-time integer`, span: a.span, label: `found ${quoteType(a.type)}` });
    return undefined;
  }

  /** A list of compile-time dims such as `[B, 2]`; null entries are not known until later. */
  shapeList(name: string, allowMinusOne = false): (Dim | null)[] | undefined {
    const a = this.args.get(name);
    if (a === undefined || a.type.k === "unknown") return undefined;
    if (a.type.k === "list" && a.expr.kind === "List") {
      const out: (Dim | null)[] = [];
      const items = a.expr.items;
      a.type.items.forEach((t, i) => {
        const d = this.constDim({ type: t, bt: a.bt, span: items[i]!.span, expr: items[i]! }, "a dimension", allowMinusOne);
        out.push(d === undefined ? null : d);
      });
      return out;
    }
    if (a.type.k === "list") return a.type.items.map(() => null);
    this.report({ code: "LIP3017", message: `\`${name}\` of \`${this.name}\` must be a list of sizes such as \`[B, 2]\``, span: a.span, label: `found ${quoteType(a.type)}` });
    return undefined;
  }

  constBool(name: string): boolean | undefined {
    const a = this.args.get(name);
    if (a === undefined || a.type.k !== "tensor" || a.type.value === undefined) return undefined;
    return a.type.value !== 0;
  }

  /** Broadcast the named tensor arguments together, reporting a mismatch at the second one. */
  broadcast(names: readonly string[]): Shape | null {
    let acc: Shape | null | undefined;
    let accName = "";
    for (const n of names) {
      const a = this.args.get(n);
      if (a === undefined || a.type.k !== "tensor") continue;
      if (acc === undefined) {
        acc = a.type.shape;
        accName = n;
        continue;
      }
      const r = broadcastShapes(acc, a.type.shape);
      if (!r.ok) {
        this.report({
          code: "LIP3001",
          message: `shapes \`${showShape(acc)}\` and \`${showShape(a.type.shape)}\` cannot be broadcast together`,
          span: a.span,
          label: `this has shape \`${showShape(a.type.shape)}\``,
          secondary: [{ span: this.args.get(accName)!.span, text: `this has shape \`${showShape(acc)}\`` }],
          notes: [r.message],
        });
        return null;
      }
      acc = r.shape;
    }
    return acc ?? null;
  }
}

/** The dtype of an elementwise result of several tensors, with weak literals giving way. */
export function promote(ts: readonly TensorType[]): { dtype: DType; weak: boolean } | { clash: [TensorType, TensorType] } {
  const strong = ts.filter((t) => !t.weak);
  if (strong.length > 0) {
    const first = strong[0]!;
    for (const t of strong) if (t.dtype !== first.dtype) return { clash: [first, t] };
    // a weak float literal with a strong integer tensor makes a float (like JAX and PyTorch)
    if (isInt(first.dtype) && ts.some((t) => t.weak && isFloat(t.dtype))) return { dtype: "f32", weak: false };
    return { dtype: first.dtype, weak: false };
  }
  if (ts.some((t) => isFloat(t.dtype))) return { dtype: "f32", weak: true };
  if (ts.some((t) => isInt(t.dtype))) return { dtype: "i32", weak: true };
  return { dtype: "bool", weak: true };
}
