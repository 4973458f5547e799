// The run loop with a pipelined backend (runtime/run/train.ts with the WebGPU backend): the host
// submits step s + 1 before step s's loss is back, reads back only the loss, the streams, the
// metrics and the state streams (every step, or every N with --read-every), and keeps the slots on
// the device. The log must say what the per-step reference loop says; --read-every N keeps the
// lines of steps 0, N, 2N, ... and the last, bit-identical to the every-step run; divergence
// still stops the run with the step and a parameter named. Through the real CLI on Dawn
// (SwiftShader here); skipped without an adapter only outside CI.

import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { beforeAll, describe, expect, test } from "vitest";
import { gpuProblem } from "../backends/wgsl/helpers.js";
import { assertBuilt, lip } from "../cli/run-lip.js";

let skip = false;
beforeAll(async () => {
  assertBuilt();
  skip = (await gpuProblem()) !== null;
});

const tmp = () => mkdtempSync(join(tmpdir(), "lip-pipelined-"));
const lines = (dir: string) => readFileSync(join(dir, "log.jsonl"), "utf8").trim().split("\n").map((l) => JSON.parse(l) as Record<string, number>);

describe("lip run --backend webgpu (pipelined)", () => {
  test("60 quickstart steps log what the reference loop logs: loss, lr, metrics, the `ema` state stream, eval", () => {
    if (skip) return;
    const dir = tmp();
    const gpu = lip(["run", "examples/quickstart.lip", "--steps", "60", "--backend", "webgpu", "--out", join(dir, "gpu"), "--quiet"]);
    const ref = lip(["run", "examples/quickstart.lip", "--steps", "60", "--backend", "reference", "--out", join(dir, "ref"), "--quiet"]);
    expect(gpu.stderr).toBe("");
    expect(gpu.status).toBe(0);
    expect(ref.status).toBe(0);
    const [a, b] = [lines(join(dir, "gpu")), lines(join(dir, "ref"))];
    expect(a.map((l) => Object.keys(l).sort())).toEqual(b.map((l) => Object.keys(l).sort()));
    a.forEach((l, i) => {
      for (const [k, v] of Object.entries(b[i]!)) expect(Math.abs(l[k]! - v) / Math.max(Math.abs(v), 1e-6), `step ${i}: ${k}`).toBeLessThan(1e-4);
    });
    expect(a.at(-1)!.eval_loss).toBeDefined();
  }, 300_000);

  test("--read-every 7 logs steps 0, 7, ..., 56 and the last, the same values as reading every step", () => {
    if (skip) return;
    const dir = tmp();
    const every = lip(["run", "examples/quickstart.lip", "--steps", "60", "--backend", "webgpu", "--out", join(dir, "every"), "--quiet"]);
    const sparse = lip(["run", "examples/quickstart.lip", "--steps", "60", "--backend", "webgpu", "--read-every", "7", "--out", join(dir, "sparse"), "--quiet"]);
    expect(every.status).toBe(0);
    expect(sparse.status).toBe(0);
    const all = lines(join(dir, "every"));
    const some = lines(join(dir, "sparse"));
    expect(some.map((l) => l.step)).toEqual([0, 7, 14, 21, 28, 35, 42, 49, 56, 59]);
    for (const l of some) expect(l).toEqual(all[l.step!]);
    // the final parameters do not depend on how often the host looks
    expect(readFileSync(join(dir, "sparse", "params.safetensors")).equals(readFileSync(join(dir, "every", "params.safetensors")))).toBe(true);
  }, 300_000);

  test("an infinite loss stops the run naming the step and a parameter gone non-finite, exit 1", () => {
    if (skip) return;
    const dir = tmp();
    const file = join(dir, "inf.lip");
    const src = readFileSync("examples/quickstart.lip", "utf8");
    writeFileSync(file, src.replace("cross_entropy(out, y)     ", "cross_entropy(out, y) * 1e20 ^ f32(step)"));
    expect(readFileSync(file, "utf8")).toContain("1e20");
    const r = lip(["run", file, "--backend", "webgpu", "--steps", "40", "--out", join(dir, "out"), "--quiet"]);
    expect(r.status).toBe(1);
    expect(r.stderr).toMatch(/^error: the loss is (Infinity|NaN) at step [2-4]; the run stopped\n`[\w.]+` holds (NaN|Infinity|-Infinity) \(element \[[\d, ]+\]\)/);
    expect(JSON.parse(readFileSync(join(dir, "out", "summary.json"), "utf8")).status).toBe("diverged");
  }, 300_000);

  test("checkpoints, and --resume from one, leave the parameters and the log bit-identical", () => {
    if (skip) return;
    const dir = tmp();
    const plain = lip(["run", "examples/quickstart.lip", "--steps", "60", "--backend", "webgpu", "--out", join(dir, "plain"), "--quiet"]);
    const ck = lip(["run", "examples/quickstart.lip", "--steps", "60", "--backend", "webgpu", "--checkpoint-every", "30", "--out", join(dir, "ck"), "--quiet"]);
    expect(plain.status).toBe(0);
    expect(ck.status).toBe(0);
    const params = (d: string) => readFileSync(join(dir, d, "params.safetensors"));
    expect(params("ck").equals(params("plain"))).toBe(true);
    // from the checkpoint of step 30: the second half again, on the device from the file's values
    rmSync(join(dir, "ck", "params.safetensors"));
    const resumed = lip(["run", "examples/quickstart.lip", "--steps", "60", "--backend", "webgpu", "--resume", join(dir, "ck"), "--quiet"]);
    expect(resumed.stderr).toBe("");
    expect(resumed.status).toBe(0);
    expect(params("ck").equals(params("plain"))).toBe(true);
    expect(readFileSync(join(dir, "ck", "log.jsonl"), "utf8")).toBe(readFileSync(join(dir, "plain", "log.jsonl"), "utf8"));
  }, 300_000);

  test("--read-every with another backend is a usage error", () => {
    const r = lip(["run", "examples/quickstart.lip", "--read-every", "3"]);
    expect(r.status).toBe(2);
    expect(r.stderr).toMatch(/`--read-every` applies to `--backend webgpu`/);
  });
});
