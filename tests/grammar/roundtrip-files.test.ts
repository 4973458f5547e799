// Round trip on every example and standard-library file: parse(print(ast)) equals ast (spans
// aside), and printing is a fixed point (print(parse(print(ast))) === print(ast)).

import { readdirSync, readFileSync } from "node:fs";
import { describe, expect, test } from "vitest";
import { parseSource } from "../../grammar/index.js";
import { printProgram } from "../../compiler/ast/print.js";
import { stripSpans } from "../../compiler/ast/equal.js";
import { SourceFile } from "../../compiler/diag/span.js";

const files = ["examples", "stdlib"].flatMap((d) => readdirSync(d).filter((f) => f.endsWith(".lip")).map((f) => `${d}/${f}`)).sort();

describe("round trip of the examples and the standard library", () => {
  test("there are files to round-trip", () => expect(files.length).toBeGreaterThanOrEqual(10));
  for (const path of files) {
    test(path, () => {
      const first = parseSource(new SourceFile(path, readFileSync(path, "utf8")));
      expect(first.diagnostics).toEqual([]);
      const printed = printProgram(first.program);
      const second = parseSource(new SourceFile(path, printed));
      expect(second.diagnostics).toEqual([]);
      expect(stripSpans(second.program.decls)).toEqual(stripSpans(first.program.decls));
      expect(printProgram(second.program)).toBe(printed);
    });
  }
});
