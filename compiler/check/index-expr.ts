// Indexing and slicing, NumPy style: `x[0]` drops a dimension, `x[1:3]` keeps it with a new
// size, `x[..., -1]` indexes from the end, and integer tensors gather (`logits[iota(B), y]`:
// the index tensors broadcast together and their shape replaces the indexed dimensions).

import type * as A from "../ast/nodes.js";
import { BT, joinBT, type Scope } from "./env.js";
import type { Checker, Ctx } from "./checker.js";
import type { Val } from "./call-context.js";
import { broadcastShapes } from "./shapes.js";
import { isInt, showShape, quoteType, unknown, type Dim, type Shape, type TensorType } from "./types.js";

type Item =
  | { kind: "int"; value: number | undefined; span: A.Expr["span"] }
  | { kind: "gather"; shape: Shape | null; span: A.Expr["span"] }
  | { kind: "slice"; start: number | undefined; stop: number | undefined; step: number | undefined; known: boolean }
  | { kind: "ellipsis" };

export function checkIndex(cx: Checker, e: A.Index, scope: Scope, ctx: Ctx): Val {
  const o = cx.expr(e.object, scope, ctx);
  const bts: BT[] = [o.bt];
  const items: Item[] = [];
  let bad = false;
  for (const it of e.indices) {
    if (it.kind === "EllipsisIndex") {
      items.push({ kind: "ellipsis" });
      continue;
    }
    if (it.kind === "Slice") {
      const parts = [it.start, it.stop, it.step].map((p) => {
        if (p === null) return { v: undefined, known: true };
        const v = cx.expr(p, scope, ctx);
        bts.push(v.bt);
        if (v.type.k === "tensor" && v.type.value !== undefined && Number.isInteger(v.type.value)) return { v: v.type.value, known: true };
        if (v.type.k === "tensor" && !isInt(v.type.dtype)) {
          cx.report({ code: "LIP3004", message: `slice bounds must be integers, found ${quoteType(v.type)}`, span: p.span, label: "not an integer" });
          bad = true;
        }
        return { v: undefined, known: false };
      });
      if (parts[2]!.v === 0) {
        cx.report({ code: "LIP3012", message: "a slice step cannot be zero", span: it.step!.span, label: "zero step" });
        bad = true;
      }
      items.push({ kind: "slice", start: parts[0]!.v, stop: parts[1]!.v, step: parts[2]!.v, known: parts.every((p) => p.known) });
      continue;
    }
    const v = cx.expr(it, scope, ctx);
    bts.push(v.bt);
    if (v.type.k === "unknown") {
      items.push({ kind: "gather", shape: null, span: it.span });
      continue;
    }
    if (v.type.k !== "tensor" || !isInt(v.type.dtype)) {
      cx.report({ code: "LIP3004", message: `an index must be an integer or an integer tensor, found ${quoteType(v.type)}`, span: it.span, label: "not an integer", help: v.type.k === "tensor" && v.type.dtype === "bool" ? "for masking use `where(mask, x, 0)`" : "convert with `i32(...)`" });
      bad = true;
      continue;
    }
    const s = v.type.shape;
    if (s && !s.rest && s.dims.length === 0) items.push({ kind: "int", value: v.type.value, span: it.span });
    else items.push({ kind: "gather", shape: s, span: it.span });
  }
  const bt = joinBT(...bts);
  if (bad || o.type.k === "unknown") return { type: unknown, bt };
  if (o.type.k !== "tensor") {
    cx.report({ code: "LIP3010", message: `only tensors can be indexed, found ${quoteType(o.type)}`, span: e.object.span, label: "not a tensor" });
    return { type: unknown, bt };
  }
  const t = o.type;
  if (!t.shape) return { type: { ...t, shape: null, value: undefined }, bt };
  const shape = indexShape(cx, e, t, t.shape, items);
  return { type: { k: "tensor", dtype: t.dtype, shape, weak: t.weak }, bt };
}

function indexShape(cx: Checker, e: A.Index, t: TensorType, s: Shape, items: Item[]): Shape | null {
  const ellipses = items.filter((i) => i.kind === "ellipsis").length;
  if (ellipses > 1) {
    cx.report({ code: "LIP3012", message: "an index can have at most one `...`", span: e.span, label: "two `...`" });
    return null;
  }
  const consuming = items.filter((i) => i.kind !== "ellipsis").length;
  const explicitRank = s.dims.length;
  if (!s.rest && consuming > explicitRank) {
    cx.report({ code: "LIP3012", message: `too many indices: ${consuming} for a tensor of rank ${explicitRank} (${quoteType(t)})`, span: e.span, label: `${consuming} indices` });
    return null;
  }
  // Align: items before `...` index leading dims, items after it index trailing dims.
  const ei = items.findIndex((i) => i.kind === "ellipsis");
  const front = ei < 0 ? items : items.slice(0, ei);
  const back = ei < 0 ? [] : items.slice(ei + 1);
  if (s.rest && front.length > 0) return null; // leading dims hidden in `...`: rank unknown
  const dims = s.dims;
  const frontDims = dims.slice(0, front.length);
  const backDims = back.length ? dims.slice(dims.length - back.length) : [];
  const middle = dims.slice(front.length, dims.length - back.length);
  const out: Dim[] = [];
  let gatherShape: Shape | null | undefined;
  let gatherPos = -1;
  const apply = (its: Item[], ds: readonly Dim[]): boolean => {
    for (let i = 0; i < its.length; i++) {
      const it = its[i]!;
      const d = ds[i]!;
      if (it.kind === "int") {
        if (it.value !== undefined && typeof d === "number" && (it.value >= d || it.value < -d)) {
          cx.report({ code: "LIP3012", message: `index ${it.value} is out of range for a dimension of size ${d}`, span: it.span, label: "out of range" });
          return false;
        }
        continue;
      }
      if (it.kind === "gather") {
        if (gatherShape === undefined) {
          gatherShape = it.shape;
          gatherPos = out.length;
        } else {
          const r = broadcastShapes(gatherShape, it.shape);
          if (!r.ok) {
            cx.report({ code: "LIP3001", message: `index tensors of shapes \`${showShape(gatherShape)}\` and \`${showShape(it.shape)}\` cannot be broadcast together`, span: it.span, label: r.message });
            return false;
          }
          gatherShape = r.shape;
        }
        continue;
      }
      if (it.kind === "slice") out.push(sliceSize(d, it));
    }
    return true;
  };
  if (!apply(front, frontDims)) return null;
  out.push(...middle);
  if (!apply(back, backDims)) return null;
  if (gatherShape === null) return null;
  if (gatherShape !== undefined) {
    if (gatherShape.rest) return null;
    out.splice(gatherPos, 0, ...gatherShape.dims);
  }
  return { rest: s.rest, dims: out };
}

function sliceSize(d: Dim, it: { start: number | undefined; stop: number | undefined; step: number | undefined; known: boolean }): Dim {
  if (it.start === undefined && it.stop === undefined && (it.step === undefined || it.step === 1) && it.known) return d;
  if (typeof d !== "number" || !it.known) {
    // with a symbolic size, only slices with both bounds non-negative are statically sized
    if (it.start !== undefined && it.stop !== undefined && it.start >= 0 && it.stop >= it.start && (it.step ?? 1) > 0) return Math.ceil((it.stop - it.start) / (it.step ?? 1));
    return { sym: `?${typeof d === "number" ? d : d.sym}` };
  }
  const step = it.step ?? 1;
  const norm = (x: number) => (x < 0 ? Math.max(0, d + x) : Math.min(d, x));
  if (step > 0) {
    const start = it.start === undefined ? 0 : norm(it.start);
    const stop = it.stop === undefined ? d : norm(it.stop);
    return Math.max(0, Math.ceil((stop - start) / step));
  }
  const start = it.start === undefined ? d - 1 : Math.min(d - 1, it.start < 0 ? d + it.start : it.start);
  const stop = it.stop === undefined ? -1 : it.stop < 0 ? Math.max(-1, d + it.stop) : it.stop;
  return Math.max(0, Math.ceil((stop - start) / step));
}
