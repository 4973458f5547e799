// `lip test` end to end (the built CLI): the standard library's property suite passes and its
// JSON lists every property; the deliberately wrong property of examples/properties.lip fails
// with a shrunk counterexample, and the printed replay command reproduces it; bad inputs give
// clear messages and non-zero exits without hanging.

import { readFileSync, readdirSync } from "node:fs";
import { join } from "node:path";
import { beforeAll, describe, expect, test } from "vitest";
import { assertBuilt, lip, repoRoot, tempTree } from "../cli/run-lip.js";

const SEED = String(process.env.LIP_FC_SEED ?? 20240601);

interface JsonDoc {
  seed: number;
  runs: number;
  backends: string[];
  properties: {
    title: string;
    file: string;
    line: number;
    status: string;
    runs: number;
    rejected: number;
    backends: string[];
    time_ms: number;
    counterexample: null | {
      kind: string;
      backend: string;
      seed: number;
      path: string;
      sizes: Record<string, number>;
      values: { name: string; dtype: string; shape: number[]; data: (number | string)[] }[];
      asserts: { text: string; file: string; line: number }[];
      replay: string;
    };
  }[];
  summary: { total: number; passed: number; failed: number; errors: number; time_ms: number };
}

/** The titles of the properties declared in a file, in order. */
function titlesIn(path: string): string[] {
  return [...readFileSync(path, "utf8").matchAll(/^property "([^"]*)"/gm)].map((m) => m[1]!);
}

/** A command line as printed by `lip test` (words, "double" and 'single' quotes) -> argv. */
function shellWords(line: string): string[] {
  const words: string[] = [];
  const re = /"((?:[^"\\]|\\.)*)"|'((?:[^']|'\\'')*)'|(\S+)/g;
  for (const m of line.matchAll(re)) words.push(m[1] ?? (m[2] !== undefined ? m[2].replace(/'\\''/g, "'") : m[3]!));
  return words;
}

beforeAll(() => assertBuilt());

describe("the standard library's property suite", () => {
  const files = readdirSync(join(repoRoot, "stdlib")).filter((f) => f.endsWith(".test.lip")).sort();
  const declared = files.flatMap((f) => titlesIn(join(repoRoot, "stdlib", f)));

  test("has a suite for optimizers, losses, layers, schedules and constraints", () => {
    expect(files).toEqual(["constraint.test.lip", "loss.test.lip", "nn.test.lip", "optim.test.lip", "sched.test.lip"]);
    expect(declared.length).toBeGreaterThanOrEqual(40);
  });

  test("passes on the reference backend, well under a minute, and its JSON lists every property", () => {
    const t0 = Date.now();
    const r = lip(["test", "stdlib", "--seed", SEED, "--format", "json"]);
    const seconds = (Date.now() - t0) / 1000;
    expect(r.stderr).toBe("");
    expect(r.status).toBe(0);
    const doc = JSON.parse(r.stdout) as JsonDoc;
    expect(doc.seed).toBe(Number(SEED));
    expect(doc.runs).toBe(100);
    expect(doc.backends).toEqual(["reference"]);
    expect(doc.properties.map((p) => p.title).sort()).toEqual([...declared].sort());
    for (const p of doc.properties) {
      expect(p.status, p.title).toBe("passed");
      expect(p.runs, p.title).toBe(100);
      expect(p.backends).toEqual(["reference"]);
      expect(typeof p.time_ms).toBe("number");
      expect(p.counterexample).toBeNull();
      expect(p.file).toMatch(/^stdlib\/\w+\.test\.lip$/);
      expect(p.line).toBeGreaterThan(0);
    }
    expect(doc.summary).toMatchObject({ total: declared.length, passed: declared.length, failed: 0, errors: 0 });
    expect(seconds).toBeLessThan(60);
  });
});

describe("a deliberately wrong property", () => {
  const wrong = "signSGD's step is proportional to the gradient";
  let first: ReturnType<typeof lip>;

  beforeAll(() => {
    first = lip(["test", "examples/properties.lip", "--seed", SEED]);
  });

  test("fails with a shrunk counterexample in Lip terms, and only it fails", () => {
    expect(first.status).toBe(1);
    const out = first.stdout;
    const block = out.slice(out.indexOf("FAIL"), out.indexOf("\n", out.indexOf("replay:")));
    expect(out.match(/^FAIL/gm)).toHaveLength(1);
    expect(block).toContain(`FAIL  ${wrong}\n  --> examples/properties.lip:49\n  backend reference, seed ${SEED},`);
    const m = /counterexample:\n {4}N = 1\n {4}p: f32\[1\] = \[[-\d.e]+\]\n {4}g: f32\[1\] = \[([-\d.e]+)\]\n/.exec(block);
    expect(m).not.toBeNull();
    expect(Number(m![1])).not.toBe(0); // the smallest failing case: one coordinate, a nonzero gradient
    expect(block).toContain("assert failed (examples/properties.lip:53): d2 ~= 2 * d1");
    expect(block).toMatch(/\n {4}d2 {5}= \[-?0\.01\]/);
    expect(block).toMatch(/\n {4}2 \* d1 = \[-?0\.02\]/);
    expect(block).toContain(`replay: lip test examples/properties.lip --property "${wrong}" --seed ${SEED} --path `);
    expect(out).toMatch(/\n12 properties: 11 passed, 1 failed \(/);
  });

  test("replaying with the printed seed and path gives the same counterexample", () => {
    const line = first.stdout.split("\n").find((l) => l.startsWith("  replay: "))!;
    const argv = shellWords(line.slice("  replay: ".length));
    expect(argv.slice(0, 2)).toEqual(["lip", "test"]);
    const again = lip(argv.slice(1));
    expect(again.status).toBe(1);
    const cx = (s: string) => s.slice(s.indexOf("  counterexample:"), s.indexOf("  replay:"));
    expect(cx(again.stdout)).toBe(cx(first.stdout));
    expect(again.stdout).toContain(line);
    expect(again.stdout).toMatch(/\n1 property: 0 passed, 1 failed/);
  });

  test("the JSON report has the counterexample and the replay command, and replays the same", () => {
    const r = lip(["test", "examples/properties.lip", "--seed", SEED, "--format", "json", "--property", wrong]);
    expect(r.status).toBe(1);
    const doc = JSON.parse(r.stdout) as JsonDoc;
    expect(doc.properties).toHaveLength(1);
    const p = doc.properties[0]!;
    expect(p).toMatchObject({ title: wrong, file: "examples/properties.lip", line: 49, status: "failed", backends: ["reference"] });
    const cx = p.counterexample!;
    expect(cx.kind).toBe("assert");
    expect(cx.sizes).toEqual({ N: 1 });
    expect(cx.values.map((v) => [v.name, v.dtype, v.shape])).toEqual([
      ["p", "f32", [1]],
      ["g", "f32", [1]],
    ]);
    expect(cx.asserts[0]).toMatchObject({ text: "d2 ~= 2 * d1", file: "examples/properties.lip", line: 53 });
    const again = lip(shellWords(cx.replay).slice(1).concat(["--format", "json"]));
    const cx2 = (JSON.parse(again.stdout) as JsonDoc).properties[0]!.counterexample!;
    expect(cx2.values).toEqual(cx.values);
    expect(cx2.path).toBe(cx.path);
  });
});

describe("bad input", () => {
  test("a property that does not type-check: its diagnostics, exit 1, nothing run", () => {
    const dir = tempTree({ "bad.lip": `property "p" {\n  forall x: f32[N]\n  assert x + 1\n}\n` });
    const r = lip(["test", "bad.lip"], { cwd: dir });
    expect(r.status).toBe(1);
    expect(r.stderr).toContain("error[LIP3013]: `assert` needs a bool condition, found `f32[N]`");
    expect(r.stdout).toBe("");
  });

  test("a `where` that can never hold: a clear failure, exit 1, no hang", () => {
    const dir = tempTree({ "never.lip": `property "never" {\n  forall x: f32[N] where all(x > 1e30)\n  assert all(x > 0)\n}\n` });
    const t0 = Date.now();
    const r = lip(["test", "never.lip", "--seed", "1"], { cwd: dir });
    expect(Date.now() - t0).toBeLessThan(30_000);
    expect(r.status).toBe(1);
    expect(r.stdout).toContain("FAIL  never\n  --> never.lip:1\n");
    expect(r.stdout).toContain('the `where` of property "never" (never.lip:1) rejected 100% of 1001 generated cases (0 of the 100 needed were accepted): loosen it');
  });

  test("an unknown backend is a usage error; a known one that is not available fails clearly", () => {
    const unknown = lip(["test", "examples/properties.lip", "--backend", "cuda"]);
    expect(unknown.status).toBe(2);
    expect(unknown.stderr).toBe("lip: unknown backend `cuda` for `--backend`; known backends: reference, onnx, webgpu\n");
    const typo = lip(["test", "examples/properties.lip", "--backend", "refrence"]);
    expect(typo.status).toBe(2);
    expect(typo.stderr).toContain("did you mean `reference`?");
  });

  // Backends are being added (runtime/onnx, runtime/webgpu): check the message for every known
  // backend that is not available on this machine, and that an available one runs.
  test.each(["onnx", "webgpu"])("--backend %s: runs, or says clearly why it cannot", (name) => {
    const dir = tempTree({ "ok.lip": `property "abs is even" {\n  forall x: f32[N]\n  assert abs(-x) == abs(x)\n}\n` });
    const r = lip(["test", "ok.lip", "--backend", `reference,${name}`, "--runs", "5", "--seed", "1"], { cwd: dir });
    if (r.stderr.includes("is not available")) {
      expect(r.status).toBe(1);
      expect(r.stderr).toMatch(new RegExp(`^error: backend \`${name}\` is not available: .+\n$`));
      expect(r.stdout).toBe("");
    } else {
      expect(r.stderr).toBe("");
      expect(r.status).toBe(0);
      expect(r.stdout).toContain("ok    abs is even  (5 runs");
    }
  });

  test("replay flags: --path needs --seed and one property; unknown titles are named", () => {
    const noSeed = lip(["test", "examples/properties.lip", "--path", "0:1"]);
    expect(noSeed.status).toBe(2);
    expect(noSeed.stderr).toContain("`--path` replays a case of one seed: give `--seed` too");
    const several = lip(["test", "examples/properties.lip", "--seed", "1", "--path", "0:1"]);
    expect(several.status).toBe(2);
    expect(several.stderr).toContain("add `--property TITLE`");
    const badPath = lip(["test", "examples/properties.lip", "--seed", "1", "--path", "x"]);
    expect(badPath.status).toBe(2);
    const unknown = lip(["test", "examples/properties.lip", "--property", "signSGD moves every coordinate by exactly lr"]);
    expect(unknown.status).toBe(2);
    expect(unknown.stderr).toContain('no property titled "signSGD moves every coordinate by exactly lr"');
  });

  test("a file without properties passes with a note; --help states the default number of runs", () => {
    const r = lip(["test", "examples/quickstart.lip"]);
    expect(r.status).toBe(0);
    expect(r.stderr).toBe("note: no properties in examples/quickstart.lip\n");
    const help = lip(["test", "--help"]);
    expect(help.status).toBe(0);
    expect(help.stdout).toContain("accepted cases per property (default: 100)");
  });
});
