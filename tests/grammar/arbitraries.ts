// fast-check arbitraries of valid Lip ASTs (without spans), for round-trip properties.
// Every generated AST is one the parser can produce: names that are soft keywords, `where` as
// the prelude function, records, slices and every statement kind are all in.

import fc from "fast-check";
import type * as A from "../../compiler/ast/nodes.js";

type NoSpan<T> = T extends readonly (infer U)[] ? readonly NoSpan<U>[] : T extends object ? { readonly [K in keyof T as K extends "span" | "opSpan" | "arrowSpan" ? never : K]: NoSpan<T[K]> } : T;
export type E = NoSpan<A.Expr>;
export type S = NoSpan<A.Stmt>;
export type D = NoSpan<A.Decl>;
export type P = NoSpan<A.Program>;
type Ty = NoSpan<A.TypeExpr>;

const PLAIN = ["a", "b", "x", "y", "h1", "w_2", "_t", "grad", "step", "out", "lr", "Bx", "every_", "fnx", "iff"];
const SOFT = ["model", "data", "optimizer", "param", "loss", "steps", "metric", "eval", "constrain", "every", "split", "in", "as"];
const TYPE_WORDS = ["f32", "f64", "f16", "i32", "i64", "bool", "int", "float", "str"];
const HARD = ["fn", "layer", "use", "let", "state", "if", "then", "else", "and", "or", "not", "true", "false", "forall", "where", "assert", "experiment", "property", "constraint"];

/** A name usable wherever the grammar wants an identifier. */
export const name = fc.oneof({ weight: 6, arbitrary: fc.constantFrom(...PLAIN) }, { weight: 2, arbitrary: fc.constantFrom(...SOFT) }, { weight: 1, arbitrary: fc.constantFrom(...TYPE_WORDS) });
const ident = name.map((n) => ({ kind: "Ident" as const, name: n }));

const STRING_CHARS = [..."abcXYZ019 _-+*/=<>()[]{},.:;!?#$%&'|~^@`", '"', "\\", "\n", "\t", "é", "ß", "☃", "日", "本", "😀", "\u00a0", "\u2028"];
const stringValue = fc.string({ unit: fc.constantFrom(...STRING_CHARS), maxLength: 12 });

const digits = fc.integer({ min: 0, max: 99999 }).map(String);
const numberRaw = fc.oneof(
  digits,
  fc.tuple(digits, digits).map(([a, b]) => `${a}.${b}`),
  fc.tuple(fc.integer({ min: 1, max: 9 }), fc.constantFrom("e", "E"), fc.constantFrom("", "+", "-"), fc.integer({ min: 0, max: 30 })).map(([a, e, s, k]) => `${a}${e}${s}${k}`),
  fc.tuple(digits, digits, fc.integer({ min: 0, max: 12 })).map(([a, b, k]) => `${a}.${b}e-${k}`),
);
const numberLit = numberRaw.map((raw): E => ({ kind: "Number", value: Number(raw), raw, isInt: /^\d+$/.test(raw) }));

const BINARY: A.BinaryOp[] = ["+", "-", "*", "/", "%", "^", "@", "==", "!=", "<", "<=", ">", ">=", "~=", "and", "or"];

const leaf: fc.Arbitrary<E> = fc.oneof(
  numberLit,
  stringValue.map((value): E => ({ kind: "String", value })),
  fc.boolean().map((value): E => ({ kind: "Bool", value })),
  name.map((n): E => ({ kind: "Name", name: n })),
);

/** Expressions up to a small depth. */
export const exprArb: fc.Arbitrary<E> = fc.letrec<{ expr: E; item: NoSpan<A.IndexItem> }>((tie) => ({
  expr: fc.oneof(
    { depthSize: "small", maxDepth: 5, withCrossShrink: true },
    leaf,
    fc.record({ kind: fc.constant("Binary" as const), op: fc.constantFrom(...BINARY), left: tie("expr"), right: tie("expr") }),
    fc.record({ kind: fc.constant("Unary" as const), op: fc.constantFrom("-" as const, "not" as const), operand: tie("expr") }),
    fc.record({ kind: fc.constant("If" as const), cond: tie("expr"), then: tie("expr"), else: tie("expr") }),
    fc.record({
      kind: fc.constant("Call" as const),
      callee: tie("expr"),
      args: fc.array(fc.record({ name: fc.option(ident, { nil: null }), value: tie("expr") }), { maxLength: 3 }),
    }),
    // `where` is a keyword that may be called (§1)
    fc.record({
      kind: fc.constant("Call" as const),
      callee: fc.constant({ kind: "Name" as const, name: "where" }),
      args: fc.array(fc.record({ name: fc.option(ident, { nil: null }), value: tie("expr") }), { maxLength: 3 }),
    }),
    fc.record({ kind: fc.constant("Field" as const), object: tie("expr"), field: fc.oneof(ident, fc.constant({ kind: "Ident" as const, name: "*" })) }),
    fc.record({ kind: fc.constant("Index" as const), object: tie("expr"), indices: fc.array(tie("item"), { minLength: 1, maxLength: 3 }) }),
    fc.record({ kind: fc.constant("List" as const), items: fc.array(tie("expr"), { maxLength: 3 }) }),
    fc.record({ kind: fc.constant("Record" as const), fields: fc.array(fc.record({ name: ident, value: tie("expr") }), { maxLength: 3 }) }),
  ) as fc.Arbitrary<E>,
  item: fc.oneof(
    { depthSize: "small" },
    tie("expr"),
    fc.constant({ kind: "EllipsisIndex" as const }),
    fc.record({
      kind: fc.constant("Slice" as const),
      start: fc.option(tie("expr"), { nil: null }),
      stop: fc.option(tie("expr"), { nil: null }),
      step: fc.option(tie("expr"), { nil: null }),
    }),
  ) as fc.Arbitrary<NoSpan<A.IndexItem>>,
})).expr;

const dim = fc.oneof(
  fc.integer({ min: 0, max: 4096 }).map((value) => ({ kind: "DimNum" as const, value })),
  name.map((n) => ({ kind: "DimVar" as const, name: n })),
  fc.constant({ kind: "DimRest" as const }),
);

export const typeArb: fc.Arbitrary<Ty> = fc.letrec<{ type: Ty }>((tie) => ({
  type: fc.oneof(
    { depthSize: "small", maxDepth: 2 },
    fc.record({
      kind: fc.constant("TensorType" as const),
      dtype: fc.constantFrom("f32" as const, "f64" as const, "f16" as const, "i32" as const, "i64" as const, "bool" as const),
      dims: fc.option(fc.array(dim, { maxLength: 4 }), { nil: null }),
    }),
    fc.record({ kind: fc.constant("NamedType" as const), name: fc.constantFrom("int" as const, "float" as const, "str" as const) }),
    fc.record({ kind: fc.constant("RecordType" as const), fields: fc.array(fc.record({ name: ident, type: tie("type") }), { maxLength: 3 }) }),
  ) as fc.Arbitrary<Ty>,
})).type;

const optType = fc.option(typeArb, { nil: null });
const optExpr = fc.option(exprArb, { nil: null });
const namedArgs = fc.array(fc.record({ name: ident, value: exprArb }), { maxLength: 2 });

export const stmtArb: fc.Arbitrary<S> = fc.oneof(
  fc.record({ kind: fc.constant("Let" as const), name: ident, type: optType, value: exprArb }),
  fc.record({ kind: fc.constant("ParamDecl" as const), name: ident, type: typeArb, init: exprArb }),
  fc.record({ kind: fc.constant("StateDecl" as const), name: ident, type: optType, init: exprArb }),
  fc.record({ kind: fc.constant("Assign" as const), target: ident, value: exprArb }),
  fc.record({ kind: fc.constant("ExprStmt" as const), expr: exprArb }),
  fc.record({ kind: fc.constant("ModelClause" as const), model: exprArb }),
  fc.record({ kind: fc.constant("DataClause" as const), source: exprArb, options: namedArgs }),
  fc.record({ kind: fc.constant("EvalClause" as const), source: exprArb, every: optExpr, options: namedArgs }),
  fc.record({ kind: fc.constantFrom("StepsClause" as const, "LossClause" as const, "OptimizerClause" as const, "ConstrainClause" as const), value: exprArb }),
  fc.record({ kind: fc.constant("MetricClause" as const), name: ident, value: exprArb, every: optExpr }),
  fc.record({
    kind: fc.constant("ForAll" as const),
    generators: fc.array(fc.record({ name: ident, type: typeArb, range: optExpr }), { minLength: 1, maxLength: 3 }),
    where: optExpr,
  }),
  fc.record({ kind: fc.constant("Assert" as const), expr: exprArb, options: namedArgs }),
) as fc.Arbitrary<S>;

const params = fc.array(fc.record({ name: ident, type: optType, default: optExpr }), { maxLength: 3 });
const body = fc.array(stmtArb, { maxLength: 4 });
const pathPart = fc.oneof(name, fc.constantFrom(...HARD)).map((n) => ({ kind: "Ident" as const, name: n }));

export const declArb: fc.Arbitrary<D> = fc.oneof(
  fc.record({
    kind: fc.constant("Use" as const),
    module: fc.oneof(
      fc.tuple(ident, fc.array(pathPart, { maxLength: 2 })).map(([first, rest]) => ({ kind: "StdPath" as const, parts: [first, ...rest] })),
      stringValue.map((value) => ({ kind: "String" as const, value })),
    ),
    names: fc.option(fc.array(fc.record({ name: ident, alias: fc.option(ident, { nil: null }) }), { maxLength: 3 }), { nil: null }),
  }),
  fc.oneof(
    fc.record({
      kind: fc.constantFrom("Fn" as const, "Layer" as const, "Model" as const),
      name: ident,
      params,
      ret: optType,
      body,
      exprBody: fc.constant(false),
    }),
    fc.record({
      kind: fc.constantFrom("Fn" as const, "Layer" as const, "Model" as const),
      name: ident,
      params,
      ret: optType,
      body: exprArb.map((expr) => [{ kind: "ExprStmt" as const, expr }]),
      exprBody: fc.constant(true),
    }),
  ),
  fc.record({ kind: fc.constantFrom("Optimizer" as const, "Constraint" as const), name: ident, params, body }),
  fc.record({ kind: fc.constant("Data" as const), name: ident, value: exprArb, split: optExpr }),
  fc.record({ kind: fc.constant("Const" as const), name: ident, type: optType, value: exprArb }),
  fc.record({ kind: fc.constant("Experiment" as const), name: ident, body }),
  fc.record({ kind: fc.constant("Property" as const), title: stringValue.map((value) => ({ kind: "String" as const, value })), body }),
) as fc.Arbitrary<D>;

export const programArb: fc.Arbitrary<P> = fc.array(declArb, { maxLength: 5 }).map((decls) => ({ kind: "Program" as const, file: "gen.lip", decls }));

// ---------------------------------------------------------------- for the robustness suite

/** Token images of the whole vocabulary, plus some that are not Lip at all. */
export const VOCABULARY: readonly string[] = [
  ...PLAIN, ...SOFT, ...TYPE_WORDS, ...HARD,
  "0", "1", "42", "0.5", "3e-3", "1.5E+2", "1e", "2.", '"s"', '"é☃"', '"unterminated', "/*", "*/", "//", "/* c */",
  "+", "-", "*", "/", "%", "^", "@", "==", "!=", "<", "<=", ">", ">=", "~=", "<-", "=", "->", ":", ",", ".", "...", ":=", ";",
  "(", ")", "[", "]", "{", "}", "(", ")", "{", "}",
  "\n", "\n", "\n", " ", "\t", "§", "!", "~", "\\", "'", "#", "\u0007", "é", "😀",
];
