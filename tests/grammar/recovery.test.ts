// Error recovery: one mistake gives one diagnostic, with a precise message, and the rest of the
// file is still parsed.

import { describe, expect, test } from "vitest";
import type * as A from "../../compiler/ast/nodes.js";
import { parse, spansInside } from "./helpers.js";

interface Case {
  readonly src: string;
  readonly code: string;
  readonly message: string;
  /** The text the primary span covers ("" for an insertion point). */
  readonly at: string;
  /** The declarations that must still be there. */
  readonly decls: string[];
}

const cases: Case[] = [
  {
    src: "fn f(x) = g(x, 1\nfn h() = 2",
    code: "LIP1005",
    message: "expected `,` or `)` in the argument list, found keyword `fn`",
    at: "",
    decls: ["f", "h"],
  },
  {
    src: "fn f(x) = g(x 1)\nfn h() = 2",
    code: "LIP1001",
    message: "expected `,` or `)` in the argument list, found `1`",
    at: "1",
    decls: ["f", "h"],
  },
  {
    src: "fn f(x) = g(x, 1;\nfn h() = 2",
    code: "LIP1001",
    message: "expected `)` to close the argument list, found `;`",
    at: ";",
    decls: ["f", "h"],
  },
  {
    src: "fn f(x) {\n  let y = x\nfn h() = 2",
    code: "LIP1005",
    message: "expected `}` to close the body of `fn f`, found keyword `fn`",
    at: "",
    decls: ["f", "h"],
  },
  {
    src: "fn f(x) = [1, 2\nfn h() = 2",
    code: "LIP1005",
    message: "expected `,` or `]` in the list, found keyword `fn`",
    at: "",
    decls: ["f", "h"],
  },
  {
    src: "fn f(x) { let y = (x + }\nfn h() = 2",
    code: "LIP1001",
    message: "expected an expression, found `}`",
    at: "}",
    decls: ["f", "h"],
  },
  {
    src: "fn f(x) {\n  let y x + 1\n  y\n}\nfn h() = 2",
    code: "LIP1001",
    message: "expected `=` after `let y`, found `x`",
    at: "x",
    decls: ["f", "h"],
  },
  {
    src: "fn f(x) {\n  let y := x + 1\n  y\n}\nfn h() = 2",
    code: "LIP1013",
    message: "expected `=`, found `:=`",
    at: ":=",
    decls: ["f", "h"],
  },
  {
    src: "experiment e {\n  state ema = 0\n  ema -> 0.9 * ema\n}\nfn h() = 2",
    code: "LIP1013",
    message: "expected `<-` to give `ema` its next value, found `->`",
    at: "->",
    decls: ["e", "h"],
  },
  {
    src: "optimizer o() {\n  state m = 0\n  m = 0.9 * m\n  param <- param\n}",
    code: "LIP1013",
    message: "expected `<-` to give `m` its next value, found `=`",
    at: "=",
    decls: ["o"],
  },
  {
    src: "fn f(x) <- f32 = x\nfn h() = 2",
    code: "LIP1013",
    message: "expected `->` before the return type, found `<-`",
    at: "<-",
    decls: ["f", "h"],
  },
  {
    src: "fn foo(x) -> f32 x + 1\nfn h() = 2",
    code: "LIP1001",
    message: "expected `{` or `=` to start the body of `fn foo`, found `x`",
    at: "x",
    decls: ["foo", "h"],
  },
  {
    src: "let fn = 1\nfn h() = 2",
    code: "LIP1012",
    message: "`fn` is a reserved keyword and cannot be used as a name",
    at: "fn",
    decls: ["fn", "h"],
  },
  {
    src: "experiment e {\n  let if = 1\n  steps 10\n}",
    code: "LIP1012",
    message: "`if` is a reserved keyword and cannot be used as a name",
    at: "if",
    decls: ["e"],
  },
  {
    src: "fn f(x) = x +\nfn h() = 2",
    code: "LIP1005",
    message: "expected an expression, found keyword `fn`",
    at: "",
    decls: ["f", "h"],
  },
  {
    src: "fn f(x) = )\nfn h() = 2",
    code: "LIP1001",
    message: "expected an expression, found `)`",
    at: ")",
    decls: ["f", "h"],
  },
  {
    src: "x = 3\nfn h() = 2",
    code: "LIP1001",
    message: "expected a declaration, found `x`",
    at: "x",
    decls: ["h"],
  },
  {
    src: "fn f(x) = x }\nfn h() = 2",
    code: "LIP1001",
    message: "expected a declaration, found `}`",
    at: "}",
    decls: ["f", "h"],
  },
  {
    src: "fn f(x) { let y = 1 ) let z = 2\n z }\nfn h() = 2",
    code: "LIP1001",
    message: "expected a statement or `}`, found `)`",
    at: ")",
    decls: ["f", "h"],
  },
  {
    src: "fn f(x) = if x then 1\nfn h() = 2",
    code: "LIP1005",
    message: "expected `else`: an `if` needs both branches, found keyword `fn`",
    at: "",
    decls: ["f", "h"],
  },
  {
    src: "fn f(x) = g(\n  a,\n  b\n  c\n)\nfn h() = 2",
    code: "LIP1005",
    message: "expected `,` or `)` in the argument list, found `c`",
    at: "",
    decls: ["f", "h"],
  },
  {
    src: "fn f(x: f32[B, 2) = x\nfn h() = 2",
    code: "LIP1001",
    message: "expected `]` to close the dimensions, found `)`",
    at: ")",
    decls: ["f", "h"],
  },
  {
    src: "experiment e {\n  model m\n  data d, batch 128\n  steps 10\n}\nfn h() = 2",
    code: "LIP1001",
    message: "expected `:` after the name, found `128`",
    at: "128",
    decls: ["e", "h"],
  },
  {
    src: "use std.nn { dense relu }\nfn h() = 2",
    code: "LIP1001",
    message: "expected `,` or `}` in the import list, found `relu`",
    at: "relu",
    decls: ["", "h"],
  },
  {
    src: "property foo { }\nfn h() = 2",
    code: "LIP1001",
    message: "expected a string, found `foo`",
    at: "foo",
    decls: ["", "h"],
  },
  {
    src: "fn (x) = x\nfn h() = 2",
    code: "LIP1001",
    message: "expected a name, found `(`",
    at: "(",
    decls: ["", "h"],
  },
  {
    src: "fn f(x) = x\n  (1, 2)\nfn h() = 2",
    code: "LIP1010",
    message: "expected a declaration, found `(`",
    at: "(",
    decls: ["f", "h"],
  },
  {
    src: "fn f(x) {\n  let y = foo\n  (1, 2)\n}\nfn h() = 2",
    code: "LIP1010",
    message: "expected `)` to close the parenthesised expression, found `,`",
    at: ",",
    decls: ["f", "h"],
  },
  {
    src: "experiment e {\n  let lr = 3e-3 *\n  loss f(out, y)\n  steps 10\n}\nfn h() = 2",
    code: "LIP1005",
    message: "expected an expression, found `loss`",
    at: "",
    decls: ["e", "h"],
  },
  {
    src: "fn f(x) = g(x\nfn h() = 2",
    code: "LIP1005",
    message: "expected `,` or `)` in the argument list, found keyword `fn`",
    at: "",
    decls: ["f", "h"],
  },
  {
    src: "fn f() = a == not b\nfn h() = 2",
    code: "LIP1014",
    message: "`not` cannot follow an arithmetic or comparison operator without parentheses",
    at: "not",
    decls: ["f", "h"],
  },
];

function declName(d: A.Decl): string {
  if ("name" in d) return d.name.name;
  return "";
}

describe("recovery", () => {
  test.each(cases)("$src", (c) => {
    const r = parse(c.src);
    expect(r.diagnostics.map((d) => `${d.code} ${d.message}`)).toEqual([`${c.code} ${c.message}`]);
    const s = r.diagnostics[0]!.primary.span;
    expect(c.src.slice(s.start, s.end)).toBe(c.at);
    expect(spansInside(r.diagnostics, c.src.length)).toBe(true);
    expect(r.program.decls.map(declName)).toEqual(c.decls);
  });

  test("the second function survives a broken first one", () => {
    const r = parse("fn broken(x) {\n  let a = (x + * 2\n  let b = a a a )\n  b\n}\n\nfn good(y: f32[N]) -> f32[N] = y * 2\n");
    expect(r.diagnostics).toHaveLength(1);
    const good = r.program.decls[1] as A.Callable;
    expect(good.name.name).toBe("good");
    expect(good.body).toHaveLength(1);
  });

  test("statements after a broken statement are kept", () => {
    const r = parse("experiment e {\n  model m\n  loss f(out y)\n  steps 100\n  metric acc = mean(x)\n}");
    expect(r.diagnostics).toHaveLength(1);
    const body = (r.program.decls[0] as A.Experiment).body;
    expect(body.map((s) => s.kind)).toEqual(["ModelClause", "LossClause", "StepsClause", "MetricClause"]);
  });

  test("separate mistakes in separate statements are each reported", () => {
    const r = parse("fn f(x) {\n  let a = (x +\n  let b = g(x y)\n  let c = ]\n  c\n}\nfn g() = [1 2]");
    expect(r.diagnostics.map((d) => d.code)).toEqual(["LIP1005", "LIP1001", "LIP1001", "LIP1001"]);
    expect(r.program.decls).toHaveLength(2);
  });

  test("missing parts become Missing nodes, with empty spans after the previous token", () => {
    const src = "fn f(x) = x +\nfn g() = 1";
    const r = parse(src);
    const e = ((r.program.decls[0] as A.Callable).body[0] as A.ExprStmt).expr as A.Binary;
    expect(e.kind).toBe("Binary");
    expect(e.right.kind).toBe("Missing");
    expect(e.right.span.start).toBe(src.indexOf("+") + 1);
  });

  test("a file with hundreds of errors stops early, keeps what it parsed, and the parser is fine after", () => {
    const text = "fn first() = 1\n" + Array.from({ length: 2000 }, () => "fn ( = ) ]").join("\n");
    const r = parse(text);
    expect(r.diagnostics).toHaveLength(50);
    expect(r.diagnostics[49]!.notes.join()).toContain("too many errors");
    expect((r.program.decls[0] as A.Callable).name.name).toBe("first");
    expect(parse("fn f(x) = x").diagnostics).toEqual([]);
  });

  test("a missing closing bracket points at the opening one", () => {
    const r = parse("fn f(x) = g(x, [1, 2)\nfn h() = 2");
    const d = r.diagnostics[0]!;
    expect(d.secondary.map((l) => l.text)).toEqual(["unclosed `[`"]);
    expect(d.secondary[0]!.span.start).toBe(15);
  });
});
