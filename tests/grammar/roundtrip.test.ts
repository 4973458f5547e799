// parse(print(ast)) == ast (modulo spans), on hand-written programs and on generated ASTs.

import fc from "fast-check";
import { describe, expect, test } from "vitest";
import { printExpr, printProgram } from "../../compiler/ast/print.js";
import { equalModuloSpans } from "../../compiler/ast/equal.js";
import type * as A from "../../compiler/ast/nodes.js";
import { exprArb, programArb } from "./arbitraries.js";
import { parse, parseOk, PROGRAMS, QUICKSTART, stripSpans } from "./helpers.js";

function reparse(text: string): A.Program {
  const r = parse(text);
  if (r.diagnostics.length > 0) {
    throw new Error(`printed program does not parse:\n${text}\n${r.diagnostics.map((d) => `${d.code} ${d.message} @${d.primary.span.start}`).join("\n")}`);
  }
  return r.program;
}

describe("printer", () => {
  test("canonical layout of the quickstart", () => {
    const printed = printProgram(parseOk(QUICKSTART));
    expect(printed).toContain(`experiment quickstart {
  model classifier
  data moons.train, batch: 128, shuffle: true
  eval moons.test every 100
  steps 1000
  let lr = 3e-3 * warmup(step, 100) * cosine(step, steps)`);
    expect(printed).toContain("fn gelu(x) = 0.5 * x * (1 + tanh(0.7978845608 * (x + 0.044715 * x^3)))");
    expect(printed).toContain("fn f(x: f32[4, 8]) -> f32[4] {\n  let y = x[:, 1:3]\n  y[..., 0]\n}");
    expect(printed.endsWith('use "./other.lip"\n')).toBe(true);
  });

  test("minimal parentheses", () => {
    const cases: [string, string][] = [
      ["((a + b)) * c", "(a + b) * c"],
      ["a + (b * c)", "a + b * c"],
      ["(a - b) - c", "a - b - c"],
      ["a - (b - c)", "a - (b - c)"],
      ["(a ^ b) ^ c", "(a^b)^c"],
      ["a ^ (b ^ c)", "a^b^c"],
      ["(-a) ^ 2", "(-a)^2"],
      ["-(a ^ 2)", "-a^2"],
      ["-(-a)", "- -a"],
      ["(not a) == b", "(not a) == b"],
      ["not (a == b)", "not a == b"],
      ["(a < b) < c", "(a < b) < c"],
      ["(if a then b else c)(x)", "(if a then b else c)(x)"],
      ["if (if a then b else c) then d else e", "if if a then b else c then d else e"],
      ["(1).x", "(1).x"],
      ["(a.b)(c)", "a.b(c)"],
      ['"q\\"b\\\\n\\n"', '"q\\"b\\\\n\\n"'],
    ];
    for (const [src, want] of cases) {
      const e = ((parseOk(`fn f() = ${src}`).decls[0] as A.Callable).body[0] as A.ExprStmt).expr;
      expect(printExpr(e), src).toBe(want);
    }
  });

  test("expression statements that would read back as something else are parenthesised", () => {
    const text = "fn f(loss, x) {\n  let y = x\n  (-y)\n  (loss - 1)\n  (where(x, 1, 2))\n  -y + 1\n}";
    const r = parse(text);
    // `-y + 1` continues the statement before it
    const body = (r.program.decls[0] as A.Callable).body;
    expect(body.map((s) => s.kind)).toEqual(["Let", "ExprStmt", "ExprStmt", "ExprStmt"]);
    const printed = printProgram(r.program);
    expect(printed).toContain("  (-y)\n  (loss - 1)\n  (where(x, 1, 2) - y + 1)\n");
    expect(equalModuloSpans(reparse(printed), r.program)).toBe(true);
  });

  test.each(PROGRAMS.map((p, i) => [i, p] as const))("hand-written program %i round-trips", (_, text) => {
    const p = parseOk(text);
    const printed = printProgram(p);
    const again = reparse(printed);
    expect(stripSpans(again)).toEqual(stripSpans({ ...p, file: "test.lip" }));
    expect(printProgram(again)).toBe(printed);
  });
});

describe("round trip of generated ASTs", () => {
  test("expressions", () => {
    fc.assert(
      fc.property(exprArb, (e) => {
        const text = `fn f() = ${printExpr(e as A.Expr)}`;
        const p = reparse(text);
        const got = ((p.decls[0] as A.Callable).body[0] as A.ExprStmt).expr;
        expect(stripSpans(got)).toEqual(e);
      }),
      { numRuns: 1500 },
    );
  });

  test("programs", () => {
    fc.assert(
      fc.property(programArb, (p) => {
        const printed = printProgram(p as A.Program);
        const got = reparse(printed);
        expect(stripSpans({ ...got, file: "gen.lip" })).toEqual(stripSpans(p));
      }),
      { numRuns: 400 },
    );
  });
});
