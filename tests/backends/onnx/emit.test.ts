// The emitter's contract (names, types, order, initializers, Identity outputs, errors), the text
// printer and the golden text of the quickstart's step model, inference models with a symbolic
// batch (every example, run at other batch sizes than it was compiled for), and the
// OnnxBackend's API. Opset-17 models go through onnx.checker at the end.

import { existsSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import fc from "fast-check";
import { describe, expect, test } from "vitest";
import { checkFiles } from "../../../compiler/driver.js";
import { experimentNames, lowerCheckedExperiment, type CompiledExperiment } from "../../../compiler/lower/index.js";
import { IrBuilder } from "../../../compiler/ir/builder.js";
import { IrContext, type Node } from "../../../compiler/ir/node.js";
import { Op } from "../../../compiler/ir/ops.js";
import type { IrFunction } from "../../../compiler/ir/function.js";
import { buildModel, emitModel } from "../../../compiler/backends/onnx/emit.js";
import { OnnxExportError } from "../../../compiler/backends/onnx/errors.js";
import { exportInfer, exportStep } from "../../../compiler/backends/onnx/export.js";
import { reshapeAxes } from "../../../compiler/backends/onnx/batch.js";
import { modelStats, modelText } from "../../../compiler/backends/onnx/text.js";
import { onnx } from "../../../compiler/backends/onnx/proto.js";
import { interpret } from "../../../runtime/interp.js";
import { ReferenceTrainer } from "../../../runtime/reference-trainer.js";
import { scalar, tensor, type Tensor } from "../../../runtime/tensor.js";
import { OnnxBackend, OnnxBackendError } from "../../../runtime/onnx/backend.js";
import { CHECKER_SKIPPED, checkModels, EXACT, mismatch, onnxCheckerAvailable, runModel } from "./helpers.js";
import { rng, tensorOf } from "./cases.js";

const goldenDir = join(import.meta.dirname, "..", "..", "golden", "onnx");
const update = process.env.UPDATE_GOLDEN === "1";
const forChecker = new Map<string, Uint8Array>();

function compile(file: string, name?: string, batch?: number): CompiledExperiment {
  const r = checkFiles([file]);
  const c = lowerCheckedExperiment(r, name ?? experimentNames(r)[0], { seed: 0, ...(batch !== undefined ? { batch } : {}) });
  if ("error" in c) throw new Error(c.error);
  return c;
}

type Obj = Record<string, unknown>;
function decoded(bytes: Uint8Array): Obj {
  return onnx.ModelProto.toObject(onnx.ModelProto.decode(bytes), { longs: Number, arrays: true, defaults: false }) as Obj;
}

/** A small function: y = relu(x @ w + b), plus an output that is an input and one used twice. */
function small(): { fn: IrFunction; inputs: Record<string, Tensor> } {
  const b = new IrBuilder(new IrContext());
  const x = b.input("x", "batch", "f32", [4, 3]);
  const w = b.input("h1.w", "param", "f32", [3, 2]);
  const bias = b.input("h1.b", "param", "f32", [2]);
  const y = b.unary("relu", b.binary("add", b.matmul(x, w), bias));
  const fn: IrFunction = {
    name: "small",
    inputs: [
      { name: "x", node: x },
      { name: "h1.w", node: w },
      { name: "h1.b", node: bias },
    ],
    outputs: [
      { name: "y", node: y },
      { name: "h1.b.next", node: bias },
      { name: "y2", node: y },
      { name: "two", node: b.constant(2, "f32") },
    ],
  };
  const r = rng(5);
  return { fn, inputs: { x: tensorOf("f32", [4, 3], "unit", r), "h1.w": tensorOf("f32", [3, 2], "unit", r), "h1.b": tensorOf("f32", [2], "unit", r) } };
}

describe("the emitted model", () => {
  test("keeps the function's names, types and order, in a topologically sorted graph", async () => {
    const { fn, inputs } = small();
    const bytes = emitModel(fn, { opset: 17, name: "small" });
    forChecker.set("small", bytes);
    const m = decoded(bytes);
    expect(m.irVersion).toBe(8);
    expect(m.opsetImport).toEqual([{ domain: "", version: 17 }]);
    const g = m.graph as Obj;
    expect((g.input as Obj[]).map((i) => i.name)).toEqual(["x", "h1.w", "h1.b"]);
    expect((g.output as Obj[]).map((i) => i.name)).toEqual(["y", "h1.b.next", "y2", "two"]);
    expect(JSON.stringify((g.input as Obj[])[0]!.type)).toBe(JSON.stringify({ tensorType: { elemType: 1, shape: { dim: [{ dimValue: 4 }, { dimValue: 3 }] } } }));
    // every node reads only graph inputs, initializers and earlier outputs; attributes are typed
    const known = new Set<string>([...(g.input as Obj[]).map((i) => i.name as string), ...((g.initializer as Obj[]) ?? []).map((i) => i.name as string)]);
    for (const n of g.node as Obj[]) {
      for (const i of n.input as string[]) expect(known.has(i), `${n.opType} reads ${i}`).toBe(true);
      for (const a of (n.attribute as Obj[]) ?? []) expect(a.type).toBeGreaterThan(0);
      for (const o of n.output as string[]) known.add(o);
    }
    // outputs that are an input, a constant or another output's value come through Identity
    expect((g.node as Obj[]).filter((n) => n.opType === "Identity").map((n) => (n.output as string[])[0])).toEqual(["h1.b.next", "y2", "two"]);
    const got = await runModel(bytes, inputs);
    const want = interpret(fn, inputs);
    for (const k of Object.keys(want)) expect(mismatch(got[k]!, want[k]!, { rtol: 1e-6, atol: 1e-7 })).toBeNull();
    expect(modelStats(bytes)).toEqual({ nodes: (g.node as Obj[]).length, initializers: ((g.initializer as Obj[]) ?? []).length, inputs: 3, outputs: 4 });
  });

  test("bakes initializers for inference, which are then not inputs", async () => {
    const { fn, inputs } = small();
    const bytes = emitModel(fn, { opset: 18, name: "small", initializers: { "h1.w": inputs["h1.w"]!, "h1.b": inputs["h1.b"]! } });
    const g = decoded(bytes).graph as Obj;
    expect((g.input as Obj[]).map((i) => i.name)).toEqual(["x"]);
    expect((g.initializer as Obj[]).map((i) => i.name).slice(0, 2)).toEqual(["h1.w", "h1.b"]);
    const got = await runModel(bytes, { x: inputs.x! });
    expect(mismatch(got.y!, interpret(fn, inputs).y!, { rtol: 1e-6, atol: 1e-7 })).toBeNull();
  });

  test("refuses what it cannot export, naming it", () => {
    const { fn, inputs } = small();
    expect(() => emitModel(fn, { opset: 16, name: "s" })).toThrow(/opset 16 is not supported: the ONNX backend emits opsets 17 to 23/);
    expect(() => emitModel(fn, { opset: 24, name: "s" })).toThrow(OnnxExportError);
    expect(() => emitModel(fn, { opset: 17, name: "s", initializers: { w: inputs["h1.w"]! } })).toThrow(/initializer `w` is not an input of `small`/);
    expect(() => emitModel(fn, { opset: 17, name: "s", initializers: { "h1.w": inputs["h1.b"]! } })).toThrow(/initializer `h1.w` is f32\[2\], but `small` takes f32\[3,2\]/);
    expect(() => emitModel(fn, { opset: 17, name: "s", symbolicBatch: { inputs: ["nope"], dim: "N" } })).toThrow(/symbolic batch input `nope` is not an input of `small`/);
  });

  test("names intermediate values after their IR nodes", () => {
    const { fn } = small();
    const g = buildModel(fn, { opset: 17, name: "small" }).graph!;
    const outs = g.node!.map((n) => n.output![0]);
    expect(outs.filter((o) => /^matmul_\d+$/.test(o!)).length).toBe(1);
    expect(g.valueInfo!.map((v) => v.name)).toEqual(expect.arrayContaining([outs.find((o) => o!.startsWith("matmul_"))]));
  });

  test("random_bits at opset 17 needs no bitwise op (opset 18 uses them)", () => {
    const b = new IrBuilder(new IrContext());
    const seed = b.input("seed", "step", "i32", []);
    const fn: IrFunction = { name: "r", inputs: [{ name: "seed", node: seed }], outputs: [{ name: "u", node: b.random("uniform", [5, 7], seed) }] };
    const ops17 = new Set(buildModel(fn, { opset: 17, name: "r" }).graph!.node!.map((n) => n.opType));
    expect([...ops17].filter((o) => /Bitwise|BitShift/.test(o!))).toEqual([]);
    const ops18 = new Set(buildModel(fn, { opset: 18, name: "r" }).graph!.node!.map((n) => n.opType));
    expect(ops18.has("BitwiseXor")).toBe(true);
    forChecker.set("random uniform", emitModel(fn, { opset: 17, name: "r" }));
  });
});

describe("broadcasts left to ONNX's own broadcasting", () => {
  // compositions where a broadcast, a splat or a transposed broadcast need not be materialised
  const templates: [string, (b: IrBuilder, x: (shape: number[]) => Node, batch: number[]) => Node[]][] = [
    // a batched matmul with a shared weight, and the backward pass's product with its transpose
    ["matmul with a broadcast weight", (b, x, batch) => {
      const w = x([3, 5]);
      const wb = b.broadcastTo(w, [...batch, 3, 5]);
      const h = b.node(Op.MatMul, null, [x([...batch, 2, 3]), wb]);
      return [h, b.node(Op.MatMul, null, [h, b.transpose(wb, [...batch.map((_, i) => i), batch.length + 1, batch.length])])];
    }],
    ["one-hot: two broadcasts compared", (b, x, batch) => {
      const n = batch.reduce((a, d) => a * d, 1);
      const y = b.cast(b.unary("floor", b.binary("mul", x([n, 1]), b.constant(3, "f32", [n, 1]))), "i32");
      return [b.cast(b.node(Op.Eq, null, [b.broadcastTo(y, [n, 4]), b.broadcastTo(b.iota(4), [n, 4])]), "f32")];
    }],
    ["a splat and a broadcast bias", (b, x, batch) => {
      const h = x([...batch, 4]);
      return [b.node(Op.Pow, null, [b.node(Op.Add, null, [h, b.broadcastTo(x([4]), [...batch, 4])]), b.constant(2, "f32", [...batch, 4])])];
    }],
    ["a broadcast both small and full (an output too)", (b, x, batch) => {
      const bb = b.broadcastTo(x([1, 4]), [...batch, 3, 4]);
      return [b.node(Op.Mul, null, [bb, x([...batch, 3, 4])]), bb];
    }],
  ];
  for (const [label, build] of templates) {
    test(label, async () => {
      await fc.assert(
        fc.asyncProperty(fc.array(fc.integer({ min: 1, max: 3 }), { minLength: 1, maxLength: 2 }), fc.integer({ min: 0, max: 1000 }), async (batch, seed) => {
          const b = new IrBuilder(new IrContext());
          const r = rng(seed);
          const inputs: { name: string; node: Node }[] = [];
          const values: Record<string, Tensor> = {};
          const x = (shape: number[]) => {
            const name = `x${inputs.length}`;
            const node = b.input(name, "batch", "f32", shape);
            inputs.push({ name, node });
            values[name] = tensorOf("f32", shape, "unit", r);
            return node;
          };
          const outs = build(b, x, batch);
          const fn: IrFunction = { name: "t", inputs, outputs: outs.map((node, i) => ({ name: `y${i}`, node })) };
          const want = interpret(fn, values);
          for (const opset of [17, 18]) {
            const bytes = emitModel(fn, { opset, name: "t" });
            if (opset === 17) forChecker.set(`${label} ${batch}`, bytes);
            const got = await runModel(bytes, values);
            for (const k of Object.keys(want)) expect(mismatch(got[k]!, want[k]!, { rtol: 1e-5, atol: 1e-6 })).toBeNull();
          }
        }),
        { seed: 42, numRuns: 15 },
      );
    });
  }

  test("a batched matmul with a shared weight materialises nothing", () => {
    const b = new IrBuilder(new IrContext());
    const x = b.input("x", "batch", "f32", [8, 2, 3]);
    const w = b.input("w", "param", "f32", [3, 5]);
    const wb = b.broadcastTo(w, [8, 3, 5]);
    const h = b.node(Op.MatMul, null, [x, wb]);
    const back = b.node(Op.MatMul, null, [h, b.transpose(wb, [0, 2, 1])]);
    const fn: IrFunction = { name: "t", inputs: [{ name: "x", node: x }, { name: "w", node: w }], outputs: [{ name: "y", node: back }] };
    const ops = buildModel(fn, { opset: 17, name: "t" }).graph!.node!.map((n) => `${n.opType}(${n.input!.join(",")})`);
    expect(ops).toEqual(["MatMul(x,w)", "Transpose(w)", "MatMul(matmul_1,transpose_2)"]);
  });
});

describe("text", () => {
  test("the golden text of the quickstart's step model (opset 17)", () => {
    const text = modelText(exportStep(compile("examples/quickstart.lip")));
    const path = join(goldenDir, "quickstart.step.onnx.txt");
    if (update || !existsSync(path)) {
      if (!update) throw new Error(`missing golden file ${path}; run with UPDATE_GOLDEN=1`);
      mkdirSync(goldenDir, { recursive: true });
      writeFileSync(path, text);
    }
    expect(text).toBe(readFileSync(path, "utf8"));
  });

  test("prints the header, signature, initializers and nodes", () => {
    const { fn } = small();
    const text = modelText(emitModel(fn, { opset: 18, name: "small" }));
    expect(text.startsWith('<\n  ir_version: 8,\n  opset_import: ["" : 18],\n  producer_name: "lip"\n>\nsmall (float[4,3] x, float[3,2] h1.w, float[2] h1.b) => (float[4,2] y, float[2] h1.b.next, float[4,2] y2, float two)\n')).toBe(true);
    // value names follow the IR printer's numbering; the bias is not materialised (Add broadcasts it)
    expect(text.slice(text.indexOf("  <"))).toBe(
      ["  <float float_2 = {2}>", "{", "  matmul_0 = MatMul (x, h1.w)", "  add_2 = Add (matmul_0, h1.b)", "  y = Relu (add_2)", "  h1.b.next = Identity (h1.b)", "  y2 = Identity (y)", "  two = Identity (float_2)", "}", ""].join("\n"),
    );
  });
});

describe("inference models with a symbolic batch", () => {
  const files = readdirSync("examples")
    .filter((f) => f.endsWith(".lip"))
    .sort();
  for (const file of files) {
    const r = checkFiles([`examples/${file}`]);
    for (const name of experimentNames(r)) {
      test(`${file}: ${name} runs at batch 1 and 7`, async () => {
        const c = compile(`examples/${file}`, name);
        const slots = interpret(c.init, {});
        const bytes = exportInfer(c, slots, { symbolicBatch: true });
        forChecker.set(`${name}.infer`, bytes);
        const g = decoded(bytes).graph as Obj;
        const dims = (g.input as Obj[]).map((i) => JSON.stringify(((((i.type as Obj).tensorType as Obj).shape as Obj).dim as Obj[])[0]));
        expect(dims.every((d) => d === JSON.stringify({ dimParam: "N" }))).toBe(true);
        for (const n of [1, 7]) {
          const cn = compile(`examples/${file}`, name, n);
          const inputs: Record<string, Tensor> = {};
          const feeds: Record<string, Tensor> = {};
          for (const i of cn.infer.inputs) {
            if (slots[i.name]) inputs[i.name] = slots[i.name]!;
            else {
              const t = tensorOf(i.node.dtype, i.node.shape, i.node.dtype === "i32" ? "tiny" : "unit", rng(n));
              if (t.dtype === "i32") for (let k = 0; k < t.data.length; k++) t.data[k] = Math.abs(t.data[k]!);
              inputs[i.name] = feeds[i.name] = t;
            }
          }
          const want = interpret(cn.infer, inputs).out!;
          const got = (await runModel(bytes, feeds)).out!;
          expect(mismatch(got, want, { rtol: 1e-4, atol: 1e-5 })).toBeNull();
        }
      });
    }
  }

  test("reshapes keep an axis whole or merge it", () => {
    expect(reshapeAxes([8, 3, 4], [8, 12])).toEqual({ kept: [[0, 0]], merged: { from: [1, 2], to: [1] } });
    expect(reshapeAxes([8, 1, 4], [8, 4, 1])).toEqual({ kept: [[0, 0], [2, 1]], merged: { from: [], to: [] } });
    expect(reshapeAxes([8, 3], [24])).toEqual({ kept: [], merged: { from: [0, 1], to: [0] } });
  });

  test("a reshape that merges the batch axis is refused, naming it", () => {
    const b = new IrBuilder(new IrContext());
    const x = b.input("x", "batch", "f32", [8, 3]);
    const fn: IrFunction = { name: "flat", inputs: [{ name: "x", node: x }], outputs: [{ name: "y", node: b.reshape(x, [24]) }] };
    expect(() => emitModel(fn, { opset: 17, name: "flat", symbolicBatch: { inputs: ["x"], dim: "N" } })).toThrow(/cannot export a symbolic batch: axis 0 of %0 is the batch dimension, and reshape %1 merges or splits it/);
  });
});

describe("OnnxBackend", () => {
  test("initial() is the interpreter's init; step() feeds slots, step and batch, and returns every output", async () => {
    const c = compile("examples/quickstart.lip");
    const be = await OnnxBackend.create(c, { opset: 18, threads: 1, optimization: "basic" });
    const t = new ReferenceTrainer(c);
    const init = be.initial();
    for (const [k, v] of Object.entries(t.slots)) expect(mismatch(init[k]!, v, EXACT)).toBeNull();
    const out1 = await be.step(init, 0, t.batches.at(0));
    expect(Object.keys(out1)).toEqual(c.step.outputs.map((o) => o.name));
    // the outputs fed back as slots: the same arrays go back in
    const slots = Object.fromEntries(Object.keys(init).map((k) => [k, out1[`${k}.next`]!]));
    const out2 = await be.step(slots, 1, t.batches.at(1));
    const want2 = interpret(c.step, { ...slots, step: scalar(1, "i32"), ...t.batches.at(1) });
    expect(Math.abs(out2.loss!.data[0]! - want2.loss!.data[0]!)).toBeLessThan(1e-5);
    await be.release();
  });

  test("a missing or mistyped input is an error naming it", async () => {
    const c = compile("examples/quickstart.lip");
    const be = await OnnxBackend.create(c);
    const t = new ReferenceTrainer(c);
    const { x: _x, ...noX } = t.batches.at(0);
    await expect(be.step(t.slots, 0, noX)).rejects.toThrow(/missing input `x`: expected f32\[128,2\]/);
    await expect(be.step(t.slots, 0, { ...t.batches.at(0), x: tensor("f32", [2], [1, 2]) })).rejects.toThrow(OnnxBackendError);
    await be.release();
  });
});

test("onnx.checker (full_check) accepts these opset-17 models", (ctx) => {
  if (!onnxCheckerAvailable()) {
    console.warn(`skipped: ${CHECKER_SKIPPED}`);
    ctx.skip();
    return;
  }
  const { failures, checked } = checkModels(forChecker);
  expect(failures).toEqual([]);
  expect(checked).toBe(forChecker.size);
});

