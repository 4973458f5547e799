// The safetensors format (https://github.com/huggingface/safetensors):
//
//   [8 bytes: N, u64 little-endian] [N bytes: UTF-8 JSON header] [data section]
//
// The header maps each tensor name to {"dtype", "shape", "data_offsets": [begin, end]}, offsets
// relative to the start of the data section, plus an optional "__metadata__" map of strings.
// Tensors are little-endian, row-major and contiguous: together they cover the data section
// exactly, without gaps or overlaps. Writers pad the header with spaces so that the data section
// starts at a multiple of 8.
//
// Read: F32, F64, I32 and BOOL as themselves; F16 and BF16 widen to f32, I8, U8 and I64 become
// i32 (I64 with a range check), each conversion reported as a note. Any other dtype is an error.
// Write: f32 -> F32, f64 -> F64, i32 -> I32, bool -> BOOL, ordered like the reference writer
// (wider dtypes first, then by name) so every tensor is aligned to its element size.

import type { DType } from "../../compiler/ir/dtype.js";
import type { Tensor } from "../tensor.js";
import { writeFileAtomic } from "./atomic-write.js";
import { decodeElements, DTYPE_SIZE, dataMatches, ELEMENT_SIZE, elementCount, encodeElements, IntRangeError, READ_AS, showDims, type ElementKind } from "./elements.js";
import { DataFileError } from "./errors.js";
import { readBytes } from "./read-file.js";

const METADATA = "__metadata__";

/** Header dtype -> how it is stored. */
const KINDS: Readonly<Record<string, ElementKind>> = { F32: "f32", F64: "f64", I32: "i32", BOOL: "bool", F16: "f16", BF16: "bf16", I64: "i64", I8: "i8", U8: "u8" };
const CONVERTED = new Set(["F16", "BF16", "I64", "I8", "U8"]);
const WRITE_NAME: Readonly<Record<DType, string>> = { f32: "F32", f64: "F64", i32: "I32", bool: "BOOL" };
const SUPPORTED = "supported: F32, F64, I32, BOOL; converted on reading: F16, BF16 to f32, I8, U8, I64 to i32";

/** The reference implementation's limit; a larger header is certainly not a real file. */
const MAX_HEADER = 100_000_000;

export interface SafetensorsFile {
  readonly tensors: Record<string, Tensor>;
  readonly metadata: Record<string, string>;
  /** One line per tensor converted on reading (`w.safetensors: tensor "e" is F16, read as f32`). */
  readonly notes: string[];
}

/** The tensors of a .safetensors file. Conversions (F16 -> f32, ...) go to `onNote`. Throws DataFileError. */
export function readSafetensors(path: string, opts: { onNote?: (note: string) => void } = {}): Record<string, Tensor> {
  const file = readSafetensorsFile(path);
  for (const note of file.notes) opts.onNote?.(note);
  return file.tensors;
}

/** The tensors, metadata and conversion notes of a .safetensors file. Throws DataFileError. */
export function readSafetensorsFile(path: string): SafetensorsFile {
  return parseSafetensors(readBytes(path), path);
}

/** Parse safetensors bytes; `file` names them in errors. Throws DataFileError. */
export function parseSafetensors(bytes: Uint8Array, file: string): SafetensorsFile {
  const fail = (detail: string, field?: string): never => {
    throw new DataFileError(file, detail, { field });
  };
  const notSafetensors = (why: string): never => fail(`not a safetensors file (${why})`);
  if (bytes.length < 8) notSafetensors(`${bytes.length} bytes, too short for the 8-byte header length`);
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const headerLen = view.getBigUint64(0, true);
  if (headerLen > BigInt(bytes.length - 8)) notSafetensors(`the header length, ${headerLen} bytes, is beyond the end of the file, which has ${bytes.length} bytes`);
  const n = Number(headerLen);
  if (n > MAX_HEADER) notSafetensors(`the header length, ${n} bytes, is over the limit of ${MAX_HEADER}`);
  let text: string;
  let header: unknown;
  try {
    text = new TextDecoder("utf-8", { fatal: true }).decode(bytes.subarray(8, 8 + n));
    header = JSON.parse(text);
  } catch {
    return notSafetensors("the header is not valid JSON");
  }
  if (typeof header !== "object" || header === null || Array.isArray(header)) return notSafetensors("the header is not a JSON object");
  const seen = new Set<string>();
  for (const key of topLevelKeys(text)) {
    if (seen.has(key)) fail(key === METADATA ? `"${METADATA}" appears twice in the header` : `tensor "${key}" appears twice in the header`, key);
    seen.add(key);
  }

  const dataStart = 8 + n;
  const dataLen = bytes.length - dataStart;
  const entries: { name: string; kind: ElementKind; shape: number[]; count: number; begin: number; end: number }[] = [];
  const metadata: Record<string, string> = {};
  const notes: string[] = [];
  for (const [name, raw] of Object.entries(header as Record<string, unknown>)) {
    if (name === METADATA) {
      if (typeof raw !== "object" || raw === null || Array.isArray(raw) || Object.values(raw).some((v) => typeof v !== "string")) {
        fail(`"${METADATA}" must be an object whose values are strings`, METADATA);
      }
      for (const [k, v] of Object.entries(raw as Record<string, string>)) define(metadata, k, v);
      continue;
    }
    const at = (detail: string): never => fail(`tensor "${name}": ${detail}`, name);
    if (typeof raw !== "object" || raw === null || Array.isArray(raw)) at("the entry is not an object with dtype, shape and data_offsets");
    const entry = raw as Record<string, unknown>;
    const dtype = entry["dtype"];
    if (typeof dtype !== "string") at(`field "dtype" is missing or not a string`);
    const kind = Object.prototype.hasOwnProperty.call(KINDS, dtype as string) ? KINDS[dtype as string]! : at(`unsupported dtype "${dtype}" (${SUPPORTED})`);
    const shape = entry["shape"];
    const count = Array.isArray(shape) ? elementCount(shape) : undefined;
    if (count === undefined) at(`field "shape" must be a list of non-negative integers`);
    const offsets = entry["data_offsets"];
    if (!Array.isArray(offsets) || offsets.length !== 2 || !offsets.every((o) => Number.isSafeInteger(o) && o >= 0) || offsets[0] > offsets[1]) {
      at(`field "data_offsets" must be two integers [begin, end] with 0 <= begin <= end`);
    }
    const [begin, end] = offsets as [number, number];
    if (end > dataLen) at(`data_offsets [${begin}, ${end}] are beyond the data section, which has ${dataLen} bytes`);
    const need = count! * ELEMENT_SIZE[kind];
    if (end - begin !== need) at(`data_offsets [${begin}, ${end}] hold ${end - begin} bytes, but ${dtype} ${showDims(shape as number[])} needs ${need}`);
    entries.push({ name, kind, shape: shape as number[], count: count!, begin, end });
    if (CONVERTED.has(dtype as string)) notes.push(`${file}: tensor "${name}" is ${dtype}, read as ${READ_AS[kind]}`);
  }

  // Contiguous: sorted by offsets, each tensor starts where the previous one ends.
  const byOffset = [...entries].sort((a, b) => a.begin - b.begin || a.end - b.end);
  let pos = 0;
  for (const e of byOffset) {
    if (e.begin !== pos) fail(`tensor "${e.name}": data_offsets [${e.begin}, ${e.end}] ${e.begin < pos ? "overlap the previous tensor, which ends" : "leave a gap after the previous tensor, which ends"} at byte ${pos}`, e.name);
    pos = e.end;
  }
  if (pos !== dataLen) fail(`the data section has ${dataLen} bytes, but the tensors end at byte ${pos}`);

  const tensors: Record<string, Tensor> = {};
  for (const e of entries) {
    let data;
    try {
      data = decodeElements(e.kind, bytes, dataStart + e.begin, e.count);
    } catch (err) {
      if (err instanceof IntRangeError) fail(`tensor "${e.name}": I64 value ${err.value} (element ${err.index}) does not fit in i32`, e.name);
      throw err;
    }
    define(tensors, e.name, { dtype: READ_AS[e.kind], shape: [...e.shape], data });
  }
  return { tensors, metadata, notes };
}

/** Write `tensors` (and string `metadata`) to `path` as safetensors, atomically. Throws DataFileError. */
export function writeSafetensors(path: string, tensors: Record<string, Tensor>, metadata?: Record<string, string>): void {
  writeFileAtomic(path, serializeSafetensors(tensors, metadata, path));
}

/** The bytes of a safetensors file; `file` names the destination in errors. Throws DataFileError. */
export function serializeSafetensors(tensors: Record<string, Tensor>, metadata?: Record<string, string>, file = "<safetensors>"): Uint8Array {
  const names = Object.keys(tensors);
  for (const name of names) {
    const t = tensors[name]!;
    const at = (detail: string): never => {
      throw new DataFileError(file, `cannot write tensor "${name}": ${detail}`, { field: name });
    };
    if (name === METADATA) at(`the name "${METADATA}" is reserved`);
    if (!Object.prototype.hasOwnProperty.call(WRITE_NAME, t.dtype)) at(`unsupported dtype "${t.dtype}"`);
    const count = elementCount(t.shape);
    if (count === undefined) at(`shape ${showDims(t.shape)} is not a list of non-negative integers`);
    if (!dataMatches(t.dtype, t.data)) at(`its data is a ${t.data.constructor.name}, not storage for ${t.dtype}`);
    if (t.data.length !== count) at(`shape ${showDims(t.shape)} has ${count} elements but the data has ${t.data.length}`);
  }
  if (metadata !== undefined) {
    for (const [k, v] of Object.entries(metadata)) {
      if (typeof v !== "string") throw new DataFileError(file, `cannot write metadata "${k}": the value is not a string`, { field: METADATA });
    }
  }
  // Widest elements first, then by name: every tensor starts at a multiple of its element size.
  names.sort((a, b) => DTYPE_SIZE[tensors[b]!.dtype] - DTYPE_SIZE[tensors[a]!.dtype] || (a < b ? -1 : a > b ? 1 : 0));

  const parts: string[] = [];
  if (metadata !== undefined && Object.keys(metadata).length > 0) parts.push(`${JSON.stringify(METADATA)}:${JSON.stringify(metadata)}`);
  const blobs: Uint8Array[] = [];
  let offset = 0;
  for (const name of names) {
    const t = tensors[name]!;
    const blob = encodeElements(t.dtype, t.data);
    blobs.push(blob);
    parts.push(`${JSON.stringify(name)}:{"dtype":"${WRITE_NAME[t.dtype]}","shape":[${t.shape.join(",")}],"data_offsets":[${offset},${offset + blob.length}]}`);
    offset += blob.length;
  }
  const json = Buffer.from(`{${parts.join(",")}}`, "utf8");
  const headerLen = Math.ceil(json.length / 8) * 8;
  const out = new Uint8Array(8 + headerLen + offset);
  new DataView(out.buffer).setBigUint64(0, BigInt(headerLen), true);
  out.set(json, 8);
  out.fill(0x20, 8 + json.length, 8 + headerLen);
  let pos = 8 + headerLen;
  for (const blob of blobs) {
    out.set(blob, pos);
    pos += blob.length;
  }
  return out;
}

// An own, enumerable property even for a name like "__proto__".
function define<T>(record: Record<string, T>, key: string, value: T): void {
  Object.defineProperty(record, key, { value, enumerable: true, writable: true, configurable: true });
}

/**
 * The keys of the top-level object of valid JSON `text`, in order and with repeats (JSON.parse
 * keeps only the last of a repeated key, which would hide a duplicate tensor).
 */
function topLevelKeys(text: string): string[] {
  const keys: string[] = [];
  let depth = 0;
  for (let i = 0; i < text.length; i++) {
    const c = text[i];
    if (c === "{" || c === "[") depth++;
    else if (c === "}" || c === "]") depth--;
    else if (c === '"') {
      let j = i + 1;
      while (text[j] !== '"') j += text[j] === "\\" ? 2 : 1;
      if (depth === 1) {
        let k = j + 1;
        while (text[k] === " " || text[k] === "\t" || text[k] === "\n" || text[k] === "\r") k++;
        if (text[k] === ":") keys.push(JSON.parse(text.slice(i, j + 1)) as string);
      }
      i = j;
    }
  }
  return keys;
}
