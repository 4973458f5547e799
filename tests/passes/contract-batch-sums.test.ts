// compiler/passes/contract-batch-sums.ts: sum over the batch axes of a batched matmul becomes
// one matmul contracting over batch and K. It reassociates a float sum, so the property compares
// with a tolerance relative to the size of the terms (the interpreter sums in f64 either way).

import fc from "fast-check";
import { describe, expect, test } from "vitest";
import { functionNodes } from "../../compiler/ir/graph.js";
import { Op } from "../../compiler/ir/ops.js";
import { verifyFunction } from "../../compiler/ir/verify.js";
import { contractBatchSums } from "../../compiler/passes/contract-batch-sums.js";
import { interpret } from "../../runtime/interp.js";
import { FC_SEED, fnOf, randomTensor, rng, setup, uniformIn } from "../ir/helpers.js";

const ops = (fn: Parameters<typeof functionNodes>[0]) => functionNodes(fn).map((n) => n.op);

function batchSum(dims: number[], keepdims: boolean) {
  const { b } = setup();
  const [bt, t, k, n] = dims as [number, number, number, number];
  const x = b.input("x", "batch", "f32", [bt, 2, t, k]);
  const dy = b.input("dy", "batch", "f32", [bt, 2, t, n]);
  const dw = b.reduce("sum", b.matmul(b.transpose(x), dy), [0, 1], keepdims);
  return fnOf("dw", [x, dy], { dw });
}

describe("contract-batch-sums", () => {
  test("sum_b x[b]^T @ dy[b] becomes one matmul over (b, t), and computes the same", () => {
    fc.assert(
      fc.property(fc.array(fc.integer({ min: 1, max: 6 }), { minLength: 4, maxLength: 4 }), fc.boolean(), fc.integer(), (dims, keepdims, seed) => {
        const fn = batchSum(dims, keepdims);
        const out = contractBatchSums(fn);
        verifyFunction(out);
        expect(ops(out)).not.toContain(Op.ReduceSum);
        const mm = functionNodes(out).find((n) => n.op === Op.MatMul)!;
        expect(mm.rank).toBe(2);
        const r = rng(seed);
        const inputs = Object.fromEntries(fn.inputs.map((i) => [i.name, randomTensor("f32", i.node.shape, uniformIn(r, -2, 2))]));
        const want = interpret(fn, inputs).dw!;
        const got = interpret(out, inputs).dw!;
        expect(got.shape).toEqual(want.shape);
        const terms = 2 * dims[0]! * dims[1]! * 4; // number of products times their size
        for (let i = 0; i < want.data.length; i++) expect(Math.abs(got.data[i]! - want.data[i]!)).toBeLessThanOrEqual(1e-6 * terms);
      }),
      { numRuns: 50, seed: FC_SEED },
    );
  });

  test("a product with another use, or a sum over other axes, is left alone", () => {
    const { b } = setup();
    const x = b.input("x", "batch", "f32", [4, 3, 5]);
    const w = b.input("w", "batch", "f32", [4, 5, 2]);
    const p = b.matmul(x, w);
    const twoUses = fnOf("f", [x, w], { s: b.reduce("sum", p, [0], false), p });
    expect(contractBatchSums(twoUses)).toEqual(twoUses);
    const otherAxis = fnOf("g", [x, w], { s: b.reduce("sum", p, [1], false) });
    expect(contractBatchSums(otherAxis)).toEqual(otherAxis);
  });
});
