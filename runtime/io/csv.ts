// CSV data sets: a header row, then one example per row (RFC 4180: quoted fields may hold
// commas, newlines and doubled quotes; CRLF or LF line ends; blank lines are skipped).
//
//   x: f32[n, k]  the columns named in `x`, or every numeric column but `y` when `x` is omitted
//   y: i32[n]     (only when `y` is given) class labels: integers are kept, anything else is
//                 mapped to 0..k-1 in order of first appearance
//
// Errors name the file, the line and the column: `iris.csv:7: column "petal_width": "n/a" is
// not a number`.

import { suggest } from "../../compiler/diag/suggest.js";
import type { Tensor } from "../tensor.js";
import { DataFileError } from "./errors.js";
import { readText } from "./read-file.js";

export interface CsvOptions {
  /** The feature columns, in order; default: every numeric column except `y`. */
  x?: string[];
  /** The label column; no `y` tensor without it. */
  y?: string;
}

export interface CsvData {
  /** `x` and, when asked for, `y`. */
  tensors: Record<string, Tensor>;
  /** The columns of `x`, in order. */
  xColumns: string[];
  /** The label of each class index, when `y` held strings; undefined when it held integers or was not asked for. */
  classes: string[] | undefined;
}

/** A CSV row: its fields and the line it starts on (1-based). */
export interface CsvRecord {
  line: number;
  fields: string[];
}

/** `{ x, y }` from a CSV file with a header row. Throws DataFileError. */
export function readCsv(path: string, opts: CsvOptions = {}): Record<string, Tensor> {
  return readCsvData(path, opts).tensors;
}

/** The tensors of a CSV file, with the x columns and the class names. Throws DataFileError. */
export function readCsvData(path: string, opts: CsvOptions = {}): CsvData {
  return csvData(readText(path), path, opts);
}

/** As readCsvData, for CSV text; `file` names it in errors. */
export function csvData(text: string, file: string, opts: CsvOptions = {}): CsvData {
  const records = parseCsv(text, file);
  const header = records[0];
  if (header === undefined) throw new DataFileError(file, "the file is empty (expected a header row)");
  const columns = header.fields;
  const index = new Map<string, number>();
  columns.forEach((name, i) => {
    if (index.has(name)) throw new DataFileError(file, `column "${name}" appears twice in the header`, { field: name, line: header.line });
    index.set(name, i);
  });
  const rows = records.slice(1);
  for (const r of rows) {
    if (r.fields.length !== columns.length) {
      throw new DataFileError(file, `${r.fields.length} ${r.fields.length === 1 ? "field" : "fields"}, but the header has ${columns.length} columns`, { line: r.line });
    }
  }
  const column = (name: string): number => {
    const i = index.get(name);
    if (i !== undefined) return i;
    const near = suggest(name, columns);
    const hint = near !== undefined ? `did you mean "${near}"?` : `the columns are: ${columns.join(", ")}`;
    throw new DataFileError(file, `no column "${name}" (${hint})`, { field: name, line: header.line });
  };

  const yCol = opts.y !== undefined ? column(opts.y) : undefined;
  let xCols: number[];
  if (opts.x !== undefined) {
    xCols = opts.x.map(column);
  } else {
    xCols = columns.map((_, i) => i).filter((i) => i !== yCol && rows.every((r) => parseNumber(r.fields[i]!) !== undefined));
    if (xCols.length === 0) throw new DataFileError(file, `no numeric columns for x (the columns are: ${columns.join(", ")})`);
  }

  const n = rows.length;
  const k = xCols.length;
  const x = new Float32Array(n * k);
  rows.forEach((r, row) => {
    xCols.forEach((c, j) => {
      const v = parseNumber(r.fields[c]!);
      if (v === undefined) throw new DataFileError(file, `column "${columns[c]}": ${JSON.stringify(r.fields[c])} is not a number`, { field: columns[c], line: r.line });
      x[row * k + j] = v;
    });
  });
  const tensors: Record<string, Tensor> = { x: { dtype: "f32", shape: [n, k], data: x } };
  let classes: string[] | undefined;
  if (yCol !== undefined) {
    const name = columns[yCol]!;
    const values = rows.map((r) => r.fields[yCol]!);
    rows.forEach((r, i) => {
      if (values[i] === "") throw new DataFileError(file, `column "${name}": empty label`, { field: name, line: r.line });
    });
    const y = new Int32Array(n);
    if (values.every((v) => INTEGER.test(v))) {
      values.forEach((v, i) => {
        const label = Math.trunc(Number(v));
        if (label < -2147483648 || label > 2147483647) throw new DataFileError(file, `column "${name}": label ${v} does not fit in i32`, { field: name, line: rows[i]!.line });
        y[i] = label;
      });
    } else {
      const ids = new Map<string, number>();
      values.forEach((v, i) => {
        let id = ids.get(v);
        if (id === undefined) ids.set(v, (id = ids.size));
        y[i] = id;
      });
      classes = [...ids.keys()];
    }
    tensors["y"] = { dtype: "i32", shape: [n], data: y };
  }
  return { tensors, xColumns: xCols.map((c) => columns[c]!), classes };
}

const INTEGER = /^[+-]?\d+(?:\.0*)?$/;
const DECIMAL = /^[+-]?(?:\d+(?:\.\d*)?|\.\d+)(?:[eE][+-]?\d+)?$/;
const SPECIAL = /^[+-]?(?:nan|inf|infinity)$/i;

/** A decimal number (or nan, inf, infinity in any case, signed), or undefined. */
export function parseNumber(field: string): number | undefined {
  const s = field.trim();
  if (DECIMAL.test(s)) return Number(s);
  if (SPECIAL.test(s)) {
    if (/nan/i.test(s)) return NaN;
    return s.startsWith("-") ? -Infinity : Infinity;
  }
  return undefined;
}

/**
 * The rows of CSV text (header included), blank lines skipped. Unquoted fields are trimmed of
 * surrounding spaces; quoted fields are kept exactly. Throws DataFileError on an unclosed quote
 * or text after a closing quote.
 */
export function parseCsv(text: string, file: string): CsvRecord[] {
  if (text.charCodeAt(0) === 0xfeff) text = text.slice(1);
  const records: CsvRecord[] = [];
  let i = 0;
  let line = 1;
  const len = text.length;
  while (i < len) {
    const start = line;
    const fields: string[] = [];
    let anyQuoted = false;
    for (;;) {
      let value = "";
      let j = i;
      while (text[j] === " " || text[j] === "\t") j++;
      if (text[j] === '"') {
        i = j;
        anyQuoted = true;
        const quoteLine = line;
        i++;
        for (;;) {
          if (i >= len) throw new DataFileError(file, "a quoted field is not closed", { line: quoteLine });
          const c = text[i]!;
          if (c === '"') {
            if (text[i + 1] === '"') {
              value += '"';
              i += 2;
              continue;
            }
            i++;
            break;
          }
          if (c === "\n") line++;
          value += c;
          i++;
        }
        while (text[i] === " " || text[i] === "\t") i++;
        if (i < len && text[i] !== "," && text[i] !== "\n" && text[i] !== "\r") throw new DataFileError(file, "unexpected text after a closing quote", { line });
      } else {
        const from = i;
        while (i < len && text[i] !== "," && text[i] !== "\n" && text[i] !== "\r") i++;
        value = text.slice(from, i).trim();
      }
      fields.push(value);
      if (text[i] === ",") {
        i++;
        continue;
      }
      // end of the record: LF, CRLF, a lone CR, or the end of the text
      if (text[i] === "\r") i++;
      if (text[i] === "\n") i++;
      line++;
      break;
    }
    if (fields.length === 1 && fields[0] === "" && !anyQuoted) continue; // a blank line
    records.push({ line: start, fields });
  }
  return records;
}
