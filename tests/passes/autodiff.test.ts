// Autodiff beyond single primitives: composites written with the builder (softmax,
// log_softmax, logsumexp, layer_norm, cross_entropy), fan-out accumulation, symbolic zeros,
// stop_gradient, straight_through, integer paths, and that the harness catches a wrong gradient.

import fc from "fast-check";
import { describe, expect, test } from "vitest";
import type { IrBuilder } from "../../compiler/ir/builder.js";
import type { Node } from "../../compiler/ir/node.js";
import { printExpr } from "../../compiler/ir/print.js";
import { grad, vjp } from "../../compiler/passes/autodiff.js";
import { interpret } from "../../runtime/interp.js";
import { tensor, toArray } from "../../runtime/tensor.js";
import { FC_SEED, fnOf, setup } from "../ir/helpers.js";
import { gradCheck } from "./gradcheck.js";

const anywhere = (r: () => number) => 4 * r() - 2;

function logsumexp(b: IrBuilder, x: Node, axis: number): Node {
  const m = b.stopGradient(b.reduce("max", x, [axis], true));
  const ax = (axis + x.rank) % x.rank;
  return b.binary("add", b.reshape(m, x.shape.filter((_, i) => i !== ax)), b.unary("log", b.reduce("sum", b.unary("exp", b.binary("sub", x, m)), [axis], false)));
}
function softmax(b: IrBuilder, x: Node, axis: number): Node {
  const e = b.unary("exp", b.binary("sub", x, b.stopGradient(b.reduce("max", x, [axis], true))));
  return b.binary("div", e, b.reduce("sum", e, [axis], true));
}
function logSoftmax(b: IrBuilder, x: Node, axis: number): Node {
  const lse = logsumexp(b, x, axis);
  return b.binary("sub", x, b.reshape(lse, x.shape.map((d, i) => (i === (axis + x.rank) % x.rank ? 1 : d))));
}
function layerNorm(b: IrBuilder, x: Node, gamma: Node, beta: Node): Node {
  const mu = b.reduce("mean", x, [-1], true);
  const xc = b.binary("sub", x, mu);
  const variance = b.reduce("mean", b.binary("mul", xc, xc), [-1], true);
  const inv = b.unary("rsqrt", b.binary("add", variance, b.constant(1e-5, x.dtype)));
  return b.binary("add", b.binary("mul", b.binary("mul", xc, inv), gamma), beta);
}
function crossEntropy(b: IrBuilder, logits: Node, labels: Node, viaOneHot: boolean): Node {
  const logp = logSoftmax(b, logits, -1);
  const picked = viaOneHot ? b.reduce("sum", b.binary("mul", b.oneHot(labels, logits.shape[1]!), logp), [-1], false) : b.gather(logp, [b.iota(logits.shape[0]!), labels]);
  return b.unary("neg", b.reduce("mean", picked, "all", false));
}

const rowsArb = fc.tuple(fc.array(fc.integer({ min: 1, max: 3 }), { maxLength: 2 }), fc.integer({ min: 1, max: 5 }));

describe("composites", () => {
  const check = (build: (b: IrBuilder, xs: Node[]) => Node, inputs: Parameters<typeof gradCheck>[1], seed: number) => {
    const r = gradCheck(build, inputs, seed);
    if (!r.ok) throw new Error(`<v, J^T w> = ${r.analytic} but <J v, w> = ${r.numeric}`);
  };
  const prop = (arb: fc.Arbitrary<[number[], number]>, f: (lead: number[], n: number, seed: number) => void) =>
    fc.assert(fc.property(arb, fc.integer(), ([lead, n], seed) => f(lead, n, seed)), { numRuns: 25, seed: FC_SEED });

  test("softmax", () => prop(rowsArb, (lead, n, seed) => check((b, [x]) => softmax(b, x!, -1), [{ shape: [...lead, n], values: anywhere }], seed)));
  test("log_softmax", () => prop(rowsArb, (lead, n, seed) => check((b, [x]) => logSoftmax(b, x!, -1), [{ shape: [...lead, n], values: anywhere }], seed)));
  test("logsumexp over the first axis", () => prop(rowsArb, (lead, n, seed) => check((b, [x]) => logsumexp(b, x!, 0), [{ shape: [n, ...lead], values: (r) => 20 * r() - 10 }], seed)));
  test("layer_norm with gain and bias", () =>
    prop(rowsArb.filter(([, n]) => n >= 2), (lead, n, seed) =>
      check((b, [x, g, be]) => layerNorm(b, x!, g!, be!), [{ shape: [...lead, n], values: anywhere }, { shape: [n], values: anywhere }, { shape: [n], values: anywhere }], seed),
    ));
  test("cross_entropy, by gather and by one_hot", () =>
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 4 }), fc.integer({ min: 1, max: 5 }), fc.boolean(), fc.integer(), (bsz, c, viaOneHot, seed) =>
        check((b, [logits, labels]) => crossEntropy(b, logits!, labels!, viaOneHot), [{ shape: [bsz, c], values: anywhere }, { shape: [bsz], values: (r) => Math.floor(c * r()), dtype: "i32", constant: true }], seed),
      ),
      { numRuns: 25, seed: FC_SEED },
    ));

  test("softmax gradient matches the closed form s * (w - <s, w>)", () => {
    const { ctx, b } = setup();
    const x = b.input("x", "param", "f32", [4]);
    const w = b.input("w", "batch", "f32", [4]);
    const s = softmax(b, x, -1);
    const [g] = grad(ctx, b.reduce("sum", b.binary("mul", s, w), "all", false), [x]);
    const out = interpret(fnOf("f", [x, w], { s, g: g! }), { x: tensor("f32", [4], [0.5, -1, 2, 0]), w: tensor("f32", [4], [1, 2, 3, 4]) }, { float64: true });
    const sv = toArray(out.s!);
    const dot = sv.reduce((a, si, i) => a + si * [1, 2, 3, 4][i]!, 0);
    toArray(out.g!).forEach((gi, i) => expect(gi).toBeCloseTo(sv[i]! * ([1, 2, 3, 4][i]! - dot), 12));
  });
});

describe("autodiff transform", () => {
  test("fan-out: cotangents of a value used twice are summed", () => {
    const { ctx, b } = setup();
    const x = b.input("x", "param", "f32", [3]);
    const y = b.binary("mul", x, x); // d/dx sum(x*x) = 2x
    const [g] = grad(ctx, b.reduce("sum", y, "all", false), [x]);
    const out = interpret(fnOf("f", [x], { g: g! }), { x: tensor("f32", [3], [1, -2, 3]) });
    expect(toArray(out.g!)).toEqual([2, -4, 6]);
  });

  test("gradient of an independent input is a splat zero, and nothing else is built for it", () => {
    const { ctx, b } = setup();
    const x = b.input("x", "param", "f32", [2]);
    const y = b.input("y", "param", "f32", [2]);
    const before = ctx.size;
    const [gy] = grad(ctx, b.reduce("sum", b.unary("exp", x), "all", false), [y]);
    expect(printExpr(gy!)).toMatchInlineSnapshot(`
      "fn expr() {
        %0:f32[2] = constant[0]
        return out0=%0
      }"
    `);
    // only the seed, the zero and (since x is not requested) no backward nodes at all
    expect(ctx.size - before).toBeLessThanOrEqual(4);
  });

  test("symbolic zeros: relu's where-zero branch is not propagated into unrelated sums", () => {
    const { ctx, b } = setup();
    const x = b.input("x", "param", "f32", [2]);
    const loss = b.reduce("sum", b.binary("add", b.unary("relu", x), b.stopGradient(x)), "all", false);
    const [g] = grad(ctx, loss, [x]);
    expect(printExpr(g!)).toMatchInlineSnapshot(`
      "fn expr(param x:f32[2]) {
        %0:f32[2] = constant[0]
        %1:bool[2] = gt x %0
        %2:f32[2] = constant[1]
        %3:f32[2] = where %1 %2 %0
        return out0=%3
      }"
    `);
  });

  test("stop_gradient: the stopped factor is a constant to the gradient", () => {
    const { ctx, b } = setup();
    const x = b.input("x", "param", "f32", [3]);
    const [g] = grad(ctx, b.reduce("sum", b.binary("mul", x, b.stopGradient(x)), "all", false), [x]);
    const out = interpret(fnOf("f", [x], { g: g! }), { x: tensor("f32", [3], [1, -2, 3]) });
    expect(toArray(out.g!)).toEqual([1, -2, 3]); // not 2x
  });

  test("straight_through: value of forward, gradient of surrogate", () => {
    const { ctx, b } = setup();
    const x = b.input("x", "param", "f32", [3]);
    const st = b.straightThrough(b.unary("round", x), b.binary("mul", x, b.constant(3, "f32")));
    const [g] = grad(ctx, b.reduce("sum", st, "all", false), [x]);
    const out = interpret(fnOf("f", [x], { st, g: g! }), { x: tensor("f32", [3], [0.4, 1.6, -2.5]) });
    expect(toArray(out.st!)).toEqual([0, 2, -2]);
    expect(toArray(out.g!)).toEqual([3, 3, 3]);
  });

  test("integer and boolean values carry no gradient", () => {
    const { ctx, b } = setup();
    const x = b.input("x", "param", "f32", [3]);
    const viaInt = b.cast(b.cast(x, "i32"), "f32"); // truncation: piecewise constant
    const viaBool = b.cast(b.binary("gt", x, b.constant(0, "f32")), "f32");
    const [g] = grad(ctx, b.reduce("sum", b.binary("add", b.binary("mul", viaInt, viaBool), x), "all", false), [x]);
    const out = interpret(fnOf("f", [x], { g: g! }), { x: tensor("f32", [3], [0.5, 1.5, -2.5]) });
    expect(toArray(out.g!)).toEqual([1, 1, 1]);
  });

  test("vjp with several outputs and a null (zero) cotangent", () => {
    const { ctx, b } = setup();
    const x = b.input("x", "param", "f32", [2]);
    const y1 = b.unary("sin", x);
    const y2 = b.binary("mul", x, b.constant(2, "f32"));
    const ct = b.input("ct", "batch", "f32", [2]);
    const [g] = vjp(ctx, [y1, y2], [x], [null, ct]);
    const out = interpret(fnOf("f", [x, ct], { g: g! }), { x: tensor("f32", [2], [1, 2]), ct: tensor("f32", [2], [5, 7]) });
    expect(toArray(out.g!)).toEqual([10, 14]);
  });

  test("grad of a non-scalar loss is a CompilerBug", () => {
    const { ctx, b } = setup();
    const x = b.input("x", "param", "f32", [2]);
    expect(() => grad(ctx, x, [x])).toThrow(/non-scalar/);
  });

  test("the harness rejects a wrong gradient (straight_through without the correction)", () => {
    const r = gradCheck((b, [x]) => b.straightThrough(b.unary("sin", x!), b.unary("cos", x!)), [{ shape: [3], values: anywhere }], 7);
    expect(r.ok).toBe(false);
  });

  test("grad of a 200-layer MLP builds quickly and shares the forward graph", () => {
    const { ctx, b } = setup();
    const x = b.input("x", "batch", "f32", [32, 64]);
    let h = x;
    const ws: Node[] = [];
    for (let i = 0; i < 200; i++) {
      const w = b.input(`h${i}.w`, "param", "f32", [64, 64]);
      const bias = b.input(`h${i}.b`, "param", "f32", [64]);
      ws.push(w, bias);
      h = b.unary("relu", b.binary("add", b.matmul(h, w), bias));
    }
    const loss = b.reduce("mean", b.binary("mul", h, h), "all", false);
    const t0 = performance.now();
    const gs = grad(ctx, loss, ws);
    expect(gs).toHaveLength(400);
    expect(performance.now() - t0).toBeLessThan(1000);
  });
});
