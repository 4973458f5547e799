// Mutation check of the std.optim property suite: a copy of stdlib/optim.lip with one small
// mistake planted (a swapped beta, a flipped sign, a dropped bias correction, ...) is tested
// with a copy of stdlib/optim.test.lip that imports it (`use "./optim.lip" { ... }`). Every
// mutant must be caught: `lip test` exits 1 with a counterexample. The unmutated copy passes.
// Fewer runs than the default keep this quick; every mutant is caught at that budget.

import { spawn } from "node:child_process";
import { mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { availableParallelism, tmpdir } from "node:os";
import { join } from "node:path";
import { beforeAll, describe, expect, test } from "vitest";
import { assertBuilt, lipBin, repoRoot } from "../cli/run-lip.js";

const RUNS = 15;
const SEED = Number(process.env.LIP_FC_SEED ?? 1);

interface Mutant {
  readonly name: string;
  readonly optimizer: string;
  readonly from: string;
  readonly to: string;
}

// One change each, inside the body of one optimizer.
const MUTANTS: readonly Mutant[] = [
  { name: "sgd: dampening sign", optimizer: "sgd", from: "(1 - dampening) * g", to: "(1 + dampening) * g" },
  { name: "sgd: nesterov look-ahead sign", optimizer: "sgd", from: "g + momentum * b", to: "g - momentum * b" },
  { name: "sgd: first-update test", optimizer: "sgd", from: "if t == 1 then g", to: "if t == 0 then g" },
  { name: "sgd: ascent instead of descent", optimizer: "sgd", from: "param <- param - lr", to: "param <- param + lr" },
  { name: "adam: beta2 in the first moment", optimizer: "adam", from: "let m1 = beta1 * m", to: "let m1 = beta2 * m" },
  { name: "adam: beta1 in the second moment's bias correction", optimizer: "adam", from: "let bc2 = 1 - beta2", to: "let bc2 = 1 - beta1" },
  { name: "adam: dropped first bias correction", optimizer: "adam", from: "(lr / bc1)", to: "(lr / 1)" },
  { name: "adam: amsgrad keeps the minimum", optimizer: "adam", from: "max(vmax, v1)", to: "min(vmax, v1)" },
  { name: "adam: L2 term sign", optimizer: "adam", from: "+ weight_decay * param", to: "- weight_decay * param" },
  { name: "adamw: decay sign", optimizer: "adamw", from: "(1 - lr * weight_decay)", to: "(1 + lr * weight_decay)" },
  { name: "adamw: beta1 in the second moment", optimizer: "adamw", from: "(1 - beta2) * g^2", to: "(1 - beta1) * g^2" },
  { name: "adamw: dropped second bias correction", optimizer: "adamw", from: "sqrt(vt) / sqrt(bc2)", to: "sqrt(vt) / sqrt(1.0)" },
  { name: "adamp: channel projection sign", optimizer: "adamp", from: "perturb - pn_c *", to: "perturb + pn_c *" },
  { name: "adamp: layer test inverted", optimizer: "adamp", from: "cos_l < delta", to: "cos_l > delta" },
  { name: "adamp: beta2 in the first moment", optimizer: "adamp", from: "let m1 = beta1 * m", to: "let m1 = beta2 * m" },
  { name: "adamp: nesterov with beta2", optimizer: "adamp", from: "(beta1 * m1 + (1 - beta1) * grad) / denom", to: "(beta2 * m1 + (1 - beta1) * grad) / denom" },
  { name: "lion: beta2 in the interpolation", optimizer: "lion", from: "sign(beta1 * m", to: "sign(beta2 * m" },
  { name: "lion: beta1 in the momentum", optimizer: "lion", from: "(1 - beta2) * grad", to: "(1 - beta1) * grad" },
  { name: "lion: decay sign", optimizer: "lion", from: "+ weight_decay * param)", to: "- weight_decay * param)" },
  { name: "adagrad: lr decay off by one", optimizer: "adagrad", from: "(f32(t) - 1)", to: "(f32(t) + 1)" },
  { name: "adagrad: accumulator not accumulated", optimizer: "adagrad", from: "let acc1 = acc + g^2", to: "let acc1 = 0 + g^2" },
  { name: "rmsprop: centered mean with 1 + alpha", optimizer: "rmsprop", from: "(1 - alpha) * g\n", to: "(1 + alpha) * g\n" },
  { name: "rmsprop: momentum sign", optimizer: "rmsprop", from: "momentum * buf + g / avg", to: "momentum * buf - g / avg" },
];

/** `source` with `from` replaced by `to` inside the body of `optimizer NAME(...)`, exactly once. */
function mutate(source: string, m: Mutant): string {
  const start = source.indexOf(`\noptimizer ${m.optimizer}(`);
  if (start < 0) throw new Error(`no optimizer ${m.optimizer}`);
  const next = source.indexOf("\n}", start);
  const body = source.slice(start, next);
  const at = body.indexOf(m.from);
  if (at < 0 || body.indexOf(m.from, at + 1) >= 0) throw new Error(`${m.name}: \`${m.from}\` must occur exactly once in ${m.optimizer}`);
  return source.slice(0, start) + body.slice(0, at) + m.to + body.slice(at + m.from.length) + source.slice(next);
}

function tree(optim: string): string {
  const dir = mkdtempSync(join(tmpdir(), "lip-mutant-"));
  const tests = readFileSync(join(repoRoot, "stdlib", "optim.test.lip"), "utf8");
  const local = tests.replace("use std.optim {", 'use "./optim.lip" {');
  if (local === tests) throw new Error("optim.test.lip does not import std.optim");
  writeFileSync(join(dir, "optim.lip"), optim);
  writeFileSync(join(dir, "optim.test.lip"), local);
  return dir;
}

interface Outcome {
  readonly status: number | null;
  readonly json: { properties: { title: string; status: string; counterexample: { kind: string; values: unknown[] } | null }[] } | null;
  readonly stderr: string;
}

function lipAsync(args: readonly string[], cwd: string): Promise<Outcome> {
  return new Promise((resolve) => {
    const env = { ...process.env };
    delete env["LIP_BACKTRACE"];
    const p = spawn(process.execPath, [lipBin, ...args], { cwd, env });
    let out = "";
    let err = "";
    p.stdout.on("data", (d) => (out += d));
    p.stderr.on("data", (d) => (err += d));
    const timer = setTimeout(() => p.kill("SIGKILL"), 60_000);
    p.on("close", (status) => {
      clearTimeout(timer);
      let json = null;
      try {
        json = JSON.parse(out);
      } catch {
        // reported by the assertions below
      }
      resolve({ status, json, stderr: err });
    });
  });
}

/** Runs `jobs` with at most `n` at a time. */
async function pool<T>(jobs: readonly (() => Promise<T>)[], n: number): Promise<T[]> {
  const results: T[] = new Array(jobs.length);
  let next = 0;
  await Promise.all(
    Array.from({ length: Math.min(n, jobs.length) }, async () => {
      while (next < jobs.length) {
        const i = next++;
        results[i] = await jobs[i]!();
      }
    }),
  );
  return results;
}

describe("mutation check of the std.optim properties", () => {
  const original = readFileSync(join(repoRoot, "stdlib", "optim.lip"), "utf8");
  let outcomes: Outcome[] = [];
  let control: Outcome;

  beforeAll(async () => {
    assertBuilt();
    const args = ["test", ".", "--runs", String(RUNS), "--seed", String(SEED), "--format", "json"];
    const jobs = [() => lipAsync(args, tree(original)), ...MUTANTS.map((m) => () => lipAsync(args, tree(mutate(original, m))))];
    const all = await pool(jobs, Math.max(1, Math.min(4, availableParallelism())));
    control = all[0]!;
    outcomes = all.slice(1);
  }, 180_000);

  test("there are at least 10 mutants, covering every optimizer of std.optim", () => {
    expect(MUTANTS.length).toBeGreaterThanOrEqual(10);
    const optimizers = [...original.matchAll(/^optimizer (\w+)\(/gm)].map((m) => m[1]);
    expect(new Set(MUTANTS.map((m) => m.optimizer))).toEqual(new Set(optimizers));
  });

  test("the unmutated copy passes", () => {
    expect(control.stderr).toBe("");
    expect(control.status).toBe(0);
    expect(control.json!.properties.every((p) => p.status === "passed")).toBe(true);
  });

  test.each(MUTANTS.map((m, i) => [m.name, i] as const))("caught: %s", (_name, i) => {
    const o = outcomes[i]!;
    expect(o.stderr).toBe("");
    expect(o.status).toBe(1);
    const failed = o.json!.properties.filter((p) => p.status === "failed");
    expect(failed.length).toBeGreaterThan(0);
    for (const p of failed) {
      expect(p.counterexample).not.toBeNull();
      expect(p.counterexample!.values.length).toBeGreaterThan(0);
    }
  });
});
