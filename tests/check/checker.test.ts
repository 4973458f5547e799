// The checker on whole programs: the examples and the standard library are clean, inference
// gives the right types, size variables are bound per call, parameters are collected with
// their names, and every experiment stream gets its binding time.

import { readdirSync } from "node:fs";
import { describe, expect, test } from "vitest";
import { checkFiles, checkSource } from "../../compiler/driver.js";
import { showType } from "../../compiler/check/types.js";

const lipFiles = (dir: string) => readdirSync(dir).filter((f) => f.endsWith(".lip")).map((f) => `${dir}/${f}`).sort();

function errorsOf(src: string): string[] {
  return checkSource(src, "test.lip").diagnostics.filter((d) => d.severity === "error").map((d) => `${d.code} ${d.message}`);
}

function typeOfLet(src: string, fnName: string, letName: string): string {
  const r = checkSource(src, "test.lip");
  expect(r.diagnostics.filter((d) => d.severity === "error").map((d) => d.message)).toEqual([]);
  const m = [...r.loader!.modules.values()].find((x) => x.path === "test.lip")!;
  const fn = m.program.decls.find((d) => (d.kind === "Fn" || d.kind === "Layer" || d.kind === "Model") && d.name.name === fnName);
  if (!fn || !("body" in fn) || fn.kind === "Experiment") throw new Error("no such fn");
  const stmt = fn.body.find((s) => s.kind === "Let" && s.name.name === letName);
  if (!stmt || stmt.kind !== "Let") throw new Error("no such let");
  return showType(r.program!.facts.types.get(stmt.value)!);
}

describe("the examples and the standard library", () => {
  test("check without errors or warnings", () => {
    const { diagnostics } = checkFiles([...lipFiles("examples"), ...lipFiles("stdlib")]);
    expect(diagnostics.map((d) => `${d.primary.span.file}: ${d.code} ${d.message}`)).toEqual([]);
  });
});

describe("inference", () => {
  test("weak literals take the dtype of the tensor", () => {
    expect(typeOfLet("fn f(x: f32[3]) -> f32[3] { let y = 2 * x + 1\n y }", "f", "y")).toBe("f32[3]");
    expect(typeOfLet("fn f(n: i32[3]) -> f32[3] { let y = n * 0.5\n y }", "f", "y")).toBe("f32[3]");
    expect(typeOfLet("fn f(n: i32[3]) -> f32[3] { let y = n / 2\n y }", "f", "y")).toBe("f32[3]");
  });
  test("matmul, broadcasting and reductions keep size variables", () => {
    const src = "fn f(x: f32[B, I], w: f32[I, O], b: f32[O]) -> f32[B] { let h = x @ w + b\n let s = sum(h, axis: -1)\n s }";
    expect(typeOfLet(src, "f", "h")).toBe("f32[B, O]");
    expect(typeOfLet(src, "f", "s")).toBe("f32[B]");
  });
  test("a layer call binds its size variables and `int` sizes", () => {
    const src = `layer dense(x: f32[..., I], O: int) -> f32[..., O] {
  param w: f32[I, O] = lecun_normal()
  param b: f32[O] = zeros()
  x @ w + b
}
model m(x: f32[B, 5]) -> f32[B, 3] {
  let h = dense(x, 7)
  let o = dense(h, 3)
  o
}`;
    expect(typeOfLet(src, "m", "h")).toBe("f32[B, 7]");
    expect(typeOfLet(src, "m", "o")).toBe("f32[B, 3]");
  });
  test("generic functions are checked per call", () => {
    expect(errorsOf("fn double(x) = x @ x\nfn f(v: f32[3, 4]) -> f32[3, 4] = double(v)")).toEqual([
      "LIP3003 matmul inner dimensions differ: `f32[3, 4]` @ `f32[3, 4]` (in this call to fn `double`)",
    ]);
    expect(errorsOf("fn double(x) = x @ x\nfn f(v: f32[3, 3]) -> f32[3, 3] = double(v)")).toEqual([]);
  });
  test("indexing, slicing and gathers", () => {
    const src = "fn f(x: f32[8, 10], y: i32[8]) -> f32[8] { let a = x[:, 2:5]\n let b = x[..., -1]\n let c = x[iota(8), y]\n c }";
    expect(typeOfLet(src, "f", "a")).toBe("f32[8, 3]");
    expect(typeOfLet(src, "f", "b")).toBe("f32[8]");
    expect(typeOfLet(src, "f", "c")).toBe("f32[8]");
  });
  test("mean of a comparison is a float fraction", () => {
    expect(typeOfLet("fn f(o: f32[B, 2], y: i32[B]) -> f32 { let acc = mean(argmax(o, axis: -1) == y)\n acc }", "f", "acc")).toBe("f32");
  });
});

describe("experiments", () => {
  const info = () => {
    const r = checkFiles(["examples/quickstart.lip"]);
    expect(r.diagnostics).toEqual([]);
    return r.program!.experiments.get("quickstart")!;
  };
  test("parameters are collected with call-site names and concrete shapes", () => {
    expect(info().params.map((p) => `${p.name}: ${showType(p.type)}`)).toEqual([
      "h1.w: f32[2, 64]",
      "h1.b: f32[64]",
      "h2.w: f32[64, 64]",
      "h2.b: f32[64]",
      "dense_3.w: f32[64, 2]",
      "dense_3.b: f32[2]",
    ]);
  });
  test("batch fields take the batch size", () => {
    expect([...info().batch].map(([k, t]) => `${k}: ${showType(t)}`)).toEqual(["x: f32[128, 2]", "y: i32[128]"]);
  });
  test("every stream has a binding time", () => {
    const streams = Object.fromEntries(info().streams.map((s) => [s.name, s.bt]));
    expect(streams.lr).toBe("step"); // depends on `step` only: computed once per step
    expect(streams.loss).toBe("tensor");
    expect(streams.accuracy).toBe("tensor");
    expect(streams.ema).toBe("tensor"); // reads `loss`
  });
  test("constant lets are hyperparameters (run constants)", () => {
    const src = `use std.data { two_moons }
use std.optim { sgd }
layer lin(x: f32[B, I], O: int) -> f32[B, O] {
  param w: f32[I, O] = zeros()
  x @ w
}
model m(x: f32[B, 2]) -> f32[B, 2] = lin(x, 2)
data d = two_moons(n: 64)
experiment e {
  model m
  data d, batch: 16
  steps 10
  let lr0 = 0.1
  let lr = lr0 / (1 + step)
  state best = 1e9
  best <- min(best, 1.0 * f32(step))
  loss mean(out ^ 2)
  optimizer sgd(lr: lr)
}`;
    const r = checkSource(src, "test.lip");
    expect(r.diagnostics).toEqual([]);
    const streams = Object.fromEntries(r.program!.experiments.get("e")!.streams.map((s) => [s.name, `${s.kind}:${s.bt}`]));
    expect(streams).toMatchObject({ lr0: "hyper:run", lr: "let:step", best: "state:step", loss: "loss:tensor" });
  });
});
