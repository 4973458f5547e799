// Robustness of `lip check`'s library entry (checkSource): 20,000 generated inputs per run
// (random token soups, mutations and truncations of the examples, deep nesting, long lines,
// non-ASCII and binary bytes) all end in diagnostics or success. The driver turns an exception
// into an internal-error diagnostic (LIP9001), so "never an exception" means: never LIP9001,
// and every diagnostic's span lies inside the file it names.

import { readdirSync, readFileSync } from "node:fs";
import fc from "fast-check";
import { describe, expect, test } from "vitest";
import { checkSource } from "../../compiler/driver.js";

const examples = readdirSync("examples").filter((f) => f.endsWith(".lip")).map((f) => readFileSync(`examples/${f}`, "utf8"));
const vocabulary = [
  "fn", "layer", "model", "data", "optimizer", "constraint", "experiment", "property", "use", "let", "state", "param",
  "if", "then", "else", "and", "or", "not", "true", "false", "forall", "where", "assert", "every", "split", "in", "as",
  "loss", "steps", "metric", "eval", "constrain", "std", "nn", "optim", "x", "y", "w", "B", "N", "out", "grad", "step",
  "f32", "i32", "bool", "int", "float", "str", "dense", "relu", "sum", "mean", "reshape", "transpose", "where", "update",
  "0", "1", "64", "3e-3", "-1", "0.5", '"s"', "+", "-", "*", "/", "%", "^", "@", "==", "!=", "<", "<=", ">", ">=", "~=",
  "<-", "=", "->", ":", ",", ".", "...", "(", ")", "[", "]", "{", "}", "\n", " ", "//c\n", "/*", "*/", "é", "\u0000",
];

function check(text: string): void {
  const r = checkSource(text, "fuzz.lip");
  for (const d of r.diagnostics) {
    expect(d.code, `${d.code} ${d.message}\n--- input ---\n${text.slice(0, 2000)}`).not.toBe("LIP9001");
    const labels = [d.primary, ...d.secondary];
    for (const l of labels) {
      const file = r.files.get(l.span.file);
      expect(file, `diagnostic points into unknown file ${l.span.file}`).toBeDefined();
      expect(l.span.start).toBeGreaterThanOrEqual(0);
      expect(l.span.end).toBeLessThanOrEqual(file!.text.length);
      expect(l.span.start).toBeLessThanOrEqual(l.span.end);
    }
  }
}

const tokenSoup = fc.array(fc.constantFrom(...vocabulary), { maxLength: 60 }).map((ts) => ts.join(" "));

/** An example with a few random edits: deletions, insertions of tokens, swapped characters. */
const mutated = fc
  .tuple(
    fc.constantFrom(...examples),
    fc.array(fc.tuple(fc.nat(), fc.nat({ max: 8 }), fc.constantFrom(...vocabulary)), { minLength: 1, maxLength: 4 }),
  )
  .map(([src, edits]) => {
    let s = src;
    for (const [pos, len, tok] of edits) {
      const p = pos % (s.length + 1);
      s = s.slice(0, p) + tok + s.slice(p + len);
    }
    return s;
  });

const truncated = fc.tuple(fc.constantFrom(...examples), fc.nat()).map(([src, n]) => src.slice(0, n % (src.length + 1)));

const oddText = fc.oneof(
  fc.string({ unit: "binary", maxLength: 200 }),
  fc.string({ unit: "grapheme", maxLength: 200 }),
  fc.uint8Array({ maxLength: 300 }).map((b) => Buffer.from(b).toString("latin1")),
  fc.nat({ max: 3000 }).map((n) => "(".repeat(n)),
  fc.nat({ max: 3000 }).map((n) => `fn f(x) = ${"[".repeat(n)}x`),
  fc.nat({ max: 2000 }).map((n) => `fn f(x) = ${"x + ".repeat(n)}x`),
  fc.nat({ max: 200 }).map((n) => `fn f(x) = ${"-".repeat(n)}x${"^2".repeat(n)}`),
  fc.nat({ max: 500 }).map((n) => `let a = ${"1".repeat(n)}e${"9".repeat(n % 50)}`),
);

describe("checkSource never fails on any input", () => {
  // 8,000 + 5,000 + 3,000 + 4,000 = 20,000 generated inputs per run (fixed seed: reproducible)
  test("random token soups", () => fc.assert(fc.property(tokenSoup, check), { numRuns: 8000, seed: 1 }));
  test("mutated examples", () => fc.assert(fc.property(mutated, check), { numRuns: 5000, seed: 2 }));
  test("truncated examples", () => fc.assert(fc.property(truncated, check), { numRuns: 3000, seed: 3 }));
  test("deep nesting, long lines, non-ASCII and binary", () => fc.assert(fc.property(oddText, check), { numRuns: 4000, seed: 4 }));

  test("a 10 MB file of random bytes gets a diagnostic", () => {
    const bytes = new Uint8Array(10 * 1024 * 1024);
    let x = 12345;
    for (let i = 0; i < bytes.length; i++) {
      x = (x * 1103515245 + 12345) >>> 0;
      bytes[i] = x >>> 24;
    }
    const r = checkSource(Buffer.from(bytes).toString("latin1"), "random.bin");
    expect(r.diagnostics.length).toBeGreaterThan(0);
    expect(r.diagnostics.some((d) => d.code === "LIP9001")).toBe(false);
  });

  test("100,000 nested parentheses get a diagnostic, not a stack overflow", () => {
    const r = checkSource(`fn f(x) = ${"(".repeat(100_000)}x`, "deep.lip");
    expect(r.diagnostics.map((d) => d.code)).toContain("LIP1006");
  });
});
