// `lip run` end to end through the real CLI: the quickstart trains to >= 95% test accuracy and
// leaves a well-formed run folder; a run killed with SIGKILL and resumed from its checkpoint
// ends with the same parameters, bit for bit, as an uninterrupted run; NaN stops a run with a
// message naming the step and the parameter; --set and --init are checked.

import { spawn } from "node:child_process";
import { existsSync, mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { beforeAll, describe, expect, test } from "vitest";
import { readSafetensors, writeSafetensors } from "../../runtime/io/safetensors.js";
import { assertBuilt, lip, lipBin, repoRoot } from "../cli/run-lip.js";

beforeAll(assertBuilt);

const tmp = () => mkdtempSync(join(tmpdir(), "lip-run-"));

describe("lip run examples/quickstart.lip", () => {
  const out = tmp();
  let r: ReturnType<typeof lip>;
  beforeAll(() => {
    r = lip(["run", "examples/quickstart.lip", "--out", out]);
  }, 300_000);

  test("exits 0 with a summary", () => {
    expect(r.stderr).not.toMatch(/error|internal/i);
    expect(r.status).toBe(0);
    expect(r.stdout).toMatch(/^quickstart: 1000 steps in [\d.]+ s \([\d.]+ steps\/s, onnx\)$/m); // ONNX Runtime is the default backend
    expect(r.stdout).toContain(`run folder: ${out}`);
  });

  test("reaches at least 95% test accuracy", () => {
    const summary = JSON.parse(readFileSync(join(out, "summary.json"), "utf8"));
    expect(summary.status).toBe("finished");
    expect(summary.eval.accuracy).toBeGreaterThanOrEqual(0.95);
  });

  test("log.jsonl has one well-formed object per step with the loss, lr and metrics", () => {
    const lines = readFileSync(join(out, "log.jsonl"), "utf8").trim().split("\n").map((l) => JSON.parse(l));
    expect(lines.length).toBe(1000);
    lines.forEach((l, i) => expect(l.step).toBe(i));
    for (const key of ["loss", "lr", "accuracy", "ema"]) expect(typeof lines[500][key], key).toBe("number");
    expect(typeof lines[99].eval_loss).toBe("number"); // eval every 100
    expect(typeof lines[99].eval_accuracy).toBe("number");
  });

  test("params.safetensors loads with an independent reader", () => {
    const params = readSafetensors(join(out, "params.safetensors"));
    expect(Object.keys(params).sort()).toEqual(["dense_3.b", "dense_3.w", "h1.b", "h1.w", "h2.b", "h2.w"]);
    expect(params["h1.w"]!.shape).toEqual([2, 64]);
    const py = `import json,struct,sys
b=open(sys.argv[1],'rb').read(); n=struct.unpack('<Q',b[:8])[0]; h=json.loads(b[8:8+n])
print(json.dumps({k:v['shape'] for k,v in h.items() if k!='__metadata__'}, sort_keys=True))`;
    const r = spawnPython(py, [join(out, "params.safetensors")]);
    expect(JSON.parse(r)).toEqual({ "dense_3.b": [2], "dense_3.w": [64, 2], "h1.b": [64], "h1.w": [2, 64], "h2.b": [64], "h2.w": [64, 64] });
  });

  test("loss.svg is an SVG document with the training curve", () => {
    const svg = readFileSync(join(out, "loss.svg"), "utf8");
    expect(svg.startsWith("<svg") || svg.startsWith("<?xml")).toBe(true);
    expect(svg).toContain("</svg>");
    expect(svg).toContain("train");
    expect(svg).not.toContain("NaN");
  });
});

function spawnPython(code: string, args: string[]): string {
  const { spawnSync } = require("node:child_process") as typeof import("node:child_process");
  const r = spawnSync("/usr/bin/python3", ["-c", code, ...args], { encoding: "utf8" });
  if (r.status !== 0) throw new Error(r.stderr);
  return r.stdout;
}

import { createRequire } from "node:module";
const require = createRequire(import.meta.url);

const small = `use std.nn { dense }
use std.loss { cross_entropy }
use std.optim { adam }
use std.data { two_moons }
data moons = two_moons(n: 512, noise: 0.1, seed: 1)
model m(x: f32[B, 2]) -> f32[B, 2] {
  let h = relu(dense(x, 16))
  dense(h, 2)
}
experiment small {
  model m
  data moons, batch: 32, shuffle: true
  steps 300
  let lr0 = 0.01
  loss cross_entropy(out, y)
  optimizer adam(lr: lr0)
}
`;

describe("checkpoints", () => {
  test("kill -9 during a checkpointed run, then --resume: the same parameters bit for bit", async () => {
    const dir = tmp();
    const file = join(dir, "small.lip");
    writeFileSync(file, small);
    const full = join(dir, "full");
    expect(lip(["run", file, "--out", full, "--quiet"]).status).toBe(0);
    const killed = join(dir, "killed");
    await new Promise<void>((resolve) => {
      const child = spawn(process.execPath, [lipBin, "run", file, "--out", killed, "--checkpoint-every", "20", "--quiet"], { cwd: repoRoot });
      const timer = setInterval(() => {
        if (existsSync(join(killed, "checkpoint.safetensors"))) {
          const log = existsSync(join(killed, "log.jsonl")) ? readFileSync(join(killed, "log.jsonl"), "utf8").split("\n").length : 0;
          if (log > 70) {
            child.kill("SIGKILL");
            clearInterval(timer);
          }
        }
      }, 5);
      child.on("exit", () => {
        clearInterval(timer);
        resolve();
      });
    });
    expect(existsSync(join(killed, "params.safetensors"))).toBe(false); // it really was cut short
    const resumed = lip(["run", file, "--resume", killed, "--checkpoint-every", "20", "--quiet"]);
    expect(resumed.stderr).toBe("");
    expect(resumed.status).toBe(0);
    const a = readSafetensors(join(full, "params.safetensors"));
    const b = readSafetensors(join(killed, "params.safetensors"));
    for (const k of Object.keys(a)) expect(Buffer.from(b[k]!.data.buffer).equals(Buffer.from(a[k]!.data.buffer)), k).toBe(true);
    expect(readFileSync(join(killed, "log.jsonl"), "utf8")).toBe(readFileSync(join(full, "log.jsonl"), "utf8"));
  }, 300_000);
});

describe("bad input during a run", () => {
  test("an infinite loss stops the run naming the step, exit 1", () => {
    const dir = tmp();
    const file = join(dir, "inf.lip");
    writeFileSync(file, small.replace("loss cross_entropy(out, y)", "loss cross_entropy(out, y) * 1e20 ^ f32(step)"));
    const out = join(dir, "out");
    const r = lip(["run", file, "--out", out, "--quiet", "--checkpoint-every", "1"]);
    expect(r.status).toBe(1);
    expect(r.stderr).toBe(`error: the loss is Infinity at step 2; the run stopped\nthe last good checkpoint is kept in ${join(out, "checkpoint.safetensors")}\n`);
    expect(existsSync(join(out, "params.safetensors"))).toBe(false);
    const header = readFileSync(join(out, "checkpoint.safetensors"));
    const meta = JSON.parse(header.subarray(8, 8 + Number(header.readBigUInt64LE(0))).toString()).__metadata__;
    expect(meta.step).toBe("2"); // the state before the step that failed
  });

  test("a NaN gradient stops the run naming the parameter", () => {
    const dir = tmp();
    const file = join(dir, "nan.lip");
    // where(c, a, b) differentiates both branches: log(0) in the branch not taken gives 0 * inf = NaN
    writeFileSync(file, small.replace("loss cross_entropy(out, y)", "loss cross_entropy(out, y) + (if step >= 25 then log(0.0 * mean(out)) else 0.0)"));
    const out = join(dir, "out");
    const r = lip(["run", file, "--out", out, "--quiet"]);
    expect(r.status).toBe(1);
    expect(r.stderr).toMatch(/^error: the gradient of `h\.w` is NaN at step 0 \(element \[\d+, \d+\]\); the run stopped\n$/);
    const summary = JSON.parse(readFileSync(join(out, "summary.json"), "utf8"));
    expect(summary.status).toBe("diverged");
  });

  test("--set is type-checked", () => {
    const dir = tmp();
    const file = join(dir, "s.lip");
    writeFileSync(file, small);
    expect(lip(["run", file, "--set", "lr1=0.1"]).stderr).toBe("lip: `--set lr1`: the experiment has no constant `let lr1`; did you mean `lr0`?\n");
    expect(lip(["run", file, "--set", "lr0=fast"]).stderr).toBe("lip: `--set lr0=fast`: `lr0` is a number\n");
    expect(lip(["run", file, "--set", "lr0"]).status).toBe(2);
    const ok = lip(["run", file, "--set", "lr0=0.05", "--steps", "3", "--out", join(dir, "o"), "--quiet"]);
    expect(ok.status).toBe(0);
  });
});

describe("run flags", () => {
  test("--save-params, --log, and --init from saved parameters (a missing or extra name is an error)", () => {
    const dir = tmp();
    const file = join(dir, "s.lip");
    writeFileSync(file, small);
    const saved = join(dir, "saved.safetensors");
    const log = join(dir, "mylog.jsonl");
    const r = lip(["run", file, "--steps", "5", "--out", join(dir, "a"), "--save-params", saved, "--log", log, "--quiet"]);
    expect(r.status).toBe(0);
    expect(readFileSync(log, "utf8").trim().split("\n")).toHaveLength(5);
    expect(existsSync(join(dir, "a", "log.jsonl"))).toBe(false);
    // a run that starts from the saved parameters
    const again = lip(["run", file, "--steps", "1", "--out", join(dir, "b"), "--init", saved, "--quiet"]);
    expect(again.status).toBe(0);
    const params = readSafetensors(saved);
    const extra = join(dir, "extra.safetensors");
    const missing = join(dir, "missing.safetensors");

    writeSafetensors(extra, { ...params, "h.v": params["h.w"]! });
    const { ["dense_2.b"]: _dropped, ...rest } = params;
    writeSafetensors(missing, rest);
    expect(lip(["run", file, "--steps", "1", "--out", join(dir, "c"), "--init", extra, "--quiet"]).stderr).toBe(
      `error: ${extra}: \`h.v\` is not a parameter of \`small\` (its parameters are \`h.w\`, \`h.b\`, \`dense_2.w\`, \`dense_2.b\`)\n`,
    );
    const m = lip(["run", file, "--steps", "1", "--out", join(dir, "d"), "--init", missing, "--quiet"]);
    expect(m.status).toBe(1);
    expect(m.stderr).toBe(`error: ${missing}: parameter \`dense_2.b\` is missing\n`);
  });

  test("`lip check examples/*.lip stdlib/*.lip` exits 0", () => {
    const { readdirSync } = require("node:fs") as typeof import("node:fs");
    const files = ["examples", "stdlib"].flatMap((d) => readdirSync(join(repoRoot, d)).filter((f: string) => f.endsWith(".lip")).map((f: string) => `${d}/${f}`));
    const r = lip(["check", ...files]);
    expect(r.stderr).toBe("");
    expect(r.status).toBe(0);
  });
});

describe("backends agree", () => {
  test("50 steps of the quickstart on ONNX Runtime and on the reference interpreter: losses within 1e-4", () => {
    const dir = tmp();
    const a = lip(["run", "examples/quickstart.lip", "--steps", "50", "--backend", "onnx", "--out", join(dir, "onnx"), "--quiet"]);
    const b = lip(["run", "examples/quickstart.lip", "--steps", "50", "--backend", "reference", "--out", join(dir, "ref"), "--quiet"]);
    expect(a.status).toBe(0);
    expect(b.status).toBe(0);
    const losses = (d: string) => readFileSync(join(dir, d, "log.jsonl"), "utf8").trim().split("\n").map((l) => JSON.parse(l).loss as number);
    const x = losses("onnx");
    const y = losses("ref");
    expect(x).toHaveLength(50);
    x.forEach((v, i) => expect(Math.abs(v - y[i]!) / Math.abs(y[i]!), `step ${i}: ${v} vs ${y[i]}`).toBeLessThan(1e-4));
  });
});
