// The typed AST of a Lip source file. Every node is a readonly plain object with a `kind`
// discriminant and the `span` of the source text it came from. The parser never throws: where
// it had to recover, the builder puts a `Missing` node so that later phases can still run.
//
// The parser accepts any statement in any body; which statements a body allows (a `param` only
// in a layer or model, `assert` only in a property, ...) is checked by the checker, which can
// say much more helpful things than a syntax error.

import type { Span } from "../diag/span.js";

export interface Ident {
  readonly kind: "Ident";
  readonly name: string;
  readonly span: Span;
}

// ---------------------------------------------------------------- types

export type DTypeName = "f32" | "f64" | "f16" | "i32" | "i64" | "bool";

/** One dimension of a tensor type: `784`, `B`, or `...` (any number of leading dims). */
export type Dim =
  | { readonly kind: "DimNum"; readonly value: number; readonly span: Span }
  | { readonly kind: "DimVar"; readonly name: string; readonly span: Span }
  | { readonly kind: "DimRest"; readonly span: Span };

export type TypeExpr =
  /** `f32[B, 784]`; `f32` alone (dims null) is a scalar, the same as `f32[]`. */
  | { readonly kind: "TensorType"; readonly dtype: DTypeName; readonly dims: readonly Dim[] | null; readonly span: Span }
  /** `int`, `float`, `str`: compile-time scalars (an `int` parameter can size a tensor). */
  | { readonly kind: "NamedType"; readonly name: "int" | "float" | "str"; readonly span: Span }
  /** `{ x: f32[n, 2], y: i32[n] }`: a record, e.g. the fields of a data set. */
  | { readonly kind: "RecordType"; readonly fields: readonly RecordTypeField[]; readonly span: Span }
  | Missing;

export interface RecordTypeField {
  readonly name: Ident;
  readonly type: TypeExpr;
  readonly span: Span;
}

// ---------------------------------------------------------------- expressions

export type BinaryOp =
  | "+" | "-" | "*" | "/" | "%" | "^" | "@"
  | "==" | "!=" | "<" | "<=" | ">" | ">=" | "~="
  | "and" | "or";

export type UnaryOp = "-" | "not";

export interface Missing {
  readonly kind: "Missing"; // the parser recovered here; a diagnostic has been reported
  readonly span: Span;
}

export interface NumberLit {
  readonly kind: "Number";
  readonly value: number;
  readonly raw: string; // as written, e.g. "3e-3"
  readonly isInt: boolean; // written without `.` or exponent
  readonly span: Span;
}

export interface BoolLit {
  readonly kind: "Bool";
  readonly value: boolean;
  readonly span: Span;
}

export interface StringLit {
  readonly kind: "String";
  readonly value: string; // unescaped
  readonly span: Span;
}

/** A reference to a name: a local, a parameter, a declaration, `param`, `grad`, `step`, ... */
export interface Name {
  readonly kind: "Name";
  readonly name: string;
  readonly span: Span;
}

export interface Binary {
  readonly kind: "Binary";
  readonly op: BinaryOp;
  readonly left: Expr;
  readonly right: Expr;
  readonly opSpan: Span; // the operator token, for "this `@`" labels
  readonly span: Span;
}

export interface Unary {
  readonly kind: "Unary";
  readonly op: UnaryOp;
  readonly operand: Expr;
  readonly span: Span;
}

export interface If {
  readonly kind: "If";
  readonly cond: Expr;
  readonly then: Expr;
  readonly else: Expr;
  readonly span: Span;
}

export interface Arg {
  readonly name: Ident | null; // `noise: 0.1` is named; `x` is positional
  readonly value: Expr;
  readonly span: Span;
}

export interface Call {
  readonly kind: "Call";
  readonly callee: Expr;
  readonly args: readonly Arg[];
  readonly span: Span;
}

/** `moons.train`, `h1.w`; `classifier.*.w` has a field named `*` (a parameter path pattern). */
export interface Field {
  readonly kind: "Field";
  readonly object: Expr;
  readonly field: Ident;
  readonly span: Span;
}

export interface Slice {
  readonly kind: "Slice"; // `a:b:c`, each part optional
  readonly start: Expr | null;
  readonly stop: Expr | null;
  readonly step: Expr | null;
  readonly span: Span;
}

export interface EllipsisIndex {
  readonly kind: "EllipsisIndex"; // `...` inside an index: all remaining leading dims
  readonly span: Span;
}

export type IndexItem = Expr | Slice | EllipsisIndex;

export interface Index {
  readonly kind: "Index";
  readonly object: Expr;
  readonly indices: readonly IndexItem[];
  readonly span: Span;
}

export interface List {
  readonly kind: "List";
  readonly items: readonly Expr[];
  readonly span: Span;
}

export interface RecordField {
  readonly name: Ident;
  readonly value: Expr;
  readonly span: Span;
}

export interface Record {
  readonly kind: "Record";
  readonly fields: readonly RecordField[];
  readonly span: Span;
}

export type Expr =
  | NumberLit | BoolLit | StringLit | Name | Binary | Unary | If | Call | Field | Index | List | Record | Missing;

// ---------------------------------------------------------------- statements

/** `let name [: type] = value` */
export interface Let {
  readonly kind: "Let";
  readonly name: Ident;
  readonly type: TypeExpr | null;
  readonly value: Expr;
  readonly span: Span;
}

/** `param w: f32[I, O] = lecun_normal()`; only in a layer or model. */
export interface ParamDecl {
  readonly kind: "ParamDecl";
  readonly name: Ident;
  readonly type: TypeExpr;
  readonly init: Expr;
  readonly span: Span;
}

/** `state m [: type] = init`: a stream whose first value is `init`. */
export interface StateDecl {
  readonly kind: "StateDecl";
  readonly name: Ident;
  readonly type: TypeExpr | null;
  readonly init: Expr;
  readonly span: Span;
}

/** `m <- expr`: the value of state `m` at the next step. */
export interface Assign {
  readonly kind: "Assign";
  readonly target: Ident;
  readonly value: Expr;
  readonly arrowSpan: Span;
  readonly span: Span;
}

/** A bare expression: the result of a fn/layer/model body when it comes last. */
export interface ExprStmt {
  readonly kind: "ExprStmt";
  readonly expr: Expr;
  readonly span: Span;
}

// Experiment clauses. `options` are the `, name: value` pairs after the main expression.

export interface ModelClause {
  readonly kind: "ModelClause"; // `model classifier`
  readonly model: Expr;
  readonly span: Span;
}

export interface DataClause {
  readonly kind: "DataClause"; // `data moons.train, batch: 128, shuffle: true`
  readonly source: Expr;
  readonly options: readonly Arg[];
  readonly span: Span;
}

export interface EvalClause {
  readonly kind: "EvalClause"; // `eval moons.test every 100`
  readonly source: Expr;
  readonly every: Expr | null;
  readonly options: readonly Arg[];
  readonly span: Span;
}

export interface StepsClause {
  readonly kind: "StepsClause"; // `steps 1000`
  readonly value: Expr;
  readonly span: Span;
}

export interface LossClause {
  readonly kind: "LossClause"; // `loss cross_entropy(out, y)`
  readonly value: Expr;
  readonly span: Span;
}

export interface OptimizerClause {
  readonly kind: "OptimizerClause"; // `optimizer adamw(lr: lr)`
  readonly value: Expr;
  readonly span: Span;
}

export interface ConstrainClause {
  readonly kind: "ConstrainClause"; // `constrain spectral_norm(classifier.*.w, bound: 1.0)`
  readonly value: Expr;
  readonly span: Span;
}

export interface MetricClause {
  readonly kind: "MetricClause"; // `metric accuracy = ... [every 100]`
  readonly name: Ident;
  readonly value: Expr;
  readonly every: Expr | null;
  readonly span: Span;
}

// Property statements.

export interface Generator {
  readonly name: Ident;
  readonly type: TypeExpr;
  readonly range: Expr | null; // `in [0.01, 100]`
  readonly span: Span;
}

export interface ForAll {
  readonly kind: "ForAll"; // `forall p: f32[N], g: f32[N] where all(g != 0)`
  readonly generators: readonly Generator[];
  readonly where: Expr | null;
  readonly span: Span;
}

export interface Assert {
  readonly kind: "Assert"; // `assert a ~= b [, rtol: 1e-4, atol: 0]`
  readonly expr: Expr;
  readonly options: readonly Arg[];
  readonly span: Span;
}

export type Stmt =
  | Let | ParamDecl | StateDecl | Assign | ExprStmt
  | ModelClause | DataClause | EvalClause | StepsClause | LossClause | OptimizerClause | ConstrainClause | MetricClause
  | ForAll | Assert
  | Missing;

// ---------------------------------------------------------------- declarations

export interface Param {
  readonly name: Ident;
  readonly type: TypeExpr | null; // untyped parameters are generic: checked at each call
  readonly default: Expr | null;
  readonly span: Span;
}

export interface ImportName {
  readonly name: Ident;
  readonly alias: Ident | null; // `use std.nn { dense as linear }`
  readonly span: Span;
}

/** `use std.nn { dense, relu }`, `use "./lib.lip" { f }`, or `use std.nn` (every public name). */
export interface Use {
  readonly kind: "Use";
  readonly module: { readonly kind: "StdPath"; readonly parts: readonly Ident[]; readonly span: Span } | StringLit;
  readonly names: readonly ImportName[] | null;
  readonly span: Span;
}

/** `fn`, `layer` and `model` share one shape; `exprBody` is true for the `= expr` form. */
export interface Callable {
  readonly kind: "Fn" | "Layer" | "Model";
  readonly name: Ident;
  readonly params: readonly Param[];
  readonly ret: TypeExpr | null;
  readonly body: readonly Stmt[]; // for `= expr`, one ExprStmt
  readonly exprBody: boolean;
  readonly span: Span;
}

/** `optimizer name(params) { ... }` and `constraint name(params) { ... }`. */
export interface UpdateRule {
  readonly kind: "Optimizer" | "Constraint";
  readonly name: Ident;
  readonly params: readonly Param[];
  readonly body: readonly Stmt[];
  readonly span: Span;
}

/** `data moons = two_moons(n: 4096) split 0.8` */
export interface DataDecl {
  readonly kind: "Data";
  readonly name: Ident;
  readonly value: Expr;
  readonly split: Expr | null;
  readonly span: Span;
}

/** A top-level `let`: a named constant (overridable with `--set` when inside an experiment). */
export interface ConstDecl {
  readonly kind: "Const";
  readonly name: Ident;
  readonly type: TypeExpr | null;
  readonly value: Expr;
  readonly span: Span;
}

export interface Experiment {
  readonly kind: "Experiment";
  readonly name: Ident;
  readonly body: readonly Stmt[];
  readonly span: Span;
}

export interface Property {
  readonly kind: "Property";
  readonly title: StringLit;
  readonly body: readonly Stmt[];
  readonly span: Span;
}

export type Decl = Use | Callable | UpdateRule | DataDecl | ConstDecl | Experiment | Property | Missing;

export interface Program {
  readonly kind: "Program";
  readonly file: string;
  readonly decls: readonly Decl[];
  readonly span: Span;
}
