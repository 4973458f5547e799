// The IR core: hash-consing, the builder's conveniences (broadcasting, axes, matmul, slices),
// the primitive table's completeness and misuse errors, the printer's stable text, and the
// verifier's messages.

import { describe, expect, test } from "vitest";
import { CompilerBug } from "../../compiler/diag/diagnostic.js";
import { IrBuilder } from "../../compiler/ir/builder.js";
import { IrContext, Node } from "../../compiler/ir/node.js";
import { ALL_OPS, Op } from "../../compiler/ir/ops.js";
import { primitives, ruleOf } from "../../compiler/ir/primitives.js";
import { printExpr, printFunction } from "../../compiler/ir/print.js";
import { verifyFunction, IrVerifyError } from "../../compiler/ir/verify.js";
import { grad } from "../../compiler/passes/autodiff.js";
import { fnOf, setup } from "./helpers.js";

describe("hash-consing", () => {
  test("the same construction gives the same node", () => {
    const { b } = setup();
    const mk = () => b.unary("exp", b.binary("add", b.input("x", "batch", "f32", [2, 3]), b.constant(1, "f32")));
    expect(mk()).toBe(mk());
    expect(b.literal([1, 2, 3], "f32", [3])).toBe(b.literal(new Float32Array([1, 2, 3]), "f32", [3]));
    expect(b.constant(NaN, "f32")).toBe(b.constant(NaN, "f32"));
  });
  test("different arguments, dtypes or contexts give different nodes", () => {
    const { b } = setup();
    expect(b.constant(0, "f32")).not.toBe(b.constant(-0, "f32"));
    expect(b.constant(1, "f32")).not.toBe(b.constant(1, "f64"));
    expect(b.literal([1, 2], "f32", [2])).not.toBe(b.literal([1, 3], "f32", [2]));
    expect(b.literal([1, 2], "f32", [2])).not.toBe(b.literal([1, 2], "f32", [2, 1]));
    const other = new IrBuilder(new IrContext());
    expect(other.constant(1, "f32")).not.toBe(b.constant(1, "f32"));
  });
  test("argument key order does not matter; nodes are frozen", () => {
    const { ctx } = setup();
    const x = ctx.intern(Op.Input, { name: "x", kind: "batch", dtype: "f32", shape: [2] }, []);
    const y = ctx.intern(Op.Input, { shape: [2], dtype: "f32", kind: "batch", name: "x" }, []);
    expect(x).toBe(y);
    expect(Object.isFrozen(x.shape)).toBe(true);
    expect(Object.isFrozen(x.src)).toBe(true);
  });
  test("sources from another context are rejected", () => {
    const { b } = setup();
    const other = new IrBuilder(new IrContext());
    expect(() => b.unary("neg", other.constant(1, "f32"))).toThrow(/another IrContext/);
  });
});

describe("builder", () => {
  test("binary ops broadcast NumPy-style with explicit broadcast nodes", () => {
    const { b } = setup();
    const x = b.input("x", "batch", "f32", [4, 1, 3]);
    const y = b.input("y", "batch", "f32", [2, 1]);
    const z = b.binary("mul", x, y);
    expect(z.shape).toEqual([4, 2, 3]);
    expect(printExpr(z)).toMatchInlineSnapshot(`
      "fn expr(batch x:f32[4,1,3], batch y:f32[2,1]) {
        %0:f32[4,2,3] = broadcast x
        %1:f32[4,2,3] = broadcast y
        %2:f32[4,2,3] = mul %0 %1
        return out0=%2
      }"
    `);
  });
  test("scalar constants are splatted to the operand's shape, not broadcast", () => {
    const { b } = setup();
    const x = b.input("x", "batch", "f32", [3]);
    expect(b.binary("add", x, b.constant(2, "f32")).src[1]!.op).toBe(Op.Constant);
  });
  test("misuse is a CompilerBug: dtype mismatch, shapes that do not broadcast, bad axes", () => {
    const { b } = setup();
    const x = b.input("x", "batch", "f32", [2, 3]);
    expect(() => b.binary("add", x, b.input("i", "batch", "i32", [2, 3]))).toThrow(CompilerBug);
    expect(() => b.binary("add", x, b.input("y", "batch", "f32", [4]))).toThrow(/do not broadcast/);
    expect(() => b.reduce("sum", x, [2], false)).toThrow(/axis 2 is out of range for rank 2/);
    expect(() => b.reduce("sum", x, [1, -1], false)).toThrow(/repeated axis/);
    expect(() => b.unary("exp", b.input("i", "batch", "i32", [2]))).toThrow(/exp: not defined for i32/);
    expect(() => b.unary("bogus" as "exp", x)).toThrow(/unknown unary op/);
    expect(() => b.matmul(x, x)).toThrow(/contraction dims differ/);
  });
  test("negative axes are normalised", () => {
    const { b } = setup();
    const x = b.input("x", "batch", "f32", [2, 3, 4]);
    const r = b.reduce("sum", x, [-1, 0], true);
    expect(r.arg).toEqual({ axes: [0, 2], keepdims: true });
    expect(r.shape).toEqual([1, 3, 1]);
    expect(b.argReduce("argmax", x, -2, false).arg).toEqual({ axis: 1, keepdims: false });
    expect(b.concat([x, x], -1).shape).toEqual([2, 3, 8]);
    expect(b.transpose(x, [-1, 0, 1]).shape).toEqual([4, 2, 3]);
  });
  test("matmul follows NumPy shapes", () => {
    const { b } = setup();
    const t = (...s: number[]) => b.constant(1, "f32", s);
    expect(b.matmul(t(2, 3), t(3, 4)).shape).toEqual([2, 4]);
    expect(b.matmul(t(3), t(3, 4)).shape).toEqual([4]);
    expect(b.matmul(t(2, 3), t(3)).shape).toEqual([2]);
    expect(b.matmul(t(3), t(3)).shape).toEqual([]);
    expect(b.matmul(t(5, 1, 2, 3), t(4, 3, 6)).shape).toEqual([5, 4, 2, 6]);
  });
  test("no-op movements return their operand", () => {
    const { b } = setup();
    const x = b.input("x", "batch", "f32", [2, 3]);
    expect(b.reshape(x, [2, 3])).toBe(x);
    expect(b.broadcastTo(x, [2, 3])).toBe(x);
    expect(b.transpose(x, [0, 1])).toBe(x);
    expect(b.slice(x, [0, -Infinity], [Infinity, 3], [1, 1])).toBe(x);
    expect(b.cast(x, "f32")).toBe(x);
    expect(b.concat([x], 0)).toBe(x);
    expect(b.reduce("sum", x, [], false)).toBe(x);
  });
});

describe("the primitive table", () => {
  test("has a rule for every op, and nothing else", () => {
    expect(Object.keys(primitives).sort()).toEqual([...ALL_OPS].sort());
    for (const op of ALL_OPS) {
      const r = ruleOf(op);
      expect(typeof r.shape).toBe("function");
      expect(typeof r.eval).toBe("function");
      expect(r.vjp).toBeDefined();
    }
  });
  test("every shape rule rejects a wrong number of sources with a CompilerBug", () => {
    const { b } = setup();
    const x = b.input("x", "batch", "f32", [2]);
    for (const op of ALL_OPS) {
      if (op === Op.Concat) continue; // any positive number of sources
      const rule = ruleOf(op) as { shape: (a: unknown, s: readonly Node[]) => unknown };
      expect(() => rule.shape(null, [x, x, x, x]), op).toThrow(CompilerBug);
    }
  });
});

/** A two-layer MLP training step: the golden example for the printer. */
function mlpStep(ctx: IrContext) {
  const b = new IrBuilder(ctx);
  const x = b.input("x", "batch", "f32", [8, 4]);
  const y = b.input("y", "batch", "i32", [8]);
  const w1 = b.input("h1.w", "param", "f32", [4, 16]);
  const b1 = b.input("h1.b", "param", "f32", [16]);
  const w2 = b.input("out.w", "param", "f32", [16, 3]);
  const h = b.unary("relu", b.binary("add", b.matmul(x, w1), b1));
  const logits = b.matmul(h, w2);
  const m = b.stopGradient(b.reduce("max", logits, [-1], true));
  const lse = b.binary("add", b.unary("log", b.reduce("sum", b.unary("exp", b.binary("sub", logits, m)), [-1], true)), m);
  const picked = b.gather(b.binary("sub", logits, lse), [b.iota(8), y]);
  const loss = b.unary("neg", b.reduce("mean", picked, "all", false));
  const gs = grad(ctx, loss, [w1, b1, w2]);
  return fnOf("train_step", [x, y, w1, b1, w2], { loss, "grad.h1.w": gs[0]!, "grad.h1.b": gs[1]!, "grad.out.w": gs[2]! });
}

describe("printer", () => {
  test("an MLP forward graph", () => {
    const fn = mlpStep(new IrContext());
    const text = printFunction({ ...fn, outputs: fn.outputs.slice(0, 1) });
    expect(text).toMatchInlineSnapshot(`
      "fn train_step(batch x:f32[8,4], batch y:i32[8], param h1.w:f32[4,16], param h1.b:f32[16], param out.w:f32[16,3]) {
        %0:f32[8,16] = matmul x h1.w
        %1:f32[8,16] = broadcast h1.b
        %2:f32[8,16] = add %0 %1
        %3:f32[8,16] = relu %2
        %4:f32[8,3] = matmul %3 out.w
        %5:f32[8,1] = reduce_max[axes=[1], keepdims=true] %4
        %6:f32[8,1] = stop_gradient %5
        %7:f32[8,3] = broadcast %6
        %8:f32[8,3] = sub %4 %7
        %9:f32[8,3] = exp %8
        %10:f32[8,1] = reduce_sum[axes=[1], keepdims=true] %9
        %11:f32[8,1] = log %10
        %12:f32[8,1] = add %11 %6
        %13:f32[8,3] = broadcast %12
        %14:f32[8,3] = sub %4 %13
        %15:i32[8] = iota[axis=0]
        %16:i32[8,1] = reshape %15
        %17:i32[8,1] = reshape y
        %18:i32[8,2] = concat[axis=1] %16 %17
        %19:f32[8] = gather %14 %18
        %20:f32[] = reduce_sum[axes=[0], keepdims=false] %19
        %21:f32[] = constant[8]
        %22:f32[] = div %20 %21
        %23:f32[] = neg %22
        return loss=%23
      }"
    `);
  });
  test("the text is the same whatever else the context holds (names do not depend on ids)", () => {
    const ctx2 = new IrContext();
    const b2 = new IrBuilder(ctx2);
    for (let i = 0; i < 50; i++) b2.constant(i, "f32", [i]); // shifts every id
    expect(printFunction(mlpStep(ctx2))).toBe(printFunction(mlpStep(new IrContext())));
  });
  test("number formatting: nan, inf, -0; long literals are elided", () => {
    const { b } = setup();
    const out = b.concat([b.constant(NaN, "f32", [1]), b.constant(-Infinity, "f32", [1]), b.constant(-0, "f32", [1]), b.literal(Array.from({ length: 20 }, (_, i) => i / 2), "f32", [20])], 0);
    expect(printExpr(out)).toMatchInlineSnapshot(`
      "fn expr() {
        %0:f32[1] = constant[nan]
        %1:f32[1] = constant[-inf]
        %2:f32[1] = constant[-0]
        %3:f32[20] = literal[0,0.5,1,1.5,2,2.5,3,3.5,... (20 values)]
        %4:f32[23] = concat[axis=0] %0 %1 %2 %3
        return out0=%4
      }"
    `);
  });
});

describe("verifier", () => {
  test("accepts a well-formed function", () => expect(() => verifyFunction(mlpStep(new IrContext()))).not.toThrow());
  test("rejects duplicate and misbound inputs, undeclared inputs, duplicate outputs", () => {
    const { b } = setup();
    const x = b.input("x", "batch", "f32", [2]);
    const y = b.input("y", "batch", "f32", [2]);
    const s = b.binary("add", x, y);
    expect(() => verifyFunction({ name: "f", inputs: [{ name: "x", node: x }, { name: "x", node: x }], outputs: [] })).toThrow("input `x` is declared twice");
    expect(() => verifyFunction({ name: "f", inputs: [{ name: "z", node: x }], outputs: [] })).toThrow("bound to the input node `x`");
    expect(() => verifyFunction(fnOf("f", [x], { s }))).toThrow("input node `y` is used but not declared");
    expect(() => verifyFunction({ name: "f", inputs: [], outputs: [{ name: "o", node: s }, { name: "o", node: s }] })).toThrow("output `o` is declared twice");
  });
  test("rejects a node whose type disagrees with its shape rule, and shows the IR around it", () => {
    const { ctx, b } = setup();
    const x = b.input("x", "batch", "f32", [2]);
    const bad = new Node(ctx, 1000, Op.Exp, null, [x], "f32", [3]);
    let err: unknown;
    try {
      verifyFunction(fnOf("f", [x], { y: bad }));
    } catch (e) {
      err = e;
    }
    expect(err).toBeInstanceOf(IrVerifyError);
    expect((err as Error).message).toMatchInlineSnapshot(`
      "invalid IR in \`f\`: \`exp\` has type f32[3] but its shape rule gives f32[2]
      fn f(batch x:f32[2]) {
        %0:f32[3] = exp x    <-- here
        return y=%0
      }"
    `);
  });
});
