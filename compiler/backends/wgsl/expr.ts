// The scalar half of the kernel IR: expressions over one element. An expression is a constant,
// a variable (a stage function's parameter or accumulator), a load from a buffer region, or a
// scalar op applied to expressions. Expressions are hash-consed per `ExprContext`, so a value
// needed twice at the same index (softmax's `exp(x - max)` read by two outputs) is one node and
// the renderer emits it once as a `let`.
//
// Index arithmetic (i32, non-negative by construction) is simplified as it is built: constants
// fold, and `div`/`mod` by a constant see through sums of multiples (`(a*8 + b) / 8 = a` when
// 0 <= b < 8), using each index expression's known range. This keeps the index maps of
// reshape/transpose/broadcast chains as short as what a person would write.

import { CompilerBug } from "../../diag/diagnostic.js";

/** Types in registers: bool is a WGSL `bool`; in buffers it is stored as an i32 0 or 1. */
export type ScalarType = "f32" | "i32" | "u32" | "bool";

/** Where a value lives: see memory.ts (arenas per space and dtype). */
export type Space = "slot" | "slot_next" | "input" | "output" | "tmp" | "const" | "uniform";

/** A region of an arena: `count` elements of `dtype` from element `offset` (set by the memory plan). */
export interface Region {
  readonly name: string; // the IR value it holds, for comments and plan.json
  readonly space: Space;
  readonly dtype: "f32" | "i32" | "bool";
  readonly count: number;
  offset: number; // element offset in its arena (assigned by memory.ts; -1 until then)
}

interface Base {
  readonly id: number;
  readonly type: ScalarType;
  /** Inclusive bounds for i32 expressions (index arithmetic), when known. */
  readonly lo: number;
  readonly hi: number;
}
export interface ConstExpr extends Base {
  readonly k: "const";
  readonly value: number;
}
export interface VarExpr extends Base {
  readonly k: "var";
  readonly name: string;
}
export interface LoadExpr extends Base {
  readonly k: "load";
  readonly region: Region;
  readonly index: Expr;
}
export interface OpExpr extends Base {
  readonly k: "op";
  readonly op: string; // a key of `scalarOps` in render.ts
  readonly args: readonly Expr[];
}
export type Expr = ConstExpr | VarExpr | LoadExpr | OpExpr;

const I32_MIN = -2147483648;
const I32_MAX = 2147483647;

/** The builder and intern table of expressions for one compilation. */
export class ExprContext {
  private readonly table = new Map<string, Expr>();
  private readonly regionIds = new Map<Region, number>();
  private next = 0;

  private intern<E extends Expr>(key: string, make: (id: number) => E): E {
    const hit = this.table.get(key);
    if (hit) return hit as E;
    const e = make(this.next++);
    this.table.set(key, e);
    return e;
  }

  private regionId(r: Region): number {
    let id = this.regionIds.get(r);
    if (id === undefined) this.regionIds.set(r, (id = this.regionIds.size));
    return id;
  }

  constant(value: number, type: ScalarType): ConstExpr {
    if (type === "bool") value = value ? 1 : 0;
    if (type === "i32") value = value | 0;
    if (type === "f32") value = Math.fround(value);
    const key = `c|${type}|${Object.is(value, -0) ? "-0" : String(value)}`;
    return this.intern(key, (id) => ({ id, k: "const", type, value, lo: value, hi: value }));
  }

  variable(name: string, type: ScalarType, lo = I32_MIN, hi = I32_MAX): VarExpr {
    return this.intern(`v|${name}|${type}|${lo}|${hi}`, (id) => ({ id, k: "var", type, name, lo, hi }));
  }

  load(region: Region, index: Expr): LoadExpr {
    const type: ScalarType = region.dtype;
    return this.intern(`l|${this.regionId(region)}|${index.id}`, (id) => ({ id, k: "load", type, region, index, lo: I32_MIN, hi: I32_MAX }));
  }

  /** A scalar op of result type `type` (no simplification: see the index helpers below). */
  op(op: string, type: ScalarType, args: readonly Expr[], lo = I32_MIN, hi = I32_MAX): Expr {
    return this.intern(`o|${op}|${type}|${args.map((a) => a.id).join(",")}`, (id) => ({ id, k: "op", type, op, args: [...args], lo, hi }));
  }

  // ---------------------------------------------------------------- index arithmetic (i32)

  int(v: number): ConstExpr {
    return this.constant(v, "i32");
  }

  add(a: Expr, b: Expr): Expr {
    const t = linear(a).plus(linear(b));
    return this.fromLinear(t);
  }

  mul(a: Expr, c: number): Expr {
    return this.fromLinear(linear(a).times(c));
  }

  sub(a: Expr, b: Expr): Expr {
    return this.fromLinear(linear(a).plus(linear(b).times(-1)));
  }

  /** a / c for a constant c > 0 and a >= 0 (the caller guarantees both). */
  div(a: Expr, c: number): Expr {
    if (c === 1) return a;
    if (a.lo >= 0 && a.hi < c) return this.int(0);
    const l = linear(a);
    if (a.lo >= 0) {
      const q = new Linear();
      const r = new Linear();
      q.c = Math.floor(l.c / c);
      r.c = l.c - q.c * c;
      for (const [atom, k] of l.terms) (k % c === 0 ? q.add(atom, k / c) : r.add(atom, k));
      const [rlo, rhi] = r.range();
      if (rlo >= 0 && rhi < c) return this.fromLinear(q);
      if (q.terms.size === 0 && q.c === 0) return this.rawBinary("div", this.fromLinear(r), c);
      if (rlo >= 0 && r.terms.size > 0) return this.add(this.fromLinear(q), this.rawBinary("div", this.fromLinear(r), c));
    }
    return this.rawBinary("div", a, c);
  }

  /** a % c for a constant c > 0 and a >= 0. */
  mod(a: Expr, c: number): Expr {
    if (c === 1) return this.int(0);
    if (a.lo >= 0 && a.hi < c) return a;
    if (a.lo >= 0) {
      const l = linear(a);
      const r = new Linear();
      r.c = ((l.c % c) + c) % c;
      for (const [atom, k] of l.terms) if (k % c !== 0) r.add(atom, k);
      const [rlo, rhi] = r.range();
      if (rlo >= 0 && rhi < c) return this.fromLinear(r);
      if (rlo >= 0) return this.rawBinary("mod", this.fromLinear(r), c);
    }
    return this.rawBinary("mod", a, c);
  }

  /** clamp(a, lo, hi) for constants lo <= hi. */
  clamp(a: Expr, lo: number, hi: number): Expr {
    if (a.lo >= lo && a.hi <= hi) return a;
    if (lo === hi) return this.int(lo);
    return this.op("clamp_i", "i32", [a, this.int(lo), this.int(hi)], Math.max(lo, a.lo), Math.min(hi, a.hi));
  }

  private rawBinary(op: "div" | "mod", a: Expr, c: number): Expr {
    const [lo, hi] = op === "div" ? [Math.floor(Math.max(a.lo, 0) / c), Math.floor(a.hi / c)] : [0, Math.min(c - 1, a.hi)];
    if (a.lo < 0) return this.op(op === "div" ? "idx_div" : "idx_mod", "i32", [a, this.int(c)]);
    return this.op(op === "div" ? "idx_div" : "idx_mod", "i32", [a, this.int(c)], lo, hi);
  }

  private fromLinear(l: Linear): Expr {
    recombine(l);
    let out: Expr | null = null;
    // terms in a deterministic order (by expression id) so equal sums intern equally
    const terms = [...l.terms].filter(([, k]) => k !== 0).sort((x, y) => x[0].id - y[0].id);
    for (const [atom, k] of terms) {
      const term = k === 1 ? atom : this.op("idx_mul", "i32", [atom, this.int(k)], ...scaled(atom, k));
      out = out === null ? term : this.op("idx_add", "i32", [out, term], out.lo + term.lo, out.hi + term.hi);
    }
    if (out === null) return this.int(l.c);
    if (l.c !== 0) out = this.op("idx_add", "i32", [out, this.int(l.c)], out.lo + l.c, out.hi + l.c);
    return out;
  }
}

function scaled(e: Expr, k: number): [number, number] {
  const a = e.lo * k;
  const b = e.hi * k;
  return [Math.max(I32_MIN, Math.min(a, b)), Math.min(I32_MAX, Math.max(a, b))];
}

/** sum of coefficient * atom, plus a constant. */
class Linear {
  readonly terms = new Map<Expr, number>();
  c = 0;

  add(atom: Expr, k: number): void {
    const v = (this.terms.get(atom) ?? 0) + k;
    if (v === 0) this.terms.delete(atom);
    else this.terms.set(atom, v);
  }

  plus(o: Linear): Linear {
    const r = new Linear();
    r.c = this.c + o.c;
    for (const [a, k] of this.terms) r.add(a, k);
    for (const [a, k] of o.terms) r.add(a, k);
    return r;
  }

  times(k: number): Linear {
    const r = new Linear();
    r.c = this.c * k;
    if (k !== 0) for (const [a, v] of this.terms) r.add(a, v * k);
    return r;
  }

  range(): [number, number] {
    let lo = this.c;
    let hi = this.c;
    for (const [a, k] of this.terms) {
      const [x, y] = scaled(a, k);
      lo += x;
      hi += y;
    }
    return [lo, hi];
  }
}

/**
 * (x / c) * c + x % c = x: the terms that split an index into a quotient and a remainder (an
 * unflattened index flattened again) recombine, repeatedly, so reshape round trips vanish.
 */
function recombine(l: Linear): void {
  for (let changed = true; changed; ) {
    changed = false;
    for (const [m, k] of l.terms) {
      if (m.k !== "op" || m.op !== "idx_mod" || m.args[1]!.k !== "const") continue;
      const [x, c] = [m.args[0]!, m.args[1]!.value];
      const q = [...l.terms.keys()].find((d) => d.k === "op" && d.op === "idx_div" && d.args[0] === x && d.args[1]!.k === "const" && d.args[1]!.value === c);
      if (!q || l.terms.get(q) !== k * c) continue;
      l.add(m, -k);
      l.add(q, -k * c);
      for (const [a, v] of linear(x).terms) l.add(a, v * k);
      l.c += linear(x).c * k;
      changed = true;
      break;
    }
  }
}

/** The linear form of an i32 expression: sums and constant multiples are seen through. */
function linear(e: Expr): Linear {
  if (e.type !== "i32") throw new CompilerBug(`index arithmetic on a ${e.type} expression`);
  const l = new Linear();
  if (e.k === "const") l.c = e.value;
  else if (e.k === "op" && e.op === "idx_add") return linear(e.args[0]!).plus(linear(e.args[1]!));
  else if (e.k === "op" && e.op === "idx_mul" && e.args[1]!.k === "const") return linear(e.args[0]!).times(e.args[1]!.value);
  else l.add(e, 1);
  return l;
}

/** Row-major flat index of a multi-index over `shape`. */
export function flatIndex(cx: ExprContext, idx: readonly Expr[], shape: readonly number[]): Expr {
  let out: Expr = cx.int(0);
  let stride = 1;
  for (let d = shape.length - 1; d >= 0; d--) {
    if (shape[d] !== 1) out = cx.add(out, cx.mul(idx[d]!, stride));
    stride *= shape[d]!;
  }
  return out;
}

/** The multi-index over `shape` of a flat index (div/mod per axis, simplified). */
export function unflatIndex(cx: ExprContext, flat: Expr, shape: readonly number[]): Expr[] {
  const out = new Array<Expr>(shape.length);
  let stride = 1;
  for (let d = shape.length - 1; d >= 0; d--) {
    const dim = shape[d]!;
    out[d] = dim === 1 ? cx.int(0) : d === 0 ? cx.div(flat, stride) : cx.mod(cx.div(flat, stride), dim);
    stride *= dim;
  }
  return out;
}

/** Every expression reachable from `roots`, operands first (a deterministic order). */
export function exprOrder(roots: readonly Expr[]): Expr[] {
  const seen = new Set<Expr>();
  const out: Expr[] = [];
  const stack: [Expr, number][] = roots.map((r) => [r, 0] as [Expr, number]).reverse();
  while (stack.length) {
    const top = stack[stack.length - 1]!;
    const [e, i] = top;
    if (seen.has(e)) {
      stack.pop();
      continue;
    }
    const kids = e.k === "op" ? e.args : e.k === "load" ? [e.index] : [];
    if (i < kids.length) {
      top[1]++;
      if (!seen.has(kids[i]!)) stack.push([kids[i]!, 0]);
      continue;
    }
    stack.pop();
    seen.add(e);
    out.push(e);
  }
  return out;
}
