// Diagnostics are data: a stable code, a severity, a primary span with a label, secondary
// labels, notes and a help line. Every phase accumulates them; none throws them. Renderers
// (render-text.ts, render-json.ts) turn them into text for people and JSON for editors.

import type { Code } from "./codes.js";
import type { Span } from "./span.js";

export type Severity = "error" | "warning" | "note";

export interface Label {
  readonly span: Span;
  readonly text: string;
}

export interface Diagnostic {
  readonly code: string; // e.g. "LIP3001"; see codes.ts
  readonly severity: Severity;
  readonly message: string; // lowercase, no trailing period, identifiers in backticks
  readonly primary: Label; // the smallest span that explains the mistake
  readonly secondary: readonly Label[]; // e.g. where the other shape came from
  readonly notes: readonly string[];
  readonly help?: string | undefined;
}

export interface DiagnosticInit {
  code: Code;
  message: string;
  span: Span;
  label?: string;
  severity?: Severity;
  secondary?: Label[];
  notes?: string[];
  help?: string | undefined;
}

export function diagnostic(init: DiagnosticInit): Diagnostic {
  return {
    code: init.code,
    severity: init.severity ?? "error",
    message: init.message,
    primary: { span: init.span, text: init.label ?? "" },
    secondary: init.secondary ?? [],
    notes: init.notes ?? [],
    help: init.help,
  };
}

export function hasErrors(ds: readonly Diagnostic[]): boolean {
  return ds.some((d) => d.severity === "error");
}

/** A bug in Lip itself (never the user's fault): reported as `internal error:` with exit 70. */
export class CompilerBug extends Error {
  constructor(message: string) {
    super(message);
    this.name = "CompilerBug";
  }
}
