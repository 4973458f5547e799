// `lip compile --target wgsl` and `lip run --backend webgpu` through the real CLI (WebGPU on
// Dawn; SwiftShader where there is no GPU, as in CI).

import { mkdtempSync, readdirSync, readFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { beforeAll, describe, expect, test } from "vitest";
import { assertBuilt, lip } from "./run-lip.js";

beforeAll(assertBuilt);
const tmp = () => mkdtempSync(join(tmpdir(), "lip-wgsl-"));

describe("WGSL from the command line", () => {
  test("compile --target wgsl writes one .wgsl per kernel and plan.json; --stats shows the fusion", () => {
    const out = join(tmp(), "k");
    const r = lip(["compile", "examples/quickstart.lip", "--target", "wgsl", "--out", out, "--stats"]);
    expect(r.stderr).toBe("");
    expect(r.status).toBe(0);
    const stats = JSON.parse(r.stdout);
    expect(stats.target).toBe("wgsl");
    expect(stats.dispatches_per_step).toBeLessThanOrEqual(16);
    expect(stats.unfused_ops).toBeGreaterThan(stats.kernels);
    const files = readdirSync(out);
    expect(files.filter((f) => f.endsWith(".wgsl"))).toHaveLength(stats.kernels);
    const plan = JSON.parse(readFileSync(join(out, "plan.json"), "utf8"));
    expect(plan.kernels).toHaveLength(stats.kernels);
  });

  test("--exact-sums writes kernels whose matmuls carry hi + lo too, with the same kernels and dispatches", () => {
    const dir = tmp();
    const fast = lip(["compile", "examples/quickstart.lip", "--target", "wgsl", "--out", join(dir, "fast"), "--stats"]);
    const exact = lip(["compile", "examples/quickstart.lip", "--target", "wgsl", "--exact-sums", "--out", join(dir, "exact"), "--stats"]);
    expect(exact.status).toBe(0);
    expect(JSON.parse(exact.stdout)).toEqual(JSON.parse(fast.stdout));
    const wgsl = (d: string) => readdirSync(join(dir, d)).filter((f) => f.endsWith(".wgsl")).map((f) => readFileSync(join(dir, d, f), "utf8")).join("\n");
    expect(wgsl("exact")).toMatch(/fn add_product4\(/); // matmuls carry hi + lo too
    expect(wgsl("fast")).toMatch(/fn two_sum\(/); // reductions are compensated by default
    expect(wgsl("fast")).not.toMatch(/add_product4|two_prod/);
    const bad = lip(["compile", "examples/quickstart.lip", "--target", "onnx", "--exact-sums"]);
    expect(bad.status).toBe(2);
    expect(bad.stderr).toMatch(/`--exact-sums` needs `--target wgsl`/);
    const badRun = lip(["run", "examples/quickstart.lip", "--exact-sums"]);
    expect(badRun.status).toBe(2);
    expect(badRun.stderr).toMatch(/`--exact-sums` applies to `--backend webgpu`/);
  });

  test("the tiny transformer's step is at most a fifth of its unfused op count", () => {
    const r = lip(["compile", "examples/tiny_transformer.lip", "--target", "wgsl", "--out", join(tmp(), "t"), "--stats"]);
    expect(r.status).toBe(0);
    const stats = JSON.parse(r.stdout);
    expect(stats.dispatches_per_step * 5).toBeLessThanOrEqual(stats.unfused_ops);
  });

  test("run --backend webgpu trains the quickstart for 20 steps", () => {
    const dir = tmp();
    const r = lip(["run", "examples/quickstart.lip", "--backend", "webgpu", "--steps", "20", "--out", join(dir, "run"), "--quiet"]);
    expect(r.stderr).toBe("");
    expect(r.status).toBe(0);
    expect(r.stdout).toMatch(/steps\/s, webgpu\)/);
    const losses = readFileSync(join(dir, "run", "log.jsonl"), "utf8").trim().split("\n").map((l) => JSON.parse(l).loss as number);
    expect(losses).toHaveLength(20);
    expect(losses.every(Number.isFinite)).toBe(true);
  }, 180_000);
});
