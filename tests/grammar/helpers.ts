// Shared helpers of the grammar tests.

import { expect } from "vitest";
import { parseSource } from "../../grammar/index.js";
import type { Diagnostic } from "../../compiler/diag/diagnostic.js";
import { SourceFile } from "../../compiler/diag/span.js";
import { stripSpans } from "../../compiler/ast/equal.js";
import type * as A from "../../compiler/ast/nodes.js";

export { stripSpans };

export function parse(text: string, path = "test.lip"): { program: A.Program; diagnostics: Diagnostic[] } {
  return parseSource(new SourceFile(path, text));
}

/** Parses text that must have no diagnostics. */
export function parseOk(text: string): A.Program {
  const r = parse(text);
  expect(r.diagnostics.map((d) => `${d.code} ${d.message}`)).toEqual([]);
  return r.program;
}

/** The single expression of `fn f() = <text>`, without spans. */
export function expr(text: string): A.Expr {
  const p = parseOk(`fn f() = ${text}`);
  const d = p.decls[0] as A.Callable;
  return (d.body[0] as A.ExprStmt).expr;
}

/** The statements of `experiment e { <text> }`. */
export function stmts(text: string): readonly A.Stmt[] {
  const p = parseOk(`experiment e {\n${text}\n}`);
  return (p.decls[0] as A.Experiment).body;
}

/** An expression printed with every compound node parenthesised, for precedence tests. */
export function paren(e: A.Expr | A.IndexItem): string {
  switch (e.kind) {
    case "Number":
      return e.raw;
    case "String":
      return JSON.stringify(e.value);
    case "Bool":
      return String(e.value);
    case "Name":
      return e.name;
    case "Missing":
      return "?";
    case "Binary":
      return `(${paren(e.left)} ${e.op} ${paren(e.right)})`;
    case "Unary":
      return `(${e.op === "not" ? "not " : "-"}${paren(e.operand)})`;
    case "If":
      return `(if ${paren(e.cond)} then ${paren(e.then)} else ${paren(e.else)})`;
    case "Call":
      return `${paren(e.callee)}(${e.args.map((a) => (a.name ? a.name.name + ": " : "") + paren(a.value)).join(", ")})`;
    case "Field":
      return `${paren(e.object)}.${e.field.name}`;
    case "Index":
      return `${paren(e.object)}[${e.indices.map(paren).join(", ")}]`;
    case "List":
      return `[${e.items.map(paren).join(", ")}]`;
    case "Record":
      return `{${e.fields.map((f) => f.name.name + ": " + paren(f.value)).join(", ")}}`;
    case "Slice":
      return `${e.start ? paren(e.start) : ""}:${e.stop ? paren(e.stop) : ""}${e.step ? ":" + paren(e.step) : ""}`;
    case "EllipsisIndex":
      return "...";
  }
}

/** Codes of the diagnostics of `text`. */
export function codes(text: string): string[] {
  return parse(text).diagnostics.map((d) => d.code);
}

/** Every span of every diagnostic lies inside the text. */
export function spansInside(ds: readonly Diagnostic[], length: number): boolean {
  for (const d of ds) {
    for (const l of [d.primary, ...d.secondary]) {
      const s = l.span;
      if (!(s.start >= 0 && s.start <= s.end && s.end <= length)) return false;
    }
  }
  return true;
}

/** Every node's span lies inside the text and inside its parent's span (where the AST nests). */
export function checkAstSpans(p: A.Program, length: number): void {
  const walk = (node: unknown, parent: { start: number; end: number } | null): void => {
    if (Array.isArray(node)) {
      for (const x of node) walk(x, parent);
      return;
    }
    if (node === null || typeof node !== "object") return;
    const n = node as Record<string, unknown>;
    const s = n["span"] as { start: number; end: number } | undefined;
    if (s !== undefined) {
      expect(s.start).toBeGreaterThanOrEqual(0);
      expect(s.end).toBeGreaterThanOrEqual(s.start);
      expect(s.end).toBeLessThanOrEqual(length);
      if (parent !== null && n["kind"] !== "Missing") {
        expect(s.start).toBeGreaterThanOrEqual(parent.start);
        expect(s.end).toBeLessThanOrEqual(parent.end);
      }
    }
    for (const [k, v] of Object.entries(n)) if (k !== "span" && k !== "opSpan" && k !== "arrowSpan") walk(v, s ?? parent);
  };
  walk(p, null);
}

export { PROGRAMS, QUICKSTART } from "./programs.js";
