// The NumPy .npy format (numpy.lib.format, versions 1.0, 2.0 and 3.0):
//
//   "\x93NUMPY" [major] [minor] [header length: u16 LE (1.0) or u32 LE (2.0, 3.0)]
//   [header: a Python dict literal {'descr': '<f4', 'fortran_order': False, 'shape': (3, 4), }
//    padded with spaces and a final newline so the data starts at a multiple of 64]
//   [data: the elements, row-major when fortran_order is False]
//
// Read: <f4 -> f32, <f8 -> f64, <i4 -> i32, |b1 -> bool, and with a note <i8 -> i32 (each value
// range-checked) and |u1 -> i32. Big-endian data and Fortran order are refused with a message
// saying how to re-save the array. Write: f32, f64, i32, bool, byte-for-byte as numpy.save does.

import type { DType } from "../../compiler/ir/dtype.js";
import type { Tensor } from "../tensor.js";
import { writeFileAtomic } from "./atomic-write.js";
import { dataMatches, decodeElements, ELEMENT_SIZE, elementCount, encodeElements, IntRangeError, READ_AS, showDims, type ElementKind } from "./elements.js";
import { DataFileError } from "./errors.js";
import { readBytes } from "./read-file.js";

const MAGIC = [0x93, 0x4e, 0x55, 0x4d, 0x50, 0x59]; // \x93NUMPY
const ALIGN = 64;

/** descr -> element kind. One-byte kinds have no byte order ('|'), though '<' and '>' mean the same. */
const KINDS: Readonly<Record<string, ElementKind>> = {
  "<f4": "f32",
  "<f8": "f64",
  "<i4": "i32",
  "<i8": "i64",
  "|b1": "bool",
  "<b1": "bool",
  ">b1": "bool",
  "|u1": "u8",
  "<u1": "u8",
  ">u1": "u8",
};
const CONVERTED = new Set<ElementKind>(["i64", "u8"]);
const DESCR: Readonly<Record<DType, string>> = { f32: "<f4", f64: "<f8", i32: "<i4", bool: "|b1" };
const SUPPORTED = "supported: <f4, <f8, <i4, <i8, |b1, |u1";

/** One .npy array. Conversions (<i8 -> i32, |u1 -> i32) go to `onNote`. Throws DataFileError. */
export function readNpy(path: string, opts: { onNote?: (note: string) => void } = {}): Tensor {
  return parseNpy(readBytes(path), path, opts.onNote);
}

/** Parse .npy bytes; `file` names them in errors. Throws DataFileError. */
export function parseNpy(bytes: Uint8Array, file: string, onNote?: (note: string) => void): Tensor {
  const fail = (detail: string, field?: string): never => {
    throw new DataFileError(file, detail, { field });
  };
  if (bytes.length < 10 || MAGIC.some((b, i) => bytes[i] !== b)) fail("not a .npy file (it does not start with the magic string \\x93NUMPY)");
  const major = bytes[6]!;
  const minor = bytes[7]!;
  if (![1, 2, 3].includes(major) || minor !== 0) fail(`unsupported .npy format version ${major}.${minor} (supported: 1.0, 2.0, 3.0)`);
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const prefix = major === 1 ? 10 : 12;
  if (bytes.length < prefix) fail("not a .npy file (it ends inside the header length)");
  const headerLen = major === 1 ? view.getUint16(8, true) : view.getUint32(8, true);
  if (prefix + headerLen > bytes.length) fail(`not a .npy file (the header length, ${headerLen} bytes, is beyond the end of the file, which has ${bytes.length} bytes)`);
  let text: string;
  try {
    text = new TextDecoder(major === 3 ? "utf-8" : "latin1", { fatal: true }).decode(bytes.subarray(prefix, prefix + headerLen));
  } catch {
    return fail("not a .npy file (the header is not text)");
  }
  const header = parsePyLiteral(text);
  const badHeader = "not a .npy file (the header is not a dictionary with 'descr', 'fortran_order' and 'shape')";
  if (!(header instanceof Map)) return fail(badHeader);
  const descr = header.get("descr");
  const fortran = header.get("fortran_order");
  const shape = header.get("shape");
  if (descr === undefined || typeof fortran !== "boolean" || !Array.isArray(shape)) return fail(badHeader);
  if (typeof descr !== "string") return fail(`unsupported dtype: a structured array (${SUPPORTED})`, "descr");
  if (fortran) fail("Fortran-order arrays are not supported; save a C-order array (numpy.save(path, numpy.ascontiguousarray(a)))", "fortran_order");
  const kind = Object.prototype.hasOwnProperty.call(KINDS, descr) ? KINDS[descr]! : undefined;
  if (kind === undefined) {
    if (descr.startsWith(">") && Object.prototype.hasOwnProperty.call(KINDS, `<${descr.slice(1)}`)) {
      fail(`big-endian data ('${descr}') is not supported; save it little-endian (a.astype('<${descr.slice(1)}'))`, "descr");
    }
    return fail(`unsupported dtype '${descr}' (${SUPPORTED})`, "descr");
  }
  const count = elementCount(shape);
  if (count === undefined) return fail(`the shape ${pyTuple(shape)} is not a tuple of non-negative integers`, "shape");
  const dataLen = bytes.length - prefix - headerLen;
  const need = count * ELEMENT_SIZE[kind];
  if (dataLen !== need) fail(`the data has ${dataLen} bytes, but '${descr}' ${pyTuple(shape)} needs ${need}`);
  let data;
  try {
    data = decodeElements(kind, bytes, prefix + headerLen, count);
  } catch (err) {
    if (err instanceof IntRangeError) return fail(`'${descr}' value ${err.value} (element ${err.index}) does not fit in i32`);
    throw err;
  }
  if (CONVERTED.has(kind)) onNote?.(`${file}: '${descr}' data read as ${READ_AS[kind]}`);
  return { dtype: READ_AS[kind], shape: [...(shape as number[])], data };
}

/** Write `t` to `path` as .npy, atomically. Throws DataFileError. */
export function writeNpy(path: string, t: Tensor): void {
  writeFileAtomic(path, serializeNpy(t, path));
}

/** The bytes numpy.save writes for `t` (version 1.0, or 2.0 for a header over 64 KiB). */
export function serializeNpy(t: Tensor, file = "<npy>"): Uint8Array {
  const at = (detail: string): never => {
    throw new DataFileError(file, `cannot write: ${detail}`);
  };
  if (!Object.prototype.hasOwnProperty.call(DESCR, t.dtype)) at(`unsupported dtype "${t.dtype}"`);
  const count = elementCount(t.shape);
  if (count === undefined) at(`shape ${showDims(t.shape)} is not a list of non-negative integers`);
  if (!dataMatches(t.dtype, t.data)) at(`the data is a ${t.data.constructor.name}, not storage for ${t.dtype}`);
  if (t.data.length !== count) at(`shape ${showDims(t.shape)} has ${count} elements but the data has ${t.data.length}`);
  const dict = `{'descr': '${DESCR[t.dtype]}', 'fortran_order': False, 'shape': ${pyTuple(t.shape)}, }`;
  // as numpy's _wrap_header: pad so that magic + version + length + header + "\n" is a multiple of 64
  let major = 1;
  let prefix = 10;
  let pad = ALIGN - ((prefix + dict.length + 1) % ALIGN);
  if (dict.length + pad + 1 > 0xffff) {
    major = 2;
    prefix = 12;
    pad = ALIGN - ((prefix + dict.length + 1) % ALIGN);
  }
  const header = Buffer.from(dict + " ".repeat(pad) + "\n", "latin1");
  const body = encodeElements(t.dtype, t.data);
  const out = new Uint8Array(prefix + header.length + body.length);
  out.set(MAGIC, 0);
  out[6] = major;
  out[7] = 0;
  const view = new DataView(out.buffer);
  if (major === 1) view.setUint16(8, header.length, true);
  else view.setUint32(8, header.length, true);
  out.set(header, prefix);
  out.set(body, prefix + header.length);
  return out;
}

/** A shape as Python writes a tuple: `()`, `(3,)`, `(3, 4)`. */
function pyTuple(shape: readonly unknown[]): string {
  return shape.length === 1 ? `(${String(shape[0])},)` : `(${shape.map(String).join(", ")})`;
}

type PyValue = string | number | boolean | null | PyValue[] | Map<string, PyValue>;

/**
 * The value of a Python literal made of dicts (string keys), tuples, lists, strings, integers,
 * True, False and None, as numpy writes .npy headers; undefined if `text` is anything else.
 */
export function parsePyLiteral(text: string): PyValue | undefined {
  let i = 0;
  const ws = () => {
    while (i < text.length && " \t\r\n".includes(text[i]!)) i++;
  };
  const fail = (): never => {
    throw new SyntaxError("not a Python literal");
  };
  const seq = (close: string): PyValue[] => {
    const items: PyValue[] = [];
    for (;;) {
      ws();
      if (text[i] === close) {
        i++;
        return items;
      }
      items.push(value());
      ws();
      if (text[i] === ",") i++;
      else if (text[i] !== close) fail();
    }
  };
  const value = (): PyValue => {
    ws();
    const c = text[i];
    if (c === "{") {
      i++;
      const map = new Map<string, PyValue>();
      for (;;) {
        ws();
        if (text[i] === "}") {
          i++;
          return map;
        }
        const key = value();
        if (typeof key !== "string") fail();
        ws();
        if (text[i++] !== ":") fail();
        map.set(key as string, value());
        ws();
        if (text[i] === ",") i++;
        else if (text[i] !== "}") fail();
      }
    }
    if (c === "(") {
      i++;
      return seq(")");
    }
    if (c === "[") {
      i++;
      return seq("]");
    }
    if (c === "'" || c === '"') {
      let s = "";
      for (i++; text[i] !== c; i++) {
        if (i >= text.length) fail();
        if (text[i] === "\\") i++;
        s += text[i];
      }
      i++;
      return s;
    }
    const m = /^(?:True|False|None|[+-]?\d+L?)/.exec(text.slice(i));
    if (!m) return fail();
    i += m[0].length;
    if (m[0] === "True") return true;
    if (m[0] === "False") return false;
    if (m[0] === "None") return null;
    return Number(m[0].replace("L", ""));
  };
  try {
    const v = value();
    ws();
    return i === text.length ? v : undefined;
  } catch {
    return undefined;
  }
}
