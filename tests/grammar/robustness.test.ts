// parseSource never throws, whatever the input, and every span it reports lies inside the input.
// 20,000 generated inputs per run: token soup, random strings (non-ASCII and control characters
// included), mutations and truncations of real programs, deep nesting and long lines.

import { randomBytes } from "node:crypto";
import fc from "fast-check";
import { describe, expect, test } from "vitest";
import { parseSource } from "../../grammar/index.js";
import { MAX_DIAGNOSTICS } from "../../grammar/lexer.js";
import { SourceFile } from "../../compiler/diag/span.js";
import type * as A from "../../compiler/ast/nodes.js";
import { printProgram } from "../../compiler/ast/print.js";
import { VOCABULARY } from "./arbitraries.js";
import { PROGRAMS, spansInside } from "./helpers.js";

/** The properties every parse must have; returns the result for further checks. */
function check(text: string): ReturnType<typeof parseSource> {
  const r = parseSource(new SourceFile("fuzz.lip", text));
  const bad = r.diagnostics.filter((d) => d.code === "LIP9001");
  if (bad.length > 0) throw new Error(`internal error for ${JSON.stringify(text.slice(0, 200))}: ${bad[0]!.message}`);
  if (!spansInside(r.diagnostics, text.length)) throw new Error(`diagnostic span outside the input for ${JSON.stringify(text.slice(0, 200))}`);
  if (r.diagnostics.length > MAX_DIAGNOSTICS) throw new Error("too many diagnostics");
  if (!astSpansInside(r.program, text.length)) throw new Error(`AST span outside the input for ${JSON.stringify(text.slice(0, 200))}`);
  return r;
}

function astSpansInside(p: A.Program, length: number): boolean {
  const stack: unknown[] = [p];
  while (stack.length > 0) {
    const node = stack.pop();
    if (Array.isArray(node)) {
      for (const x of node) stack.push(x);
      continue;
    }
    if (node === null || typeof node !== "object") continue;
    for (const [k, v] of Object.entries(node)) {
      if (k === "span" || k === "opSpan" || k === "arrowSpan") {
        const s = v as { start: number; end: number };
        if (!(s.start >= 0 && s.start <= s.end && s.end <= length)) return false;
      } else {
        stack.push(v);
      }
    }
  }
  return true;
}

const tokenSoup = fc
  .tuple(fc.array(fc.constantFrom(...VOCABULARY), { maxLength: 80 }), fc.constantFrom(" ", "", "\n"))
  .map(([toks, sep]) => toks.join(sep));

const CHARS = fc.oneof(
  { weight: 4, arbitrary: fc.constantFrom(..."abcxyz019_ (){}[],.:;=<>-+*/^@%~!\"\\\n\t") },
  { weight: 1, arbitrary: fc.string({ unit: "binary", minLength: 1, maxLength: 1 }) },
  { weight: 1, arbitrary: fc.constantFrom("\u0000", "\u0007", "\u001b", "\r", "\u2028", "\uFEFF", "\uD800", "\uDC00", "é", "日", "😀", "\u00a0") },
);
const randomText = fc.oneof(
  fc.string({ unit: CHARS as fc.Arbitrary<string>, maxLength: 120 }),
  fc.string({ unit: "grapheme", maxLength: 60 }),
  fc.string({ unit: "binary", maxLength: 60 }),
);

/** Edits of a real program: deletions, insertions, replacements, duplications, truncations. */
const mutated = fc
  .tuple(
    fc.constantFrom(...PROGRAMS),
    fc.array(
      fc.tuple(fc.constantFrom("delete", "insert", "replace", "duplicate", "truncate"), fc.nat(), fc.nat({ max: 12 }), fc.constantFrom(...VOCABULARY)),
      { minLength: 1, maxLength: 4 },
    ),
  )
  .map(([text, edits]) => {
    let t = text;
    for (const [op, pos, len, tok] of edits) {
      const i = pos % (t.length + 1);
      if (op === "delete") t = t.slice(0, i) + t.slice(i + len);
      else if (op === "insert") t = t.slice(0, i) + tok + t.slice(i);
      else if (op === "replace") t = t.slice(0, i) + tok + t.slice(i + len);
      else if (op === "duplicate") t = t.slice(0, i + len) + t.slice(i, i + len) + t.slice(i + len);
      else t = t.slice(0, i);
    }
    return t;
  });

const NESTERS = ["(", "[", "{a: ", "f(", "x[", "if a then ", "-", "not ", "a^", "a + ", "[{a: (", "x.y", "- -"];
const deep = fc
  .tuple(fc.array(fc.tuple(fc.constantFrom(...NESTERS), fc.integer({ min: 1, max: 300 })), { minLength: 1, maxLength: 3 }), fc.boolean(), fc.boolean())
  .map(([parts, close, wrap]) => {
    let open = "";
    for (const [s, n] of parts) open += s.repeat(n);
    let text = open + "x";
    if (close) {
      for (let i = open.length - 1; i >= 0; i--) {
        const c = open[i];
        text += c === "(" ? ")" : c === "[" ? "]" : c === "{" ? "}" : "";
      }
    }
    return wrap ? `fn f() = ${text}\nfn g() = 1` : text;
  });

const longLine = fc
  .tuple(fc.constantFrom("a + ", "f(x), ", '"é☃ ', "// 日本 ", "/* 😀 */ ", "x.y", "[1, 2], "), fc.integer({ min: 100, max: 1500 }), fc.boolean())
  .map(([piece, n, asCall]) => (asCall ? `fn f() = g(${piece.repeat(n)}0)` : `fn f() = ${piece.repeat(n)}0`));

describe("robustness: parseSource never throws and keeps spans inside the input", () => {
  test("token soup (6,000 inputs)", () => {
    fc.assert(fc.property(tokenSoup, (t) => void check(t)), { numRuns: 6000 });
  });

  test("random strings with non-ASCII and control characters (5,000 inputs)", () => {
    fc.assert(fc.property(randomText, (t) => void check(t)), { numRuns: 5000 });
  });

  test("mutations and truncations of real programs (6,000 inputs)", () => {
    fc.assert(fc.property(mutated, (t) => void check(t)), { numRuns: 6000 });
  });

  test("deep nesting (2,000 inputs)", () => {
    fc.assert(fc.property(deep, (t) => void check(t)), { numRuns: 2000 });
  });

  test("long lines (1,000 inputs)", () => {
    fc.assert(fc.property(longLine, (t) => void check(t)), { numRuns: 1000 });
  });

  test("the AST of any input can be printed", () => {
    fc.assert(
      fc.property(fc.oneof(mutated, tokenSoup), (t) => {
        expect(typeof printProgram(check(t).program)).toBe("string");
      }),
      { numRuns: 500 },
    );
  });
});

describe("robustness: hostile inputs", () => {
  test("10 MB of random bytes gives one diagnostic, fast", () => {
    const bytes = randomBytes(10 * 1024 * 1024);
    for (const enc of ["latin1", "utf8"] as const) {
      const text = bytes.toString(enc);
      const t0 = performance.now();
      const r = check(text);
      expect(performance.now() - t0).toBeLessThan(1000);
      expect(r.diagnostics.map((d) => d.code)).toEqual(["LIP1007"]);
    }
  });

  test("10 MB of printable garbage stops after the first errors", () => {
    const bytes = randomBytes(10 * 1024 * 1024);
    for (let i = 0; i < bytes.length; i++) bytes[i] = bytes[i]! % 16 === 0 ? 10 : 32 + (bytes[i]! % 95);
    const t0 = performance.now();
    const r = check(bytes.toString("latin1"));
    expect(performance.now() - t0).toBeLessThan(2000);
    expect(r.diagnostics).toHaveLength(MAX_DIAGNOSTICS);
  });

  test('"(".repeat(100000) and other deep inputs give LIP1006', () => {
    const N = 100_000;
    for (const text of [
      "(".repeat(N),
      "[".repeat(N),
      "fn f() = " + "(".repeat(N) + "x" + ")".repeat(N),
      "fn f() = " + "if a then ".repeat(N) + "b",
      "fn f() = " + "-".repeat(N) + "x",
      "fn f() = " + "not ".repeat(N) + "x",
      "fn f() = " + "a^".repeat(N) + "a",
      "fn f() = " + "a + ".repeat(N) + "a",
      "fn f() = x" + ".y".repeat(N),
      "fn f() = x" + "[0]".repeat(N),
    ]) {
      const r = check(text);
      expect(r.diagnostics.map((d) => d.code), text.slice(0, 20)).toEqual(["LIP1006"]);
    }
  });

  test("the deepest accepted nesting parses (no stack overflow)", () => {
    const n = 128;
    for (const [open, close] of [["x[", "]"], ["{a: ", "}"], ["f(", ")"], ["(", ")"], ["[", "]"], ["if a then ", " else b"]]) {
      const text = `fn f() = ${open!.repeat(n)}0${close!.repeat(n)}`;
      expect(check(text).diagnostics, open).toEqual([]);
    }
    expect(check(`fn f() = ${"x[".repeat(129)}0${"]".repeat(129)}`).diagnostics.map((d) => d.code)).toEqual(["LIP1006"]);
  });

  test("long lines and non-ASCII work", () => {
    const big = "é☃😀日本".repeat(20000);
    const text = `// ${big}\nfn f() = "${big}" /* ${big} */ + g(${Array.from({ length: 5000 }, (_, i) => `a${i}`).join(", ")})\n`;
    const r = check(text);
    expect(r.diagnostics).toEqual([]);
    const e = ((r.program.decls[0] as A.Callable).body[0] as A.ExprStmt).expr as A.Binary;
    expect((e.left as A.StringLit).value).toBe(big);
    expect((e.right as A.Call).args).toHaveLength(5000);
    expect(text.slice(e.right.span.start, e.right.span.start + 4)).toBe("g(a0");
  });
});
