// The WGSL lowering of every primitive, as one table `{ [O in Op]: WgslRule<O> }` (a primitive
// without a rule does not compile). A rule says what kind of thing the op is to the fusion pass
// and, for ops that become part of a fused expression, how to compute one element:
//   inline  an element of the result at multi-index `idx`, from elements of the sources read
//           with `at(k, idx')` (elementwise ops read at idx itself; movement ops move the index:
//           broadcast drops and zeroes axes, transpose permutes, slice scales and shifts, ...)
//   leaf    a value that lives in a buffer (an input or a literal): a load
//   reduce / matmul / scatter: an anchor of a kernel; fuse.ts builds its loops
//
// The scalar semantics are those of the primitives' eval rules (compiler/ir/prims/*.ts), which
// WGSL does not give by itself: integer division by zero is 0, mod is floor modulo, max/min and
// relu propagate NaN, casts to i32 saturate and send NaN to 0, gather clamps its indices. Those
// go through the helper functions of helpers.ts (named `f_*`, `i_*`, `cast_*`).

import { CompilerBug } from "../../diag/diagnostic.js";
import type { DType } from "../../ir/dtype.js";
import type { Node } from "../../ir/node.js";
import { Op } from "../../ir/ops.js";
import { flatIndex, unflatIndex, type Expr, type ExprContext, type ScalarType } from "./expr.js";
import type { ReduceOpKind } from "./kernel-ir.js";

/** A graph that WGSL cannot run (f64), reported to the user. */
export class WgslUnsupported extends Error {
  constructor(message: string) {
    super(message);
    this.name = "WgslUnsupported";
  }
}

export function scalarType(d: DType): "f32" | "i32" | "bool" {
  if (d === "f64") throw new WgslUnsupported("WebGPU has no f64: this graph computes in f64 (use f32, or run it with `--backend reference`)");
  return d;
}

/** What a rule gets to compute one element of `node`'s result at `idx`. */
export interface ElementCx<O extends Op> {
  readonly cx: ExprContext;
  readonly node: Node<O>;
  readonly idx: readonly Expr[];
  /** Source k's element at a multi-index of that source. */
  readonly at: (k: number, idx: readonly Expr[]) => Expr;
}

export type WgslRule<O extends Op> =
  | { readonly kind: "inline"; readonly element: (e: ElementCx<O>) => Expr; readonly cost: number }
  | { readonly kind: "leaf" }
  | { readonly kind: "reduce"; readonly op: ReduceOpKind }
  | { readonly kind: "matmul" }
  | { readonly kind: "scatter" };

type Rules = { readonly [O in Op]: WgslRule<O> };

// ---------------------------------------------------------------- helpers for the table

const same = <O extends Op>(e: ElementCx<O>, k: number) => e.at(k, e.idx);
const ty = (n: Node): ScalarType => scalarType(n.dtype);

/** A unary op: its scalar op per result type (undefined: not defined for that type). */
function unary<O extends Op>(ops: Partial<Record<ScalarType, string>>, cost = 1): WgslRule<O> {
  return {
    kind: "inline",
    cost,
    element: (e) => {
      const t = ty(e.node);
      const op = ops[t];
      if (op === undefined) throw new CompilerBug(`${e.node.op} has no WGSL lowering for ${t}`);
      return e.cx.op(op, t, [same(e, 0)]);
    },
  };
}

/** A binary op on operands of one type (the result type is the node's). */
function binary<O extends Op>(ops: Partial<Record<ScalarType, string>>, cost = 1): WgslRule<O> {
  return {
    kind: "inline",
    cost,
    element: (e) => {
      const t = scalarType(e.node.src[0]!.dtype);
      const op = ops[t];
      if (op === undefined) throw new CompilerBug(`${e.node.op} has no WGSL lowering for ${t}`);
      return e.cx.op(op, ty(e.node), [same(e, 0), same(e, 1)]);
    },
  };
}

const arith = (f: string, i: string = f) => ({ f32: f, i32: i });
const compare = (op: string) => ({ f32: op, i32: op, bool: op });

/** The index of source 0 for a movement op whose result element idx reads source element f(idx). */
function moved<O extends Op>(f: (cx: ExprContext, node: Node<O>, idx: readonly Expr[]) => Expr[]): WgslRule<O> {
  return { kind: "inline", cost: 0, element: (e) => e.at(0, f(e.cx, e.node, e.idx)) };
}

const leaf = { kind: "leaf" } as const;

// ---------------------------------------------------------------- the table

export const wgslRules: Rules = {
  [Op.Input]: leaf,
  [Op.Literal]: leaf,
  [Op.Constant]: { kind: "inline", cost: 0, element: (e) => e.cx.constant(e.node.arg.value, ty(e.node)) },
  [Op.Iota]: { kind: "inline", cost: 0, element: (e) => (ty(e.node) === "i32" ? e.idx[e.node.arg.axis]! : e.cx.op("cast_i32_f32", "f32", [e.idx[e.node.arg.axis]!])) },

  [Op.Neg]: unary({ f32: "neg", i32: "neg" }),
  [Op.Abs]: unary({ f32: "abs", i32: "abs" }),
  [Op.Sign]: unary({ f32: "f_sign", i32: "sign" }),
  [Op.Exp]: unary({ f32: "exp" }, 4),
  [Op.Log]: unary({ f32: "f_log" }, 8),
  [Op.Sqrt]: unary({ f32: "sqrt" }, 2),
  [Op.Rsqrt]: unary({ f32: "inverseSqrt" }, 2),
  [Op.Sin]: unary({ f32: "f_sin" }, 8),
  [Op.Cos]: unary({ f32: "f_cos" }, 8),
  [Op.Tanh]: unary({ f32: "f_tanh" }, 8),
  [Op.Sigmoid]: unary({ f32: "f_sigmoid" }, 6),
  [Op.Erf]: unary({ f32: "f_erf" }, 12),
  [Op.Relu]: unary({ f32: "f_relu", i32: "i_relu" }),
  [Op.Floor]: unary({ f32: "floor" }),
  [Op.Round]: unary({ f32: "round" }), // WGSL's round is half to even
  [Op.Not]: unary({ bool: "not" }),

  [Op.Add]: binary(arith("add")),
  [Op.Sub]: binary(arith("sub")),
  [Op.Mul]: binary(arith("mul")),
  [Op.Div]: binary(arith("div", "i_div"), 2),
  [Op.Pow]: binary(arith("f_pow", "i_pow"), 12),
  [Op.Max]: binary(arith("f_max", "max")),
  [Op.Min]: binary(arith("f_min", "min")),
  [Op.Mod]: binary(arith("f_mod", "i_mod"), 4),
  [Op.Eq]: binary(compare("eq")),
  [Op.Ne]: binary(compare("ne")),
  [Op.Lt]: binary(compare("lt")),
  [Op.Le]: binary(compare("le")),
  [Op.Gt]: binary(compare("gt")),
  [Op.Ge]: binary(compare("ge")),
  [Op.And]: binary({ bool: "and" }),
  [Op.Or]: binary({ bool: "or" }),

  [Op.Where]: { kind: "inline", cost: 1, element: (e) => e.cx.op("select", ty(e.node), [same(e, 0), same(e, 1), same(e, 2)]) },
  [Op.Cast]: {
    kind: "inline",
    cost: 1,
    element: (e) => {
      const from = ty(e.node.src[0]!);
      const to = ty(e.node);
      const x = same(e, 0);
      return from === to ? x : e.cx.op(`cast_${from}_${to}`, to, [x]);
    },
  },

  [Op.ReduceSum]: { kind: "reduce", op: "sum" },
  [Op.ReduceMax]: { kind: "reduce", op: "max" },
  [Op.ReduceMin]: { kind: "reduce", op: "min" },
  [Op.ReduceProd]: { kind: "reduce", op: "prod" },
  [Op.ArgMax]: { kind: "reduce", op: "argmax" },
  [Op.ArgMin]: { kind: "reduce", op: "argmin" },
  [Op.MatMul]: { kind: "matmul" },

  // reshape: the same row-major flat index
  [Op.Reshape]: moved((cx, n, idx) => unflatIndex(cx, flatIndex(cx, idx, n.shape), n.src[0]!.shape)),
  // result axis d is source axis perm[d]
  [Op.Transpose]: moved((cx, n, idx) => {
    const out = new Array<Expr>(n.rank);
    n.arg.perm.forEach((p, d) => (out[p] = idx[d]!));
    return out;
  }),
  // aligned at the right: leading axes dropped, stretched (size-1) axes read element 0
  [Op.Broadcast]: moved((cx, n, idx) => {
    const src = n.src[0]!.shape;
    const off = n.rank - src.length;
    return src.map((d, i) => (d === 1 ? cx.int(0) : idx[i + off]!));
  }),
  [Op.Slice]: moved((cx, n, idx) => idx.map((i, d) => cx.add(cx.mul(i, n.arg.steps[d]!), cx.int(n.arg.starts[d]!)))),
  [Op.Reverse]: moved((cx, n, idx) => idx.map((i, d) => (n.arg.axes.includes(d) ? cx.sub(cx.int(n.shape[d]! - 1), i) : i))),
  // zeros, then source element i at lo + i * (interior + 1): a select on "is a source element"
  [Op.Pad]: {
    kind: "inline",
    cost: 1,
    element: ({ cx, node, idx, at }) => {
      const src = node.src[0]!.shape;
      const { lo, interior } = node.arg;
      let inside: Expr | null = null;
      const sidx = idx.map((i, d) => {
        const step = interior[d]! + 1;
        const shifted = cx.sub(i, cx.int(lo[d]!));
        if (lo[d] === 0 && step === 1 && node.shape[d] === src[d]) return i;
        const conds = [cx.op("ge", "bool", [shifted, cx.int(0)]), cx.op("lt", "bool", [shifted, cx.int((src[d]! - 1) * step + 1)])];
        // a clamped index (in range where the element is used) keeps every load in bounds
        const clamped = cx.clamp(shifted, 0, Math.max(0, (src[d]! - 1) * step));
        if (step > 1) conds.push(cx.op("eq", "bool", [cx.mod(clamped, step), cx.int(0)]));
        for (const c of conds) inside = inside === null ? c : cx.op("and", "bool", [inside, c]);
        return step > 1 ? cx.div(clamped, step) : clamped;
      });
      const v = at(0, sidx);
      return inside === null ? v : cx.op("select", ty(node), [inside, v, cx.constant(0, ty(node))]);
    },
  },
  // the operand whose range along the axis holds the index (clamped reads, a chain of selects)
  [Op.Concat]: {
    kind: "inline",
    cost: 1,
    element: ({ cx, node, idx, at }) => {
      const ax = node.arg.axis;
      let offset = 0;
      let out: Expr | null = null;
      const parts = node.src.map((s) => {
        const start = offset;
        offset += s.shape[ax]!;
        return { start, len: s.shape[ax]! };
      });
      parts.forEach(({ start, len }, k) => {
        if (len === 0) return;
        const local = cx.clamp(cx.sub(idx[ax]!, cx.int(start)), 0, len - 1);
        const v = at(k, idx.map((i, d) => (d === ax ? local : i)));
        out = out === null ? v : cx.op("select", ty(node), [cx.op("ge", "bool", [idx[ax]!, cx.int(start)]), v, out]);
      });
      if (out === null) throw new CompilerBug("concat of empty operands");
      return out;
    },
  },

  // x[clamp(idx[s, 0]), ..., clamp(idx[s, k-1]), r...]
  [Op.Gather]: {
    kind: "inline",
    cost: 2,
    element: ({ cx, node, idx, at }) => {
      const [x, ind] = node.src as [Node, Node];
      const k = ind.shape[ind.rank - 1]!;
      const batch = idx.slice(0, ind.rank - 1);
      const lead = Array.from({ length: k }, (_, j) => cx.clamp(at(1, [...batch, cx.int(j)]), 0, Math.max(0, x.shape[j]! - 1)));
      return at(0, [...lead, ...idx.slice(ind.rank - 1)]);
    },
  },
  [Op.ScatterAdd]: { kind: "scatter" },

  // element i of the Threefry stream (seed, salt): runtime/random.ts
  [Op.RandomBits]: {
    kind: "inline",
    cost: 40,
    element: ({ cx, node, idx, at }) => cx.op("threefry", "i32", [at(0, []), cx.int(node.arg.salt | 0), flatIndex(cx, idx, node.shape)]),
  },
  [Op.BitsToUnit]: unary({ f32: "bits_to_unit" }),
  [Op.StopGradient]: { kind: "inline", cost: 0, element: (e) => same(e, 0) },
  [Op.StraightThrough]: { kind: "inline", cost: 0, element: (e) => same(e, 0) },
};

export function ruleFor<O extends Op>(op: O): WgslRule<O> {
  return wgslRules[op] as unknown as WgslRule<O>;
}
