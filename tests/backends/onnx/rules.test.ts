// The ONNX lowering of every primitive equals the reference interpreter: random shapes,
// arguments and values (fast-check), each function emitted at opset 17 and 18 (and 23 where the
// rule depends on the opset), run by onnxruntime-node and compared with `interpret` (f32 within
// 1e-5 relative with a small absolute floor, f64 within 1e-12, integers, bools and every data
// movement exactly). The opset-17 models also go through onnx.checker (full_check) at the end.

import fc from "fast-check";
import { describe, expect, test } from "vitest";
import type { IrBuilder } from "../../../compiler/ir/builder.js";
import type { DType } from "../../../compiler/ir/dtype.js";
import type { Node } from "../../../compiler/ir/node.js";
import { ALL_OPS, Op } from "../../../compiler/ir/ops.js";
import { onnxRules } from "../../../compiler/backends/onnx/rules.js";
import { emitModel } from "../../../compiler/backends/onnx/emit.js";
import { interpret } from "../../../runtime/interp.js";
import { CHECKER_SKIPPED, checkModels, mismatch, onnxCheckerAvailable, runModel } from "./helpers.js";
import { OP_CASES, makeCase, type Case, type Values } from "./cases.js";

const FC_SEED = Number(process.env.FC_SEED ?? 20261123);
const RUNS = Number(process.env.ONNX_RUNS ?? 25);

/** Opset-17 models of the cases, for the checker (a few per op). */
const forChecker = new Map<string, Uint8Array>();

async function check(c: Case, opsets: readonly number[], label: string, keep: boolean): Promise<void> {
  const want = interpret(c.fn, c.inputs).y!;
  for (const opset of opsets) {
    const bytes = emitModel(c.fn, { opset, name: "case" });
    if (opset === 17 && keep) forChecker.set(`${label} #${forChecker.size}`, bytes);
    const got = (await runModel(bytes, c.inputs)).y!;
    const bad = mismatch(got, want, c.tol);
    if (bad !== null) {
      const shown = Object.entries(c.inputs).map(([k, t]) => `${k}: ${t.dtype}[${t.shape}] ${Array.from(t.data).slice(0, 12).join(",")}`);
      throw new Error(`${label} at opset ${opset}: ${bad}\n${shown.join("\n")}`);
    }
  }
}

test("the table lowers exactly the IR's ops", () => {
  expect(Object.keys(onnxRules).sort()).toEqual([...ALL_OPS].sort());
});

test("every op has cases", () => {
  const covered = new Set(OP_CASES.map((c) => c.op));
  expect(ALL_OPS.filter((op) => !covered.has(op))).toEqual([]);
});

describe("each primitive's lowering equals the interpreter", () => {
  for (const oc of OP_CASES) {
    const opsets = oc.newer ? [17, 18, 23] : [17, 18];
    test(oc.label, async () => {
      let kept = 0;
      await fc.assert(
        fc.asyncProperty(oc.arb, async (c) => {
          await check(c, opsets, oc.label, kept++ < 3);
        }),
        { seed: FC_SEED, numRuns: RUNS },
      );
    });
  }
});

describe("semantics at the edges", () => {
  test("i32 division and modulo by 0 and -1 do not trap, and give the interpreter's values", async () => {
    const a = [7, -7, -2147483648, 2147483647, 0, -2147483648, 5, -5];
    const d = [0, 0, -1, -1, 0, 1, -3, 3];
    for (const op of [Op.Div, Op.Mod]) {
      const c = makeCase(1, { rtol: 0, atol: 0 }, (b, inp) => b.node(op, null, [inp("i32", [8], "full"), inp("i32", [8], "full")]));
      c.inputs.x0 = { dtype: "i32", shape: [8], data: Int32Array.from(a) };
      c.inputs.x1 = { dtype: "i32", shape: [8], data: Int32Array.from(d) };
      await check(c, [17, 18], op, true);
    }
  });

  test("casts to i32 saturate and send NaN to 0", async () => {
    const v = [NaN, Infinity, -Infinity, 3e9, -3e9, 2147483520, 2147483648, -2147483648, -2147483904, 2.9, -2.9, -0];
    for (const from of ["f32", "f64"] as const) {
      const c = makeCase(1, { rtol: 0, atol: 0 }, (b, inp) => b.node(Op.Cast, { dtype: "i32" }, [inp(from, [v.length], "general")]));
      c.inputs.x0 = { dtype: from, shape: [v.length], data: from === "f32" ? Float32Array.from(v) : Float64Array.from([...v.slice(0, -1), 2147483647.9]) };
      await check(c, [17], `cast ${from}`, true);
    }
  });

  test("sigmoid keeps its tail where ONNX Runtime's Sigmoid underflows", async () => {
    const c = makeCase(1, { rtol: 1e-5, atol: 0 }, (b, inp) => b.node(Op.Sigmoid, null, [inp("f32", [6], "general")]));
    c.inputs.x0 = { dtype: "f32", shape: [6], data: Float32Array.from([-20, -40, -80, -87, 20, 0]) };
    await check(c, [17], "sigmoid tail", true);
  });

  test("random_bits matches runtime/random.ts on a large draw at every opset", async () => {
    const c = makeCase(3, { rtol: 0, atol: 0 }, (b, inp) => b.node(Op.RandomBits, { shape: [64, 33], salt: 0x9e3779b9 }, [inp("i32", [], "full")]));
    for (const seed of [0, 1, -1, 123456789, -2147483648]) {
      c.inputs.x0 = { dtype: "i32", shape: [], data: Int32Array.of(seed) };
      await check(c, [17, 18, 20, 23], "random_bits large", false);
    }
  });
});

describe("empty tensors", () => {
  // the pipeline's dce removes most computations of empty tensors, but the emitter handles them
  const cases: [string, (b: IrBuilder, inp: (d: DType, s: readonly number[], k: Values) => Node) => Node][] = [
    ["any/all of nothing", (b, inp) => b.node(Op.ReduceMax, { axes: [1], keepdims: false }, [inp("bool", [2, 0], "bool")])],
    ["all of nothing", (b, inp) => b.node(Op.ReduceMin, { axes: [0, 1], keepdims: true }, [inp("bool", [0, 3], "bool")])],
    ["sum of nothing", (b, inp) => b.node(Op.ReduceSum, { axes: [1], keepdims: false }, [inp("f32", [2, 0], "finite")])],
    ["i32 sum of nothing", (b, inp) => b.node(Op.ReduceSum, { axes: [1], keepdims: false }, [inp("i32", [2, 0], "full")])],
    ["max of nothing", (b, inp) => b.node(Op.ReduceMax, { axes: [0], keepdims: false }, [inp("f32", [0, 2], "finite")])],
    ["product of nothing", (b, inp) => b.node(Op.ReduceProd, { axes: [1], keepdims: false }, [inp("i32", [3, 0], "full")])],
    ["reshape to a 0 dim", (b, inp) => b.node(Op.Reshape, { shape: [3, 0, 2] }, [inp("f32", [0, 6], "general")])],
    ["interior padding next to an empty axis", (b, inp) => b.node(Op.Pad, { lo: [1, 0], hi: [2, 1], interior: [2, 1] }, [inp("i32", [2, 0], "full")])],
    ["random_bits [0, 3]", (b, inp) => b.node(Op.RandomBits, { shape: [0, 3], salt: 5 }, [inp("i32", [], "full")])],
    ["constant [0, 2]", (b) => b.constant(1.5, "f32", [0, 2])],
    ["iota [0, 3]", (b) => b.node(Op.Iota, { axis: 1, dtype: "i32", shape: [0, 3] }, [])],
    ["matmul over K = 0", (b, inp) => b.node(Op.MatMul, null, [inp("f32", [2, 0], "finite"), inp("f32", [0, 3], "finite")])],
    ["concat with an empty operand", (b, inp) => b.node(Op.Concat, { axis: 0 }, [inp("f32", [0, 2], "finite"), inp("f32", [2, 2], "finite")])],
    ["slice to nothing", (b, inp) => b.node(Op.Slice, { starts: [1, 0], stops: [1, 2], steps: [1, 1] }, [inp("f32", [3, 2], "finite")])],
    ["broadcast to [0, 3]", (b, inp) => b.node(Op.Broadcast, { shape: [0, 3] }, [inp("f32", [1, 3], "finite")])],
    ["gather with no index tuples", (b, inp) => b.node(Op.Gather, null, [inp("f32", [4, 2], "finite"), inp("i32", [0, 1], "index")])],
    ["scatter_add of nothing", (b, inp) => b.node(Op.ScatterAdd, { shape: [4, 2] }, [inp("i32", [0, 1], "index"), inp("f32", [0, 2], "finite")])],
  ];
  for (const [label, build] of cases) {
    test(label, async () => {
      await check(makeCase(7, { rtol: 0, atol: 0 }, build), [17, 18, 23], label, true);
    });
  }
});

test("onnx.checker (full_check) accepts the opset-17 models", (ctx) => {
  if (!onnxCheckerAvailable()) {
    console.warn(`skipped: ${CHECKER_SKIPPED}`);
    ctx.skip();
    return;
  }
  const { failures, checked } = checkModels(forChecker);
  expect(failures).toEqual([]);
  expect(checked).toBe(forChecker.size);
  expect(checked).toBeGreaterThan(100);
});
