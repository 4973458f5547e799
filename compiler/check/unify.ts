// Signatures and size-variable unification. A declared type such as `f32[..., I]` becomes a
// pattern whose size variables are symbols; a call binds them by matching the argument types
// (`bindPattern`), and the result type is the declared one with the bindings substituted
// (`substitute`). Inside the declaration's own body, the unbound symbols stand for themselves.

import type * as A from "../ast/nodes.js";
import { dimEquals, isFloat, isInt, showDim, quoteType, type Dim, type RestDim, type Shape, type TensorType, type Type } from "./types.js";

/** Size-variable bindings of one call. */
export class Bindings {
  readonly dims = new Map<string, { dim: Dim; from: A.Dim | null; argSpan: A.Arg["span"] | null }>();
  readonly rests = new Map<string, Shape>(); // `...` -> the leading dims it stands for
}

export const REST = "...";

/** The pattern type of a declared type; `restName` distinguishes the `...` of different signatures. */
export function typeOfTypeExpr(t: A.TypeExpr, restName = REST): Type {
  switch (t.kind) {
    case "TensorType": {
      if (t.dims === null) return { k: "tensor", dtype: t.dtype, shape: { rest: null, dims: [] }, weak: false };
      let rest: RestDim | null = null;
      const dims: Dim[] = [];
      for (const d of t.dims) {
        if (d.kind === "DimRest") rest = { rest: restName };
        else if (d.kind === "DimNum") dims.push(d.value);
        else dims.push({ sym: d.name });
      }
      return { k: "tensor", dtype: t.dtype, shape: { rest, dims }, weak: false };
    }
    case "NamedType":
      if (t.name === "str") return { k: "str" };
      return { k: "tensor", dtype: t.name === "int" ? "i32" : "f32", shape: { rest: null, dims: [] }, weak: false };
    case "RecordType":
      return { k: "record", fields: new Map(t.fields.map((f) => [f.name.name, typeOfTypeExpr(f.type, restName)])), dataset: false };
    case "Missing":
      return { k: "unknown" };
  }
}

export type UnifyError = { message: string; patternDim?: A.Dim | null };

/** Can a value of dtype `actual` (maybe weak) be passed where `expected` is declared? */
export function dtypeAccepts(expected: TensorType, actual: TensorType): boolean {
  if (expected.dtype === actual.dtype) return true;
  if (!actual.weak) return false;
  if (isFloat(expected.dtype)) return isFloat(actual.dtype) || isInt(actual.dtype);
  if (isInt(expected.dtype)) return isInt(actual.dtype);
  return false;
}

/**
 * Matches an argument type against a declared (pattern) type, extending `b`.
 * `dimSyntax` maps a pattern's dims to their AST nodes, for "bound here" labels.
 */
export function bindPattern(pattern: Type, actual: Type, b: Bindings, argSpan: A.Arg["span"] | null): UnifyError | null {
  if (actual.k === "unknown" || pattern.k === "unknown") return null;
  if (pattern.k === "str") return actual.k === "str" ? null : { message: `expected a string, found ${quoteType(actual)}` };
  if (pattern.k === "record") {
    if (actual.k !== "record") return { message: `expected a record ${quoteType(pattern)}, found ${quoteType(actual)}` };
    for (const [name, ft] of pattern.fields) {
      const at = actual.fields.get(name);
      if (at === undefined) return { message: `the record has no field \`${name}\`` };
      const e = bindPattern(ft, at, b, argSpan);
      if (e) return { message: `field \`${name}\`: ${e.message}` };
    }
    return null;
  }
  if (pattern.k !== "tensor") return null;
  if (actual.k !== "tensor") return { message: `expected ${quoteType(pattern)}, found ${quoteType(actual)}` };
  if (!dtypeAccepts(pattern, actual)) return { message: `expected ${quoteType(pattern)}, found ${quoteType(actual)}` };
  const ps = pattern.shape;
  const as = actual.shape;
  if (ps === null || as === null) return null;
  const np = ps.dims.length;
  const na = as.dims.length;
  if (!ps.rest && !as.rest && np !== na) return { message: `expected rank ${np} (${quoteType(pattern)}), found rank ${na} (${quoteType(actual)})` };
  if (ps.rest && !as.rest && na < np) return { message: `expected at least rank ${np} (${quoteType(pattern)}), found rank ${na} (${quoteType(actual)})` };
  // match trailing dims right to left
  const n = Math.min(np, na);
  for (let i = 1; i <= n; i++) {
    const pd = ps.dims[np - i]!;
    const ad = as.dims[na - i]!;
    const e = bindDim(pd, ad, b, argSpan);
    if (e) return e;
  }
  if (ps.rest) {
    const lead: Shape = { rest: as.rest, dims: as.dims.slice(0, Math.max(0, na - np)) };
    const prev = b.rests.get(ps.rest.rest);
    if (prev === undefined) b.rests.set(ps.rest.rest, lead);
    else if (!shapeMatch(prev, lead)) return { message: `\`...\` stands for [${showLead(prev)}] in one argument and [${showLead(lead)}] in another` };
  }
  return null;
}

function showLead(s: Shape): string {
  const parts = s.dims.map(showDim);
  if (s.rest) parts.unshift("...");
  return parts.join(", ");
}

function shapeMatch(a: Shape, b: Shape): boolean {
  if ((a.rest?.rest ?? null) !== (b.rest?.rest ?? null)) return a.rest !== null || b.rest !== null; // lenient with `...`
  return a.dims.length === b.dims.length && a.dims.every((d, i) => dimEquals(d, b.dims[i]!));
}

function bindDim(pd: Dim, ad: Dim, b: Bindings, argSpan: A.Arg["span"] | null): UnifyError | null {
  if (typeof pd === "number") {
    if (dimEquals(pd, ad)) return null;
    return { message: `expected size ${pd}, found ${showDim(ad)}` };
  }
  const prev = b.dims.get(pd.sym);
  if (prev === undefined) {
    b.dims.set(pd.sym, { dim: ad, from: null, argSpan });
    return null;
  }
  if (dimEquals(prev.dim, ad)) return null;
  return { message: `size \`${pd.sym}\` is ${showDim(prev.dim)} here but ${showDim(ad)} in another argument` };
}

/** Binds an `int` parameter named like a size variable to the argument's value. */
export function bindIntParam(name: string, value: Dim, b: Bindings, argSpan: A.Arg["span"] | null): UnifyError | null {
  return bindDim({ sym: name }, value, b, argSpan);
}

/** The declared type with the call's bindings substituted; unbound variables stay symbolic. */
export function substitute(t: Type, b: Bindings): Type {
  switch (t.k) {
    case "tensor": {
      if (t.shape === null) return t;
      const dims = t.shape.dims.map((d) => (typeof d === "number" ? d : (b.dims.get(d.sym)?.dim ?? d)));
      if (t.shape.rest) {
        const lead = b.rests.get(t.shape.rest.rest);
        if (lead !== undefined) return { ...t, shape: { rest: lead.rest, dims: [...lead.dims, ...dims] } };
      }
      return { ...t, shape: { rest: t.shape.rest, dims } };
    }
    case "record":
      return { ...t, fields: new Map([...t.fields].map(([k, v]) => [k, substitute(v, b)])) };
    case "list":
      return { ...t, items: t.items.map((i) => substitute(i, b)) };
    default:
      return t;
  }
}

/** Size-variable names that a declared type mentions, in order of appearance. */
export function sizeVarsOf(t: A.TypeExpr | null, out: Map<string, A.Dim> = new Map()): Map<string, A.Dim> {
  if (t === null) return out;
  if (t.kind === "TensorType") for (const d of t.dims ?? []) if (d.kind === "DimVar" && !out.has(d.name)) out.set(d.name, d);
  if (t.kind === "RecordType") for (const f of t.fields) sizeVarsOf(f.type, out);
  return out;
}
