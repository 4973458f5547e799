// Gradient transforms and the prelude's `training`: global-norm clipping (the `max_grad_norm`
// of sgd/adam/adamw and `clip_by_global_norm`), annealed gradient noise with variance
// eta / (1 + t)^0.55, and dropout / batch norm switching between training and evaluation.

import { describe, expect, test } from "vitest";
import { checkSource } from "../../compiler/driver.js";
import { lowerFunction, lowerRuleConst } from "../../compiler/lower/function.js";
import { interpret } from "../../runtime/interp.js";
import { scalar, tensor } from "../../runtime/tensor.js";

function clean(src: string) {
  const r = checkSource(src, "t.lip");
  expect(r.diagnostics.filter((d) => d.severity === "error").map((d) => d.message)).toEqual([]);
  return r;
}

describe("global-norm clipping", () => {
  test("sgd(max_grad_norm: c) scales the gradient by min(1, c / (||g|| + 1e-6))", () => {
    const r = clean("use std.optim { sgd }\nlet opt = sgd(lr: 1.0, max_grad_norm: 0.5)\nlet plain = sgd(lr: 1.0)\n");
    const p = tensor("f32", [3], [1, 2, 3], "f64");
    const g = tensor("f32", [3], [3, 0, 4], "f64"); // norm 5
    const run = (name: string) => {
      const u = lowerRuleConst(r, name, [3]);
      const st = interpret(u.init, { p }, { float64: true });
      return Array.from(interpret(u.update, { p, grad: g, step: scalar(0, "i32"), ...st }, { float64: true })["p.next"]!.data);
    };
    const scale = 0.5 / (5 + 1e-6);
    const clipped = run("opt");
    [1 - 3 * scale, 2, 3 - 4 * scale].forEach((v, i) => expect(clipped[i]).toBeCloseTo(v, 12));
    expect(run("plain")).toEqual([-2, 2, -1]); // unclipped: the default computes no norm
  });
});

describe("annealed gradient noise", () => {
  test("grad_noise adds zero-mean noise of variance eta / (1 + t)^0.55", () => {
    const r = clean("use std.optim { grad_noise }\nfn noisy(g, t) = grad_noise(g, 0.3, t, 7)\n");
    const n = 20000;
    for (const t of [1, 100]) {
      const f = lowerFunction(r, "noisy", { g: { dtype: "f32", shape: [n] }, t: { dtype: "i32", shape: [] } });
      const out = interpret(f, { g: tensor("f32", [n], new Array(n).fill(1), "f64"), t: scalar(t, "i32") }, { float64: true }).out!.data;
      let mean = 0;
      for (const v of out) mean += v - 1;
      mean /= n;
      let variance = 0;
      for (const v of out) variance += (v - 1 - mean) ** 2;
      variance /= n;
      const expected = 0.3 / (1 + t) ** 0.55;
      expect(Math.abs(mean)).toBeLessThan(4 * Math.sqrt(expected / n));
      expect(variance / expected).toBeGreaterThan(0.95);
      expect(variance / expected).toBeLessThan(1.05);
    }
  });
});

describe("training and evaluation", () => {
  const r = clean("use std.nn { dropout }\nfn drop(x) = dropout(x, 0.5, 3)\n");
  const x = tensor("f32", [1000], new Array(1000).fill(1));
  test("dropout zeroes about p of the elements and rescales the rest while training", () => {
    const out = interpret(lowerFunction(r, "drop", { x: { dtype: "f32", shape: [1000] } }), { x }).out!.data;
    const zeros = Array.from(out).filter((v) => v === 0).length;
    expect(zeros).toBeGreaterThan(420);
    expect(zeros).toBeLessThan(580);
    expect(Array.from(out).every((v) => v === 0 || v === 2)).toBe(true);
  });
  test("dropout is the identity in evaluation", () => {
    const out = interpret(lowerFunction(r, "drop", { x: { dtype: "f32", shape: [1000] } }, { training: false }), { x }).out!.data;
    expect(Array.from(out).every((v) => v === 1)).toBe(true);
  });
});
