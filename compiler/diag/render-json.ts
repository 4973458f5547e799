// Renders diagnostics as JSON for editors and tools (`lip check --format json`), in the spirit
// of Elm's `--report=json` and an LSP Diagnostic. The shape is a stable contract:
//
//   [{ "code": "LIP3003", "severity": "error", "message": "...",
//      "file": "a.lip", "line": 12, "col": 13, "endLine": 12, "endCol": 14, "label": "...",
//      "secondary": [{ "file", "line", "col", "endLine", "endCol", "label" }],
//      "notes": ["..."], "help": "..." }]
//
// Lines and columns are 1-based and count UTF-16 code units (as LSP does by default); the end
// is exclusive (one past the last character). `label` and `help` are null when absent. A span
// whose file is unknown to the renderer is reported at 1:1 of that file.

import type { Diagnostic, Label, Severity } from "./diagnostic.js";
import { locate, type SourceFiles } from "./render-text.js";

export interface JsonSpan {
  readonly file: string;
  readonly line: number;
  readonly col: number;
  readonly endLine: number;
  readonly endCol: number;
  readonly label: string | null;
}

export interface JsonDiagnostic extends JsonSpan {
  readonly code: string;
  readonly severity: Severity;
  readonly message: string;
  readonly secondary: readonly JsonSpan[];
  readonly notes: readonly string[];
  readonly help: string | null;
}

function jsonSpan(label: Label, files: SourceFiles): JsonSpan {
  const loc = locate(label.span, files) ?? { file: label.span.file, line: 1, col: 1, endLine: 1, endCol: 1 };
  return {
    file: loc.file,
    line: loc.line,
    col: loc.col,
    endLine: loc.endLine,
    endCol: loc.endCol,
    label: label.text === "" ? null : label.text,
  };
}

/** The editor form of each diagnostic, in order. */
export function renderJson(ds: readonly Diagnostic[], files: SourceFiles): JsonDiagnostic[] {
  return ds.map((d) => {
    const { file, line, col, endLine, endCol, label } = jsonSpan(d.primary, files);
    return {
      code: d.code,
      severity: d.severity,
      message: d.message,
      file,
      line,
      col,
      endLine,
      endCol,
      label,
      secondary: (d.secondary ?? []).map((l) => jsonSpan(l, files)),
      notes: [...(d.notes ?? [])],
      help: d.help === undefined || d.help === "" ? null : d.help,
    };
  });
}

/** `renderJson` as one JSON document (pretty-printed, with a final newline). */
export function renderJsonText(ds: readonly Diagnostic[], files: SourceFiles): string {
  return JSON.stringify(renderJson(ds, files), null, 2) + "\n";
}
