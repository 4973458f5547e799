// Shared by the runtime/io tests: temporary directories, tensor arbitraries, exact comparison
// of tensors (bit patterns, so NaN payloads and -0 count), and the independent Python reader.

import { spawnSync } from "node:child_process";
import { existsSync, mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import fc from "fast-check";
import { expect } from "vitest";
import { DataFileError } from "../../../runtime/io/errors.js";
import type { Tensor, TensorData } from "../../../runtime/tensor.js";

const HERE = fileURLToPath(new URL(".", import.meta.url));

export const PYTHON = "/usr/bin/python3";
export const hasPython = existsSync(PYTHON);
if (!hasPython) console.warn(`SKIPPED: the independent-reader tests need ${PYTHON} (standard library only), which is absent`);

/** A fresh temporary directory, and its removal. */
export function tempDir(): { dir: string; cleanup: () => void } {
  const dir = mkdtempSync(join(tmpdir(), "lip-io-"));
  return { dir, cleanup: () => rmSync(dir, { recursive: true, force: true }) };
}

export function typed(dtype: Tensor["dtype"], values: number[]): TensorData {
  switch (dtype) {
    case "f32":
      return Float32Array.from(values);
    case "f64":
      return Float64Array.from(values);
    case "i32":
      return Int32Array.from(values);
    case "bool":
      return Uint8Array.from(values);
  }
}

export function t(dtype: Tensor["dtype"], shape: number[], values: number[]): Tensor {
  return { dtype, shape, data: typed(dtype, values) };
}

export const dtypeArb = fc.constantFrom<Tensor["dtype"]>("f32", "f64", "i32", "bool");

/** Any tensor: every dtype, rank 0 to 4, dims 0 to 3 (so zero-size tensors too), any values (NaN, -0, infinities). */
export const tensorArb: fc.Arbitrary<Tensor> = fc.tuple(dtypeArb, fc.array(fc.integer({ min: 0, max: 3 }), { maxLength: 4 })).chain(([dtype, shape]) => {
  const n = shape.reduce((a, b) => a * b, 1);
  const value =
    dtype === "f32" ? fc.float() : dtype === "f64" ? fc.double() : dtype === "i32" ? fc.integer({ min: -(2 ** 31), max: 2 ** 31 - 1 }) : fc.integer({ min: 0, max: 1 });
  return fc.array(value, { minLength: n, maxLength: n }).map((vs) => t(dtype, shape, vs));
});

export function bytesOf(data: TensorData): number[] {
  return Array.from(new Uint8Array(data.buffer, data.byteOffset, data.byteLength));
}

/** Same dtype, shape, storage type and bit patterns. */
export function expectSameTensor(actual: Tensor | undefined, expected: Tensor): void {
  expect(actual).toBeDefined();
  expect(actual!.dtype).toBe(expected.dtype);
  expect(actual!.shape).toEqual(expected.shape);
  expect(actual!.data.constructor).toBe(expected.data.constructor);
  expect(bytesOf(actual!.data)).toEqual(bytesOf(expected.data));
}

export interface PyTensor {
  dtype: string;
  shape: number[];
  values: (number | string)[];
}

/** The independent reader (tests/runtime/io/read_tensors.py) on `file`: its parsed JSON output. */
export function pythonRead(file: string): { metadata?: Record<string, string>; tensors: Record<string, PyTensor> } {
  const r = spawnSync(PYTHON, [join(HERE, "read_tensors.py"), file], { encoding: "utf8" });
  if (r.status !== 0) throw new Error(`read_tensors.py failed (${r.status}): ${r.stderr}`);
  return JSON.parse(r.stdout);
}

/** Run the Python writer (tests/runtime/io/write_tensors.py) to make `file`. */
export function pythonWrite(file: string): void {
  const r = spawnSync(PYTHON, [join(HERE, "write_tensors.py"), file], { encoding: "utf8" });
  if (r.status !== 0) throw new Error(`write_tensors.py failed (${r.status}): ${r.stderr}`);
}

/** A number as the Python reader prints it: non-finite floats as strings. */
export function pyValue(v: number): number | string {
  return Number.isNaN(v) ? "nan" : v === Infinity ? "inf" : v === -Infinity ? "-inf" : v;
}

/** `fn` throws a DataFileError whose whole (one-line) message is `message`; returns it. */
export function expectDataFileError(fn: () => unknown, message: string): DataFileError {
  let thrown: unknown;
  try {
    fn();
  } catch (err) {
    thrown = err;
  }
  expect(thrown, "expected a DataFileError").toBeInstanceOf(DataFileError);
  expect((thrown as Error).message).toBe(message);
  expect(message).not.toContain("\n");
  return thrown as DataFileError;
}
