// The prelude: every built-in function with its parameters and its static type rule, in one
// table. Each rule reads the checked arguments from a CallContext and returns the result type
// (reporting through the context). The IR's primitive table (a later stage) gives each of these
// its evaluation, gradient and lowerings; everything else in the standard library is Lip code.

import { BT } from "./env.js";
import type { ParamSpec } from "./args.js";
import { CallContext, promote } from "./call-context.js";
import { normaliseAxis, reduceShape, numElements } from "./shapes.js";
import { showShape, quoteType, unknown, isInt, type DType, type Dim, type Shape, type TensorType, type Type } from "./types.js";

export interface Builtin {
  readonly params: readonly ParamSpec[];
  readonly doc: string;
  readonly rule: (c: CallContext) => Type;
  /** Overrides the binding time (random draws and initialisers are not constants). */
  readonly bt?: (c: CallContext) => BT;
  /** Usable as the right-hand side of a `param` declaration (shape from the declaration). */
  readonly initialiser?: boolean;
}

const req = (name: string): ParamSpec => ({ name, optional: false });
const opt = (name: string): ParamSpec => ({ name, optional: true });

function t(dtype: DType, shape: Shape | null, weak = false): TensorType {
  return { k: "tensor", dtype, shape, weak };
}

function shapeOfDims(dims: readonly (Dim | null)[] | undefined): Shape | null {
  if (dims === undefined || dims.some((d) => d === null)) return null;
  return { rest: null, dims: dims as Dim[] };
}

// ---------------------------------------------------------------- elementwise

function unary(kind: "float" | "numeric", doc: string): Builtin {
  return {
    params: [req("x")],
    doc,
    rule: (c) => {
      const x = c.tensor("x", kind === "float" ? { float: true } : { numeric: true });
      if (!x) return unknown;
      return { ...x, value: undefined, sizeVar: undefined };
    },
  };
}

function binaryElementwise(doc: string): Builtin {
  return {
    params: [req("a"), req("b")],
    doc,
    rule: (c) => elementwise(c, ["a", "b"]),
  };
}

function elementwise(c: CallContext, names: string[], resultDtype?: DType): Type {
  const ts: TensorType[] = [];
  for (const n of names) {
    const x = c.tensor(n, { numeric: true });
    if (x) ts.push(x);
  }
  if (ts.length < names.length) return unknown;
  const p = promote(ts);
  if ("clash" in p) {
    c.report({ code: "LIP3004", message: `\`${c.name}\` mixes ${p.clash[0].dtype} and ${p.clash[1].dtype}`, span: c.span, label: `${quoteType(p.clash[0])} and ${quoteType(p.clash[1])}`, help: "convert one of them with `f32(...)` or `i32(...)`" });
    return unknown;
  }
  const shape = c.broadcast(names);
  return t(resultDtype ?? p.dtype, shape, p.weak);
}

// ---------------------------------------------------------------- reductions

function axesOf(c: CallContext): number[] | "all" | undefined {
  const a = c.arg("axis");
  if (a === undefined) return "all";
  if (a.type.k === "list") {
    const out: number[] = [];
    for (const it of a.type.items) {
      if (it.k === "tensor" && it.value !== undefined && Number.isInteger(it.value)) out.push(it.value);
      else {
        c.report({ code: "LIP3009", message: "`axis` must be a compile-time integer or a list of them", span: a.span, label: "not known at compile time" });
        return undefined;
      }
    }
    return out;
  }
  const v = c.constInt("axis");
  return v === undefined ? undefined : [v];
}

function reduction(result: "same" | "bool" | "index" | "mean", doc: string): Builtin {
  return {
    params: [req("x"), opt("axis"), opt("keepdims")],
    doc,
    rule: (c) => {
      const x = c.tensor("x", result === "bool" ? { bool: true } : result === "mean" ? {} : { numeric: true });
      if (!x) return unknown;
      const axes = axesOf(c);
      if (axes === undefined) return unknown;
      if (result === "index" && axes === "all" && !(x.shape && !x.shape.rest && x.shape.dims.length === 1)) {
        c.report({ code: "LIP3008", message: `\`${c.name}\` needs an \`axis\` for a tensor of shape \`${showShape(x.shape)}\``, span: c.span, label: "add `axis: -1`" });
        return unknown;
      }
      const r = reduceShape(x.shape, axes, c.constBool("keepdims") ?? false);
      if (!r.ok) {
        c.report({ code: "LIP3008", message: r.message, span: c.arg("axis")?.span ?? c.span, label: `the tensor has shape \`${showShape(x.shape)}\`` });
        return unknown;
      }
      const dtype: DType = result === "bool" ? "bool" : result === "index" ? "i32" : result === "mean" && (x.dtype === "bool" || isInt(x.dtype)) ? "f32" : x.dtype;
      return t(dtype, r.shape, x.weak && result !== "index");
    },
  };
}

/** `max(a, b)` is elementwise; `max(x, axis: ...)` reduces. */
function maxMin(doc: string): Builtin {
  const red = reduction("same", doc);
  return {
    params: [req("x"), opt("b"), opt("axis"), opt("keepdims")],
    doc,
    rule: (c) => (c.has("b") ? elementwise(c, ["x", "b"]) : red.rule(c)),
  };
}

// ---------------------------------------------------------------- shapes

function reshapeRule(c: CallContext): Type {
  const x = c.tensor("x");
  const dims = c.shapeList("shape", true);
  if (!x || !dims) return unknown;
  const minusOnes = dims.filter((d) => d === -1).length;
  if (minusOnes > 1) {
    c.report({ code: "LIP3011", message: "at most one dimension of a reshape can be -1", span: c.arg("shape")!.span, label: "two -1 here" });
    return unknown;
  }
  if (dims.some((d) => d === null)) return t(x.dtype, null, x.weak);
  const n = x.shape ? numElements(x.shape) : undefined;
  const known = dims.filter((d): d is number => typeof d === "number" && d !== -1);
  if (n !== undefined && known.length === dims.length - minusOnes && dims.every((d) => typeof d === "number")) {
    const prod = known.reduce((a, b) => a * b, 1);
    if (minusOnes === 0 && prod !== n) {
      c.report({ code: "LIP3011", message: `cannot reshape \`${showShape(x.shape)}\` (${n} elements) into [${dims.join(", ")}] (${prod} elements)`, span: c.arg("shape")!.span, label: `${prod} elements` });
      return unknown;
    }
    if (minusOnes === 1) {
      if (prod === 0 || n % prod !== 0) {
        c.report({ code: "LIP3011", message: `cannot reshape \`${showShape(x.shape)}\` (${n} elements) into [${dims.join(", ")}]`, span: c.arg("shape")!.span, label: `${n} is not a multiple of ${prod}` });
        return unknown;
      }
      return t(x.dtype, { rest: null, dims: dims.map((d) => (d === -1 ? n / prod : (d as number))) }, x.weak);
    }
  }
  if (minusOnes === 1) return t(x.dtype, null, x.weak);
  return t(x.dtype, shapeOfDims(dims), x.weak);
}

function transposeRule(c: CallContext): Type {
  const x = c.tensor("x");
  if (!x) return unknown;
  if (!x.shape) return x;
  const permArg = c.arg("perm");
  if (permArg === undefined) {
    if (x.shape.dims.length < 2) {
      if (x.shape.rest) return t(x.dtype, null, x.weak);
      c.report({ code: "LIP3005", message: `\`transpose\` needs a tensor of rank 2 or more, found ${quoteType(x)}`, span: c.arg("x")!.span, label: `rank ${x.shape.dims.length}` });
      return unknown;
    }
    const d = [...x.shape.dims];
    const n = d.length;
    [d[n - 2], d[n - 1]] = [d[n - 1]!, d[n - 2]!];
    return t(x.dtype, { rest: x.shape.rest, dims: d }, x.weak);
  }
  const perm = c.shapeList("perm");
  if (!perm || perm.some((p) => typeof p !== "number")) return t(x.dtype, null, x.weak);
  if (x.shape.rest) return t(x.dtype, null, x.weak);
  const n = x.shape.dims.length;
  const ps = perm as number[];
  const sorted = [...ps].sort((a, b) => a - b);
  if (ps.length !== n || sorted.some((p, i) => p !== i)) {
    c.report({ code: "LIP3008", message: `\`transpose\` needs a permutation of 0..${n - 1}, found [${ps.join(", ")}]`, span: permArg.span, label: "not a permutation" });
    return unknown;
  }
  return t(x.dtype, { rest: null, dims: ps.map((p) => x.shape!.dims[p]!) }, x.weak);
}

function axisRule(c: CallContext, mode: "expand" | "squeeze"): Type {
  const x = c.tensor("x");
  const axis = c.constInt("axis");
  if (!x || axis === undefined || !x.shape) return x ? t(x.dtype, null, x.weak) : unknown;
  const s = x.shape;
  if (mode === "expand") {
    const n = s.dims.length + 1;
    const idx = axis < 0 ? n + axis : axis;
    if (idx < 0 || idx >= n || (s.rest && axis >= 0)) {
      if (s.rest) return t(x.dtype, null, x.weak);
      c.report({ code: "LIP3008", message: `axis ${axis} is out of range for \`expand_dims\` of a rank-${s.dims.length} tensor`, span: c.arg("axis")!.span, label: "out of range" });
      return unknown;
    }
    const d = [...s.dims];
    d.splice(idx, 0, 1);
    return t(x.dtype, { rest: s.rest, dims: d }, x.weak);
  }
  const r = normaliseAxis(s, axis);
  if (r.ok === "unknown") return t(x.dtype, null, x.weak);
  if (!r.ok) {
    c.report({ code: "LIP3008", message: r.message, span: c.arg("axis")!.span, label: `the tensor has shape \`${showShape(s)}\`` });
    return unknown;
  }
  const dim = s.dims[r.index]!;
  if (dim !== 1 && typeof dim === "number") {
    c.report({ code: "LIP3011", message: `cannot squeeze axis ${axis} of size ${dim}`, span: c.arg("axis")!.span, label: "only a dimension of size 1 can be squeezed" });
    return unknown;
  }
  const d = [...s.dims];
  d.splice(r.index, 1);
  return t(x.dtype, { rest: s.rest, dims: d }, x.weak);
}

function concatRule(c: CallContext): Type {
  const a = c.arg("xs");
  if (!a || a.type.k === "unknown") return unknown;
  if (a.type.k !== "list" || a.type.items.length === 0) {
    c.report({ code: "LIP3017", message: "`concat` takes a non-empty list of tensors, e.g. `concat([a, b], axis: -1)`", span: a.span, label: `found ${quoteType(a.type)}` });
    return unknown;
  }
  const axis = c.has("axis") ? c.constInt("axis") : 0;
  const items = a.type.items;
  if (items.some((i) => i.k !== "tensor") || axis === undefined) return unknown;
  const ts = items as TensorType[];
  const first = ts[0]!;
  if (ts.some((x) => x.shape === null) || !first.shape) return t(first.dtype, null);
  const r = normaliseAxis(first.shape, axis);
  if (r.ok === "unknown") return t(first.dtype, null);
  if (!r.ok) {
    c.report({ code: "LIP3008", message: r.message, span: c.arg("axis")?.span ?? a.span, label: `the first tensor has shape \`${showShape(first.shape)}\`` });
    return unknown;
  }
  let total: number | null = 0;
  for (const x of ts) {
    if (x.dtype !== first.dtype) {
      c.report({ code: "LIP3004", message: `\`concat\` mixes ${first.dtype} and ${x.dtype}`, span: a.span, label: "convert the tensors to one dtype" });
      return unknown;
    }
    const s = x.shape!;
    if (s.dims.length !== first.shape.dims.length || (s.rest?.rest ?? null) !== (first.shape.rest?.rest ?? null)) {
      c.report({ code: "LIP3005", message: `\`concat\` needs tensors of one rank: \`${showShape(first.shape)}\` and \`${showShape(s)}\``, span: a.span, label: "ranks differ" });
      return unknown;
    }
    for (let i = 0; i < s.dims.length; i++) {
      if (i === r.index) continue;
      const p = first.shape.dims[i]!;
      const q = s.dims[i]!;
      if (typeof p === "number" && typeof q === "number" ? p !== q : typeof p !== "number" && typeof q !== "number" ? p.sym !== q.sym : true) {
        c.report({ code: "LIP3001", message: `\`concat\` along axis ${axis}: the other dimensions must match, but \`${showShape(first.shape)}\` and \`${showShape(s)}\` differ`, span: a.span, label: "shapes differ off the concatenated axis" });
        return unknown;
      }
    }
    const d = s.dims[r.index]!;
    total = total !== null && typeof d === "number" ? total + d : null;
  }
  if (total === null) return t(first.dtype, null);
  const dims = [...first.shape.dims];
  dims[r.index] = total;
  return t(first.dtype, { rest: first.shape.rest, dims });
}

// ---------------------------------------------------------------- creation and random

function creation(dtype: DType | "from-value", doc: string, extra: ParamSpec[] = []): Builtin {
  return {
    params: [opt("shape"), ...extra],
    doc,
    initialiser: true,
    rule: (c) => {
      if (!c.has("shape")) {
        if (c.paramInit) return c.paramInit;
        c.report({ code: "LIP2007", message: `\`${c.name}\` needs a shape here, e.g. \`${c.name}([B, 2])\``, span: c.span, label: "missing shape", help: "without a shape it is a parameter initialiser, usable only in a `param` declaration" });
        return unknown;
      }
      const v = c.arg("value");
      const vt = v?.type.k === "tensor" ? v.type : undefined;
      const d: DType = dtype === "from-value" ? (vt && !vt.weak ? vt.dtype : vt && isInt(vt.dtype) && vt.weak ? "f32" : vt?.dtype ?? "f32") : dtype;
      return t(d, shapeOfDims(c.shapeList("shape")));
    },
  };
}

function likeRule(c: CallContext): Type {
  const x = c.tensor("x");
  return x ? { ...x, value: undefined, weak: false, sizeVar: undefined } : unknown;
}

function randomBuiltin(dtype: DType, doc: string, extra: ParamSpec[]): Builtin {
  return {
    params: [opt("shape"), ...extra],
    doc,
    initialiser: true,
    bt: (c) => Math.max(c.bt(), BT.Const),
    rule: (c) => {
      if (!c.has("shape")) {
        if (c.paramInit) return c.paramInit;
        c.report({ code: "LIP2007", message: `\`${c.name}\` needs a shape here, e.g. \`${c.name}([B, 2], seed: 0)\``, span: c.span, label: "missing shape", help: "without a shape it is a parameter initialiser, usable only in a `param` declaration" });
        return unknown;
      }
      if (!c.has("seed")) {
        c.report({ code: "LIP2007", message: `\`${c.name}\` needs a \`seed\` (random numbers in Lip are reproducible)`, span: c.span, label: "add `seed: 0`" });
      } else c.tensor("seed", { int: true });
      return t(dtype, shapeOfDims(c.shapeList("shape")));
    },
  };
}

function randomLike(dtype: DType, doc: string, extra: ParamSpec[]): Builtin {
  return {
    params: [req("x"), ...extra],
    doc,
    bt: (c) => Math.max(c.bt(), BT.Const),
    rule: (c) => {
      const x = c.tensor("x");
      if (!c.has("seed")) c.report({ code: "LIP2007", message: `\`${c.name}\` needs a \`seed\` (random numbers in Lip are reproducible)`, span: c.span, label: "add `seed: 0`" });
      else c.tensor("seed", { int: true });
      return x ? t(dtype, x.shape) : unknown;
    },
  };
}

function initialiser(doc: string, extra: ParamSpec[] = []): Builtin {
  return {
    params: extra,
    doc,
    initialiser: true,
    rule: (c) => {
      if (c.paramInit) return c.paramInit;
      c.report({ code: "LIP2013", message: `\`${c.name}()\` is a parameter initialiser, usable only in a \`param\` declaration`, span: c.span, label: "not in a `param` declaration" });
      return unknown;
    },
  };
}

function cast(dtype: DType): Builtin {
  return {
    params: [req("x")],
    doc: `convert to ${dtype}`,
    rule: (c) => {
      const x = c.tensor("x");
      return x ? { ...x, dtype, weak: false, sizeVar: undefined, value: x.value === undefined ? undefined : dtype === "bool" ? Number(x.value !== 0) : isInt(dtype) ? Math.trunc(x.value) : x.value } : unknown;
    },
  };
}

// ---------------------------------------------------------------- the table

export const builtins: Readonly<Record<string, Builtin>> = {
  abs: unary("numeric", "absolute value"),
  sign: unary("numeric", "-1, 0 or 1"),
  exp: unary("float", "e^x"),
  log: unary("float", "natural logarithm"),
  sqrt: unary("float", "square root"),
  rsqrt: unary("float", "1 / sqrt(x)"),
  sin: unary("float", "sine"),
  cos: unary("float", "cosine"),
  tanh: unary("float", "hyperbolic tangent"),
  sigmoid: unary("float", "1 / (1 + e^-x)"),
  erf: unary("float", "the error function"),
  relu: unary("numeric", "max(x, 0)"),
  floor: unary("float", "round down"),
  round: unary("float", "round half to even"),
  pow: binaryElementwise("a^b, elementwise"),
  max: maxMin("elementwise maximum of two tensors, or the maximum along `axis`"),
  min: maxMin("elementwise minimum of two tensors, or the minimum along `axis`"),
  where: {
    params: [req("cond"), req("a"), req("b")],
    doc: "a where cond is true, b elsewhere",
    rule: (c) => {
      const cond = c.tensor("cond", { bool: true });
      const ab = elementwise(c, ["a", "b"]);
      if (!cond || ab.k !== "tensor") return unknown;
      const s = c.broadcast(["cond", "a", "b"]);
      return { ...ab, shape: s };
    },
  },
  sum: reduction("same", "sum along `axis` (all axes by default)"),
  mean: reduction("mean", "mean along `axis`; of a bool tensor, the fraction of trues"),
  prod: reduction("same", "product along `axis`"),
  all: reduction("bool", "true if every element is true"),
  any: reduction("bool", "true if some element is true"),
  argmax: reduction("index", "index of the maximum along `axis`"),
  argmin: reduction("index", "index of the minimum along `axis`"),
  reshape: { params: [req("x"), req("shape")], doc: "the same elements in a new shape (one -1 allowed)", rule: reshapeRule },
  transpose: { params: [req("x"), opt("perm")], doc: "swap the last two dims, or permute all", rule: transposeRule },
  broadcast_to: {
    params: [req("x"), req("shape")],
    doc: "broadcast to a shape",
    rule: (c) => {
      const x = c.tensor("x");
      const target = shapeOfDims(c.shapeList("shape"));
      if (!x) return unknown;
      if (target && x.shape) {
        const tt: TensorType = t(x.dtype, target);
        const r = elementwiseShapeCheck(x.shape, target);
        if (r !== null) {
          c.report({ code: "LIP3001", message: `cannot broadcast \`${showShape(x.shape)}\` to \`${showShape(target)}\``, span: c.arg("x")!.span, label: r });
          return unknown;
        }
        return tt;
      }
      return t(x.dtype, target);
    },
  },
  expand_dims: { params: [req("x"), req("axis")], doc: "insert a dimension of size 1", rule: (c) => axisRule(c, "expand") },
  squeeze: { params: [req("x"), req("axis")], doc: "remove a dimension of size 1", rule: (c) => axisRule(c, "squeeze") },
  concat: { params: [req("xs"), opt("axis")], doc: "join tensors along an axis", rule: concatRule },
  size: {
    params: [req("x"), req("axis")],
    doc: "the size of one dimension (a compile-time integer)",
    rule: (c) => {
      const x = c.tensor("x");
      const axis = c.constInt("axis");
      if (!x || axis === undefined || !x.shape) return { k: "tensor", dtype: "i32", shape: { rest: null, dims: [] }, weak: true };
      const r = normaliseAxis(x.shape, axis);
      if (r.ok === "unknown") return { k: "tensor", dtype: "i32", shape: { rest: null, dims: [] }, weak: true, sizeVar: `size(${axis})#${c.span.start}` };
      if (!r.ok) {
        c.report({ code: "LIP3008", message: r.message, span: c.arg("axis")!.span, label: `the tensor has shape \`${showShape(x.shape)}\`` });
        return unknown;
      }
      const d = x.shape.dims[r.index]!;
      return typeof d === "number"
        ? { k: "tensor", dtype: "i32", shape: { rest: null, dims: [] }, weak: true, value: d }
        : { k: "tensor", dtype: "i32", shape: { rest: null, dims: [] }, weak: true, sizeVar: d.sym };
    },
    bt: () => BT.Const,
  },
  f32: cast("f32"),
  f64: cast("f64"),
  i32: cast("i32"),
  i64: cast("i64"),
  bool: cast("bool"),
  zeros: creation("f32", "a tensor of zeros; `zeros()` alone initialises a parameter"),
  ones: creation("f32", "a tensor of ones; `ones()` alone initialises a parameter"),
  full: creation("from-value", "a tensor filled with `value`", [opt("value")]),
  zeros_like: { params: [req("x")], doc: "zeros of the shape and dtype of x", rule: likeRule },
  ones_like: { params: [req("x")], doc: "ones of the shape and dtype of x", rule: likeRule },
  iota: {
    params: [req("n")],
    doc: "0, 1, ..., n-1 as i32",
    rule: (c) => {
      const n = c.constDim(c.arg("n"), "`n` of `iota`");
      return t("i32", n === undefined || n === null ? null : { rest: null, dims: [n] });
    },
  },
  one_hot: {
    params: [req("labels"), req("n")],
    doc: "f32 one-hot vectors of length n",
    rule: (c) => {
      const l = c.tensor("labels", { int: true });
      const n = c.constDim(c.arg("n"), "`n` of `one_hot`");
      if (!l) return unknown;
      if (n === undefined || n === null || !l.shape) return t("f32", null);
      return t("f32", { rest: l.shape.rest, dims: [...l.shape.dims, n] });
    },
  },
  take: {
    params: [req("table"), req("idx")],
    doc: "rows of `table` at integer indices (embedding lookup)",
    rule: (c) => {
      const table = c.tensor("table");
      const idx = c.tensor("idx", { int: true });
      if (!table || !idx) return unknown;
      if (!table.shape || !idx.shape || table.shape.rest) return t(table.dtype, null);
      if (table.shape.dims.length === 0) {
        c.report({ code: "LIP3005", message: "`take` needs a table of rank 1 or more", span: c.arg("table")!.span, label: "a scalar" });
        return unknown;
      }
      return t(table.dtype, { rest: idx.shape.rest, dims: [...idx.shape.dims, ...table.shape.dims.slice(1)] });
    },
  },
  uniform: randomBuiltin("f32", "uniform random numbers in [lo, hi)", [opt("seed"), opt("lo"), opt("hi")]),
  normal: randomBuiltin("f32", "normal random numbers", [opt("seed"), opt("mean"), opt("std")]),
  bernoulli: randomBuiltin("bool", "true with probability p", [opt("p"), opt("seed")]),
  uniform_like: randomLike("f32", "uniform random numbers in [lo, hi) of the shape of x", [opt("seed"), opt("lo"), opt("hi")]),
  normal_like: randomLike("f32", "normal random numbers of the shape of x", [opt("seed"), opt("mean"), opt("std")]),
  bernoulli_like: randomLike("bool", "true with probability p, of the shape of x", [opt("p"), opt("seed")]),
  lecun_normal: initialiser("normal with variance 1/fan_in"),
  glorot_uniform: initialiser("uniform with variance 2/(fan_in+fan_out)"),
  glorot_normal: initialiser("normal with variance 2/(fan_in+fan_out)"),
  he_normal: initialiser("normal with variance 2/fan_in"),
  he_uniform: initialiser("uniform with variance 2/fan_in"),
  stop_gradient: { params: [req("x")], doc: "x, with no gradient flowing through", rule: (c) => c.tensor("x") ?? unknown },
  straight_through: {
    params: [req("forward"), req("surrogate")],
    doc: "the value of `forward` with the gradient of `surrogate`",
    rule: (c) => {
      const f = c.tensor("forward");
      const s = c.tensor("surrogate", { float: true });
      if (!f || !s) return unknown;
      c.broadcast(["forward", "surrogate"]);
      return s;
    },
  },
};

/** The reason a shape does not broadcast to a target, or null. */
function elementwiseShapeCheck(from: Shape, to: Shape): string | null {
  if (from.dims.length > to.dims.length && !from.rest) return `rank ${from.dims.length} is more than the target's ${to.dims.length}`;
  for (let i = 1; i <= from.dims.length; i++) {
    const f = from.dims[from.dims.length - i]!;
    const g = to.dims[to.dims.length - i];
    if (g === undefined) break;
    if (f === 1) continue;
    if (typeof f === "number" ? f !== g : typeof g === "number" || g.sym !== f.sym) return `dimension ${typeof f === "number" ? f : f.sym} cannot stretch to ${typeof g === "number" ? g : g.sym}`;
  }
  return null;
}

/** Names that are values, not functions. */
export const preludeConstants: Readonly<Record<string, Type>> = {
  pi: { k: "tensor", dtype: "f32", shape: { rest: null, dims: [] }, weak: true, value: Math.PI },
  // true in the training step, false in evaluation and inference (batch norm, dropout)
  training: { k: "tensor", dtype: "bool", shape: { rest: null, dims: [] }, weak: false },
  inf: { k: "tensor", dtype: "f32", shape: { rest: null, dims: [] }, weak: true, value: Infinity },
};
