// safetensors: byte-exact layout, round trips over generated tensors, an independent reader and
// writer (Python, standard library only), the conversions on reading, and every error message.

import { readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import fc from "fast-check";
import { afterAll, beforeAll, describe, expect, test } from "vitest";
import { DataFileError } from "../../../runtime/io/errors.js";
import { parseSafetensors, readSafetensors, readSafetensorsFile, serializeSafetensors, writeSafetensors } from "../../../runtime/io/safetensors.js";
import type { Tensor } from "../../../runtime/tensor.js";
import { expectDataFileError, expectSameTensor, hasPython, pythonRead, pythonWrite, pyValue, t, tempDir, tensorArb } from "./helpers.js";

let dir: string;
let cleanup: () => void;
beforeAll(() => ({ dir, cleanup } = tempDir()));
afterAll(() => cleanup());

const u64 = (n: number) => {
  const b = Buffer.alloc(8);
  b.writeBigUInt64LE(BigInt(n));
  return b;
};
/** A file from a header text and data bytes, laid out by hand. */
const fileOf = (header: string, data: number[] = []) => Buffer.concat([u64(Buffer.byteLength(header)), Buffer.from(header), Buffer.from(data)]);

/** `x` as f32 with the low 16 bits cleared: what the Python writer stores as BF16. */
function truncatedToBf16(x: number): number {
  const f = Float32Array.of(x);
  new Uint32Array(f.buffer)[0]! &= 0xffff0000;
  return f[0]!;
}

describe("layout (golden bytes)", () => {
  test("a tiny file is exactly as the spec lays it out", () => {
    const bytes = serializeSafetensors({ b: t("i32", [], [7]), a: t("f32", [2], [1, 2]) });
    const json = '{"a":{"dtype":"F32","shape":[2],"data_offsets":[0,8]},"b":{"dtype":"I32","shape":[],"data_offsets":[8,12]}}';
    expect(json.length).toBe(107);
    const expected = Buffer.concat([
      Buffer.from([0x70, 0, 0, 0, 0, 0, 0, 0]), // 112: the header padded to a multiple of 8
      Buffer.from(json + "     "),
      Buffer.from([0x00, 0x00, 0x80, 0x3f, 0x00, 0x00, 0x00, 0x40]), // f32 1, 2
      Buffer.from([0x07, 0x00, 0x00, 0x00]), // i32 7
    ]);
    expect(Buffer.from(bytes).toString("hex")).toBe(expected.toString("hex"));
  });

  test("metadata comes first; wider dtypes before narrower, so every tensor is aligned", () => {
    const bytes = serializeSafetensors({ m: t("bool", [3], [1, 0, 1]), z: t("f64", [1], [0.5]), a: t("f32", [], [3]) }, { format: "pt", note: 'a "quote"' });
    const n = Number(Buffer.from(bytes).readBigUInt64LE(0));
    expect(n % 8).toBe(0);
    const header = Buffer.from(bytes.subarray(8, 8 + n)).toString("utf8");
    expect(header.trimEnd()).toBe(
      '{"__metadata__":{"format":"pt","note":"a \\"quote\\""},' +
        '"z":{"dtype":"F64","shape":[1],"data_offsets":[0,8]},' +
        '"a":{"dtype":"F32","shape":[],"data_offsets":[8,12]},' +
        '"m":{"dtype":"BOOL","shape":[3],"data_offsets":[12,15]}}',
    );
    expect(Array.from(bytes.subarray(8 + n + 12))).toEqual([1, 0, 1]);
    expect(bytes.length).toBe(8 + n + 15);
  });

  test("no tensors: an empty header object", () => {
    const bytes = serializeSafetensors({});
    expect(Buffer.from(bytes).toString("latin1")).toBe("\x08\0\0\0\0\0\0\0{}      ");
    expect(parseSafetensors(bytes, "e.safetensors").tensors).toEqual({});
  });
});

describe("round trips", () => {
  const names = fc.string({ unit: "binary", maxLength: 8 }).filter((s) => s !== "__metadata__");
  const files = fc.dictionary(names, tensorArb, { maxKeys: 5 });
  const metadata = fc.option(fc.dictionary(fc.string({ maxLength: 6 }), fc.string({ maxLength: 6 }), { maxKeys: 3 }), { nil: undefined });

  test("serialize then parse gives the same tensors and metadata (all dtypes, ranks 0-4, zero-size dims)", () => {
    fc.assert(
      fc.property(files, metadata, (tensors, meta) => {
        const back = parseSafetensors(serializeSafetensors(tensors, meta), "x.safetensors");
        expect(Object.keys(back.tensors).sort()).toEqual(Object.keys(tensors).sort());
        for (const [name, tensor] of Object.entries(tensors)) expectSameTensor(back.tensors[name], tensor);
        expect(back.metadata).toEqual(meta ?? {});
        expect(back.notes).toEqual([]);
      }),
      { numRuns: 300 },
    );
  });

  test("through the file system", () => {
    fc.assert(
      fc.property(files, (tensors) => {
        const path = join(dir, "rt.safetensors");
        writeSafetensors(path, tensors);
        const back = readSafetensors(path);
        for (const [name, tensor] of Object.entries(tensors)) expectSameTensor(back[name], tensor);
      }),
      { numRuns: 40 },
    );
  });

  test("f32 data held in a Float64Array (f64 mode) is written rounded to f32", () => {
    const back = parseSafetensors(serializeSafetensors({ w: { dtype: "f32", shape: [2], data: Float64Array.from([0.1, 2]) } }), "f.safetensors");
    expectSameTensor(back.tensors["w"], t("f32", [2], [Math.fround(0.1), 2]));
  });

  test("names that are awkward in JS objects or JSON survive", () => {
    const tensors: Record<string, Tensor> = {};
    for (const name of ["__proto__", "constructor", "", 'q"uote\\', "h1.w", "ünï ☃"]) Object.defineProperty(tensors, name, { value: t("i32", [1], [name.length]), enumerable: true });
    const back = parseSafetensors(serializeSafetensors(tensors), "n.safetensors").tensors;
    expect(Object.keys(back).sort()).toEqual(Object.keys(tensors).sort());
    expect(Object.getPrototypeOf(back)).toBe(Object.prototype);
    expectSameTensor(back["__proto__"], t("i32", [1], [9]));
  });
});

describe.skipIf(!hasPython)("independent reader and writer (Python, standard library only)", () => {
  test("Python reads what we wrote: names, dtypes, shapes, values, metadata", () => {
    const tensors: Record<string, Tensor> = {
      "h1.w": t("f32", [2, 3], [0.1, -2.5, 1e-30, NaN, Infinity, -0]),
      "h1.b": t("f64", [3], [Math.PI, -1e300, 5e-324]),
      step: t("i32", [], [-2147483648]),
      mask: t("bool", [2, 2], [1, 0, 0, 1]),
      empty: t("f32", [0, 4], []),
    };
    const path = join(dir, "py.safetensors");
    writeSafetensors(path, tensors, { format: "lip", run: "r1" });
    const py = pythonRead(path);
    expect(py.metadata).toEqual({ format: "lip", run: "r1" });
    expect(Object.keys(py.tensors).sort()).toEqual(Object.keys(tensors).sort());
    const dtypeName = { f32: "F32", f64: "F64", i32: "I32", bool: "BOOL" };
    for (const [name, tensor] of Object.entries(tensors)) {
      expect(py.tensors[name]).toEqual({ dtype: dtypeName[tensor.dtype], shape: tensor.shape, values: Array.from(tensor.data, pyValue) });
    }
  });

  test("we read what Python wrote, converting F16, BF16 to f32 and I64, I8, U8 to i32, with notes", () => {
    const path = join(dir, "from-python.safetensors");
    pythonWrite(path);
    const notes: string[] = [];
    const got = readSafetensors(path, { onNote: (n) => notes.push(n) });
    expectSameTensor(got["half"], t("f32", [2, 2], [1.5, -2, 65504, 2 ** -24]));
    expectSameTensor(got["brain"], t("f32", [3], [1, -3.5, truncatedToBf16(1e30)]));
    expectSameTensor(got["long"], t("i32", [3], [-(2 ** 31), 2 ** 31 - 1, 7]));
    expectSameTensor(got["byte"], t("i32", [2], [-128, 127]));
    expectSameTensor(got["ubyte"], t("i32", [2], [0, 255]));
    expect(notes).toEqual([
      `${path}: tensor "half" is F16, read as f32`,
      `${path}: tensor "brain" is BF16, read as f32`,
      `${path}: tensor "long" is I64, read as i32`,
      `${path}: tensor "byte" is I8, read as i32`,
      `${path}: tensor "ubyte" is U8, read as i32`,
    ]);
    expect(readSafetensorsFile(path).metadata).toEqual({ format: "pt" });
  });
});

describe("conversions", () => {
  test("F16 specials: subnormals, infinities, NaN, -0", () => {
    const half = [0x0001, 0x03ff, 0x7c00, 0xfc00, 0x7e00, 0x8000, 0x3c00, 0xc000];
    const data = Buffer.alloc(half.length * 2);
    half.forEach((h, i) => data.writeUInt16LE(h, i * 2));
    const f = parseSafetensors(fileOf(`{"h":{"dtype":"F16","shape":[8],"data_offsets":[0,16]}}`, [...data]), "h.safetensors").tensors["h"]!;
    expect(Array.from(f.data)).toEqual([2 ** -24, 1023 * 2 ** -24, Infinity, -Infinity, NaN, -0, 1, -2]);
    expect(Object.is(f.data[5], -0)).toBe(true);
  });

  test("BOOL bytes other than 0 and 1 read as true", () => {
    const b = parseSafetensors(fileOf(`{"b":{"dtype":"BOOL","shape":[3],"data_offsets":[0,3]}}`, [0, 2, 255]), "b.safetensors").tensors["b"]!;
    expect(Array.from(b.data)).toEqual([0, 1, 1]);
  });

  test("unaligned tensors are copied, not viewed", () => {
    const header = `{"a":{"dtype":"BOOL","shape":[1],"data_offsets":[0,1]},"f":{"dtype":"F32","shape":[1],"data_offsets":[1,5]}}`;
    const f = parseSafetensors(fileOf(header, [1, 0, 0, 0x80, 0x3f]), "u.safetensors").tensors["f"]!;
    expect(Array.from(f.data)).toEqual([1]);
  });
});

describe("errors: one line naming the file and the field", () => {
  const cases: [string, Buffer | string, string][] = [
    ["too short", Buffer.from([1, 2, 3]), "not a safetensors file (3 bytes, too short for the 8-byte header length)"],
    ["header length beyond the file", Buffer.concat([u64(1000), Buffer.from("{}")]), "not a safetensors file (the header length, 1000 bytes, is beyond the end of the file, which has 10 bytes)"],
    ["huge header length", Buffer.concat([u64(2 ** 53), Buffer.from("{}")]), "not a safetensors file (the header length, 9007199254740992 bytes, is beyond the end of the file, which has 10 bytes)"],
    ["header not JSON", fileOf("{nope}"), "not a safetensors file (the header is not valid JSON)"],
    ["header not UTF-8", Buffer.concat([u64(2), Buffer.from([0xff, 0xfe])]), "not a safetensors file (the header is not valid JSON)"],
    ["header an array", fileOf("[1, 2]"), "not a safetensors file (the header is not a JSON object)"],
    ["a text file", Buffer.from("hello, this is not a tensor file at all"), "not a safetensors file (the header length, 8367736964726416744 bytes, is beyond the end of the file, which has 39 bytes)"],
    [
      "offsets out of range",
      fileOf(`{"w":{"dtype":"F32","shape":[2,2],"data_offsets":[0,16]}}`, [0, 0, 0, 0]),
      'tensor "w": data_offsets [0, 16] are beyond the data section, which has 4 bytes',
    ],
    [
      "byte size does not match dtype and shape",
      fileOf(`{"w":{"dtype":"F32","shape":[2,2],"data_offsets":[0,12]}}`, Array(12).fill(0)),
      'tensor "w": data_offsets [0, 12] hold 12 bytes, but F32 [2, 2] needs 16',
    ],
    [
      "unsupported dtype",
      fileOf(`{"z":{"dtype":"C64","shape":[1],"data_offsets":[0,8]}}`, Array(8).fill(0)),
      'tensor "z": unsupported dtype "C64" (supported: F32, F64, I32, BOOL; converted on reading: F16, BF16 to f32, I8, U8, I64 to i32)',
    ],
    [
      "duplicate names",
      fileOf(`{"w":{"dtype":"I32","shape":[],"data_offsets":[0,4]}, "w" :{"dtype":"I32","shape":[],"data_offsets":[4,8]}}`, Array(8).fill(0)),
      'tensor "w" appears twice in the header',
    ],
    ["duplicate metadata", fileOf(`{"__metadata__":{},"__metadata__":{}}`), '"__metadata__" appears twice in the header'],
    ["metadata not strings", fileOf(`{"__metadata__":{"epoch":3}}`), '"__metadata__" must be an object whose values are strings'],
    ["entry not an object", fileOf(`{"w":[1]}`), 'tensor "w": the entry is not an object with dtype, shape and data_offsets'],
    ["missing dtype", fileOf(`{"w":{"shape":[],"data_offsets":[0,0]}}`), 'tensor "w": field "dtype" is missing or not a string'],
    ["bad shape", fileOf(`{"w":{"dtype":"F32","shape":[-1],"data_offsets":[0,0]}}`), 'tensor "w": field "shape" must be a list of non-negative integers'],
    ["fractional dim", fileOf(`{"w":{"dtype":"F32","shape":[1.5],"data_offsets":[0,0]}}`), 'tensor "w": field "shape" must be a list of non-negative integers'],
    ["bad offsets", fileOf(`{"w":{"dtype":"F32","shape":[],"data_offsets":[4,0]}}`), 'tensor "w": field "data_offsets" must be two integers [begin, end] with 0 <= begin <= end'],
    [
      "a gap between tensors",
      fileOf(`{"a":{"dtype":"I32","shape":[],"data_offsets":[0,4]},"b":{"dtype":"I32","shape":[],"data_offsets":[8,12]}}`, Array(12).fill(0)),
      'tensor "b": data_offsets [8, 12] leave a gap after the previous tensor, which ends at byte 4',
    ],
    [
      "overlapping tensors",
      fileOf(`{"a":{"dtype":"I32","shape":[2],"data_offsets":[0,8]},"b":{"dtype":"I32","shape":[],"data_offsets":[4,8]}}`, Array(8).fill(0)),
      'tensor "b": data_offsets [4, 8] overlap the previous tensor, which ends at byte 8',
    ],
    ["trailing bytes", fileOf(`{"a":{"dtype":"I32","shape":[],"data_offsets":[0,4]}}`, Array(6).fill(0)), "the data section has 6 bytes, but the tensors end at byte 4"],
    [
      "I64 out of the i32 range",
      fileOf(`{"n":{"dtype":"I64","shape":[2],"data_offsets":[0,16]}}`, [5, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1, 0, 0, 0]),
      'tensor "n": I64 value 4294967296 (element 1) does not fit in i32',
    ],
  ];

  test.each(cases)("%s", (_, bytes, message) => {
    const path = join(dir, "bad.safetensors");
    writeFileSync(path, bytes);
    expectDataFileError(() => readSafetensors(path), `${path}: ${message}`);
  });

  test("the field is recorded", () => {
    try {
      parseSafetensors(cases.find(([n]) => n === "unsupported dtype")![1] as Buffer, "m.safetensors");
      expect.unreachable();
    } catch (err) {
      expect((err as DataFileError).field).toBe("z");
      expect((err as DataFileError).file).toBe("m.safetensors");
    }
  });

  test("missing file, and a directory", () => {
    const missing = join(dir, "nope.safetensors");
    expectDataFileError(() => readSafetensors(missing), `${missing}: no such file`);
    expectDataFileError(() => readSafetensors(dir), `${dir}: is a directory`);
  });

  test("writing bad tensors", () => {
    const path = join(dir, "w.safetensors");
    expectDataFileError(() => writeSafetensors(path, { __metadata__: t("f32", [], [1]) }), `${path}: cannot write tensor "__metadata__": the name "__metadata__" is reserved`);
    expectDataFileError(() => writeSafetensors(path, { w: t("f32", [3], [1, 2]) }), `${path}: cannot write tensor "w": shape [3] has 3 elements but the data has 2`);
    expectDataFileError(() => writeSafetensors(path, { w: { dtype: "i32", shape: [1], data: new Float32Array(1) } }), `${path}: cannot write tensor "w": its data is a Float32Array, not storage for i32`);
    expectDataFileError(() => writeSafetensors(path, { w: t("f32", [-1], []) }), `${path}: cannot write tensor "w": shape [-1] is not a list of non-negative integers`);
  });

  test("a written file never contains a partial header: the temporary file is renamed into place", () => {
    const path = join(dir, "atomic.safetensors");
    writeSafetensors(path, { a: t("f32", [1], [1]) });
    const first = readFileSync(path);
    expect(() => writeSafetensors(path, { a: t("f32", [2], [1]) })).toThrow(DataFileError);
    expect(readFileSync(path)).toEqual(first);
  });
});
