// .npy: numpy.save's exact bytes, round trips over generated tensors, the independent Python
// reader, versions 1.0/2.0/3.0, the conversions, and every error message.

import { writeFileSync } from "node:fs";
import { join } from "node:path";
import fc from "fast-check";
import { afterAll, beforeAll, describe, expect, test } from "vitest";
import { parseNpy, parsePyLiteral, readNpy, serializeNpy, writeNpy } from "../../../runtime/io/npy.js";
import { expectDataFileError, expectSameTensor, hasPython, pythonRead, pyValue, t, tempDir, tensorArb } from "./helpers.js";

let dir: string;
let cleanup: () => void;
beforeAll(() => ({ dir, cleanup } = tempDir()));
afterAll(() => cleanup());

/** An .npy file laid out by hand: version, header dict text (padded to 64 like numpy), data. */
function npyOf(dict: string, data: number[] = [], major = 1): Buffer {
  const prefix = major === 1 ? 10 : 12;
  const pad = 64 - ((prefix + dict.length + 1) % 64);
  const header = Buffer.from(dict + " ".repeat(pad) + "\n", "latin1");
  const len = Buffer.alloc(prefix - 8);
  if (major === 1) len.writeUInt16LE(header.length);
  else len.writeUInt32LE(header.length);
  return Buffer.concat([Buffer.from([0x93, 0x4e, 0x55, 0x4d, 0x50, 0x59, major, 0]), len, header, Buffer.from(data)]);
}
const f32bytes = (...xs: number[]) => [...new Uint8Array(Float32Array.from(xs).buffer)];

describe("layout (golden bytes, as numpy.save writes them)", () => {
  test("f32 (3,)", () => {
    const bytes = Buffer.from(serializeNpy(t("f32", [3], [1, 2, 3])));
    const dict = "{'descr': '<f4', 'fortran_order': False, 'shape': (3,), }";
    expect(bytes.length).toBe(128 + 12);
    expect(bytes.subarray(0, 10).toString("hex")).toBe("934e554d505901007600"); // magic, 1.0, header length 118
    expect(bytes.subarray(10, 128).toString("latin1")).toBe(dict + " ".repeat(60) + "\n");
    expect([...bytes.subarray(128)]).toEqual(f32bytes(1, 2, 3));
  });

  test("shapes print as Python tuples; dtypes as numpy descrs", () => {
    const header = (b: Uint8Array) => Buffer.from(b).subarray(10, 10 + Buffer.from(b).readUInt16LE(8)).toString("latin1").trimEnd();
    expect(header(serializeNpy(t("f64", [], [1])))).toBe("{'descr': '<f8', 'fortran_order': False, 'shape': (), }");
    expect(header(serializeNpy(t("i32", [2, 0, 3], [])))).toBe("{'descr': '<i4', 'fortran_order': False, 'shape': (2, 0, 3), }");
    expect(header(serializeNpy(t("bool", [1, 1], [1])))).toBe("{'descr': '|b1', 'fortran_order': False, 'shape': (1, 1), }");
  });

  test("the data always starts at a multiple of 64", () => {
    for (const shape of [[], [1], [10, 10], [123456, 0, 7, 8], [2, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 3]]) {
      const b = Buffer.from(serializeNpy(t("i32", shape, Array(shape.reduce((a, c) => a * c, 1)).fill(0))));
      expect((10 + b.readUInt16LE(8)) % 64).toBe(0);
    }
  });
});

describe("round trips", () => {
  test("serialize then parse (all dtypes, ranks 0-4, zero-size dims)", () => {
    fc.assert(
      fc.property(tensorArb, (tensor) => expectSameTensor(parseNpy(serializeNpy(tensor), "x.npy"), tensor)),
      { numRuns: 300 },
    );
  });

  test("through the file system", () => {
    fc.assert(
      fc.property(tensorArb, (tensor) => {
        const path = join(dir, "rt.npy");
        writeNpy(path, tensor);
        expectSameTensor(readNpy(path), tensor);
      }),
      { numRuns: 40 },
    );
  });

  test("a header over 64 KiB is written as version 2.0", () => {
    const shape = Array(25000).fill(1);
    const bytes = Buffer.from(serializeNpy(t("i32", shape, [42])));
    expect(bytes[6]).toBe(2);
    expect((12 + bytes.readUInt32LE(8)) % 64).toBe(0);
    expectSameTensor(parseNpy(bytes, "big.npy"), t("i32", shape, [42]));
  });

  test("versions 2.0 and 3.0 (4-byte header length) are read", () => {
    const dict = "{'descr': '<f4', 'fortran_order': False, 'shape': (2,), }";
    expectSameTensor(parseNpy(npyOf(dict, f32bytes(1, -1), 2), "v2.npy"), t("f32", [2], [1, -1]));
    expectSameTensor(parseNpy(npyOf(dict, f32bytes(1, -1), 3), "v3.npy"), t("f32", [2], [1, -1]));
  });

  test("headers as older numpy wrote them: other key order, Python 2 longs, no trailing comma", () => {
    const dict = "{'shape': (2L, 1L), 'fortran_order': False, 'descr': '<i4'}";
    expectSameTensor(parseNpy(npyOf(dict, [5, 0, 0, 0, 6, 0, 0, 0]), "old.npy"), t("i32", [2, 1], [5, 6]));
  });

  test("<i8 and |u1 become i32, with a note", () => {
    const notes: string[] = [];
    const long = Buffer.alloc(16);
    long.writeBigInt64LE(-5n, 0);
    long.writeBigInt64LE(2147483647n, 8);
    expectSameTensor(parseNpy(npyOf("{'descr': '<i8', 'fortran_order': False, 'shape': (2,), }", [...long]), "l.npy", (n) => notes.push(n)), t("i32", [2], [-5, 2147483647]));
    expectSameTensor(parseNpy(npyOf("{'descr': '|u1', 'fortran_order': False, 'shape': (3,), }", [0, 128, 255]), "u.npy", (n) => notes.push(n)), t("i32", [3], [0, 128, 255]));
    expect(notes).toEqual(["l.npy: '<i8' data read as i32", "u.npy: '|u1' data read as i32"]);
  });

  test("f32 data held in a Float64Array is written rounded to f32", () => {
    expectSameTensor(parseNpy(serializeNpy({ dtype: "f32", shape: [1], data: Float64Array.of(0.1) }), "r.npy"), t("f32", [1], [Math.fround(0.1)]));
  });
});

describe.skipIf(!hasPython)("independent reader (Python, standard library only)", () => {
  test.each([
    ["f32", t("f32", [2, 3], [0.5, -1, NaN, Infinity, -Infinity, 1e-40])],
    ["f64", t("f64", [], [Math.E])],
    ["i32", t("i32", [4], [-2147483648, 0, 1, 2147483647])],
    ["bool", t("bool", [2, 2], [1, 0, 0, 1])],
    ["zero-size", t("f32", [3, 0], [])],
  ])("%s", (_, tensor) => {
    const path = join(dir, "py.npy");
    writeNpy(path, tensor);
    const descr = { f32: "<f4", f64: "<f8", i32: "<i4", bool: "|b1" }[tensor.dtype];
    expect(pythonRead(path).tensors["array"]).toEqual({ dtype: descr, shape: tensor.shape, values: Array.from(tensor.data, pyValue) });
  });
});

describe.skipIf(!hasPython)("independent reader, version 2.0", () => {
  test("a 25000-dimensional array", () => {
    const path = join(dir, "v2.npy");
    const shape = Array(25000).fill(1);
    writeNpy(path, t("f64", shape, [0.25]));
    expect(pythonRead(path).tensors["array"]).toEqual({ dtype: "<f8", shape, values: [0.25] });
  });
});

describe("parsePyLiteral", () => {
  test("dicts, tuples, strings, booleans, ints", () => {
    expect(parsePyLiteral("{'a': (1, 2,), \"b\": True, 'c': [None, -3]}")).toEqual(new Map<string, unknown>([["a", [1, 2]], ["b", true], ["c", [null, -3]]]));
    expect(parsePyLiteral("()")).toEqual([]);
    expect(parsePyLiteral("{'a': 1} x")).toBeUndefined();
    expect(parsePyLiteral("{'a' 1}")).toBeUndefined();
    expect(parsePyLiteral("{'a': 1")).toBeUndefined();
    expect(parsePyLiteral("'open")).toBeUndefined();
  });
});

describe("errors: one line naming the file", () => {
  const dict = (descr: string, shape = "(2,)", fortran = "False") => `{'descr': '${descr}', 'fortran_order': ${fortran}, 'shape': ${shape}, }`;
  const cases: [string, Buffer, string][] = [
    ["not npy", Buffer.from("x,y\n1,2\n"), "not a .npy file (it does not start with the magic string \\x93NUMPY)"],
    ["too short", Buffer.from([0x93, 0x4e]), "not a .npy file (it does not start with the magic string \\x93NUMPY)"],
    ["unknown version", npyOf(dict("<f4"), f32bytes(1, 2), 4), "unsupported .npy format version 4.0 (supported: 1.0, 2.0, 3.0)"],
    ["header length beyond the file", npyOf(dict("<f4")).subarray(0, 40), "not a .npy file (the header length, 118 bytes, is beyond the end of the file, which has 40 bytes)"],
    ["header not a dict", npyOf("[1, 2]"), "not a .npy file (the header is not a dictionary with 'descr', 'fortran_order' and 'shape')"],
    ["header missing a key", npyOf("{'descr': '<f4', 'shape': (2,)}"), "not a .npy file (the header is not a dictionary with 'descr', 'fortran_order' and 'shape')"],
    ["Fortran order", npyOf(dict("<f4", "(2,)", "True"), f32bytes(1, 2)), "Fortran-order arrays are not supported; save a C-order array (numpy.save(path, numpy.ascontiguousarray(a)))"],
    ["big-endian", npyOf(dict(">f4"), f32bytes(1, 2)), "big-endian data ('>f4') is not supported; save it little-endian (a.astype('<f4'))"],
    ["big-endian i8", npyOf(dict(">i8"), Array(16).fill(0)), "big-endian data ('>i8') is not supported; save it little-endian (a.astype('<i8'))"],
    ["unsupported dtype", npyOf(dict("<c8"), Array(16).fill(0)), "unsupported dtype '<c8' (supported: <f4, <f8, <i4, <i8, |b1, |u1)"],
    ["structured dtype", npyOf("{'descr': [('a', '<f4')], 'fortran_order': False, 'shape': (1,), }", Array(4).fill(0)), "unsupported dtype: a structured array (supported: <f4, <f8, <i4, <i8, |b1, |u1)"],
    ["bad shape", npyOf(dict("<f4", "(-1,)")), "the shape (-1,) is not a tuple of non-negative integers"],
    ["data too short", npyOf(dict("<f4", "(3,)"), f32bytes(1, 2)), "the data has 8 bytes, but '<f4' (3,) needs 12"],
    ["data too long", npyOf(dict("<f4", "(1,)"), f32bytes(1, 2)), "the data has 8 bytes, but '<f4' (1,) needs 4"],
    ["<i8 out of the i32 range", npyOf(dict("<i8", "(1,)"), [0, 0, 0, 0, 1, 0, 0, 0]), "'<i8' value 4294967296 (element 0) does not fit in i32"],
  ];
  test.each(cases)("%s", (_, bytes, message) => {
    const path = join(dir, "bad.npy");
    writeFileSync(path, bytes);
    expectDataFileError(() => readNpy(path), `${path}: ${message}`);
  });

  test("missing file", () => {
    const path = join(dir, "missing.npy");
    expectDataFileError(() => readNpy(path), `${path}: no such file`);
  });

  test("writing a tensor whose data does not match its shape", () => {
    const path = join(dir, "w.npy");
    expectDataFileError(() => writeNpy(path, t("f32", [2, 2], [1])), `${path}: cannot write: shape [2, 2] has 4 elements but the data has 1`);
  });
});
