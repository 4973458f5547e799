// Helpers of the ONNX backend tests: running an emitted model in onnxruntime-node on host
// tensors, comparing with the interpreter (NaN-aware; exact or with a tolerance), and the
// Debian python3-onnx checker (`onnx.checker.check_model(m, full_check=True)`), which checks a
// batch of models in one Python process when `/usr/bin/python3 -c "import onnx"` works.

import { spawnSync } from "node:child_process";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import * as ort from "onnxruntime-node";
import type { DType } from "../../../compiler/ir/dtype.js";
import type { Tensor, TensorData } from "../../../runtime/tensor.js";

export type Optimization = "disabled" | "basic" | "extended" | "all";

const ORT_TYPE: Record<DType, "float32" | "float64" | "int32" | "bool"> = { f32: "float32", f64: "float64", i32: "int32", bool: "bool" };
const DTYPE_OF: Record<string, DType> = { float32: "f32", float64: "f64", int32: "i32", bool: "bool" };

export function toOrt(t: Tensor): ort.Tensor {
  let data: TensorData = t.data;
  if (t.dtype === "f32" && !(data instanceof Float32Array)) data = Float32Array.from(data);
  return new ort.Tensor(ORT_TYPE[t.dtype], data, [...t.shape]);
}

export function fromOrt(t: ort.Tensor): Tensor {
  const dtype = DTYPE_OF[t.type];
  if (dtype === undefined) throw new Error(`unexpected ONNX Runtime type ${t.type}`);
  return { dtype, shape: t.dims.map(Number), data: t.data as TensorData };
}

export async function createSession(bytes: Uint8Array, optimization: Optimization = "all"): Promise<ort.InferenceSession> {
  return ort.InferenceSession.create(bytes, { graphOptimizationLevel: optimization, logSeverityLevel: 3, intraOpNumThreads: 1 });
}

export async function runSession(session: ort.InferenceSession, inputs: Readonly<Record<string, Tensor>>): Promise<Record<string, Tensor>> {
  const feeds: Record<string, ort.Tensor> = {};
  for (const name of session.inputNames) {
    const t = inputs[name];
    if (t === undefined) throw new Error(`no value for model input \`${name}\``);
    feeds[name] = toOrt(t);
  }
  const out = await session.run(feeds);
  const res: Record<string, Tensor> = {};
  for (const [k, v] of Object.entries(out)) res[k] = fromOrt(v);
  return res;
}

/** Loads a model, runs it once and frees the session. */
export async function runModel(bytes: Uint8Array, inputs: Readonly<Record<string, Tensor>>, optimization: Optimization = "all"): Promise<Record<string, Tensor>> {
  const s = await createSession(bytes, optimization);
  try {
    return await runSession(s, inputs);
  } finally {
    await s.release();
  }
}

export interface Tolerance {
  readonly rtol: number;
  readonly atol: number;
}
export const EXACT: Tolerance = { rtol: 0, atol: 0 };

/**
 * Null if `actual` equals `expected` (same dtype and shape; NaN equals NaN, -0 equals 0; floats
 * within atol + rtol * max(|a|, |e|)); otherwise a message naming the first differing element.
 */
export function mismatch(actual: Tensor, expected: Tensor, tol: Tolerance): string | null {
  if (actual.dtype !== expected.dtype) return `dtype ${actual.dtype}, expected ${expected.dtype}`;
  if (actual.shape.join() !== expected.shape.join()) return `shape [${actual.shape}], expected [${expected.shape}]`;
  const a = actual.data;
  const e = expected.data;
  if (a.length !== e.length) return `${a.length} values, expected ${e.length}`;
  for (let i = 0; i < a.length; i++) {
    const x = a[i]!;
    const y = e[i]!;
    if (Number.isNaN(x) || Number.isNaN(y)) {
      if (Number.isNaN(x) && Number.isNaN(y)) continue;
      return `element ${i}: ${x}, expected ${y}`;
    }
    if (x === y) continue;
    if (!(Math.abs(x - y) <= tol.atol + tol.rtol * Math.max(Math.abs(x), Math.abs(y)))) return `element ${i}: ${x}, expected ${y} (rtol ${tol.rtol}, atol ${tol.atol})`;
  }
  return null;
}

/** The largest |a - e| / max(|e|, floor) over the elements (NaN pairs skipped). */
export function maxRelError(actual: Tensor, expected: Tensor, floor: number): number {
  let m = 0;
  for (let i = 0; i < expected.data.length; i++) {
    const x = actual.data[i]!;
    const y = expected.data[i]!;
    if (Number.isNaN(x) && Number.isNaN(y)) continue;
    if (x === y) continue;
    m = Math.max(m, Math.abs(x - y) / Math.max(Math.abs(y), floor));
  }
  return m;
}

// ---------------------------------------------------------------- the Python checker

const PYTHON = "/usr/bin/python3";

let available: boolean | undefined;

/** Whether Debian's python3-onnx can be imported (`apt-get install python3-onnx`). */
export function onnxCheckerAvailable(): boolean {
  if (available === undefined) {
    const r = spawnSync(PYTHON, ["-c", "import onnx"], { encoding: "utf8" });
    available = r.status === 0;
  }
  return available;
}

const CHECK_SCRIPT = `
import os, sys
import onnx
d = sys.argv[1]
names = sorted(f for f in os.listdir(d) if f.endswith(".onnx"))
for f in names:
    try:
        m = onnx.load(os.path.join(d, f))
        onnx.checker.check_model(m, full_check=True)
    except Exception as e:
        print("FAIL " + f + ": " + " ".join(str(e).split())[:600])
print("CHECKED %d" % len(names))
`;

/** Runs the checker on every model; returns the failures ("name: message"), and how many it checked. */
export function checkModels(models: ReadonlyMap<string, Uint8Array>): { failures: string[]; checked: number } {
  const dir = mkdtempSync(join(tmpdir(), "lip-onnx-check-"));
  try {
    let i = 0;
    const names = new Map<string, string>();
    for (const [name, bytes] of models) {
      const file = `m${String(i++).padStart(5, "0")}.onnx`;
      names.set(file, name);
      writeFileSync(join(dir, file), bytes);
    }
    const r = spawnSync(PYTHON, ["-c", CHECK_SCRIPT, dir], { encoding: "utf8", maxBuffer: 1 << 26 });
    if (r.status !== 0) throw new Error(`the ONNX checker failed to run: ${r.stderr}`);
    const failures: string[] = [];
    let checked = 0;
    for (const line of r.stdout.split("\n")) {
      const m = /^FAIL (\S+): (.*)$/.exec(line);
      if (m) failures.push(`${names.get(m[1]!) ?? m[1]}: ${m[2]}`);
      const c = /^CHECKED (\d+)$/.exec(line);
      if (c) checked = Number(c[1]);
    }
    return { failures, checked };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/** The message of a test that skips the checker. */
export const CHECKER_SKIPPED = "python3-onnx is not installed (`apt-get install -y python3-onnx`): onnx.checker was not run";
