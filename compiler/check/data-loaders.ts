// Built-in data loaders: `csv`, `load` (safetensors), `npy` and `text`. Their file contents are
// read at run time; statically, `csv` and `text` have a known record shape and `load`/`npy`
// give an open record whose fields are checked when the run reads the file.

import type * as A from "../ast/nodes.js";
import { closeSync, fstatSync, openSync, readSync } from "node:fs";
import { dirname, isAbsolute, resolve } from "node:path";
import { bindArgs, type ParamSpec } from "./args.js";
import type { Val } from "./call-context.js";
import type { Checker, Ctx } from "./checker.js";
import { BT, type Scope } from "./env.js";
import { quoteType, type Type } from "./types.js";

const req = (name: string): ParamSpec => ({ name, optional: false });
const opt = (name: string): ParamSpec => ({ name, optional: true });

export const dataLoaders: Readonly<Record<string, { params: ParamSpec[]; doc: string }>> = {
  csv: { params: [req("path"), opt("x"), opt("y")], doc: "a CSV file with a header row: `x` lists feature columns, `y` names the label column" },
  load: { params: [req("path")], doc: "a .safetensors file: one field per tensor" },
  npy: { params: [req("path")], doc: "one .npy array" },
  text: { params: [req("name"), opt("context")], doc: "a character-level corpus: `x` is a window of `context` characters and `y` the next ones" },
};

export function checkDataLoader(cx: Checker, name: string, e: A.Call, scope: Scope, ctx: Ctx): Val {
  const spec = dataLoaders[name]!;
  if (name === "csv") return checkCsv(cx, e, scope, ctx);
  const { args } = cx.checkArgs(spec.params, e, `\`${name}\``, scope, ctx);
  const first = args.get(spec.params[0]!.name);
  if (first && first.type.k !== "str" && first.type.k !== "unknown") {
    cx.report({ code: "LIP3007", message: `\`${name}\` takes a ${name === "text" ? "corpus name" : "file path"} as a string, found ${quoteType(first.type)}`, span: first.span, label: "not a string", help: name === "text" ? 'e.g. `text("names", context: 16)`' : `e.g. \`${name}("data/train.${name === "csv" ? "csv" : name === "npy" ? "npy" : "safetensors"}")\`` });
  }
  const n = { sym: "n" };
  const open = (): Type => ({ k: "record", fields: new Map(), dataset: true, open: true });
  switch (name) {
    case "csv": {
      const x = args.get("x");
      const cols = x && x.expr.kind === "List" ? x.expr.items.length : undefined;
      const fields = new Map<string, Type>();
      fields.set("x", { k: "tensor", dtype: "f32", shape: cols === undefined ? null : { rest: null, dims: [n, cols] }, weak: false });
      if (args.has("y")) fields.set("y", { k: "tensor", dtype: "i32", shape: { rest: null, dims: [n] }, weak: false });
      return { type: { k: "record", fields, dataset: true }, bt: BT.Const };
    }
    case "text": {
      const c = args.get("context");
      const ctxLen = c && c.type.k === "tensor" ? c.type.value : 16;
      const dims = ctxLen === undefined ? null : { rest: null, dims: [n, ctxLen] };
      const fields = new Map<string, Type>([
        ["x", { k: "tensor", dtype: "i32", shape: dims, weak: false }],
        ["y", { k: "tensor", dtype: "i32", shape: dims, weak: false }],
      ]);
      return { type: { k: "record", fields, dataset: true }, bt: BT.Const };
    }
    case "npy": {
      const path = first && first.type.k === "str" ? first.type.value : undefined;
      return { type: (path !== undefined ? npyType(path, e.span.file) : undefined) ?? unknownType, bt: BT.Const };
    }
    default: {
      // the header of a safetensors file that exists gives its fields' types (sizes included)
      const path = first && first.type.k === "str" ? first.type.value : undefined;
      const fields = path !== undefined ? safetensorsFields(path, e.span.file) : undefined;
      return { type: fields ? { k: "record", fields, dataset: true } : open(), bt: BT.Const };
    }
  }
}

/** Column names of `csv(...)`: bare names or strings (`x: [sepal_length, "petal width"]`). */
export function columnNames(e: A.Expr): string[] | null {
  if (e.kind === "Name") return [e.name];
  if (e.kind === "String") return [e.value];
  if (e.kind === "List") {
    const out: string[] = [];
    for (const i of e.items) {
      const n = columnNames(i);
      if (n === null || n.length !== 1) return null;
      out.push(n[0]!);
    }
    return out;
  }
  return null;
}

/** `csv(path, x: [columns], y: column)`: the columns are names in the file, not Lip values. */
function checkCsv(cx: Checker, e: A.Call, scope: Scope, ctx: Ctx): Val {
  const bound = bindArgs(dataLoaders.csv!.params, e.args, { span: e.span, calleeSpan: e.callee.span, what: "`csv`" }, (d) => cx.report(d));
  const path = bound.byName.get("path");
  if (path) {
    const v = cx.expr(path.value, scope, ctx);
    if (v.type.k !== "str" && v.type.k !== "unknown") cx.report({ code: "LIP3007", message: `\`csv\` takes a file path as a string, found ${quoteType(v.type)}`, span: path.value.span, label: "not a string" });
  }
  let cols: number | undefined;
  for (const k of ["x", "y"] as const) {
    const a = bound.byName.get(k);
    if (!a) continue;
    const names = columnNames(a.value);
    if (names === null || (k === "y" && names.length !== 1) || (k === "x" && a.value.kind !== "List")) {
      cx.report({ code: "LIP3007", message: k === "x" ? "`x` of `csv` is a list of column names, e.g. `x: [sepal_length, sepal_width]`" : "`y` of `csv` is one column name, e.g. `y: species`", span: a.value.span, label: "not column names" });
    } else if (k === "x") cols = names.length;
  }
  const n = { sym: "n" };
  const fields = new Map<string, Type>();
  fields.set("x", { k: "tensor", dtype: "f32", shape: cols === undefined ? null : { rest: null, dims: [n, cols] }, weak: false });
  if (bound.byName.has("y")) fields.set("y", { k: "tensor", dtype: "i32", shape: { rest: null, dims: [n] }, weak: false });
  return { type: { k: "record", fields, dataset: true }, bt: BT.Const };
}

const headerDtypes: Record<string, "f32" | "f64" | "i32" | "bool"> = { F32: "f32", F64: "f64", F16: "f32", BF16: "f32", I32: "i32", I64: "i32", I8: "i32", U8: "i32", BOOL: "bool" };

/** The fields of a safetensors file from its JSON header alone, or undefined if unreadable. */
function safetensorsFields(path: string, from: string): Map<string, Type> | undefined {
  try {
    const full = isAbsolute(path) ? path : resolve(dirname(resolve(from)), path);
    const fd = openSync(full, "r");
    try {
      const len = Buffer.alloc(8);
      if (readSync(fd, len, 0, 8, 0) !== 8) return undefined;
      const n = Number(len.readBigUInt64LE(0));
      if (n > 100_000_000 || n > fstatSync(fd).size - 8) return undefined;
      const header = Buffer.alloc(n);
      readSync(fd, header, 0, n, 8);
      const json = JSON.parse(header.toString("utf8")) as Record<string, { dtype?: string; shape?: number[] }>;
      const fields = new Map<string, Type>();
      for (const [name, info] of Object.entries(json)) {
        if (name === "__metadata__") continue;
        const dtype = info.dtype ? headerDtypes[info.dtype] : undefined;
        if (!dtype || !Array.isArray(info.shape)) return undefined;
        fields.set(name, { k: "tensor", dtype, shape: { rest: null, dims: info.shape }, weak: false });
      }
      return fields;
    } finally {
      closeSync(fd);
    }
  } catch {
    return undefined; // the run reports a missing or malformed file with its own message
  }
}

const unknownType: Type = { k: "unknown" };
const npyDtypes: Record<string, "f32" | "f64" | "i32" | "bool"> = { "<f4": "f32", "<f8": "f64", "<i4": "i32", "<i8": "i32", "|b1": "bool", "|u1": "i32" };

/** The dtype and shape of a .npy file from its header alone, or undefined if unreadable. */
function npyType(path: string, from: string): Type | undefined {
  try {
    const full = isAbsolute(path) ? path : resolve(dirname(resolve(from)), path);
    const fd = openSync(full, "r");
    try {
      const head = Buffer.alloc(12);
      if (readSync(fd, head, 0, 12, 0) < 10 || head.subarray(1, 6).toString("latin1") !== "NUMPY") return undefined;
      const major = head[6]!;
      const n = major === 1 ? head.readUInt16LE(8) : head.readUInt32LE(8);
      const start = major === 1 ? 10 : 12;
      if (n > 1_000_000) return undefined;
      const dict = Buffer.alloc(n);
      readSync(fd, dict, 0, n, start);
      const text = dict.toString("latin1");
      const descr = /'descr':\s*'([^']+)'/.exec(text)?.[1];
      const shape = /'shape':\s*\(([^)]*)\)/.exec(text)?.[1];
      const dtype = descr ? npyDtypes[descr] : undefined;
      if (!dtype || shape === undefined || /'fortran_order':\s*True/.test(text)) return undefined;
      const dims = shape.split(",").map((x) => x.trim()).filter((x) => x !== "").map(Number);
      if (dims.some((d) => !Number.isInteger(d))) return undefined;
      return { k: "tensor", dtype, shape: { rest: null, dims }, weak: false };
    } finally {
      closeSync(fd);
    }
  } catch {
    return undefined;
  }
}
