// `lip compile FILE --target onnx` through the real CLI: the artifacts, --stats, bad input, and
// the exported quickstart trained outside Lip (examples/train_onnx.mjs, onnxruntime-node only)
// follows the same loss curve as `lip run`.

import { spawnSync } from "node:child_process";
import { existsSync, mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { beforeAll, describe, expect, test } from "vitest";
import { assertBuilt, lip, repoRoot } from "./run-lip.js";

beforeAll(assertBuilt);
const tmp = () => mkdtempSync(join(tmpdir(), "lip-onnx-"));

describe("lip compile --target onnx", () => {
  test("writes the training step, the inference model, the initial values, the data and a manifest", () => {
    const out = join(tmp(), "artifacts");
    const r = lip(["compile", "examples/quickstart.lip", "--target", "onnx", "--out", out]);
    expect(r.stderr).toBe("");
    expect(r.status).toBe(0);
    for (const f of ["train.onnx", "infer.onnx", "init.safetensors", "data.safetensors", "manifest.json"]) expect(existsSync(join(out, `quickstart.${f}`)), f).toBe(true);
    const m = JSON.parse(readFileSync(join(out, "quickstart.manifest.json"), "utf8"));
    expect(m.feedback["h1.w.next"]).toBe("h1.w");
    expect(m.feedback["adamw.m.h1.w.next"]).toBe("adamw.m.h1.w");
    expect(m.inputs.find((i: { name: string }) => i.name === "x")).toEqual({ name: "x", kind: "batch", dtype: "float32", shape: [128, 2] });
    expect(m.outputs.map((o: { name: string }) => o.name)).toContain("loss");
  });

  test("--stats prints one JSON object", () => {
    const r = lip(["compile", "examples/quickstart.lip", "--target", "onnx", "--out", join(tmp(), "a"), "--stats"]);
    expect(r.status).toBe(0);
    const stats = JSON.parse(r.stdout);
    expect(stats).toMatchObject({ target: "onnx", opset: 17 });
    for (const k of ["nodes", "initializers", "inputs", "outputs"]) expect(stats[k]).toBeGreaterThan(0);
  });

  test("bad input: an opset out of range, an unknown experiment, an unwritable folder", () => {
    expect(lip(["compile", "examples/quickstart.lip", "--target", "onnx", "--opset", "16"]).stderr).toBe("lip: invalid value `16` for `--opset`; expected an integer between 17 and 23\n");
    expect(lip(["compile", "examples/quickstart.lip", "--target", "onnx", "--opset", "24"]).status).toBe(2);
    const unknown = lip(["compile", "examples/quickstart.lip", "--target", "onnx", "--experiment", "quickstrat"]);
    expect(unknown.status).toBe(1);
    expect(unknown.stderr).toContain("no experiment named `quickstrat`");
    const dir = tmp();
    writeFileSync(join(dir, "file"), "not a folder");
    const unwritable = lip(["compile", "examples/quickstart.lip", "--target", "onnx", "--out", join(dir, "file")]);
    expect(unwritable.status).toBe(1);
    expect(unwritable.stderr).toBe(`error: cannot write the artifacts to ${join(dir, "file")}: it is not a directory\n`);
  });

  test("the exported quickstart trains outside Lip along the same loss curve as lip run", () => {
    const dir = tmp();
    expect(lip(["compile", "examples/quickstart.lip", "--target", "onnx", "--out", join(dir, "a")]).status).toBe(0);
    const script = spawnSync(process.execPath, [join(repoRoot, "examples", "train_onnx.mjs"), join(dir, "a", "quickstart.manifest.json"), "--log", join(dir, "outside.jsonl")], { cwd: repoRoot, encoding: "utf8", timeout: 120_000 });
    expect(script.stderr).toBe("");
    expect(script.status).toBe(0);
    const run = lip(["run", "examples/quickstart.lip", "--out", join(dir, "run"), "--quiet"]);
    expect(run.status).toBe(0);
    const read = (p: string) => readFileSync(p, "utf8").trim().split("\n").map((l) => JSON.parse(l).loss as number);
    const outside = read(join(dir, "outside.jsonl"));
    const inside = read(join(dir, "run", "log.jsonl"));
    expect(outside).toHaveLength(1000);
    outside.forEach((v, i) => expect(Math.abs(v - inside[i]!) / Math.abs(inside[i]!), `step ${i}`).toBeLessThan(1e-5));
  });
});
