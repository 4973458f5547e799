// One pass at a time on tiny graphs, with the printed IR before and after (inline snapshots),
// the IEEE exactness of every simplification rule on special values, the rewrite engine's loop
// guard, and the pipeline's verification naming the failing pass.

import { describe, expect, test } from "vitest";
import type { IrBuilder } from "../../compiler/ir/builder.js";
import type { DType } from "../../compiler/ir/dtype.js";
import type { IrFunction } from "../../compiler/ir/function.js";
import type { Node } from "../../compiler/ir/node.js";
import { Op } from "../../compiler/ir/ops.js";
import { printFunction } from "../../compiler/ir/print.js";
import { foldConstants, FOLD_LIMIT } from "../../compiler/passes/constant-fold.js";
import { eliminateCommonSubexpressions } from "../../compiler/passes/cse.js";
import { eliminateDeadCode } from "../../compiler/passes/dce.js";
import { eraseGradientMarkers } from "../../compiler/passes/erase-gradient-markers.js";
import { PASSES, runPipeline } from "../../compiler/passes/pipeline.js";
import { rewriteWithRules, rule } from "../../compiler/passes/rewrite.js";
import { simplify, simplifyRules } from "../../compiler/passes/simplify.js";
import { interpret } from "../../runtime/interp.js";
import { tensor, toArray } from "../../runtime/tensor.js";
import { fnOf, setup } from "../ir/helpers.js";

/** f(x, y) over two inputs of one shape, as a function. */
function fn2(build: (b: IrBuilder, x: Node, y: Node) => Node, dtype: DType = "f32", shape: number[] = [3]): IrFunction {
  const { b } = setup();
  const x = b.input("x", "batch", dtype, shape);
  const y = b.input("y", "batch", dtype, shape);
  return fnOf("f", [x, y], { out: build(b, x, y) });
}
const body = (fn: IrFunction) => printFunction(fn).split("\n").slice(1, -1).join("\n");

describe("simplify", () => {
  test("multiplicative and additive identities (floats keep x*0 and x+0)", () => {
    const fn = fn2((b, x, y) => {
      const one = b.constant(1, "f32");
      const a = b.binary("mul", b.binary("mul", one, x), b.constant(-1, "f32")); // -x
      const c = b.binary("add", b.binary("sub", y, b.constant(0, "f32")), b.constant(-0, "f32")); // y
      const keep = b.binary("add", b.binary("mul", x, b.constant(0, "f32")), b.binary("add", y, b.constant(0, "f32"))); // not exact: kept
      return b.binary("add", b.binary("add", a, c), keep);
    });
    expect(body(simplify(fn))).toMatchInlineSnapshot(`
      "  %0:f32[3] = sub y x
        %1:f32[3] = constant[0]
        %2:f32[3] = mul x %1
        %3:f32[3] = add y %1
        %4:f32[3] = add %2 %3
        %5:f32[3] = add %0 %4
        return out=%5"
    `);
  });
  test("integer-only rules: x*0 -> 0, x-x -> 0, x==x -> true", () => {
    const fn = fn2((b, x, y) => b.where(b.binary("eq", x, x), b.binary("add", b.binary("mul", x, b.constant(0, "i32")), b.binary("sub", y, y)), y), "i32");
    expect(body(simplify(fn))).toMatchInlineSnapshot(`
      "  %0:i32[3] = constant[0]
        return out=%0"
    `);
  });
  test("negations, powers, selections", () => {
    const fn = fn2((b, x, y) => {
      const sq = b.binary("pow", b.unary("neg", b.unary("neg", x)), b.constant(2, "f32"));
      const s = b.binary("sub", sq, b.unary("neg", y)); // sq + y
      return b.where(b.unary("not", b.binary("lt", x, y)), s, b.binary("pow", y, b.constant(1, "f32")));
    });
    expect(body(simplify(fn))).toMatchInlineSnapshot(`
      "  %0:bool[3] = lt x y
        %1:f32[3] = mul x x
        %2:f32[3] = add %1 y
        %3:f32[3] = where %0 y %2
        return out=%3"
    `);
  });
  test("movement chains collapse", () => {
    const fn = fn2((b, x) => b.transpose(b.transpose(b.reshape(b.reshape(x, [6, 4]), [4, 6]), [1, 0]), [1, 0]), "f32", [2, 3, 4]);
    expect(body(simplify(fn))).toMatchInlineSnapshot(`
      "  %0:f32[4,6] = reshape x
        return out=%0"
    `);
  });
});

describe("every simplification rule is exact on special values", () => {
  const specials = [0, -0, 1, -1, 2, 0.5, -3.25, Infinity, -Infinity, NaN, 1e308, 5e-324];
  const ints = [0, 1, -1, 7, -2147483648, 2147483647];
  const bools = [0, 1];
  // an instance of each rule, as f(x, y) over scalars-per-element inputs
  const instances: Record<string, { dtype: DType; build: (b: IrBuilder, x: Node, y: Node) => Node }> = {
    "mul-one": { dtype: "f32", build: (b, x) => b.binary("mul", b.constant(1, "f32", x.shape), x) },
    "mul-zero-int": { dtype: "i32", build: (b, x) => b.binary("mul", x, b.constant(0, "i32", x.shape)) },
    "mul-minus-one": { dtype: "f32", build: (b, x) => b.binary("mul", x, b.constant(-1, "f32", x.shape)) },
    "mul-neg-neg": { dtype: "f32", build: (b, x, y) => b.binary("mul", b.unary("neg", x), b.unary("neg", y)) },
    "div-one": { dtype: "f32", build: (b, x) => b.binary("div", x, b.constant(1, "f32", x.shape)) },
    "add-zero": { dtype: "f32", build: (b, x) => b.binary("add", b.constant(-0, "f32", x.shape), x) },
    "add-neg": { dtype: "f32", build: (b, x, y) => b.binary("add", b.unary("neg", y), x) },
    "sub-zero": { dtype: "f32", build: (b, x) => b.binary("sub", x, b.constant(0, "f32", x.shape)) },
    "sub-neg": { dtype: "f32", build: (b, x, y) => b.binary("sub", x, b.unary("neg", y)) },
    "sub-self-int": { dtype: "i32", build: (b, x) => b.binary("sub", x, x) },
    "neg-neg": { dtype: "f32", build: (b, x) => b.unary("neg", b.unary("neg", x)) },
    "pow-one": { dtype: "f32", build: (b, x) => b.binary("pow", x, b.constant(1, "f32", x.shape)) },
    "pow-two": { dtype: "f32", build: (b, x) => b.binary("pow", x, b.constant(2, "f32", x.shape)) },
    "max-self": { dtype: "f32", build: (b, x) => b.binary("min", x, x) },
    "eq-self-int": { dtype: "i32", build: (b, x) => b.binary("le", x, x) },
    "ne-self-int": { dtype: "i32", build: (b, x) => b.binary("gt", x, x) },
    "not-not": { dtype: "bool", build: (b, x) => b.unary("not", b.unary("not", x)) },
    "and-self": { dtype: "bool", build: (b, x) => b.binary("or", x, x) },
    "and-true": { dtype: "bool", build: (b, x) => b.binary("and", b.constant(1, "bool", x.shape), x) },
    "and-false": { dtype: "bool", build: (b, x) => b.binary("and", x, b.constant(0, "bool", x.shape)) },
    "or-false": { dtype: "bool", build: (b, x) => b.binary("or", x, b.constant(0, "bool", x.shape)) },
    "or-true": { dtype: "bool", build: (b, x) => b.binary("or", b.constant(1, "bool", x.shape), x) },
    "where-same": { dtype: "f32", build: (b, x, y) => b.where(b.binary("lt", x, y), x, x) },
    "where-const": { dtype: "f32", build: (b, x, y) => b.where(b.constant(1, "bool", x.shape), x, y) },
    "where-not": { dtype: "f32", build: (b, x, y) => b.where(b.unary("not", b.binary("lt", x, y)), x, y) },
    "reshape-reshape": { dtype: "f32", build: (b, x) => b.reshape(b.reshape(x, [x.shape[0]!, 1]), [1, x.shape[0]!]) },
    "reshape-noop": { dtype: "f32", build: (b, x) => b.node(Op.Reshape, { shape: x.shape }, [x]) },
    "broadcast-broadcast": { dtype: "f32", build: (b, x) => b.broadcastTo(b.broadcastTo(x, [2, x.shape[0]!]), [3, 2, x.shape[0]!]) },
    "transpose-transpose": { dtype: "f32", build: (b, x) => b.transpose(b.transpose(b.reshape(x, [x.shape[0]!, 1, 1]), [1, 2, 0]), [2, 0, 1]) },
    "reduce-unit-axes": { dtype: "f32", build: (b, x) => b.reduce("prod", b.reshape(b.reduce("max", b.reshape(x, [1, x.shape[0]!]), [0], false), [x.shape[0]!, 1]), [1], false) },
    "concat-empty": { dtype: "f32", build: (b, x, y) => b.concat([x, b.constant(1, "f32", [0]), y], 0) },
    "cast-noop": { dtype: "f32", build: (b, x) => b.node(Op.Cast, { dtype: "f32" }, [x]) },
    "unary-of-splat-broadcast": { dtype: "f32", build: (b, x) => b.unary("exp", b.broadcastTo(x, [2, x.shape[0]!])) },
  };

  test("each rule has an instance here", () => expect(simplifyRules.map((r) => r.name).filter((n) => !(n in instances))).toEqual([]));

  test.each(Object.keys(instances))("%s", (name) => {
    const { dtype, build } = instances[name]!;
    const values = dtype === "i32" ? ints : dtype === "bool" ? bools : specials;
    // every pair (x, y) of special values, one per element
    const xs = values.flatMap((a) => values.map(() => a));
    const ys = values.flatMap(() => values);
    const fn = fn2(build, dtype, [xs.length]);
    const after = rewriteWithRules(fn, simplifyRules.filter((x) => x.name === name));
    expect(printFunction(after), "the rule fires").not.toBe(printFunction(fn));
    const inputs = { x: tensor(dtype, [xs.length], xs, "f64"), y: tensor(dtype, [ys.length], ys, "f64") };
    for (const float64 of [false, true]) {
      const want = toArray(interpret(fn, inputs, { float64 })["out"]!);
      const got = toArray(interpret(after, inputs, { float64 })["out"]!);
      got.forEach((g, i) => {
        if (!Object.is(g, want[i]) && !(Number.isNaN(g) && Number.isNaN(want[i]!))) throw new Error(`${name}: x=${xs[i % xs.length]}, y=${ys[i % ys.length]}: ${want[i]} became ${g}`);
      });
    }
  });

  test("x + 0 -> x would not be exact for floats (why the rule is i32-only): -0 + 0 = +0", () => {
    const fn = fn2((b, x) => b.binary("add", x, b.constant(0, "f32", x.shape)), "f32", [1]);
    expect(body(simplify(fn))).toContain("add x");
    expect(Object.is(toArray(interpret(fn, { x: tensor("f32", [1], [-0]), y: tensor("f32", [1], [0]) })["out"]!)[0], 0)).toBe(true);
  });
});

describe("fold-constants", () => {
  test("arithmetic on constants and literals is evaluated; splats stay splats", () => {
    const fn = fn2((b, x) => {
      const lr = b.binary("mul", b.constant(3e-3, "f32"), b.unary("sqrt", b.constant(4, "f32"))); // 6e-3
      const table = b.binary("add", b.literal([1, 2, 3], "f32", [3]), b.literal([10, 20, 30], "f32", [3]));
      const big = b.broadcastTo(b.unary("exp", b.constant(0, "f32")), [3]);
      return b.binary("add", b.binary("mul", x, b.broadcastTo(lr, [3])), b.binary("mul", table, big));
    });
    expect(body(foldConstants(fn))).toMatchInlineSnapshot(`
      "  %0:f32[3] = constant[0.006]
        %1:f32[3] = mul x %0
        %2:f32[3] = literal[11,22,33]
        %3:f32[3] = add %1 %2
        return out=%3"
    `);
  });
  test("nodes larger than the limit are not folded, unless they are splats", () => {
    const { b } = setup();
    const n = FOLD_LIMIT + 1;
    const big = b.binary("add", b.literal(Array.from({ length: n }, (_, i) => i), "f32", [n]), b.constant(1, "f32", [n]));
    const splat = b.unary("exp", b.constant(0, "f32", [n]));
    const out = foldConstants(fnOf("f", [], { big, splat }));
    expect(out.outputs[0]!.node.op).toBe(Op.Add);
    expect(out.outputs[1]!.node.op).toBe(Op.Constant);
  });
  test("folded values keep f64 precision (rounded when an f32 tensor is stored)", () => {
    const { b } = setup();
    const v = foldConstants(fnOf("f", [], { y: b.binary("div", b.constant(1, "f32"), b.constant(3, "f32")) })).outputs[0]!.node;
    expect(v.op).toBe(Op.Constant);
    expect((v as Node<Op.Constant>).arg.value).toBe(1 / 3);
  });
});

describe("cse, dce, erase-gradient-markers", () => {
  test("cse merges commutative duplicates", () => {
    const fn = fn2((b, x, y) => b.binary("sub", b.binary("add", x, y), b.binary("add", y, x)));
    expect(body(eliminateCommonSubexpressions(fn))).toMatchInlineSnapshot(`
      "  %0:f32[3] = add x y
        %1:f32[3] = sub %0 %0
        return out=%1"
    `);
  });
  test("dce replaces empty computations, cutting what fed them", () => {
    const fn = fn2((b, x) => b.concat([x, b.unary("exp", b.slice(x, [2], [2], [1]))], 0));
    expect(body(eliminateDeadCode(fn))).toMatchInlineSnapshot(`
      "  %0:f32[0] = constant[0]
        %1:f32[3] = concat[axis=0] x %0
        return out=%1"
    `);
  });
  test("gradient markers become identities", () => {
    const fn = fn2((b, x, y) => b.binary("add", b.stopGradient(x), b.straightThrough(b.unary("round", y), b.unary("sin", y))));
    expect(body(eraseGradientMarkers(fn))).toMatchInlineSnapshot(`
      "  %0:f32[3] = round y
        %1:f32[3] = add x %0
        return out=%1"
    `);
  });
});

describe("pipeline", () => {
  test("lists its passes in order", () => expect(PASSES.map((p) => p.name)).toMatchInlineSnapshot(`
    [
      "erase-gradient-markers",
      "fold-constants",
      "simplify",
      "fold-constants",
      "cse",
      "dce",
    ]
  `));
  test("a pass that breaks the IR is named, with the IR around the problem", () => {
    const fn = fn2((b, x, y) => b.binary("add", x, y));
    const bogus = {
      name: "bogus",
      description: "drops an input from the interface",
      run: (f: IrFunction) => ({ ...f, inputs: f.inputs.slice(0, 1) }),
    };
    expect(() => runPipeline(fn, { verify: true, passes: [bogus] })).toThrowErrorMatchingInlineSnapshot(`
      [CompilerBug: after pass \`bogus\`: invalid IR in \`f\`: input node \`y\` is used but not declared in the function's inputs
      fn f(batch x:f32[3]) {
        y?:f32[3] = input    <-- here
        %0:f32[3] = add x y?
        return out=%0
      }]
    `);
  });
  test("the rewrite engine stops a rule cycle", () => {
    const fn = fn2((b, x, y) => b.binary("add", x, y));
    const flip = rule("flip", Op.Add, (n, b) => b.binary("add", n.src[1]!, n.src[0]!));
    expect(() => rewriteWithRules(fn, [flip])).toThrow(/infinite loop in rewrite at `add`/);
  });
});
