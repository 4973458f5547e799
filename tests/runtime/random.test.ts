// The counter-based generator: Threefry-2x32-20 known-answer vectors (Salmon et al. 2011, also
// used by JAX's tests), reproducibility, independence of salts, and the distributions built on
// it by the builder (uniform range, normal moments, bernoulli rate).

import { describe, expect, test } from "vitest";
import { bitsToUnit, randomBits, threefry2x32 } from "../../runtime/random.js";
import { interpret } from "../../runtime/interp.js";
import { toArray } from "../../runtime/tensor.js";
import { printExpr } from "../../compiler/ir/print.js";
import { fnOf, setup } from "../ir/helpers.js";
import { tensor } from "../../runtime/tensor.js";

const hex = (xs: [number, number]) => xs.map((x) => x.toString(16).padStart(8, "0"));

describe("Threefry-2x32-20", () => {
  test("known-answer vectors", () => {
    expect(hex(threefry2x32(0, 0, 0, 0))).toEqual(["6b200159", "99ba4efe"]);
    expect(hex(threefry2x32(0xffffffff, 0xffffffff, 0xffffffff, 0xffffffff))).toEqual(["1cb996fc", "bb002be7"]);
    expect(hex(threefry2x32(0x13198a2e, 0x03707344, 0x243f6a88, 0x85a308d3))).toEqual(["c4923a9c", "483df7a0"]);
  });
  test("bits are reproducible, depend on seed and salt", () => {
    expect(Array.from(randomBits(42, 0, 4))).toEqual(Array.from(randomBits(42, 0, 4)));
    expect(Array.from(randomBits(42, 0, 4))).not.toEqual(Array.from(randomBits(43, 0, 4)));
    expect(Array.from(randomBits(42, 0, 4))).not.toEqual(Array.from(randomBits(42, 1, 4)));
    // counter-based: element i does not depend on how many are drawn
    expect(Array.from(randomBits(7, 0, 10)).slice(0, 3)).toEqual(Array.from(randomBits(7, 0, 3)));
  });
  test("bits to unit: 24 bits, in [0, 1), exact in f32", () => {
    expect(bitsToUnit(0)).toBe(0);
    expect(bitsToUnit(-1)).toBe(1 - 2 ** -24);
    expect(Math.fround(bitsToUnit(0x12345678))).toBe(bitsToUnit(0x12345678));
  });
});

describe("random draws through the builder", () => {
  const draw = (dist: "uniform" | "normal" | "bernoulli", n: number, params = {}, seed = 3) => {
    const { b } = setup();
    const s = b.input("seed", "hyper", "i32", []);
    const y = b.random(dist, [n], s, params);
    return { y, values: toArray(interpret(fnOf("r", [s], { y }), { seed: tensor("i32", [], [seed]) })["y"]!) };
  };
  test("uniform in [lo, hi) with the right mean", () => {
    const { values } = draw("uniform", 4000, { lo: -2, hi: 6 });
    expect(Math.min(...values)).toBeGreaterThanOrEqual(-2);
    expect(Math.max(...values)).toBeLessThan(6);
    expect(Math.abs(values.reduce((a, x) => a + x, 0) / values.length - 2)).toBeLessThan(0.15);
  });
  test("normal: mean and std", () => {
    const { values } = draw("normal", 4000, { mean: 1, std: 2 });
    const mean = values.reduce((a, x) => a + x, 0) / values.length;
    const std = Math.sqrt(values.reduce((a, x) => a + (x - mean) ** 2, 0) / values.length);
    expect(Math.abs(mean - 1)).toBeLessThan(0.1);
    expect(Math.abs(std - 2)).toBeLessThan(0.1);
    expect(values.every(Number.isFinite)).toBe(true);
  });
  test("bernoulli rate", () => {
    const { y, values } = draw("bernoulli", 4000, { p: 0.25 });
    expect(y.dtype).toBe("bool");
    expect(Math.abs(values.reduce((a, x) => a + x, 0) / values.length - 0.25)).toBeLessThan(0.03);
  });
  test("the same seed draws the same numbers; a different seed does not", () => {
    expect(draw("normal", 8, {}, 5).values).toEqual(draw("normal", 8, {}, 5).values);
    expect(draw("normal", 8, {}, 5).values).not.toEqual(draw("normal", 8, {}, 6).values);
  });
  test("normal is Box-Muller over two salted streams (printed)", () => {
    expect(printExpr(draw("normal", 3).y)).toMatchInlineSnapshot(`
      "fn expr(hyper seed:i32[]) {
        %0:f32[3] = constant[-2]
        %1:f32[3] = constant[1]
        %2:i32[3] = random_bits[salt=0] seed
        %3:f32[3] = bits_to_unit %2
        %4:f32[3] = sub %1 %3
        %5:f32[3] = log %4
        %6:f32[3] = mul %0 %5
        %7:f32[3] = sqrt %6
        %8:f32[3] = constant[6.283185307179586]
        %9:i32[3] = random_bits[salt=1] seed
        %10:f32[3] = bits_to_unit %9
        %11:f32[3] = mul %8 %10
        %12:f32[3] = cos %11
        %13:f32[3] = mul %7 %12
        return out0=%13
      }"
    `);
  });
});
