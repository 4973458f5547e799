// Indexing and slicing: basic indices (integers, slices, `...`) become one `slice` and a
// `reshape` that drops the integer-indexed dims; integer tensors (advanced indexing, NumPy
// rules) become a `gather`, after the slices.

import type * as A from "../ast/nodes.js";
import { CompilerBug } from "../diag/diagnostic.js";
import type { Node } from "../ir/node.js";
import type { Env } from "./env.js";
import type { Lowerer, LowerCtx } from "./lowerer.js";
import { tensorV, type LVal } from "./values.js";

type Item = { k: "int"; v: number } | { k: "slice"; start: number | null; stop: number | null; step: number | null } | { k: "tensor"; node: Node };

export function lowerIndex(lw: Lowerer, e: A.Index, env: Env, ctx: LowerCtx): LVal {
  const x = lw.node(lw.expr(e.object, env, ctx));
  const rank = x.shape.length;
  const raw: (Item | "ellipsis")[] = e.indices.map((it): Item | "ellipsis" => {
    if (it.kind === "EllipsisIndex") return "ellipsis";
    if (it.kind === "Slice") {
      const part = (p: A.Expr | null) => (p === null ? null : lw.num(lw.expr(p, env, ctx)));
      return { k: "slice", start: part(it.start), stop: part(it.stop), step: part(it.step) };
    }
    const v = lw.expr(it, env, ctx);
    return v.k === "num" ? { k: "int", v: v.value } : { k: "tensor", node: lw.node(v) };
  });
  // expand `...` into full slices
  const consuming = raw.filter((i) => i !== "ellipsis").length;
  const items: Item[] = [];
  for (const it of raw) {
    if (it === "ellipsis") for (let i = 0; i < rank - consuming; i++) items.push({ k: "slice", start: null, stop: null, step: null });
    else items.push(it);
  }
  while (items.length < rank) items.push({ k: "slice", start: null, stop: null, step: null });
  if (items.length > rank) throw new CompilerBug("too many indices");

  const hasTensor = items.some((i) => i.k === "tensor");
  const starts: number[] = [];
  const stops: number[] = [];
  const steps: number[] = [];
  const keep: number[] = [];
  const gather: (Node | null)[] = [];
  items.forEach((it, axis) => {
    const d = x.shape[axis]!;
    if (it.k === "slice") {
      const step = it.step ?? 1;
      const [s, t] = sliceBounds(d, it.start, it.stop, step);
      starts.push(s);
      stops.push(t);
      steps.push(step);
      keep.push(step > 0 ? Math.max(0, Math.ceil((t - s) / step)) : Math.max(0, Math.ceil((t - s) / step)));
      gather.push(null);
    } else if (it.k === "int") {
      const i = it.v < 0 ? it.v + d : it.v;
      if (hasTensor) {
        starts.push(0);
        stops.push(d);
        steps.push(1);
        keep.push(d);
        gather.push(lw.b.constant(i, "i32"));
      } else {
        starts.push(i);
        stops.push(i + 1);
        steps.push(1);
        keep.push(-1); // dropped
        gather.push(null);
      }
    } else {
      starts.push(0);
      stops.push(d);
      steps.push(1);
      keep.push(d);
      gather.push(it.node);
    }
  });
  const trivial = starts.every((s, i) => s === 0 && stops[i] === x.shape[i] && steps[i] === 1);
  let y = trivial ? x : lw.b.slice(x, starts, stops, steps);
  if (!hasTensor) {
    const shape = keep.map((k, i) => (k === -1 ? -1 : y.shape[i]!)).filter((k) => k !== -1);
    if (shape.length !== y.shape.length) y = lw.b.reshape(y, shape);
    return tensorV(y);
  }
  return tensorV(lw.b.gather(y, gather));
}

/** NumPy's slice bounds for a dimension of size d (step may be negative). */
function sliceBounds(d: number, start: number | null, stop: number | null, step: number): [number, number] {
  const clamp = (v: number, lo: number, hi: number) => Math.max(lo, Math.min(hi, v));
  if (step > 0) {
    const s = start === null ? 0 : clamp(start < 0 ? start + d : start, 0, d);
    const t = stop === null ? d : clamp(stop < 0 ? stop + d : stop, 0, d);
    return [s, Math.max(s, t)];
  }
  const s = start === null ? d - 1 : clamp(start < 0 ? start + d : start, -1, d - 1);
  const t = stop === null ? -1 : clamp(stop < 0 ? stop + d : stop, -1, d - 1);
  return [s, Math.min(s, t)];
}
