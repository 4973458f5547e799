// Mutation check of the std.optim property suite: a copy of stdlib/optim.lip with one small
// mistake planted (a swapped beta, a flipped sign, a dropped bias correction, ...) is tested
// with a copy of stdlib/optim.test.lip that imports it (`use "./optim.lip" { ... }`). Every
// mutant must be caught: `lip test` fails one of its properties with a counterexample. The
// unmutated copy passes. All copies are tested by one `lip test` over their directories (each
// copy in its own), and one mutant and the control on their own for the exit status. Fewer runs
// than the default keep this quick; every mutant is caught at that budget (checked for seeds
// 1 to 8; set LIP_FC_SEED to try others).

import { mkdirSync, mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { beforeAll, describe, expect, test } from "vitest";
import { assertBuilt, lip, repoRoot } from "../cli/run-lip.js";

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

/** Writes optim.lip (as given) and optim.test.lip (importing it) into `dir`. */
function writeCopy(dir: string, optim: string): void {
  const tests = readFileSync(join(repoRoot, "stdlib", "optim.test.lip"), "utf8");
  const local = tests.replace("use std.optim {", 'use "./optim.lip" {');
  if (local === tests) throw new Error("optim.test.lip does not import std.optim");
  mkdirSync(dir, { recursive: true });
  writeFileSync(join(dir, "optim.lip"), optim);
  writeFileSync(join(dir, "optim.test.lip"), local);
}

interface Doc {
  properties: { title: string; file: string; status: string; counterexample: { kind: string; values: unknown[] } | null }[];
}

describe("mutation check of the std.optim properties", () => {
  const original = readFileSync(join(repoRoot, "stdlib", "optim.lip"), "utf8");
  const root = mkdtempSync(join(tmpdir(), "lip-mutants-"));
  const dirs = MUTANTS.map((_, i) => `mutant${String(i).padStart(2, "0")}`);
  let batch: ReturnType<typeof lip>;
  let doc: Doc;

  beforeAll(() => {
    assertBuilt();
    writeCopy(join(root, "control"), original);
    MUTANTS.forEach((m, i) => writeCopy(join(root, dirs[i]!), mutate(original, m)));
    // one `lip test` over every copy (one process: the shared modules are checked once)
    batch = lip(["test", ".", "--runs", String(RUNS), "--seed", String(SEED), "--format", "json"], { cwd: root });
    doc = JSON.parse(batch.stdout) as Doc;
  }, 120_000);

  const inDir = (dir: string) => doc.properties.filter((p) => p.file.startsWith(`${dir}/`));

  test("there are at least 10 mutants, covering every optimizer of std.optim", () => {
    expect(MUTANTS.length).toBeGreaterThanOrEqual(10);
    const optimizers = [...original.matchAll(/^optimizer (\w+)\(/gm)].map((m) => m[1]);
    expect(new Set(MUTANTS.map((m) => m.optimizer))).toEqual(new Set(optimizers));
  });

  test("the unmutated copy passes", () => {
    expect(batch.stderr).toBe("");
    expect(batch.status).toBe(1); // the mutants fail
    const control = inDir("control");
    expect(control.length).toBeGreaterThan(30);
    expect(control.filter((p) => p.status !== "passed").map((p) => p.title)).toEqual([]);
  });

  test.each(MUTANTS.map((m, i) => [m.name, i] as const))("caught: %s", (_name, i) => {
    const props = inDir(dirs[i]!);
    expect(props.length).toBe(inDir("control").length);
    const failed = props.filter((p) => p.status === "failed");
    expect(failed.length).toBeGreaterThan(0);
    for (const p of failed) {
      expect(p.counterexample).not.toBeNull();
      expect(p.counterexample!.values.length).toBeGreaterThan(0);
    }
  });

  test("on its own, a mutant's copy makes `lip test` exit 1 with a counterexample; the control exits 0", () => {
    const one = lip(["test", dirs[4]!, "--runs", String(RUNS), "--seed", String(SEED)], { cwd: root });
    expect(one.status).toBe(1);
    expect(one.stdout).toMatch(/^FAIL {2}.*\n {2}--> mutant04\/optim\.test\.lip:\d+\n[^]*counterexample:\n/m);
    const control = lip(["test", "control", "--runs", String(RUNS), "--seed", String(SEED)], { cwd: root });
    expect(control.status).toBe(0);
  });
});
