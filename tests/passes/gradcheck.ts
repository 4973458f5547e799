// Gradient checking in float64, after JAX's check_grads/check_vjp. For f(x1..xn) with output y,
// draw a random cotangent w and random directions v_i. Reverse mode gives J^T w (the gradients
// of L = sum(y * w)); central finite differences (Richardson-extrapolated) give J v. The check
// is the dot-product identity <J v, w> = <v, J^T w>, with relative error below RTOL plus an
// absolute floor proportional to the magnitudes involved.

import { IrBuilder } from "../../compiler/ir/builder.js";
import type { DType } from "../../compiler/ir/dtype.js";
import { IrContext, type Node } from "../../compiler/ir/node.js";
import { grad } from "../../compiler/passes/autodiff.js";
import { verifyFunction } from "../../compiler/ir/verify.js";
import { interpret } from "../../runtime/interp.js";
import { tensor, type Tensor } from "../../runtime/tensor.js";
import { numel } from "../../compiler/ir/shape.js";
import { fnOf, rng } from "../ir/helpers.js";

export interface GradInput {
  readonly shape: readonly number[];
  /** Generator of values (away from kinks and singularities of the function under test). */
  readonly values: (r: () => number) => number;
  readonly dtype?: DType;
  /** Not differentiated (e.g. indices or a condition); then dtype may be i32 or bool. */
  readonly constant?: boolean;
}

export interface GradCheckResult {
  readonly analytic: number; // <v, J^T w>
  readonly numeric: number; // <J v, w>
  readonly ok: boolean;
}

export const RTOL = 1e-6;

export function gradCheck(build: (b: IrBuilder, xs: Node[]) => Node, specs: readonly GradInput[], seed: number): GradCheckResult {
  const r = rng(seed);
  const ctx = new IrContext();
  const b = new IrBuilder(ctx);
  const xs = specs.map((s, i) => b.input(`x${i}`, s.constant ? "batch" : "param", s.dtype ?? "f32", s.shape));
  const y = build(b, xs);
  const w = b.input("w", "batch", y.dtype, y.shape);
  const loss = b.reduce("sum", b.binary("mul", y, w), "all", false);
  const wrt = xs.filter((_, i) => !specs[i]!.constant);
  const grads = grad(ctx, loss, wrt);
  const fn = fnOf("gradcheck", [...xs, w], { y, loss, ...Object.fromEntries(grads.map((g, i) => [`g${i}`, g])) });
  verifyFunction(fn);

  const x0 = specs.map((s) => tensor(s.dtype ?? "f32", s.shape, Array.from({ length: numel(s.shape) }, () => s.values(r)), "f64"));
  const wt = tensor(y.dtype, y.shape, Array.from({ length: numel(y.shape) }, () => 2 * r() - 1), "f64");
  const v = specs.map((s) => (s.constant ? null : Array.from({ length: numel(s.shape) }, () => 2 * r() - 1)));
  const run = (xsT: Tensor[]) => interpret(fn, { ...Object.fromEntries(xsT.map((t, i) => [`x${i}`, t])), w: wt }, { float64: true });

  const base = run(x0);
  let analytic = 0;
  let scale = 0;
  let gi = 0;
  specs.forEach((s, i) => {
    if (s.constant) return;
    const g = base[`g${gi++}`]!.data;
    v[i]!.forEach((vi, k) => {
      analytic += vi * g[k]!;
      scale += Math.abs(vi * g[k]!);
    });
  });

  // J v by central differences of y along v, extrapolated: D = (4 D(h/2) - D(h)) / 3
  const shifted = (h: number) => x0.map((t, i) => (v[i] === null ? t : tensor(t.dtype, t.shape, Array.from(t.data, (x, k) => x + h * v[i]![k]!), "f64")));
  const jv = (h: number) => {
    const plus = run(shifted(h)).y!.data;
    const minus = run(shifted(-h)).y!.data;
    return Array.from(plus, (p, k) => (p - minus[k]!) / (2 * h));
  };
  const h = 1e-3;
  const d1 = jv(h);
  const d2 = jv(h / 2);
  let numeric = 0;
  let yscale = 0;
  d1.forEach((_, k) => {
    numeric += ((4 * d2[k]! - d1[k]!) / 3) * wt.data[k]!;
    yscale += Math.abs(base.y!.data[k]! * wt.data[k]!);
  });
  const atol = 1e-9 * (1 + scale + yscale);
  const ok = Math.abs(analytic - numeric) <= atol + RTOL * Math.max(Math.abs(analytic), Math.abs(numeric));
  return { analytic, numeric, ok };
}
