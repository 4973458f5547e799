// Shapes the checker could not rule out (values that only exist at run time) are checked again
// while lowering with concrete values: the error names the value, the declared and the actual
// shapes, and points at the declaration. The checker itself reads data files' headers, so data
// with the wrong shape is usually caught statically (tests/run/data-errors.test.ts).

import { describe, expect, test } from "vitest";
import { checkSource } from "../../compiler/driver.js";
import { lowerFunction } from "../../compiler/lower/function.js";
import { LoweringError } from "../../compiler/lower/errors.js";
import { renderText } from "../../compiler/diag/render-text.js";

describe("lowering checks concrete shapes against declarations", () => {
  const r = checkSource("fn center(x: f32[B, 2]) -> f32[B, 2] = x - mean(x, axis: 0, keepdims: true)\n", "t.lip");
  test("a fitting value lowers", () => {
    expect(r.diagnostics).toEqual([]);
    expect(lowerFunction(r, "center", { x: { dtype: "f32", shape: [5, 2] } }).outputs[0]!.node.shape).toEqual([5, 2]);
  });
  test("a value of another shape is a diagnostic at the declaration, not a crash", () => {
    let caught: unknown;
    try {
      lowerFunction(r, "center", { x: { dtype: "f32", shape: [5, 3] } });
    } catch (err) {
      caught = err;
    }
    expect(caught).toBeInstanceOf(LoweringError);
    const d = (caught as LoweringError).diagnostic;
    expect(d.code).toBe("LIP3007");
    expect(renderText(d, r.files, { color: false })).toBe(
      [
        "error[LIP3007]: `x` of fn `center` is declared `f32[B, 2]`, but the value given is `f32[5, 3]`",
        " --> t.lip:1:14",
        "  |",
        "1 | fn center(x: f32[B, 2]) -> f32[B, 2] = x - mean(x, axis: 0, keepdims: true)",
        "  |              ^^^^^^^^^ dimension 1 is 3, not 2",
      ].join("\n"),
    );
  });
  test("a dtype mismatch too", () => {
    expect(() => lowerFunction(r, "center", { x: { dtype: "i32", shape: [5, 2] } })).toThrow(/declared `f32\[B, 2\]`, but the value given is `i32\[5, 2\]`/);
  });
});
