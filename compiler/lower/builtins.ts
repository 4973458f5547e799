// Lowering of the prelude's built-in functions to IR builder calls. The parameter names are the
// checker's (compiler/check/builtins.ts), so an argument binds the same way in both stages.
// Compile-time arguments (numbers) fold in JavaScript where the result is a number.

import type * as A from "../ast/nodes.js";
import { CompilerBug } from "../diag/diagnostic.js";
import { builtins } from "../check/builtins.js";
import { dataLoaders } from "../check/data-loaders.js";
import { lowerDataLoader } from "./data-loaders.js";
import type { DType } from "../ir/dtype.js";
import type { Node } from "../ir/node.js";
import type { Env } from "./env.js";
import { isFloatDType, type Lowerer, type LowerCtx } from "./lowerer.js";
import { numV, tensorV, type LVal } from "./values.js";

/** Binds call arguments to parameter names: positional first, then named. */
export function bindByParams(params: readonly string[], args: readonly A.Arg[]): Map<string, A.Arg> {
  const out = new Map<string, A.Arg>();
  let pos = 0;
  for (const a of args) {
    if (a.name === null) {
      const p = params[pos++];
      if (p !== undefined) out.set(p, a);
    } else out.set(a.name.name, a);
  }
  return out;
}

/** For an initialiser in a `param` declaration: the declared type and the parameter's seed. */
export interface InitSpec {
  readonly dtype: DType;
  readonly shape: number[];
  readonly seed: number;
}

const unaryMath: Record<string, (x: number) => number> = {
  abs: Math.abs,
  sign: Math.sign,
  exp: Math.exp,
  log: Math.log,
  sqrt: Math.sqrt,
  rsqrt: (x) => 1 / Math.sqrt(x),
  sin: Math.sin,
  cos: Math.cos,
  tanh: Math.tanh,
  sigmoid: (x) => 1 / (1 + Math.exp(-x)),
  erf: erfApprox,
  relu: (x) => Math.max(x, 0),
  floor: Math.floor,
  round: roundHalfEven,
};

export function lowerBuiltin(lw: Lowerer, name: string, e: A.Call, env: Env, ctx: LowerCtx, init?: InitSpec): LVal {
  if (dataLoaders[name]) return lowerDataLoader(lw, name, e, env, dataLoaders[name]!.params.map((p) => p.name));
  const spec = builtins[name];
  if (!spec) throw new CompilerBug(`unknown built-in \`${name}\``);
  const bound = bindByParams(spec.params.map((p) => p.name), e.args);
  const args = new Map<string, LVal>();
  for (const [k, a] of bound) args.set(k, lw.expr(a.value, env, ctx));
  const b = lw.b;
  const arg = (k: string): LVal => {
    const v = args.get(k);
    if (v === undefined) throw new CompilerBug(`\`${name}\`: missing \`${k}\``);
    return v;
  };
  const opt = (k: string): LVal | undefined => args.get(k);
  const num = (k: string, d?: number): number => {
    const v = args.get(k);
    if (v === undefined) {
      if (d === undefined) throw new CompilerBug(`\`${name}\`: missing \`${k}\``);
      return d;
    }
    return lw.num(v);
  };
  const dims = (v: LVal): number[] => {
    if (v.k !== "list") throw new CompilerBug(`\`${name}\`: expected a list of sizes`);
    return v.items.map((i) => lw.num(i));
  };
  const x = () => lw.node(arg("x"));
  const float = (n: Node) => (isFloatDType(n.dtype) ? n : b.cast(n, "f32"));
  const axes = (v: LVal | undefined): number[] | "all" => (v === undefined ? "all" : v.k === "list" ? v.items.map((i) => lw.num(i)) : [lw.num(v)]);

  if (unaryMath[name]) {
    const v = arg("x");
    if (v.k === "num") return numV(unaryMath[name]!(v.value), ["abs", "sign", "relu"].includes(name) ? v.kind : "float");
    const n = lw.node(v);
    return tensorV(b.unary(name as never, ["abs", "sign", "relu"].includes(name) ? n : float(n)));
  }

  switch (name) {
    case "pow":
      return lw.binary("^", arg("a"), arg("b"), e.span);
    case "max":
    case "min": {
      if (args.has("b")) {
        const l = arg("x");
        const r = arg("b");
        if (l.k === "num" && r.k === "num") return numV(name === "max" ? Math.max(l.value, r.value) : Math.min(l.value, r.value), l.kind === "float" || r.kind === "float" ? "float" : l.kind);
        const d = promoteDtype(lw, l, r);
        return tensorV(b.binary(name, lw.node(l, d), lw.node(r, d)));
      }
      return tensorV(b.reduce(name, x(), axes(opt("axis")), keep(lw, opt("keepdims"))));
    }
    case "where": {
      const a = arg("a");
      const c = arg("b");
      const d = promoteDtype(lw, a, c);
      return tensorV(b.where(lw.node(arg("cond"), "bool"), lw.node(a, d), lw.node(c, d)));
    }
    case "sum":
    case "prod":
      return tensorV(b.reduce(name, x(), axes(opt("axis")), keep(lw, opt("keepdims"))));
    case "mean":
      return tensorV(b.reduce("mean", float(x()), axes(opt("axis")), keep(lw, opt("keepdims"))));
    case "all":
    case "any":
      // min and max of bools are `all` and `any`
      return tensorV(b.reduce(name === "all" ? "min" : "max", lw.node(arg("x"), "bool"), axes(opt("axis")), keep(lw, opt("keepdims"))));
    case "argmax":
    case "argmin": {
      const n = x();
      const axis = opt("axis") ? lw.num(arg("axis")) : -1;
      return tensorV(b.argReduce(name, n, axis, keep(lw, opt("keepdims"))));
    }
    case "reshape":
      return tensorV(b.reshape(x(), resolveReshape(x().shape, dims(arg("shape")))));
    case "transpose":
      return tensorV(b.transpose(x(), opt("perm") ? dims(arg("perm")) : undefined));
    case "broadcast_to":
      return tensorV(b.broadcastTo(x(), dims(arg("shape"))));
    case "expand_dims": {
      const n = x();
      const r = n.shape.length + 1;
      const ax = norm(num("axis"), r);
      const shape = [...n.shape];
      shape.splice(ax, 0, 1);
      return tensorV(b.reshape(n, shape));
    }
    case "squeeze": {
      const n = x();
      const ax = norm(num("axis"), n.shape.length);
      return tensorV(b.reshape(n, n.shape.filter((_, i) => i !== ax)));
    }
    case "concat": {
      const xs = arg("xs");
      if (xs.k !== "list") throw new CompilerBug("concat of a non-list");
      const nodes = xs.items.map((i) => lw.node(i));
      return tensorV(b.concat(nodes, opt("axis") ? lw.num(arg("axis")) : 0));
    }
    case "size": {
      const n = x();
      return numV(n.shape[norm(num("axis"), n.shape.length)]!, "int");
    }
    case "f32":
    case "f64":
    case "i32":
    case "i64":
    case "bool": {
      const v = arg("x");
      if (v.k === "num") return numV(name === "bool" ? Number(v.value !== 0) : name.startsWith("i") ? Math.trunc(v.value) : v.value, name === "bool" ? "bool" : name.startsWith("i") ? "int" : "float");
      return tensorV(b.cast(lw.node(v), name as DType));
    }
    case "zeros":
    case "ones":
    case "full": {
      const value = name === "zeros" ? 0 : name === "ones" ? 1 : num("value");
      if (!args.has("shape")) {
        if (!init) throw new CompilerBug(`\`${name}()\` without a shape outside a parameter initialiser`);
        return tensorV(b.constant(value, init.dtype, init.shape));
      }
      const v = opt("value");
      const dtype: DType = name === "full" && v?.k === "tensor" ? v.node.dtype : name === "full" && v?.k === "num" && v.kind === "bool" ? "bool" : "f32";
      if (name === "full" && v?.k === "tensor") return tensorV(b.broadcastTo(v.node, dims(arg("shape"))));
      return tensorV(b.constant(value, dtype, dims(arg("shape"))));
    }
    case "zeros_like":
    case "ones_like": {
      const n = x();
      return tensorV(b.constant(name === "zeros_like" ? 0 : 1, n.dtype, [...n.shape]));
    }
    case "iota":
      return tensorV(b.iota(num("n"), "i32"));
    case "one_hot":
      return tensorV(b.oneHot(lw.node(arg("labels")), num("n")));
    case "take":
      return tensorV(b.take(lw.node(arg("table")), lw.node(arg("idx"))));
    case "uniform":
    case "normal":
    case "bernoulli":
      return randomCall(lw, name, args, init);
    case "uniform_like":
    case "normal_like":
    case "bernoulli_like": {
      const shape = numList([...x().shape]);
      const rest = new Map(args);
      rest.delete("x");
      rest.set("shape", shape);
      return randomCall(lw, name.replace("_like", "") as "uniform" | "normal" | "bernoulli", rest, undefined);
    }
    case "lecun_normal":
    case "glorot_uniform":
    case "glorot_normal":
    case "he_normal":
    case "he_uniform":
      if (!init) throw new CompilerBug(`\`${name}()\` outside a parameter initialiser`);
      return tensorV(varianceScaling(lw, name, init));
    case "stop_gradient":
      return tensorV(b.stopGradient(x()));
    case "straight_through": {
      const s = lw.node(arg("surrogate"));
      return tensorV(b.straightThrough(lw.node(arg("forward"), s.dtype), s));
    }
    default:
      throw new CompilerBug(`built-in \`${name}\` has no lowering`);
  }
}

function numList(values: number[]): LVal {
  return { k: "list", items: values.map((v) => numV(v, "int")) };
}

function keep(lw: Lowerer, v: LVal | undefined): boolean {
  return v === undefined ? false : lw.num(v) !== 0;
}

function norm(axis: number, rank: number): number {
  return axis < 0 ? axis + rank : axis;
}

function promoteDtype(lw: Lowerer, a: LVal, c: LVal): DType {
  const x = a.k === "tensor" ? a.node.dtype : null;
  const y = c.k === "tensor" ? c.node.dtype : null;
  if (x && y) return x === y ? x : isFloatDType(x) ? x : y;
  const strong = x ?? y;
  const weak = x ? c : a;
  if (strong) return weak.k === "num" && weak.kind === "float" && !isFloatDType(strong) && strong !== "bool" ? "f32" : strong;
  void lw;
  return (a.k === "num" && a.kind === "float") || (c.k === "num" && c.kind === "float") ? "f32" : "i32";
}

function resolveReshape(from: readonly number[], to: number[]): number[] {
  const total = from.reduce((p, d) => p * d, 1);
  const known = to.filter((d) => d !== -1).reduce((p, d) => p * d, 1);
  return to.map((d) => (d === -1 ? total / known : d));
}

function randomCall(lw: Lowerer, name: "uniform" | "normal" | "bernoulli", args: Map<string, LVal>, init?: InitSpec): LVal {
  const b = lw.b;
  const get = (k: string, d: number) => {
    const v = args.get(k);
    return v === undefined ? d : lw.num(v);
  };
  let shape: number[];
  let seed: Node;
  let dtype: DType = "f32";
  if (args.has("shape")) {
    const s = args.get("shape")!;
    if (s.k !== "list") throw new CompilerBug("random shape is not a list");
    shape = s.items.map((i) => lw.num(i));
    seed = lw.node(args.get("seed") ?? numV(0, "int"), "i32");
  } else {
    if (!init) throw new CompilerBug(`\`${name}\` without a shape outside a parameter initialiser`);
    shape = init.shape;
    seed = b.constant(init.seed, "i32");
    dtype = init.dtype;
  }
  if (name === "uniform") {
    const u = b.random("uniform", shape, seed);
    const lo = get("lo", 0);
    const hi = get("hi", 1);
    const r = lo === 0 && hi === 1 ? u : b.binary("add", b.binary("mul", u, b.constant(hi - lo, "f32")), b.constant(lo, "f32"));
    return tensorV(dtype === "f32" ? r : b.cast(r, dtype));
  }
  if (name === "normal") {
    const n = b.random("normal", shape, seed);
    const mean = get("mean", 0);
    const std = get("std", 1);
    const r = mean === 0 && std === 1 ? n : b.binary("add", b.binary("mul", n, b.constant(std, "f32")), b.constant(mean, "f32"));
    return tensorV(dtype === "f32" ? r : b.cast(r, dtype));
  }
  const p = args.get("p");
  const u = b.random("uniform", shape, seed);
  return tensorV(b.binary("lt", u, p === undefined ? b.constant(0.5, "f32") : lw.node(p, "f32")));
}

/** LeCun/Glorot/He initialisers; fan-in is the product of all dims but the last (`[I, O]`). */
function varianceScaling(lw: Lowerer, name: string, init: InitSpec): Node {
  const b = lw.b;
  const s = init.shape;
  const fanOut = s.length >= 1 ? s[s.length - 1]! : 1;
  const fanIn = s.length >= 2 ? s.slice(0, -1).reduce((p, d) => p * d, 1) : s.length === 1 ? s[0]! : 1;
  const seed = b.constant(init.seed, "i32");
  const scaled = (n: Node, c: number) => b.binary("mul", n, b.constant(c, "f32"));
  let r: Node;
  switch (name) {
    case "lecun_normal": r = scaled(b.random("normal", s, seed), Math.sqrt(1 / fanIn)); break;
    case "he_normal": r = scaled(b.random("normal", s, seed), Math.sqrt(2 / fanIn)); break;
    case "glorot_normal": r = scaled(b.random("normal", s, seed), Math.sqrt(2 / (fanIn + fanOut))); break;
    case "glorot_uniform": r = uniformPm(lw, s, seed, Math.sqrt(6 / (fanIn + fanOut))); break;
    case "he_uniform": r = uniformPm(lw, s, seed, Math.sqrt(6 / fanIn)); break;
    default: throw new CompilerBug(`unknown initialiser ${name}`);
  }
  return init.dtype === "f32" ? r : b.cast(r, init.dtype);
}

function uniformPm(lw: Lowerer, shape: number[], seed: Node, a: number): Node {
  const b = lw.b;
  return b.binary("sub", b.binary("mul", b.random("uniform", shape, seed), b.constant(2 * a, "f32")), b.constant(a, "f32"));
}

function roundHalfEven(x: number): number {
  const r = Math.round(x);
  return Math.abs(x % 1) === 0.5 && r % 2 !== 0 ? r - 1 : r;
}

/** erf for compile-time folding (Abramowitz-Stegun 7.1.26 is too coarse; use a series/continued fraction). */
function erfApprox(x: number): number {
  // Taylor series for |x| < 3, asymptotic complement beyond: accurate to ~1e-15 in double
  const ax = Math.abs(x);
  if (ax < 3) {
    let sum = x;
    let term = x;
    for (let n = 1; n < 100; n++) {
      term *= (-x * x) / n;
      const add = term / (2 * n + 1);
      sum += add;
      if (Math.abs(add) < 1e-17 * Math.abs(sum)) break;
    }
    return (2 / Math.sqrt(Math.PI)) * sum;
  }
  // continued fraction for erfc
  let f = 0;
  for (let n = 60; n >= 1; n--) f = n / 2 / (ax + f);
  const erfc = Math.exp(-ax * ax) / Math.sqrt(Math.PI) / (ax + f);
  return Math.sign(x) * (1 - erfc);
}
