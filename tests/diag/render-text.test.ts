// Golden tests of the rustc-style text renderer (compiler/diag/render-text.ts).

import { describe, expect, test } from "vitest";
import fc from "fast-check";
import { diagnostic } from "../../compiler/diag/diagnostic.js";
import { span } from "../../compiler/diag/span.js";
import { charWidth, locate, renderAllText, renderSummary, renderText } from "../../compiler/diag/render-text.js";
import { Files, lines } from "./helpers.js";

const BAD = [
  "// a layer with a shape mistake",
  "layer proj(x: f32[128, 2], w: f32[3, 64]) {",
  "  let h = x @ w",
  "  h",
  "}",
  "",
].join("\n");

describe("renderText", () => {
  test("secondary labels on the primary's line, rightmost inline, others hanging", () => {
    const fs = new Files();
    fs.add("examples/bad.lip", BAD);
    const d = diagnostic({
      code: "LIP3003",
      message: "matmul inner dimensions differ: `f32[128, 2]` @ `f32[3, 64]`",
      span: fs.at("examples/bad.lip", "@"),
      secondary: [
        { span: fs.at("examples/bad.lip", "x @", { len: 1 }), text: "this has 2 columns" },
        { span: fs.at("examples/bad.lip", "w\n"), text: "this has 3 rows" },
      ],
    });
    expect(renderText(d, fs.map)).toBe(
      lines(
        "error[LIP3003]: matmul inner dimensions differ: `f32[128, 2]` @ `f32[3, 64]`",
        " --> examples/bad.lip:3:13",
        "  |",
        "3 |   let h = x @ w",
        "  |           - ^ - this has 3 rows",
        "  |           |",
        "  |           this has 2 columns",
      ),
    );
  });

  test("three labels on one line hang in a staircase, the rightmost highest", () => {
    const fs = new Files();
    fs.add("a.lip", "let y = a + b * c\n");
    const d = diagnostic({
      code: "LIP3001",
      message: "shapes cannot be broadcast",
      span: fs.at("a.lip", "+"),
      label: "here",
      secondary: [
        { span: fs.at("a.lip", "a +", { len: 1 }), text: "`f32[3]`" },
        { span: fs.at("a.lip", "b * c"), text: "`f32[4]`" },
        { span: fs.at("a.lip", "c"), text: "" },
      ],
    });
    expect(renderText(d, fs.map)).toBe(
      lines(
        "error[LIP3001]: shapes cannot be broadcast",
        " --> a.lip:1:11",
        "  |",
        "1 | let y = a + b * c",
        "  |         - ^ -----",
        "  |         | | |",
        "  |         | | `f32[4]`",
        "  |         | here",
        "  |         `f32[3]`",
      ),
    );
  });

  test("a primary inside a secondary span stays visible", () => {
    const fs = new Files();
    fs.add("a.lip", "fn f(x) = g(x, 1)\n");
    const d = diagnostic({
      code: "LIP2006",
      message: "wrong number of arguments",
      span: fs.at("a.lip", "1"),
      label: "unexpected argument",
      secondary: [{ span: fs.at("a.lip", "g(x, 1)"), text: "in this call" }],
    });
    expect(renderText(d, fs.map)).toBe(
      lines(
        "error[LIP2006]: wrong number of arguments",
        " --> a.lip:1:16",
        "  |",
        "1 | fn f(x) = g(x, 1)",
        "  |           -----^-",
        "  |           |    |",
        "  |           |    unexpected argument",
        "  |           in this call",
      ),
    );
  });

  test("labels on other lines of the same file share the snippet, in line order, with gaps elided", () => {
    const fs = new Files();
    const text = [
      "layer dense(x: f32[B, I], O: int) -> f32[B, O] {", // 1
      "  param w: f32[I, O] = lecun_normal()", // 2
      "  param b: f32[O] = zeros()", // 3
      "  x @ w + b", // 4
      "}", // 5
      "", // 6
      "fn a(x) = x", // 7
      "fn b(x) = x", // 8
      "fn c(x) = x", // 9
      "fn d(x: f32[4, 3]) = dense(x, 10)", // 10
      "", // 11
    ].join("\n");
    fs.add("m.lip", text);
    const d = diagnostic({
      code: "LIP3002",
      message: "size variable `I` bound to two sizes",
      span: fs.at("m.lip", "x, 10", { len: 1 }),
      label: "`I` is 3 here",
      secondary: [
        { span: fs.at("m.lip", "I]", { len: 1 }), text: "`I` is the last dimension of `x`" },
        { span: fs.at("m.lip", "I, O]", { len: 1 }), text: "and the rows of `w`" },
      ],
    });
    expect(renderText(d, fs.map)).toBe(
      lines(
        "error[LIP3002]: size variable `I` bound to two sizes",
        "  --> m.lip:10:28",
        "   |",
        "1  | layer dense(x: f32[B, I], O: int) -> f32[B, O] {",
        "   |                       - `I` is the last dimension of `x`",
        "2  |   param w: f32[I, O] = lecun_normal()",
        "   |                - and the rows of `w`",
        "...",
        "10 | fn d(x: f32[4, 3]) = dense(x, 10)",
        "   |                            ^ `I` is 3 here",
      ),
    );
  });

  test("a single unlabelled line between two labelled ones is shown, not elided", () => {
    const fs = new Files();
    fs.add("a.lip", "let a = 1\nlet b = 2\nlet a = 3\n");
    const d = diagnostic({
      code: "LIP2003",
      message: "duplicate definition of `a`",
      span: fs.at("a.lip", "a", { nth: 1 }),
      label: "`a` redefined here",
      secondary: [{ span: fs.at("a.lip", "a"), text: "first defined here" }],
      help: "rename one of them",
    });
    expect(renderText(d, fs.map)).toBe(
      lines(
        "error[LIP2003]: duplicate definition of `a`",
        " --> a.lip:3:5",
        "  |",
        "1 | let a = 1",
        "  |     - first defined here",
        "2 | let b = 2",
        "3 | let a = 3",
        "  |     ^ `a` redefined here",
        "  |",
        "  = help: rename one of them",
      ),
    );
  });

  test("a label in another file gets its own ::: section", () => {
    const fs = new Files();
    fs.add("examples/main.lip", "use std.nn { dense }\nmodel m(x: f32[B, 2]) = dense(x, 4, bias: true)\n");
    fs.add("std/nn.lip", "layer dense(x: f32[..., I], O: int) -> f32[..., O] {\n  x\n}\n");
    const d = diagnostic({
      code: "LIP2005",
      message: "unknown named argument `bias`",
      span: fs.at("examples/main.lip", "bias"),
      label: "`dense` has no parameter `bias`",
      secondary: [{ span: fs.at("std/nn.lip", "dense"), text: "`dense` defined here" }],
    });
    expect(renderText(d, fs.map)).toBe(
      lines(
        "error[LIP2005]: unknown named argument `bias`",
        " --> examples/main.lip:2:37",
        "  |",
        "2 | model m(x: f32[B, 2]) = dense(x, 4, bias: true)",
        "  |                                     ^^^^ `dense` has no parameter `bias`",
        "  |",
        " ::: std/nn.lip:1:7",
        "  |",
        "1 | layer dense(x: f32[..., I], O: int) -> f32[..., O] {",
        "  |       ----- `dense` defined here",
      ),
    );
  });

  test("a span over several lines is underlined to the end of its first line", () => {
    const fs = new Files();
    fs.add("a.lip", "fn f(x) = {\n  let y = x\n}\n");
    const start = fs.at("a.lip", "{").start;
    const end = fs.at("a.lip", "}").end;
    const d = diagnostic({
      code: "LIP4008",
      message: "body has no result",
      span: span("a.lip", start, end),
      label: "this block ends with a `let`",
    });
    expect(renderText(d, fs.map)).toBe(
      lines(
        "error[LIP4008]: body has no result",
        " --> a.lip:1:11",
        "  |",
        "1 | fn f(x) = {",
        "  |           ^ this block ends with a `let`",
      ),
    );
    const wide = diagnostic({
      code: "LIP4008",
      message: "body has no result",
      span: span("a.lip", 0, end),
    });
    expect(renderText(wide, fs.map).split("\n").slice(3)).toEqual(["1 | fn f(x) = {", "  | ^^^^^^^^^^^"]);
  });

  test("tabs are expanded so the carets line up", () => {
    const fs = new Files();
    fs.add("t.lip", "fn f(x) =\n\tx\t+ yy\n");
    const d = diagnostic({
      code: "LIP2001",
      message: "unknown name `yy`",
      span: fs.at("t.lip", "yy"),
      label: "not found in this scope",
    });
    expect(renderText(d, fs.map)).toBe(
      lines(
        "error[LIP2001]: unknown name `yy`",
        " --> t.lip:2:6",
        "  |",
        "2 |     x    + yy",
        "  |            ^^ not found in this scope",
      ),
    );
  });

  test("wide and combining characters are measured in terminal columns", () => {
    const fs = new Files();
    fs.add("w.lip", 'let s = "日本語 e\u0301" + zz\n');
    const d = diagnostic({ code: "LIP2001", message: "unknown name `zz`", span: fs.at("w.lip", "zz") });
    const out = renderText(d, fs.map).split("\n");
    expect(out[1]).toBe(" --> w.lip:1:20"); // the column counts code units, as editors do
    expect(out[3]).toBe('1 | let s = "日本語 e\u0301" + zz');
    expect(out[4]).toBe("  | " + " ".repeat(21) + "^^"); // 日本語 take two columns each, the accent none
  });

  test("an empty span at the end of the file gets one caret after the last line", () => {
    const fs = new Files();
    const text = "fn f(x) = (x +\n";
    fs.add("eof.lip", text);
    const d = diagnostic({
      code: "LIP1005",
      message: "missing token: expected `)`",
      span: span("eof.lip", text.length, text.length),
      label: "the file ends here",
      secondary: [{ span: fs.at("eof.lip", "(x +", { len: 1 }), text: "unclosed `(`" }],
    });
    expect(renderText(d, fs.map)).toBe(
      lines(
        "error[LIP1005]: missing token: expected `)`",
        " --> eof.lip:1:15",
        "  |",
        "1 | fn f(x) = (x +",
        "  |           -   ^ the file ends here",
        "  |           |",
        "  |           unclosed `(`",
      ),
    );
    // without a final newline the end is the same place
    fs.add("eof2.lip", "fn f(x) = (x +");
    const d2 = diagnostic({ code: "LIP1005", message: "m", span: span("eof2.lip", 14, 14) });
    expect(renderText(d2, fs.map).split("\n").slice(1)).toEqual([" --> eof2.lip:1:15", "  |", "1 | fn f(x) = (x +", "  |               ^"]);
  });

  test("an empty file still renders", () => {
    const fs = new Files();
    fs.add("empty.lip", "");
    const d = diagnostic({ code: "LIP5001", message: "nothing to check", span: span("empty.lip", 0, 0), label: "empty" });
    expect(renderText(d, fs.map)).toBe(lines("error[LIP5001]: nothing to check", " --> empty.lip:1:1", "  |", "1 |", "  | ^ empty"));
  });

  test("notes and help follow the snippet; a long note keeps its indentation", () => {
    const fs = new Files();
    fs.add("n.lip", "let x = f32(1) + i32(2)\n");
    const d = diagnostic({
      code: "LIP3004",
      message: "dtype mismatch: `f32` + `i32`",
      span: fs.at("n.lip", "+"),
      label: "operands have different dtypes",
      notes: ["Lip never converts dtypes implicitly", "weak literals take the dtype\nof the other operand"],
      help: "convert one side: `f32(...)`",
    });
    expect(renderText(d, fs.map)).toBe(
      lines(
        "error[LIP3004]: dtype mismatch: `f32` + `i32`",
        " --> n.lip:1:16",
        "  |",
        "1 | let x = f32(1) + i32(2)",
        "  |                ^ operands have different dtypes",
        "  |",
        "  = note: Lip never converts dtypes implicitly",
        "  = note: weak literals take the dtype",
        "          of the other operand",
        "  = help: convert one side: `f32(...)`",
      ),
    );
  });

  test("the gutter is as wide as the largest line number", () => {
    const fs = new Files();
    fs.add("g.lip", Array.from({ length: 120 }, (_, i) => `let v${i + 1} = ${i}`).join("\n"));
    const d = diagnostic({
      code: "LIP2003",
      message: "m",
      span: fs.at("g.lip", "v100 "),
      secondary: [{ span: fs.at("g.lip", "v9 "), text: "t" }],
    });
    expect(renderText(d, fs.map).split("\n")).toEqual([
      "error[LIP2003]: m",
      "   --> g.lip:100:5",
      "    |",
      "9   | let v9 = 8",
      "    |     --- t",
      "...",
      "100 | let v100 = 99",
      "    |     ^^^^^",
    ]);
  });

  test("warnings and notes use their own severity word", () => {
    const fs = new Files();
    fs.add("a.lip", "let unused = 1\n");
    const d = diagnostic({ code: "LIP2001", severity: "warning", message: "unused", span: fs.at("a.lip", "unused") });
    expect(renderText(d, fs.map).split("\n")[0]).toBe("warning[LIP2001]: unused");
  });

  test("an unknown file is named without a snippet", () => {
    const d = diagnostic({
      code: "LIP9001",
      message: "internal error",
      span: span("nowhere.lip", 5, 9),
      label: "here",
      notes: ["n"],
    });
    expect(renderText(d, new Map())).toBe(lines("error[LIP9001]: internal error", " --> nowhere.lip", "  = here", "  |", "  = note: n"));
  });

  test("spans beyond the end of the file are clamped", () => {
    const fs = new Files();
    fs.add("a.lip", "fn f() = 1\n");
    const d = diagnostic({ code: "LIP1001", message: "m", span: { file: "a.lip", start: 500, end: 400 } });
    expect(renderText(d, fs.map).split("\n").slice(1)).toEqual([" --> a.lip:1:11", "  |", "1 | fn f() = 1", "  |           ^"]);
  });

  test("control and bidi characters are shown as symbols, never sent to the terminal", () => {
    const fs = new Files();
    fs.add("c.lip", "let a\u0007 = \u202e1\n");
    const d = diagnostic({ code: "LIP1004", message: "invalid character", span: fs.at("c.lip", "\u0007") });
    const out = renderText(d, fs.map);
    expect(out).not.toMatch(/[\u0000-\u0009\u000b-\u001f\u202e]/);
    expect(out.split("\n").slice(3)).toEqual(["1 | let a\u2407 = \ufffd1", "  |      ^"]);
  });

  test("a very long line is cut around the labels", () => {
    const fs = new Files();
    const long = "let x = " + "a + ".repeat(100) + "oops + " + "b + ".repeat(100) + "c";
    fs.add("l.lip", long + "\n");
    const d = diagnostic({ code: "LIP2001", message: "unknown name `oops`", span: fs.at("l.lip", "oops"), label: "here" });
    const [, , , src, marks] = renderText(d, fs.map).split("\n");
    expect(src!.length).toBeLessThan(180);
    expect(src!.startsWith("1 | ...")).toBe(true);
    expect(src!.endsWith("...")).toBe(true);
    expect(src!.indexOf("oops")).toBe(marks!.indexOf("^^^^"));
  });

  test("colour only when asked for, and then rustc's palette", () => {
    const fs = new Files();
    fs.add("a.lip", "x\n");
    const d = diagnostic({ code: "LIP2001", message: "unknown name `x`", span: fs.at("a.lip", "x"), label: "here", help: "h" });
    expect(renderText(d, fs.map)).not.toContain("\x1b");
    expect(renderText(d, fs.map, { color: false })).not.toContain("\x1b");
    const colored = renderText(d, fs.map, { color: true });
    expect(colored).toContain("\x1b[1;91merror[LIP2001]\x1b[0m");
    expect(colored).toContain("\x1b[1;91m^\x1b[0m");
    expect(colored.replace(/\x1b\[[0-9;]*m/g, "")).toBe(renderText(d, fs.map));
  });

  test("a primary and a secondary label on the same span: the primary's label goes inline", () => {
    const fs = new Files();
    fs.add("a.lip", "let a = b\n");
    const d = diagnostic({
      code: "LIP2001",
      message: "m",
      span: fs.at("a.lip", "b"),
      label: "primary",
      secondary: [{ span: fs.at("a.lip", "b"), text: "secondary" }],
    });
    expect(renderText(d, fs.map).split("\n").slice(3)).toEqual([
      "1 | let a = b",
      "  |         ^ primary",
      "  |         |",
      "  |         secondary",
    ]);
  });

  test("renderAllText separates diagnostics with blank lines", () => {
    const fs = new Files();
    fs.add("a.lip", "x y\n");
    const d1 = diagnostic({ code: "LIP2001", message: "one", span: fs.at("a.lip", "x") });
    const d2 = diagnostic({ code: "LIP2001", message: "two", span: fs.at("a.lip", "y") });
    const out = renderAllText([d1, d2], fs.map);
    expect(out.split("\n\n")).toHaveLength(3);
    expect(out.endsWith("^\n\n")).toBe(true);
  });

  test("never throws, whatever the spans", () => {
    fc.assert(
      fc.property(
        fc.string({ maxLength: 60 }),
        fc.array(fc.tuple(fc.integer({ min: -5, max: 80 }), fc.integer({ min: -5, max: 80 }), fc.string({ maxLength: 8 })), {
          minLength: 1,
          maxLength: 5,
        }),
        fc.boolean(),
        (text, spans, color) => {
          const fs = new Files();
          fs.add("p.lip", text);
          const [first, ...rest] = spans.map(([s, e, label]) => ({ span: { file: "p.lip", start: s, end: e }, text: label }));
          const d = diagnostic({ code: "LIP1001", message: "m", span: first!.span, label: first!.text, secondary: rest });
          const out = renderText(d, fs.map, { color });
          expect(out.startsWith(color ? "\x1b" : "error[LIP1001]: m")).toBe(true);
        },
      ),
    );
  });
});

describe("charWidth and locate", () => {
  test("widths", () => {
    expect(charWidth("a".codePointAt(0)!)).toBe(1);
    expect(charWidth("語".codePointAt(0)!)).toBe(2);
    expect(charWidth("😀".codePointAt(0)!)).toBe(2);
    expect(charWidth(0x0301)).toBe(0);
  });

  test("locate is 1-based with an exclusive end and the EOF rule", () => {
    const fs = new Files();
    fs.add("a.lip", "ab\ncd\n");
    expect(locate(span("a.lip", 3, 5), fs.map)).toEqual({ file: "a.lip", line: 2, col: 1, endLine: 2, endCol: 3 });
    expect(locate(span("a.lip", 6, 6), fs.map)).toEqual({ file: "a.lip", line: 2, col: 3, endLine: 2, endCol: 3 });
    expect(locate(span("b.lip", 0, 1), fs.map)).toBeUndefined();
  });
});

describe("renderSummary", () => {
  const fs = new Files();
  fs.add("a.lip", "x\n");
  const err = diagnostic({ code: "LIP2001", message: "m", span: fs.at("a.lip", "x") });
  const warn = diagnostic({ code: "LIP2001", message: "m", span: fs.at("a.lip", "x"), severity: "warning" });

  test("rustc's wording", () => {
    expect(renderSummary([err], ["a.lip"])).toBe("error: could not check `a.lip` due to 1 previous error");
    expect(renderSummary([err, err, warn], ["a.lip"])).toBe(
      "error: could not check `a.lip` due to 2 previous errors; 1 warning emitted",
    );
    expect(renderSummary([err], ["a.lip", "b.lip"])).toBe("error: could not check 2 files due to 1 previous error");
    expect(renderSummary([warn, warn], ["a.lip"])).toBe("warning: `a.lip` generated 2 warnings");
    expect(renderSummary([], ["a.lip"])).toBe("");
  });
});
