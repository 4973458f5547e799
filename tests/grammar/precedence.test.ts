// Operator precedence and associativity (docs/language.md §2), checked by printing the AST
// with every compound node parenthesised.

import { describe, expect, test } from "vitest";
import { codes, expr, paren, parse } from "./helpers.js";

const cases: [string, string][] = [
  // arithmetic
  ["a + b * c", "(a + (b * c))"],
  ["a * b + c", "((a * b) + c)"],
  ["a - b - c", "((a - b) - c)"],
  ["a / b / c", "((a / b) / c)"],
  ["a * b % c @ d", "(((a * b) % c) @ d)"],
  ["a @ b + c", "((a @ b) + c)"],
  // power: right-associative, tighter than unary minus on its left
  ["a ^ b ^ c", "(a ^ (b ^ c))"],
  ["-x ^ 2", "(-(x ^ 2))"],
  ["-x^2", "(-(x ^ 2))"],
  ["2 ^ -x", "(2 ^ (-x))"],
  ["x ^ -y ^ z", "(x ^ (-(y ^ z)))"],
  ["a * b ^ c", "(a * (b ^ c))"],
  ["a ^ b * c", "((a ^ b) * c)"],
  ["f(x)^2", "(f(x) ^ 2)"],
  ["x.y^2", "(x.y ^ 2)"],
  // unary minus
  ["-a * b", "((-a) * b)"],
  ["a * -b", "(a * (-b))"],
  ["- -a", "(-(-a))"],
  ["--a", "(-(-a))"],
  ["a - -b", "(a - (-b))"],
  ["-a.b(c)", "(-a.b(c))"],
  // comparisons
  ["a + b < c * d", "((a + b) < (c * d))"],
  ["a == b", "(a == b)"],
  ["a ~= b + 1", "(a ~= (b + 1))"],
  ["a != -b", "(a != (-b))"],
  // logic
  ["a and b or c", "((a and b) or c)"],
  ["a or b and c", "(a or (b and c))"],
  ["a or b or c", "((a or b) or c)"],
  ["a and b and c", "((a and b) and c)"],
  ["not a and b", "((not a) and b)"],
  ["not a == b", "(not (a == b))"],
  ["not a < b + c", "(not (a < (b + c)))"],
  ["not not a", "(not (not a))"],
  ["a and not b", "(a and (not b))"],
  ["not -a ^ 2 + 1 == 3", "(not (((-(a ^ 2)) + 1) == 3))"],
  ["a < b and b < c", "((a < b) and (b < c))"],
  // if: the whole expression; branches are expressions
  ["if a then b + 1 else c * 2", "(if a then (b + 1) else (c * 2))"],
  ["if a or b then c else d or e", "(if (a or b) then c else (d or e))"],
  ["(if a then b else c) + 1", "((if a then b else c) + 1)"],
  // parentheses override
  ["(a + b) * c", "((a + b) * c)"],
  ["(-a) ^ 2", "((-a) ^ 2)"],
  ["a - (b - c)", "(a - (b - c))"],
  ["(a < b) == c", "((a < b) == c)"],
  ["-(not a)", "(-(not a))"],
  // postfix binds tightest
  ["a.b[c](d) * e", "(a.b[c](d) * e)"],
  ["[a, b][0] + {x: 1}.x", "([a, b][0] + {x: 1}.x)"],
];

describe("precedence", () => {
  test.each(cases)("%s", (src, want) => {
    expect(paren(expr(src))).toBe(want);
  });

  test("comparisons do not chain (LIP1009), and parsing goes on", () => {
    for (const src of ["a < b < c", "a == b != c", "a < b + 1 >= c", "x ~= y ~= z"]) {
      const r = parse(`fn f() = ${src}\nfn g() = 1`);
      expect(r.diagnostics.map((d) => d.code), src).toEqual(["LIP1009"]);
      expect(r.diagnostics[0]!.help).toContain("and");
      expect(r.program.decls).toHaveLength(2);
    }
    expect(codes("fn f() = a < b and b < c")).toEqual([]);
    expect(codes("fn f() = (a < b) < c")).toEqual([]);
  });

  test("`not` needs parentheses after an arithmetic or comparison operator (LIP1014)", () => {
    for (const src of ["a == not b", "a + not b", "- not a", "a * not b", "a ^ not b"]) {
      expect(codes(`fn f() = ${src}`), src).toEqual(["LIP1014"]);
    }
    expect(codes("fn f() = a == (not b)")).toEqual([]);
  });

  test("`if` needs parentheses inside an operator expression (LIP1014)", () => {
    for (const src of ["a + if c then 1 else 2", "-if c then 1 else 2", "not if c then a else b"]) {
      expect(codes(`fn f() = ${src}`), src).toEqual(["LIP1014"]);
    }
    expect(codes("fn f() = a + (if c then 1 else 2)")).toEqual([]);
  });
});
