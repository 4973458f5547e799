// The property runner as a library (runtime/test/): generators (dtypes, shared sizes, ranges,
// special values), reports (counterexamples, both sides of a failed comparison, summaries of
// large tensors), replay by seed and path, `where` rejection, errors, and several backends
// (differential testing, a backend that fails, an asynchronous backend).

import fc from "fast-check";
import { describe, expect, test } from "vitest";
import { checkSource, type CheckResult } from "../../compiler/driver.js";
import type { IrFunction } from "../../compiler/ir/function.js";
import { propertiesOf, type GeneratorSpec, type PropertyInfo } from "../../compiler/lower/property.js";
import {
  caseArbitrary,
  elementArbitrary,
  formatValues,
  openPropertyBackend,
  propertyBackendNames,
  registerPropertyBackend,
  BackendUnavailable,
  ReferenceBackend,
  renderReportText,
  reportJson,
  runProperty,
  UnknownBackend,
  type PropertyBackend,
} from "../../runtime/test/index.js";
import type { Tensor } from "../../runtime/tensor.js";

function checked(text: string): { r: CheckResult; props: PropertyInfo[] } {
  const r = checkSource(text, "prop.lip");
  expect(r.diagnostics.filter((d) => d.severity === "error").map((d) => d.message)).toEqual([]);
  return { r, props: propertiesOf(r) };
}

function one(text: string): { r: CheckResult; info: PropertyInfo } {
  const { r, props } = checked(text);
  expect(props).toHaveLength(1);
  return { r, info: props[0]! };
}

const span = { file: "prop.lip", start: 0, end: 0 };
const gen = (over: Partial<GeneratorSpec>): GeneratorSpec => ({ name: "x", dtype: "f32", dims: [], range: null, span, ...over });

describe("generators", () => {
  test("sizes are shared between generators and drawn in 1..maxSize", () => {
    const { info } = one(`property "p" { forall a: f32[N, M], b: i32[M], c: bool[N, 3] assert true }`);
    for (const c of fc.sample(caseArbitrary(info, { maxSize: 5 }), { numRuns: 200, seed: 1 })) {
      const { N, M } = c.sizes as { N: number; M: number };
      expect(N).toBeGreaterThanOrEqual(1);
      expect(N).toBeLessThanOrEqual(5);
      expect(M).toBeGreaterThanOrEqual(1);
      expect(M).toBeLessThanOrEqual(5);
      expect(c.values["a"]).toHaveLength(N * M);
      expect(c.values["b"]).toHaveLength(M);
      expect(c.values["c"]).toHaveLength(N * 3);
      expect(c.values["b"]!.every((v) => Number.isInteger(v))).toBe(true);
      expect(c.values["c"]!.every((v) => v === 0 || v === 1)).toBe(true);
      expect(c.values["a"]!.every((v) => Number.isFinite(v) && Math.fround(v) === v)).toBe(true);
    }
  });

  test("ranges are honoured after f32 rounding, on both sides of 0 and on one side", () => {
    for (const range of [[-1, 1], [0.01, 100], [-100, -0.01], [0.1, 0.3], [0, 1], [1e-3, 1e3]] as [number, number][]) {
      const values = fc.sample(elementArbitrary(gen({ range })), { numRuns: 2000, seed: 7 });
      for (const v of values) {
        expect(v).toBeGreaterThanOrEqual(range[0]);
        expect(v).toBeLessThanOrEqual(range[1]);
        expect(Math.fround(v)).toBe(v);
      }
      // both ends of the range are reached (roughly)
      const lo = Math.min(...values);
      const hi = Math.max(...values);
      expect(hi - lo).toBeGreaterThan((range[1] - range[0]) * 0.5);
    }
  });

  test("a wide positive range is drawn log-uniformly", () => {
    const values = fc.sample(elementArbitrary(gen({ range: [0.01, 100] })), { numRuns: 2000, seed: 3 });
    const below1 = values.filter((v) => v < 1).length / values.length;
    expect(below1).toBeGreaterThan(0.3);
    expect(below1).toBeLessThan(0.7);
  });

  test("integer ranges, and an integer range without integers is an error", () => {
    for (const v of fc.sample(elementArbitrary(gen({ dtype: "i32", range: [-3.5, 7.2] })), { numRuns: 500, seed: 2 })) {
      expect(Number.isInteger(v)).toBe(true);
      expect(v).toBeGreaterThanOrEqual(-3);
      expect(v).toBeLessThanOrEqual(7);
    }
    expect(() => elementArbitrary(gen({ dtype: "i32", range: [0.2, 0.8] }))).toThrow(/holds no integer/);
  });

  test("special values only on request", () => {
    const normal = fc.sample(elementArbitrary(gen({})), { numRuns: 3000, seed: 5 });
    expect(normal.every((v) => Number.isFinite(v) && (v === 0 || Math.abs(v) >= 0.99e-6) && Math.abs(v) <= 1.0001e4)).toBe(true);
    const extreme = fc.sample(elementArbitrary(gen({}), "extreme"), { numRuns: 3000, seed: 5 });
    expect(extreme.every((v) => Number.isFinite(v))).toBe(true);
    expect(extreme.some((v) => Object.is(v, -0))).toBe(true);
    expect(extreme.some((v) => Math.abs(v) > 1e37)).toBe(true);
    expect(extreme.some((v) => v !== 0 && Math.abs(v) < 1e-37)).toBe(true);
    const nonfinite = fc.sample(elementArbitrary(gen({}), "nonfinite"), { numRuns: 3000, seed: 5 });
    expect(nonfinite.some((v) => Number.isNaN(v))).toBe(true);
    expect(nonfinite.some((v) => v === Infinity)).toBe(true);
    // a range keeps the specials that lie in it, and no others
    const ranged = fc.sample(elementArbitrary(gen({ range: [0, 1] }), "nonfinite"), { numRuns: 3000, seed: 5 });
    expect(ranged.every((v) => v >= 0 && v <= 1)).toBe(true);
  });
});

describe("reports", () => {
  const wrong = `
property "doubling the input doubles abs" {
  forall x: f32[N]
  assert abs(2 * x + 1) ~= 2 * abs(x + 1)
}`;

  test("a failure is shrunk, names the assert, shows both sides, and replays by seed and path", async () => {
    const { r, info } = one(wrong);
    const rep = await runProperty(r, info, { seed: 42 });
    expect(rep.status).toBe("failed");
    const cx = rep.counterexample!;
    expect(cx.kind).toBe("assert");
    expect(cx.backend).toBe("reference");
    expect(cx.sizes).toEqual({ N: 1 }); // shrunk to the smallest size
    expect(cx.values[0]!.shape).toEqual([1]);
    expect(cx.asserts[0]!.text).toBe("abs(2 * x + 1) ~= 2 * abs(x + 1)");
    expect(cx.asserts[0]!.at).toEqual({ file: "prop.lip", line: 4 });
    expect(cx.asserts[0]!.left!.name).toBe("abs(2 * x + 1)");
    expect(cx.asserts[0]!.right!.name).toBe("2 * abs(x + 1)");
    // the shown sides are what the interpreter computes for the shown inputs
    const x = cx.values[0]!.data[0]!;
    expect(cx.asserts[0]!.left!.data[0]).toBeCloseTo(Math.abs(2 * x + 1), 5);
    expect(cx.asserts[0]!.right!.data[0]).toBeCloseTo(2 * Math.abs(x + 1), 5);

    const again = await runProperty(r, info, { seed: cx.seed, path: cx.path });
    expect(again.status).toBe("failed");
    expect(again.counterexample!.values).toEqual(cx.values);
    expect(again.counterexample!.sizes).toEqual(cx.sizes);
    expect(again.counterexample!.path).toBe(cx.path);

    const text = renderReportText(rep);
    expect(text).toContain(`FAIL  doubling the input doubles abs`);
    expect(text).toContain(`--> prop.lip:2`);
    expect(text).toContain(`backend reference, seed 42`);
    expect(text).toContain(`N = 1`);
    expect(text).toContain(`assert failed (prop.lip:4): abs(2 * x + 1) ~= 2 * abs(x + 1)`);
    expect(text).toContain(`replay: lip test prop.lip --property "doubling the input doubles abs" --seed 42 --path ${cx.path}`);
    const json = reportJson(rep) as { status: string; counterexample: { path: string; values: unknown[] } };
    expect(json.status).toBe("failed");
    expect(json.counterexample.path).toBe(cx.path);
  });

  test("the same seed gives the same report; passing properties count their runs", async () => {
    const { r, info } = one(wrong);
    const a = await runProperty(r, info, { seed: 9 });
    const b = await runProperty(r, info, { seed: 9 });
    expect(b.counterexample).toEqual(a.counterexample);
    const ok = one(`property "abs is even" { forall x: f32[N, M] assert abs(-x) == abs(x) }`);
    const rep = await runProperty(ok.r, ok.info, { seed: 1, runs: 37 });
    expect(rep.status).toBe("passed");
    expect(rep.runs).toBe(37);
    expect(rep.timeMs).toBeGreaterThanOrEqual(0);
  });

  test("large tensors are summarised; small ones printed in full with six digits", () => {
    expect(formatValues("f32", [2, 2], [1, 2.5, -0, 1 / 3])).toBe("[[1, 2.5], [-0, 0.333333]]");
    expect(formatValues("bool", [3], [1, 0, 1])).toBe("[true, false, true]");
    expect(formatValues("i32", [], [7])).toBe("7");
    const big = Array.from({ length: 100 }, (_, i) => i);
    expect(formatValues("f32", [10, 10], big)).toBe("min 0, max 99, mean 49.5; first [0, 1, 2, 3, 4, 5, ...]");
    expect(formatValues("f32", [3], [NaN, Infinity, -Infinity])).toBe("[nan, inf, -inf]");
  });

  test("every failing assert is listed; the first is the one described", async () => {
    const { r, info } = one(`
property "two wrong asserts" {
  forall x: f32[N] in [1, 2]
  assert all(x > 5)
  assert all(x < 0)
}`);
    const rep = await runProperty(r, info, { seed: 3 });
    expect(rep.counterexample!.asserts.map((a) => a.text)).toEqual(["all(x > 5)", "all(x < 0)"]);
    expect(rep.counterexample!.asserts[0]!.left!.name).toBe("x");
    expect(renderReportText(rep)).toContain("also false (prop.lip:5): all(x < 0)");
  });

  test("a where that rejects nearly everything fails clearly, without hanging", async () => {
    const { r, info } = one(`
property "impossible" {
  forall x: f32[N] where all(x > 1e30)
  assert all(x > 0)
}`);
    const t0 = Date.now();
    const rep = await runProperty(r, info, { seed: 1, runs: 100 });
    expect(Date.now() - t0).toBeLessThan(20_000);
    expect(rep.status).toBe("rejected");
    expect(rep.message).toMatch(/^the `where` of property "impossible" \(prop\.lip:2\) rejected 100% of 1001 generated cases .*: loosen it/);
  });

  test("an evaluation error is reported with the case that causes it", async () => {
    const { r, info } = one(`
property "a reshape that only some sizes allow" {
  forall x: f32[N]
  assert all(reshape(x, [2, -1]) == reshape(x, [2, -1]))
}`);
    const rep = await runProperty(r, info, { seed: 1 });
    expect(rep.status).toBe("error");
    expect(rep.counterexample!.kind).toBe("error");
    expect(rep.counterexample!.sizes).toEqual({ N: 1 }); // shrunk to the smallest odd size
    expect(rep.counterexample!.message).toMatch(/shape/);
  });

  test("generators the runner cannot draw are errors, not silently unbounded", async () => {
    const { r, props } = checked(`
property "constant-expression range" {
  forall x: f32 in [0, 2 * pi]
  assert x >= 0 and x <= 7
}
property "no fixed rank" {
  forall x: f32[..., N]
  assert all(x == x)
}`);
    const [range, dots] = [await runProperty(r, props[0]!, { seed: 1 }), await runProperty(r, props[1]!, { seed: 1 })];
    expect(range.status).toBe("error");
    expect(range.message).toBe("prop.lip:3: `x`: `in [0, 2 * pi]` is not a range the runner can use yet: write both ends as numbers (`in [0, 6.283185]`)");
    expect(dots.status).toBe("error");
    expect(dots.message).toMatch(/^prop\.lip:7: `x`: a generated tensor needs a fixed rank/);
    expect(renderReportText(range)).toBe(`ERROR  constant-expression range\n  --> prop.lip:2\n  ${range.message}\n`);
  });

  test("a property without generators runs once", async () => {
    const { r, info } = one(`property "arithmetic" { assert 1 + 1 == 2 }`);
    const rep = await runProperty(r, info, { seed: 1 });
    expect(rep.status).toBe("passed");
    expect(rep.runs).toBe(1);
  });
});

describe("backends", () => {
  const law = `
property "sum of squares is at least the square of the max" {
  forall x: f32[N] in [-3, 3]
  assert sum(x^2) >= max(abs(x))^2 * (1 - 1e-6)
}`;

  /** The reference interpreter, with every float output of the comparison sides nudged. */
  function skewed(name: string, by: number): PropertyBackend {
    const ref = new ReferenceBackend();
    return {
      name,
      compile(fn: IrFunction) {
        const c = ref.compile(fn);
        return {
          run(inputs: Readonly<Record<string, Tensor>>) {
            const out: Record<string, Tensor> = { ...(c.run(inputs) as Record<string, Tensor>) };
            for (const k of Object.keys(out)) {
              const t = out[k]!;
              if (k.startsWith("left_") && t.dtype === "f32") out[k] = { ...t, data: Float32Array.from(t.data, (v) => v + by) };
            }
            return out;
          },
        };
      },
    };
  }

  test("two agreeing backends pass, and every case is compared", async () => {
    const { r, info } = one(law);
    const f64 = new ReferenceBackend({ float64: true, name: "reference-f64" });
    const rep = await runProperty(r, info, { seed: 4, backends: [new ReferenceBackend(), f64] });
    expect(rep.status).toBe("passed");
    expect(rep.backends).toEqual(["reference", "reference-f64"]);
  });

  test("backends that disagree fail the property (differential testing)", async () => {
    const { r, info } = one(law);
    const rep = await runProperty(r, info, { seed: 4, backends: [new ReferenceBackend(), skewed("skewed", 0.5)] });
    expect(rep.status).toBe("failed");
    const cx = rep.counterexample!;
    expect(cx.kind).toBe("differential");
    expect(cx.backend).toBe("skewed");
    expect(cx.message).toMatch(/^reference and skewed disagree on `sum\(x\^2\)`/);
    expect(renderReportText(rep)).toContain("reference and skewed disagree");
  });

  test("an assert that fails on one backend only names that backend", async () => {
    const { r, info } = one(law);
    const liar: PropertyBackend = {
      name: "liar",
      compile(fn) {
        const c = new ReferenceBackend().compile(fn);
        return {
          run: (inputs) => {
            const out = { ...(c.run(inputs) as Record<string, Tensor>) };
            out["assert_0"] = { dtype: "bool", shape: [], data: Uint8Array.of(0) };
            return out;
          },
        };
      },
    };
    const rep = await runProperty(r, info, { seed: 2, backends: [new ReferenceBackend(), liar] });
    expect(rep.status).toBe("failed");
    expect(rep.counterexample!.backend).toBe("liar");
    expect(rep.counterexample!.kind).toBe("assert");
  });

  test("an asynchronous backend (compile and run return promises) is awaited; compile runs once per size", async () => {
    const { r, info } = one(law);
    let compiles = 0;
    const sizes = new Set<string>();
    const ref = new ReferenceBackend();
    const slow: PropertyBackend = {
      name: "async",
      async compile(fn) {
        compiles++;
        sizes.add(fn.inputs.map((i) => i.node.shape.join("x")).join(","));
        await new Promise((res) => setTimeout(res, 1));
        const c = ref.compile(fn);
        return { run: async (inputs) => c.run(inputs) };
      },
    };
    const rep = await runProperty(r, info, { seed: 5, backends: [slow] });
    expect(rep.status).toBe("passed");
    expect(compiles).toBe(sizes.size);
  });

  test("the registry: reference opens, unavailable backends say why, others are unknown", async () => {
    expect((await openPropertyBackend("reference")).name).toBe("reference");
    registerPropertyBackend({
      name: "test-missing",
      description: "a backend that cannot run here",
      create() {
        throw new BackendUnavailable("test-missing", "no such device");
      },
    });
    registerPropertyBackend({
      name: "test-broken",
      description: "a backend whose runtime fails to load",
      create: async () => {
        throw new Error("libfoo.so: cannot open shared object file");
      },
    });
    await expect(openPropertyBackend("test-missing")).rejects.toThrow("backend `test-missing` is not available: no such device");
    await expect(openPropertyBackend("test-broken")).rejects.toThrow(BackendUnavailable);
    await expect(openPropertyBackend("test-broken")).rejects.toThrow("backend `test-broken` is not available: it could not be started: libfoo.so: cannot open shared object file");
    await expect(openPropertyBackend("cuda")).rejects.toThrow(UnknownBackend);
    expect(propertyBackendNames().slice(0, 3)).toEqual(["reference", "onnx", "webgpu"]);
    // onnx and webgpu either open or say why not; they never fail otherwise
    for (const name of ["onnx", "webgpu"]) {
      try {
        const b = await openPropertyBackend(name);
        expect(b.name).toBe(name);
        await b.dispose?.();
      } catch (err) {
        expect(err).toBeInstanceOf(BackendUnavailable);
      }
    }
  });
});
