import { describe, expect, test } from "vitest";
import { LipParser } from "../../grammar/parser.js";
import type * as A from "../../compiler/ast/nodes.js";
import { checkAstSpans, codes, expr, paren, parse, parseOk, QUICKSTART, stmts, stripSpans, PROGRAMS } from "./helpers.js";

// Chevrotain 13's grammar validations use Object.groupBy (Node 21); only the test needs them.
const O = Object as unknown as { groupBy?: unknown };
O.groupBy ??= <T>(xs: T[], f: (x: T) => string) => {
  const out: Record<string, T[]> = Object.create(null);
  for (const x of xs) (out[f(x)] ??= []).push(x);
  return out;
};

const n = (name: string) => ({ kind: "Name", name });
const num = (raw: string) => ({ kind: "Number", value: Number(raw), raw, isInt: /^\d+$/.test(raw) });
const id = (name: string) => ({ kind: "Ident", name });

describe("grammar", () => {
  test("passes Chevrotain's validations (ambiguities only where intended)", () => {
    expect(() => new LipParser(true)).not.toThrow();
  });
});

describe("declarations", () => {
  test("use: std paths, strings, import lists, aliases, keywords after a dot", () => {
    const p = parseOk('use std.nn { dense, relu as r, }\nuse "./lib.lip"\nuse std.constraint\nuse std.data {}');
    expect(stripSpans(p.decls)).toEqual([
      {
        kind: "Use",
        module: { kind: "StdPath", parts: [id("std"), id("nn")] },
        names: [
          { name: id("dense"), alias: null },
          { name: id("relu"), alias: id("r") },
        ],
      },
      { kind: "Use", module: { kind: "String", value: "./lib.lip" }, names: null },
      { kind: "Use", module: { kind: "StdPath", parts: [id("std"), id("constraint")] }, names: null },
      { kind: "Use", module: { kind: "StdPath", parts: [id("std"), id("data")] }, names: [] },
    ]);
  });

  test("fn, layer and model with every parameter form", () => {
    const p = parseOk("fn f(x, y: f32[B, 2], z = 1, w: int = 2,) -> f32 = x\nlayer l() {}\nmodel m(x: f32[B]) -> {a: f32} { x }");
    const [f, l, m] = p.decls as A.Callable[];
    expect(stripSpans(f!.params)).toEqual([
      { name: id("x"), type: null, default: null },
      { name: id("y"), type: { kind: "TensorType", dtype: "f32", dims: [{ kind: "DimVar", name: "B" }, { kind: "DimNum", value: 2 }] }, default: null },
      { name: id("z"), type: null, default: num("1") },
      { name: id("w"), type: { kind: "NamedType", name: "int" }, default: num("2") },
    ]);
    expect(f!.kind).toBe("Fn");
    expect(f!.exprBody).toBe(true);
    expect(stripSpans(f!.body)).toEqual([{ kind: "ExprStmt", expr: n("x") }]);
    expect(stripSpans(f!.ret)).toEqual({ kind: "TensorType", dtype: "f32", dims: null });
    expect(l!.kind).toBe("Layer");
    expect(l!.body).toEqual([]);
    expect(l!.exprBody).toBe(false);
    expect(m!.kind).toBe("Model");
    expect(stripSpans(m!.ret)).toEqual({ kind: "RecordType", fields: [{ name: id("a"), type: { kind: "TensorType", dtype: "f32", dims: null } }] });
  });

  test("optimizer and constraint", () => {
    const p = parseOk("optimizer sgd(lr = 0.1) { param <- param - lr * grad }\nconstraint c(w: f32[..., I]) { w <- w }");
    expect(p.decls.map((d) => d.kind)).toEqual(["Optimizer", "Constraint"]);
    const body = (p.decls[0] as A.UpdateRule).body;
    expect(stripSpans(body[0])).toMatchObject({ kind: "Assign", target: id("param") });
  });

  test("data, let, experiment, property", () => {
    const p = parseOk('data d = src(n: 1) split 0.8\ndata e = src()\nlet k: int = 3\nlet j = 4\nexperiment x {}\nproperty "p ☃" {}');
    expect(stripSpans(p.decls)).toEqual([
      { kind: "Data", name: id("d"), value: { kind: "Call", callee: n("src"), args: [{ name: id("n"), value: num("1") }] }, split: num("0.8") },
      { kind: "Data", name: id("e"), value: { kind: "Call", callee: n("src"), args: [] }, split: null },
      { kind: "Const", name: id("k"), type: { kind: "NamedType", name: "int" }, value: num("3") },
      { kind: "Const", name: id("j"), type: null, value: num("4") },
      { kind: "Experiment", name: id("x"), body: [] },
      { kind: "Property", title: { kind: "String", value: "p ☃" }, body: [] },
    ]);
  });

  test("types: scalars, dims, `...`, `[]`, records", () => {
    const p = parseOk("fn f(a: f64, b: i32[], c: bool[..., 3, n], d: str, e: float, g: {x: i64[2], y: f16}) = a");
    const types = (p.decls[0] as A.Callable).params.map((x) => stripSpans(x.type));
    expect(types).toEqual([
      { kind: "TensorType", dtype: "f64", dims: null },
      { kind: "TensorType", dtype: "i32", dims: [] },
      { kind: "TensorType", dtype: "bool", dims: [{ kind: "DimRest" }, { kind: "DimNum", value: 3 }, { kind: "DimVar", name: "n" }] },
      { kind: "NamedType", name: "str" },
      { kind: "NamedType", name: "float" },
      {
        kind: "RecordType",
        fields: [
          { name: id("x"), type: { kind: "TensorType", dtype: "i64", dims: [{ kind: "DimNum", value: 2 }] } },
          { name: id("y"), type: { kind: "TensorType", dtype: "f16", dims: null } },
        ],
      },
    ]);
  });

  test("a wrong type name is a syntax error", () => {
    expect(codes("fn f(x: foo) = x")).toEqual(["LIP1001"]);
    expect(parse("fn f(x: foo) = x").diagnostics[0]!.message).toMatch(/^expected a type .*, found `foo`$/);
    expect(codes("fn f(x: f32[1.5]) = x")).toEqual(["LIP1001"]);
  });

  test("`;` may separate statements and declarations", () => {
    const p = parseOk("fn f(x) { let y = x ; y } ; fn g() = 1;");
    expect(p.decls).toHaveLength(2);
    expect((p.decls[0] as A.Callable).body.map((s) => s.kind)).toEqual(["Let", "ExprStmt"]);
  });
});

describe("statements", () => {
  test("every experiment clause", () => {
    const body = stmts(`model m
data d.train, batch: 128, shuffle: true
eval d.test every 100, batch: 512
steps 1000
loss f(out, y)
optimizer adamw(lr: lr)
constrain c(m.*.w, bound: 1.0)
metric acc = mean(x) every 10
metric m2 = 1
state s: f32 = 0.0
s <- s + 1
let lr = 3e-3`);
    expect(stripSpans(body)).toEqual([
      { kind: "ModelClause", model: n("m") },
      { kind: "DataClause", source: { kind: "Field", object: n("d"), field: id("train") }, options: [{ name: id("batch"), value: num("128") }, { name: id("shuffle"), value: { kind: "Bool", value: true } }] },
      { kind: "EvalClause", source: { kind: "Field", object: n("d"), field: id("test") }, every: num("100"), options: [{ name: id("batch"), value: num("512") }] },
      { kind: "StepsClause", value: num("1000") },
      { kind: "LossClause", value: { kind: "Call", callee: n("f"), args: [{ name: null, value: n("out") }, { name: null, value: n("y") }] } },
      { kind: "OptimizerClause", value: { kind: "Call", callee: n("adamw"), args: [{ name: id("lr"), value: n("lr") }] } },
      {
        kind: "ConstrainClause",
        value: {
          kind: "Call",
          callee: n("c"),
          args: [
            { name: null, value: { kind: "Field", object: { kind: "Field", object: n("m"), field: id("*") }, field: id("w") } },
            { name: id("bound"), value: num("1.0") },
          ],
        },
      },
      { kind: "MetricClause", name: id("acc"), value: { kind: "Call", callee: n("mean"), args: [{ name: null, value: n("x") }] }, every: num("10") },
      { kind: "MetricClause", name: id("m2"), value: num("1"), every: null },
      { kind: "StateDecl", name: id("s"), type: { kind: "TensorType", dtype: "f32", dims: null }, init: num("0.0") },
      { kind: "Assign", target: id("s"), value: { kind: "Binary", op: "+", left: n("s"), right: num("1") } },
      { kind: "Let", name: id("lr"), type: null, value: num("3e-3") },
    ]);
  });

  test("param declarations and `param <- e`", () => {
    const p = parseOk("layer l(x) {\n  param w: f32[I, O] = lecun_normal()\n  param <- x\n  param - 1\n}");
    const body = (p.decls[0] as A.Callable).body;
    expect(body.map((s) => s.kind)).toEqual(["ParamDecl", "Assign", "ExprStmt"]);
    expect(stripSpans(body[0])).toMatchObject({ name: id("w"), init: { kind: "Call", callee: n("lecun_normal"), args: [] } });
  });

  test("forall, where, assert with options", () => {
    const p = parseOk('property "p" {\n  forall p: f32[N], g: f32[N], c: f32 in [0.01, 100] where all(g != 0)\n  forall q: i32,\n  assert a ~= b, rtol: 1e-5, atol: 0\n}');
    const [fa, fb, as] = (p.decls[0] as A.Property).body;
    expect(stripSpans(fa)).toMatchObject({
      kind: "ForAll",
      generators: [
        { name: id("p"), range: null },
        { name: id("g"), range: null },
        { name: id("c"), type: { kind: "TensorType", dtype: "f32", dims: null }, range: { kind: "List", items: [num("0.01"), num("100")] } },
      ],
      where: { kind: "Call", callee: n("all") },
    });
    expect(stripSpans(fb)).toMatchObject({ kind: "ForAll", where: null });
    expect(stripSpans(as)).toMatchObject({ kind: "Assert", expr: { kind: "Binary", op: "~=" }, options: [{ name: id("rtol") }, { name: id("atol") }] });
  });

  test("soft keywords are names where no keyword is expected", () => {
    const p = parseOk("fn model(data, loss: f32) = data + loss * steps.eval[in]\nlet optimizer = 1\ndata split = split split 0.5");
    const f = p.decls[0] as A.Callable;
    expect(f.name.name).toBe("model");
    expect(f.params.map((x) => x.name.name)).toEqual(["data", "loss"]);
    expect(paren((f.body[0] as A.ExprStmt).expr)).toBe("(data + (loss * steps.eval[in]))");
    expect(stripSpans(p.decls[2])).toEqual({ kind: "Data", name: id("split"), value: n("split"), split: num("0.5") });
  });

  test("a clause keyword followed by an expression starts the clause", () => {
    expect(stripSpans(stmts("loss (x)"))).toEqual([{ kind: "LossClause", value: n("x") }]);
    expect(stripSpans(stmts("loss.x"))).toEqual([{ kind: "ExprStmt", expr: { kind: "Field", object: n("loss"), field: id("x") } }]);
    expect(stmts("loss + 1")[0]!.kind).toBe("ExprStmt");
  });

  test("type words are names in expressions (casts)", () => {
    expect(stripSpans(expr("f32(x) + bool"))).toEqual({
      kind: "Binary",
      op: "+",
      left: { kind: "Call", callee: n("f32"), args: [{ name: null, value: n("x") }] },
      right: n("bool"),
      opSpan: undefined,
    });
  });

  test("`where` is a keyword that may be called (the prelude's `where`)", () => {
    expect(paren(expr("where(c, a, b) + 1"))).toBe("(where(c, a, b) + 1)");
    expect(paren(expr("where(c, a, b).x[0]"))).toBe("where(c, a, b).x[0]");
    for (const bad of ["fn f() = where + 1", "fn f() = where.x", "fn f() = where[0]", "let where = 1"]) {
      expect(codes(bad), bad).toEqual(["LIP1012"]);
    }
    const p = parseOk('property "p" { forall x: f32 in [0, 1] where where(x > 0, 1, 0) > 0 }');
    expect(paren(((p.decls[0] as A.Property).body[0] as A.ForAll).where!)).toBe("(where((x > 0), 1, 0) > 0)");
  });
});

describe("expressions", () => {
  test("literals", () => {
    expect(stripSpans(expr('[1, 2.5, 3e-3, "s\\n", true, false, x]'))).toEqual({
      kind: "List",
      items: [num("1"), num("2.5"), num("3e-3"), { kind: "String", value: "s\n" }, { kind: "Bool", value: true }, { kind: "Bool", value: false }, n("x")],
    });
    expect(expr("42")).toMatchObject({ isInt: true, value: 42 });
    expect(expr("4.0")).toMatchObject({ isInt: false, value: 4 });
    expect(expr("1.5E+2")).toMatchObject({ isInt: false, value: 150 });
  });

  test("records, lists, empty and trailing commas", () => {
    expect(paren(expr("{x: 1, y: [2, 3,],}"))).toBe("{x: 1, y: [2, 3]}");
    expect(paren(expr("{}"))).toBe("{}");
    expect(paren(expr("[]"))).toBe("[]");
  });

  test("calls, fields, indexes and slices", () => {
    expect(paren(expr("f(a, b: 2)(c).d[0][1:2, :, ::2, 1::, ..., :n:2]"))).toBe("f(a, b: 2)(c).d[0][1:2, :, ::2, 1:, ..., :n:2]");
    expect(paren(expr("classifier.*.w"))).toBe("classifier.*.w");
    expect(paren(expr("f(name: x, y)"))).toBe("f(name: x, y)");
  });

  test("if then else", () => {
    expect(paren(expr("if a then b else if c then d else e + 1"))).toBe("(if a then b else (if c then d else (e + 1)))");
    expect(paren(expr("if if a then b else c then d else e"))).toBe("(if (if a then b else c) then d else e)");
  });

  test("a `(` or `[` on a new line starts a new expression", () => {
    const p = parseOk("fn f(x) {\n  let y = g\n  (x)\n}\nfn h(x) {\n  let y = g\n  [x]\n}");
    for (const d of p.decls) {
      const [s1, s2] = (d as A.Callable).body;
      expect(stripSpans(s1)).toMatchObject({ kind: "Let", value: n("g") });
      expect(s2!.kind).toBe("ExprStmt");
    }
    expect(paren(expr("g(\n  x,\n  y\n)[\n0]"))).toBe("g(x, y)[0]");
    expect(paren(expr("a\n  .b\n  + c"))).toBe("(a.b + c)");
  });

  test("a soft statement keyword at the start of a line ends the statement", () => {
    const r = parse("experiment e {\n  let x = a *\n  loss f(x)\n}");
    expect(r.diagnostics.map((d) => d.code)).toEqual(["LIP1005"]);
    expect(r.diagnostics[0]!.message).toBe("expected an expression, found `loss`");
    expect((r.program.decls[0] as A.Experiment).body.map((s) => s.kind)).toEqual(["Let", "LossClause"]);
    // inside brackets, and after `,` in a named option, it is a name
    const ok = stmts("let x = f(a,\n  loss)\ndata d, batch: 1,\n  steps: 2");
    expect(ok.map((s) => s.kind)).toEqual(["Let", "DataClause"]);
    // and a statement may start with it
    expect(parseOk("fn f(loss) {\n  loss\n}").decls).toHaveLength(1);
  });
});

describe("spans", () => {
  test("every node's span lies inside its parent's and the file", () => {
    for (const text of PROGRAMS) checkAstSpans(parseOk(text), text.length);
  });

  test("spans cover exactly the source of the node", () => {
    const text = "fn f() = (a + b) * c.d(e: 1)[2]";
    const e = (parseOk(text).decls[0] as A.Callable).body[0] as A.ExprStmt;
    const at = (s: { span: { start: number; end: number } }) => text.slice(s.span.start, s.span.end);
    const mul = e.expr as A.Binary;
    expect(at(mul)).toBe("(a + b) * c.d(e: 1)[2]");
    expect(at(mul.left)).toBe("a + b");
    expect(text.slice(mul.opSpan.start, mul.opSpan.end)).toBe("*");
    const idx = mul.right as A.Index;
    expect(at(idx)).toBe("c.d(e: 1)[2]");
    const call = idx.object as A.Call;
    expect(at(call)).toBe("c.d(e: 1)");
    expect(at(call.args[0]!)).toBe("e: 1");
    expect(at(call.callee)).toBe("c.d");
    expect(at(e)).toBe("(a + b) * c.d(e: 1)[2]");
    const d = parseOk(QUICKSTART).decls;
    expect(QUICKSTART.slice(d[6]!.span.start, d[6]!.span.end)).toBe("data moons = two_moons(n: 4096, noise: 0.1, seed: 7) split 0.8");
  });
});
