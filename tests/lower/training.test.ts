// The lowered training step, interpreted: an unconstrained MLP on two moons learns (300 steps
// drive the loss below a third of its first value), the quickstart's loss falls, and the
// gradients of both training steps match central finite differences in float64.

import { describe, expect, test } from "vitest";
import { interpret } from "../../runtime/interp.js";
import { ReferenceTrainer } from "../../runtime/reference-trainer.js";
import type { Tensor } from "../../runtime/tensor.js";
import { compileFile, compileText } from "./helpers.js";

const mlp = `
use std.nn { dense }
use std.loss { cross_entropy }
use std.optim { adam }
use std.data { two_moons }

data moons = two_moons(n: 1024, noise: 0.1, seed: 3) split 0.8

model mlp(x: f32[B, 2]) -> f32[B, 2] {
  let h1 = relu(dense(x, 32))
  let h2 = relu(dense(h1, 32))
  dense(h2, 2)
}

experiment moons_mlp {
  model mlp
  data moons.train, batch: 64, shuffle: true
  steps 300
  loss cross_entropy(out, y)
  optimizer adam(lr: 0.01)
  metric accuracy = mean(argmax(out, axis: -1) == y)
}
`;

function mean(xs: number[]): number {
  return xs.reduce((a, b) => a + b, 0) / xs.length;
}

describe("training on the reference interpreter", () => {
  test("an unconstrained MLP on two moons: 300 steps take the loss below a third of the first", () => {
    const t = new ReferenceTrainer(compileText(mlp), { seed: 1 });
    const losses: number[] = [];
    for (let i = 0; i < 300; i++) losses.push(t.step().loss);
    const first = losses[0]!;
    const last = mean(losses.slice(-10));
    expect(first).toBeGreaterThan(0.5);
    expect(last).toBeLessThan(first / 3);
  });

  test("the quickstart's loss falls", () => {
    const t = new ReferenceTrainer(compileFile("examples/quickstart.lip"), { seed: 0 });
    const losses: number[] = [];
    for (let i = 0; i < 120; i++) losses.push(t.step().loss);
    expect(mean(losses.slice(-10))).toBeLessThan(0.8 * mean(losses.slice(0, 10)));
  });
});

/** Central finite differences of the loss w.r.t. a few coordinates of every parameter, in float64. */
function checkGradients(path: string | null, text: string | null): void {
  const c = path ? compileFile(path) : compileText(text!);
  const t = new ReferenceTrainer(c, { seed: 0, mode: "f64" });
  for (let i = 0; i < 3; i++) t.step(); // away from the initial point
  const batch = t.batches.at(t.stepNumber);
  const inputs = t.inputs(batch);
  const fn = { name: "grads", inputs: c.step.inputs, outputs: [{ name: "loss", node: c.loss }, ...c.gradients] };
  const out = interpret(fn, inputs, { float64: true });
  const lossAt = (ins: Record<string, Tensor>) => interpret({ name: "loss", inputs: c.step.inputs, outputs: [{ name: "loss", node: c.loss }] }, ins, { float64: true }).loss!.data[0]!;
  let checked = 0;
  for (const g of c.gradients) {
    const pname = g.name.replace(/\.grad$/, "");
    const p = inputs[pname]!;
    const analytic = out[g.name]!;
    const n = p.data.length;
    for (const k of [0, Math.floor(n / 3), n - 1]) {
      const h = 1e-6 * Math.max(1, Math.abs(p.data[k]!));
      const plus = { ...p, data: p.data.slice() };
      const minus = { ...p, data: p.data.slice() };
      plus.data[k]! += h;
      minus.data[k]! -= h;
      const fd = (lossAt({ ...inputs, [pname]: plus }) - lossAt({ ...inputs, [pname]: minus })) / (2 * h);
      const a = analytic.data[k]!;
      const err = Math.abs(fd - a) / Math.max(1e-6, Math.abs(fd) + Math.abs(a));
      expect(err, `${g.name}[${k}]: analytic ${a}, finite difference ${fd}`).toBeLessThan(1e-6);
      checked++;
    }
  }
  expect(checked).toBeGreaterThan(0);
}

describe("gradients of the lowered training steps", () => {
  test("the MLP's step: reverse mode equals finite differences", () => checkGradients(null, mlp));
  test("the quickstart's step: reverse mode equals finite differences", () => checkGradients("examples/quickstart.lip", null));
});
