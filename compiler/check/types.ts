// The checker's types. A tensor type has a dtype and a shape; a shape is a list of dimensions,
// each a known size or a size variable, optionally after a `...` prefix that stands for any
// number of leading dimensions. Inside a generic body (checked once, before any call) size
// variables are rigid symbols; at a call site they are bound by unification (unify.ts).
//
// Scalars are rank-0 tensors. Literals are *weak* (JAX's weak types): `2 * x` has the dtype of
// `x`. Compile-time constants carry their value, which is how an `int` argument sizes a tensor.

import type * as A from "../ast/nodes.js";

export type DType = "f32" | "f64" | "f16" | "i32" | "i64" | "bool";

/** A dimension: a size, or a size variable named in a signature. */
export type Dim = number | SymDim;

export interface SymDim {
  readonly sym: string;
}

/** A `...` prefix; its name identifies which `...` it is (one per signature). */
export interface RestDim {
  readonly rest: string;
}

export interface Shape {
  readonly rest: RestDim | null; // leading `...`, if any
  readonly dims: readonly Dim[]; // the trailing dims
}

export interface TensorType {
  readonly k: "tensor";
  readonly dtype: DType;
  readonly shape: Shape | null; // null: unknown rank (after an error or from a file loader)
  readonly weak: boolean; // a literal or an expression of literals
  readonly value?: number | undefined; // known at compile time (scalars only)
  readonly sizeVar?: string | undefined; // an int scalar that equals this size variable
}

export interface ListType {
  readonly k: "list";
  readonly items: readonly Type[];
}

export interface RecordType {
  readonly k: "record";
  readonly fields: ReadonlyMap<string, Type>;
  readonly dataset: boolean; // a data set: fields share the leading dimension
  readonly splits?: ReadonlyMap<string, RecordType>; // `split`: train and test
  readonly open?: boolean; // fields not known until run time (a file loader): any field is `?`
}

export interface StrType {
  readonly k: "str";
  readonly value?: string | undefined;
}

/** A reference to a declaration that can be called (fn, layer, model, optimizer, constraint). */
export interface DeclRefType {
  readonly k: "decl";
  readonly decl: A.Callable | A.UpdateRule;
  readonly module: string;
}

export interface BuiltinRefType {
  readonly k: "builtin";
  readonly name: string;
}

/** `adamw(lr: lr)`: an optimizer or constraint with its hyperparameters bound. */
export interface RuleInstanceType {
  readonly k: "rule";
  readonly decl: A.UpdateRule;
  readonly args: ReadonlyMap<string, Type>;
}

/** A set of model parameters selected by a path such as `classifier.*.w`. */
export interface ParamSetType {
  readonly k: "params";
  readonly path: string;
  readonly members: readonly { readonly name: string; readonly type: TensorType }[];
}

/** A model or layer whose parameters can be reached by path (`classifier.h1.w`). */
export interface ParamTreeType {
  readonly k: "paramtree";
  readonly path: string;
  readonly members: readonly { readonly name: string; readonly type: TensorType }[];
}

/** Nothing more is known (after an error): accepted everywhere, so errors do not cascade. */
export interface UnknownType {
  readonly k: "unknown";
}

export type Type =
  | TensorType | ListType | RecordType | StrType | DeclRefType | BuiltinRefType | RuleInstanceType
  | ParamSetType | ParamTreeType | UnknownType;

export const unknown: UnknownType = { k: "unknown" };

export function tensor(dtype: DType, dims: readonly Dim[] | null, opts: { rest?: RestDim | null; weak?: boolean; value?: number } = {}): TensorType {
  return {
    k: "tensor",
    dtype,
    shape: dims === null ? null : { rest: opts.rest ?? null, dims },
    weak: opts.weak ?? false,
    value: opts.value,
  };
}

export function scalar(dtype: DType, value?: number, weak = false): TensorType {
  return { k: "tensor", dtype, shape: { rest: null, dims: [] }, weak, value };
}

export const f32Scalar = scalar("f32");
export const i32Scalar = scalar("i32");
export const boolScalar = scalar("bool");

export function isFloat(d: DType): boolean {
  return d === "f32" || d === "f64" || d === "f16";
}

export function isInt(d: DType): boolean {
  return d === "i32" || d === "i64";
}

export function isScalar(t: Type): t is TensorType {
  return t.k === "tensor" && t.shape !== null && t.shape.rest === null && t.shape.dims.length === 0;
}

export function dimEquals(a: Dim, b: Dim): boolean {
  return typeof a === "number" ? a === b : typeof b !== "number" && a.sym === b.sym;
}

export function showDim(d: Dim): string {
  return typeof d === "number" ? String(d) : d.sym;
}

export function showShape(s: Shape | null): string {
  if (s === null) return "[?]";
  const parts = s.dims.map(showDim);
  if (s.rest) parts.unshift("...");
  return `[${parts.join(", ")}]`;
}

/** The type as a user would write it: `f32[B, 2]`, `f32`, `{x: f32[n, 2], y: i32[n]}`. */
export function showType(t: Type): string {
  switch (t.k) {
    case "tensor": {
      if (t.shape !== null && t.shape.rest === null && t.shape.dims.length === 0) {
        if (t.weak) return t.dtype === "bool" ? "bool" : isInt(t.dtype) ? "int" : "float";
        return t.dtype;
      }
      return t.dtype + showShape(t.shape);
    }
    case "list":
      return `[${t.items.map(showType).join(", ")}]`;
    case "record":
      return `{${[...t.fields].map(([k, v]) => `${k}: ${quoteType(v)}`).join(", ")}}`;
    case "str":
      return "str";
    case "decl":
      return `${t.decl.kind.toLowerCase()} \`${t.decl.name.name}\``;
    case "builtin":
      return `built-in \`${t.name}\``;
    case "rule":
      return `${t.decl.kind.toLowerCase()} \`${t.decl.name.name}(...)\``;
    case "params":
      return `parameters \`${t.path}\``;
    case "paramtree":
      return `parameters of \`${t.path}\``;
    case "unknown":
      return "?";
  }
}

/** The rank when it is known exactly (no `...`, not unknown). */
export function exactRank(t: TensorType): number | undefined {
  return t.shape !== null && t.shape.rest === null ? t.shape.dims.length : undefined;
}

/** A type for a message: tensors, lists and records in backticks; declarations say what they are. */
export function quoteType(t: Type): string {
  switch (t.k) {
    case "decl":
    case "builtin":
    case "rule":
    case "params":
    case "paramtree":
      return showType(t);
    default:
      return `\`${showType(t)}\``;
  }
}
