// Small builders for diagnostics tests: source files and spans found by searching the text.

import { SourceFile, span, type Span } from "../../compiler/diag/span.js";

export class Files {
  readonly map = new Map<string, SourceFile>();

  add(path: string, text: string): SourceFile {
    const f = new SourceFile(path, text);
    this.map.set(path, f);
    return f;
  }

  /** The span of the `nth` (0-based) occurrence of `needle` in `path`, or `len` characters of it. */
  at(path: string, needle: string, opts: { nth?: number; len?: number } = {}): Span {
    const text = this.map.get(path)!.text;
    let i = -1;
    for (let k = 0; k <= (opts.nth ?? 0); k++) {
      i = text.indexOf(needle, i + 1);
      if (i < 0) throw new Error(`\`${needle}\` not found in ${path}`);
    }
    return span(path, i, i + (opts.len ?? needle.length));
  }
}

/** Joins expected lines, so golden strings read as they print. */
export function lines(...ls: string[]): string {
  return ls.join("\n");
}
