// The JSON form of diagnostics (compiler/diag/render-json.ts): the editor contract.

import { expect, test } from "vitest";
import { diagnostic } from "../../compiler/diag/diagnostic.js";
import { span } from "../../compiler/diag/span.js";
import { renderJson, renderJsonText } from "../../compiler/diag/render-json.js";
import { Files } from "./helpers.js";

test("every field, with 1-based lines and columns and an exclusive end", () => {
  const fs = new Files();
  fs.add("examples/bad.lip", "layer p(x: f32[128, 2], w: f32[3, 64]) {\n  x @ w\n}\n");
  fs.add("std/nn.lip", "fn f(x) = x\n");
  const d = diagnostic({
    code: "LIP3003",
    message: "matmul inner dimensions differ",
    span: fs.at("examples/bad.lip", "@"),
    label: "in this product",
    secondary: [
      { span: fs.at("examples/bad.lip", "2]", { len: 1 }), text: "2 columns" },
      { span: fs.at("std/nn.lip", "f"), text: "" },
    ],
    notes: ["n1", "n2"],
    help: "transpose `w`",
  });
  expect(renderJson([d], fs.map)).toEqual([
    {
      code: "LIP3003",
      severity: "error",
      message: "matmul inner dimensions differ",
      file: "examples/bad.lip",
      line: 2,
      col: 5,
      endLine: 2,
      endCol: 6,
      label: "in this product",
      secondary: [
        { file: "examples/bad.lip", line: 1, col: 21, endLine: 1, endCol: 22, label: "2 columns" },
        { file: "std/nn.lip", line: 1, col: 1, endLine: 1, endCol: 2, label: null },
      ],
      notes: ["n1", "n2"],
      help: "transpose `w`",
    },
  ]);
});

test("absent label and help are null; key order is stable", () => {
  const fs = new Files();
  fs.add("a.lip", "x\n");
  const [j] = renderJson([diagnostic({ code: "LIP2001", message: "m", span: fs.at("a.lip", "x") })], fs.map);
  expect(j!.label).toBeNull();
  expect(j!.help).toBeNull();
  expect(j!.secondary).toEqual([]);
  expect(Object.keys(j!)).toEqual([
    "code", "severity", "message", "file", "line", "col", "endLine", "endCol", "label", "secondary", "notes", "help",
  ]);
});

test("multi-line spans keep their real end; empty spans at EOF follow the text renderer", () => {
  const fs = new Files();
  fs.add("a.lip", "fn f(x) = {\n  x\n}\n");
  const [multi, eof] = renderJson(
    [
      diagnostic({ code: "LIP1001", message: "m", span: span("a.lip", 10, 17) }),
      diagnostic({ code: "LIP1001", message: "m", span: span("a.lip", 18, 18) }),
    ],
    fs.map,
  );
  expect([multi!.line, multi!.col, multi!.endLine, multi!.endCol]).toEqual([1, 11, 3, 2]);
  expect([eof!.line, eof!.col, eof!.endLine, eof!.endCol]).toEqual([3, 2, 3, 2]);
});

test("a file the renderer does not know is reported at 1:1", () => {
  const [j] = renderJson([diagnostic({ code: "LIP9001", message: "m", span: span("gone.lip", 7, 9) })], new Map());
  expect([j!.file, j!.line, j!.col, j!.endLine, j!.endCol]).toEqual(["gone.lip", 1, 1, 1, 1]);
});

test("renderJsonText is one parseable document", () => {
  const fs = new Files();
  fs.add("a.lip", "x\n");
  const d = diagnostic({ code: "LIP2001", message: "m", span: fs.at("a.lip", "x") });
  const text = renderJsonText([d, d], fs.map);
  expect(text.endsWith("\n")).toBe(true);
  expect(JSON.parse(text)).toHaveLength(2);
  expect(renderJsonText([], fs.map)).toBe("[]\n");
});
