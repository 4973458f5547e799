import fc from "fast-check";
import { describe, expect, test } from "vitest";
import { broadcastShapes, matmulShapes, reduceShape } from "../../compiler/check/shapes.js";
import type { Dim, Shape } from "../../compiler/check/types.js";
import { showShape } from "../../compiler/check/types.js";

const s = (...dims: Dim[]): Shape => ({ rest: null, dims });
const sym = (name: string): Dim => ({ sym: name });
const rest = (...dims: Dim[]): Shape => ({ rest: { rest: "..." }, dims });

describe("broadcasting", () => {
  test("NumPy rules on concrete shapes", () => {
    expect(broadcastShapes(s(32, 10), s(10))).toEqual({ ok: true, shape: s(32, 10) });
    expect(broadcastShapes(s(32, 1), s(1, 10))).toEqual({ ok: true, shape: s(32, 10) });
    expect(broadcastShapes(s(), s(4, 5))).toEqual({ ok: true, shape: s(4, 5) });
    expect(broadcastShapes(s(32, 10), s(12)).ok).toBe(false);
  });
  test("size variables match only themselves (or 1)", () => {
    expect(broadcastShapes(s(sym("B"), sym("I")), s(sym("I")))).toEqual({ ok: true, shape: s(sym("B"), sym("I")) });
    expect(broadcastShapes(s(sym("B"), 1), s(sym("O")))).toEqual({ ok: true, shape: s(sym("B"), sym("O")) });
    expect(broadcastShapes(s(sym("I")), s(sym("O"))).ok).toBe(false);
    expect(broadcastShapes(s(sym("I")), s(3)).ok).toBe(false);
  });
  test("a `...` prefix is kept when the other side is shorter", () => {
    expect(broadcastShapes(rest(sym("I")), s(sym("I")))).toEqual({ ok: true, shape: rest(sym("I")) });
    expect(broadcastShapes(rest(sym("O")), rest(sym("O")))).toEqual({ ok: true, shape: rest(sym("O")) });
    // the other side's extra dims meet the `...`: rank unknown, not an error
    expect(broadcastShapes(rest(sym("I")), s(2, 3, sym("I")))).toEqual({ ok: true, shape: null });
  });
  test("agrees with a direct implementation on random concrete shapes", () => {
    const dim = fc.constantFrom(1, 2, 3);
    fc.assert(
      fc.property(fc.array(dim, { maxLength: 4 }), fc.array(dim, { maxLength: 4 }), (a, b) => {
        const r = broadcastShapes(s(...a), s(...b));
        const n = Math.max(a.length, b.length);
        const out: number[] = [];
        let ok = true;
        for (let i = 1; i <= n; i++) {
          const x = a[a.length - i] ?? 1;
          const y = b[b.length - i] ?? 1;
          if (x !== y && x !== 1 && y !== 1) ok = false;
          out.unshift(Math.max(x, y));
        }
        expect(r.ok).toBe(ok);
        if (r.ok) expect(showShape(r.shape)).toBe(showShape(s(...out)));
      }),
      { numRuns: 500 },
    );
  });
});

describe("matmul", () => {
  test("matrix, vector and batched cases", () => {
    expect(matmulShapes(s(128, 2), s(2, 64))).toEqual({ ok: true, shape: s(128, 64) });
    expect(matmulShapes(s(2), s(2, 64))).toEqual({ ok: true, shape: s(64) });
    expect(matmulShapes(s(64, 2), s(2))).toEqual({ ok: true, shape: s(64) });
    expect(matmulShapes(s(2), s(2))).toEqual({ ok: true, shape: s() });
    expect(matmulShapes(s(8, 1, 3, 4), s(5, 4, 6))).toEqual({ ok: true, shape: s(8, 5, 3, 6) });
    expect(matmulShapes(rest(sym("I")), s(sym("I"), sym("O")))).toEqual({ ok: true, shape: null });
    expect(matmulShapes(rest(sym("T"), sym("I")), s(sym("I"), sym("O")))).toEqual({ ok: true, shape: rest(sym("T"), sym("O")) });
  });
  test("inner dimensions must agree", () => {
    const r = matmulShapes(s(128, 2), s(3, 64));
    expect(r.ok).toBe(false);
    if (!r.ok) expect([r.left, r.right]).toEqual([2, 3]);
    expect(matmulShapes(s(sym("B"), sym("I")), s(sym("O"), sym("I"))).ok).toBe(false);
  });
});

describe("reductions", () => {
  test("axes, negative axes and keepdims", () => {
    expect(reduceShape(s(3, 4, 5), [1], false)).toEqual({ ok: true, shape: s(3, 5) });
    expect(reduceShape(s(3, 4, 5), [-1], true)).toEqual({ ok: true, shape: s(3, 4, 1) });
    expect(reduceShape(s(3, 4, 5), "all", false)).toEqual({ ok: true, shape: s() });
    expect(reduceShape(rest(sym("D")), [-1], false)).toEqual({ ok: true, shape: rest() });
    expect(reduceShape(s(3, 4), [2], false).ok).toBe(false);
    expect(reduceShape(rest(sym("D")), [0], false)).toEqual({ ok: true, shape: null }); // inside `...`: unknown, not wrong
  });
});
