// CSV data sets: RFC 4180 parsing (quotes, CRLF, blank lines), column selection, labels, and
// the errors (file:line, column, "did you mean").

import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, test } from "vitest";
import { csvData, parseCsv, parseNumber, readCsv, readCsvData } from "../../../runtime/io/csv.js";
import { expectDataFileError, expectSameTensor, t, tempDir } from "./helpers.js";

let dir: string;
let cleanup: () => void;
beforeAll(() => ({ dir, cleanup } = tempDir()));
afterAll(() => cleanup());

const file = (name: string, text: string) => {
  const path = join(dir, name);
  writeFileSync(path, text);
  return path;
};
const fields = (text: string) => parseCsv(text, "t.csv").map((r) => r.fields);

describe("parsing", () => {
  test("quoted fields hold commas, doubled quotes and newlines", () => {
    expect(fields('a,b,c\n"x, y","say ""hi""","two\nlines"\n')).toEqual([
      ["a", "b", "c"],
      ["x, y", 'say "hi"', "two\nlines"],
    ]);
  });

  test("CRLF, LF, a lone CR; no final newline", () => {
    expect(fields("a,b\r\n1,2\r\n3,4")).toEqual([["a", "b"], ["1", "2"], ["3", "4"]]);
    expect(fields("a,b\r1,2\r")).toEqual([["a", "b"], ["1", "2"]]);
  });

  test("blank lines (trailing or between rows) are skipped; line numbers count them", () => {
    const records = parseCsv("a,b\n\n1,2\r\n\r\n3,4\n\n\n", "t.csv");
    expect(records).toEqual([
      { line: 1, fields: ["a", "b"] },
      { line: 3, fields: ["1", "2"] },
      { line: 5, fields: ["3", "4"] },
    ]);
  });

  test("a quoted newline advances the line count", () => {
    expect(parseCsv('a,b\n"1\n2",3\n4,5\n', "t.csv").map((r) => r.line)).toEqual([1, 2, 4]);
  });

  test("unquoted fields are trimmed, quoted ones kept; empty fields; a byte-order mark", () => {
    expect(fields('\ufeff a , " b ",,\n')).toEqual([["a", " b ", "", ""]]);
  });

  test("numbers: decimals, exponents, nan and inf; not hex, not empty, not words", () => {
    expect([" 1 ", "-2.5", ".5", "5.", "1e3", "+1E-2", "nan", "-Inf", "infinity"].map(parseNumber)).toEqual([1, -2.5, 0.5, 5, 1000, 0.01, NaN, -Infinity, Infinity]);
    expect(["", "0x10", "1,5", "abc", "1e", "--1", "Infinityx"].map(parseNumber)).toEqual(Array(7).fill(undefined));
  });
});

describe("data sets", () => {
  const iris = "sepal_length,sepal_width,species\n5.1,3.5,setosa\n7.0,3.2,versicolor\n4.9,3.0,setosa\n6.3,3.3,virginica\n";

  test("x from named columns, y from string labels in order of first appearance", () => {
    const path = file("iris.csv", iris);
    const got = readCsv(path, { x: ["sepal_width", "sepal_length"], y: "species" });
    expectSameTensor(got["x"], t("f32", [4, 2], [3.5, 5.1, 3.2, 7.0, 3.0, 4.9, 3.3, 6.3]));
    expectSameTensor(got["y"], t("i32", [4], [0, 1, 0, 2]));
    expect(readCsvData(path, { y: "species" }).classes).toEqual(["setosa", "versicolor", "virginica"]);
  });

  test("x omitted: every numeric column except y, in file order", () => {
    const got = csvData("id,name,a,label,b\n1,x,0.5,3,2\n2,y,1.5,7,4\n", "t.csv", { y: "label" });
    expect(Object.keys(got.tensors)).toEqual(["x", "y"]);
    expect(got.xColumns).toEqual(["id", "a", "b"]);
    expectSameTensor(got.tensors["x"], t("f32", [2, 3], [1, 0.5, 2, 2, 1.5, 4]));
    expectSameTensor(got.tensors["y"], t("i32", [2], [3, 7])); // integer labels are kept
    expect(got.classes).toBeUndefined();
  });

  test("no y asked for: only x", () => {
    const got = csvData("a,b\n1,2\n", "t.csv");
    expect(Object.keys(got.tensors)).toEqual(["x"]);
    expectSameTensor(got.tensors["x"], t("f32", [1, 2], [1, 2]));
  });

  test("integer labels: negative and 1.0 style are kept; mixed with words they are all classes", () => {
    expectSameTensor(csvData("x,y\n1,-1\n2,2.0\n", "t.csv", { y: "y" }).tensors["y"], t("i32", [2], [-1, 2]));
    const mixed = csvData("x,y\n1,7\n2,cat\n3,7\n", "t.csv", { y: "y" });
    expectSameTensor(mixed.tensors["y"], t("i32", [3], [0, 1, 0]));
    expect(mixed.classes).toEqual(["7", "cat"]);
  });

  test("quoted numbers and labels with commas, CRLF and blank trailing lines, from a file", () => {
    const path = file("q.csv", 'f,"label, long"\r\n"1.5","a, b"\r\n2,c\r\n\r\n\r\n');
    const got = readCsv(path, { y: "label, long" });
    expectSameTensor(got["x"], t("f32", [2, 1], [1.5, 2]));
    expectSameTensor(got["y"], t("i32", [2], [0, 1]));
  });

  test("a header only: n = 0", () => {
    const got = csvData("a,b,y\n", "t.csv", { y: "y" });
    expectSameTensor(got.tensors["x"], t("f32", [0, 2], []));
    expectSameTensor(got.tensors["y"], t("i32", [0], []));
  });

  test("nan and inf values are numbers", () => {
    const x = csvData("a\nnan\ninf\n", "t.csv").tensors["x"]!;
    expect(Array.from(x.data)).toEqual([NaN, Infinity]);
  });
});

describe("errors: file:line, the column, a suggestion", () => {
  const text = "length,width,class\n1,2,a\n3,4,b\n";
  const cases: [string, string, { x?: string[]; y?: string }, string][] = [
    ["unknown x column, with a suggestion", text, { x: ["lenght", "width"] }, '1: no column "lenght" (did you mean "length"?)'],
    ["unknown y column, with a suggestion", text, { y: "clas" }, '1: no column "clas" (did you mean "class"?)'],
    ["unknown column, nothing close", text, { x: ["zzz"] }, '1: no column "zzz" (the columns are: length, width, class)'],
    ["non-numeric value in an x column", "a,b\n1,2\n3,n/a\n", { x: ["a", "b"] }, '3: column "b": "n/a" is not a number'],
    ["empty value in an x column", "a,b\n\n1,\n", { x: ["a", "b"] }, '3: column "b": "" is not a number'],
    ["a row with too few fields", "a,b,c\n1,2,3\n\n4,5\n", {}, "4: 2 fields, but the header has 3 columns"],
    ["a row with too many fields", "a,b\n1,2,3\n", {}, "2: 3 fields, but the header has 2 columns"],
    ["one field", "a,b\n1\n", {}, "2: 1 field, but the header has 2 columns"],
    ["an unclosed quote", 'a,b\n1,"2\n3,4\n', {}, "2: a quoted field is not closed"],
    ["text after a closing quote", 'a,b\n1,"2"x\n', {}, "2: unexpected text after a closing quote"],
    ["duplicate header", "a,b,a\n1,2,3\n", {}, '1: column "a" appears twice in the header'],
    ["empty file", "\n\n", {}, "the file is empty (expected a header row)"],
    ["no numeric column", "name,kind\nx,y\n", { y: "kind" }, "no numeric columns for x (the columns are: name, kind)"],
    ["empty label", "a,y\n1,cat\n2,\n", { y: "y" }, '3: column "y": empty label'],
    ["label out of the i32 range", "a,y\n1,3000000000\n", { y: "y" }, '2: column "y": label 3000000000 does not fit in i32'],
  ];
  test.each(cases)("%s", (_, content, opts, message) => {
    const path = file("bad.csv", content);
    expectDataFileError(() => readCsv(path, opts), /^\d/.test(message) ? `${path}:${message}` : `${path}: ${message}`);
  });

  test("the field names the column", () => {
    const e = expectDataFileError(() => csvData(text, "t.csv", { x: ["lenght"] }), 't.csv:1: no column "lenght" (did you mean "length"?)');
    expect(e.field).toBe("lenght");
    expect(e.line).toBe(1);
  });

  test("missing file; not UTF-8", () => {
    const missing = join(dir, "none.csv");
    expectDataFileError(() => readCsv(missing), `${missing}: no such file`);
    const binary = join(dir, "bin.csv");
    writeFileSync(binary, Buffer.from([0x61, 0x0a, 0xff, 0xfe]));
    expectDataFileError(() => readCsv(binary), `${binary}: not a UTF-8 text file`);
  });
});
