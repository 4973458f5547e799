// Conformance of the std.optim optimizers (stdlib/optim.lip) with independent float64 TypeScript
// references of PyTorch's algorithms (reference-optimizers.ts): every optimizer, for several
// hyperparameter settings, 50 updates from random parameters with a fresh random gradient per
// update, every coordinate of the parameter and of the meaningful states equal to 1e-6 relative
// (with a small absolute floor) after EVERY update. The Lip side runs through the reference
// interpreter in float64 mode. fast-check draws the shapes (rank 0 to 3) and the seeds; its own
// seed is fixed so that the file is deterministic (set LIP_FC_SEED to explore others).

import fc from "fast-check";
import { describe, expect, test } from "vitest";
import { checkSource, type CheckResult } from "../../compiler/driver.js";
import { lowerRuleConst } from "../../compiler/lower/function.js";
import type { LoweredUpdate } from "../../compiler/lower/update.js";
import { interpret } from "../../runtime/interp.js";
import { scalar, tensor, type Tensor } from "../../runtime/tensor.js";
import { referenceOptimizers, type Hyper, type OptimizerName, type State } from "./reference-optimizers.js";
import { seededRandom } from "../../runtime/batches.js";

const STEPS = 50;
const RTOL = 1e-6;
const ATOL = 1e-12;
const FC_SEED = Number(process.env.LIP_FC_SEED ?? 424242);

// ------------------------------------------------------------------ random numbers

const rng = seededRandom; // mulberry32, shared with the run loop

function normal(u: () => number): number {
  return Math.sqrt(-2 * Math.log(1 - u())) * Math.cos(2 * Math.PI * u());
}

/** Mostly N(0, scale^2), with exact zeros (5%) and near-zero values (10%, |x| < 1e-7). */
function draw(u: () => number, n: number, scale: number): Float64Array {
  const out = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    const k = u();
    out[i] = k < 0.05 ? 0 : k < 0.15 ? (2 * u() - 1) * 1e-7 : scale * normal(u);
  }
  return out;
}

/**
 * How a gradient relates to the parameter (for AdamP's projection): `random`; `channel-orth`
 * (orthogonal to w in every channel = every index of the last axis: the channel test passes);
 * `layer-orth` (orthogonal to w as a whole only: with several channels the layer test passes
 * and, almost surely, the channel test fails); `aligned` (close to a multiple of w: neither
 * test passes); `mixed` (one of the four, drawn per update).
 */
type GradMode = "random" | "channel-orth" | "layer-orth" | "aligned" | "mixed";

function gradient(u: () => number, p: Float64Array, shape: readonly number[], mode: GradMode): Float64Array {
  if (mode === "mixed") mode = (["random", "channel-orth", "layer-orth", "aligned"] as const)[Math.floor(u() * 4)]!;
  const n = p.length;
  const r = draw(u, n, 1);
  if (mode === "random") return r;
  if (mode === "aligned") {
    const a = 0.5 + u();
    for (let i = 0; i < n; i++) r[i] = a * p[i]! + 1e-3 * r[i]!;
    return r;
  }
  const O = mode === "layer-orth" ? 1 : shape.length === 0 ? 1 : shape[shape.length - 1]!;
  const pg = new Float64Array(O), pp = new Float64Array(O);
  for (let i = 0; i < n; i++) {
    pg[i % O] += p[i]! * r[i]!;
    pp[i % O] += p[i]! * p[i]!;
  }
  for (let i = 0; i < n; i++) if (pp[i % O]! > 0) r[i] = r[i]! - (pg[i % O]! / pp[i % O]!) * p[i]!;
  return r;
}

// ------------------------------------------------------------------ the settings

interface Setting {
  readonly opt: OptimizerName;
  readonly args: Hyper; // the Lip call's arguments (the rest are defaults)
  /** Lip state name (`m` in `state m = ...`) -> the reference's (PyTorch's) state name. */
  readonly states: Record<string, string>;
}

const S = (opt: OptimizerName, args: Hyper, states: Record<string, string>): Setting => ({ opt, args, states });
const adamStates = (amsgrad: boolean) => ({ m: "exp_avg", v: "exp_avg_sq", ...(amsgrad ? { vmax: "max_exp_avg_sq" } : {}) });
const rmsStates = (centered: boolean, momentum: boolean) => ({ sq: "square_avg", ...(centered ? { ga: "grad_avg" } : {}), ...(momentum ? { buf: "momentum_buffer" } : {}) });

const SETTINGS: readonly Setting[] = [
  // SGD: the buffer is PyTorch's only when momentum != 0 (torch has none otherwise)
  S("sgd", {}, {}),
  S("sgd", { lr: 0.05, weight_decay: 0.1 }, {}),
  S("sgd", { lr: 0.05, momentum: 0.9 }, { buf: "momentum_buffer" }),
  S("sgd", { lr: 0.05, momentum: 0.9, dampening: 0.3 }, { buf: "momentum_buffer" }),
  S("sgd", { lr: 0.05, momentum: 0.9, nesterov: true }, { buf: "momentum_buffer" }),
  S("sgd", { lr: 0.02, momentum: 0.8, dampening: 0.1, weight_decay: 0.05 }, { buf: "momentum_buffer" }),
  S("sgd", { lr: 0.02, momentum: 0.5, nesterov: true, weight_decay: 0.01 }, { buf: "momentum_buffer" }),
  // Adam
  S("adam", {}, adamStates(false)),
  S("adam", { lr: 0.01, weight_decay: 0.1 }, adamStates(false)),
  S("adam", { lr: 0.01, amsgrad: true }, adamStates(true)),
  S("adam", { lr: 0.05, beta1: 0.5, beta2: 0.9, eps: 1e-6, weight_decay: 0.01, amsgrad: true }, adamStates(true)),
  // AdamW
  S("adamw", {}, adamStates(false)),
  S("adamw", { lr: 0.01, weight_decay: 0.1 }, adamStates(false)),
  S("adamw", { lr: 0.01, weight_decay: 0.05, amsgrad: true }, adamStates(true)),
  S("adamw", { lr: 0.1, beta1: 0.8, beta2: 0.95, weight_decay: 0 }, adamStates(false)),
  // Lion
  S("lion", {}, { m: "exp_avg" }),
  S("lion", { lr: 0.001, weight_decay: 1.0 }, { m: "exp_avg" }),
  S("lion", { lr: 0.01, beta1: 0.95, beta2: 0.98, weight_decay: 0.1 }, { m: "exp_avg" }),
  // Adagrad
  S("adagrad", {}, { acc: "sum" }),
  S("adagrad", { lr: 0.1, lr_decay: 0.01, weight_decay: 0.1, initial_accumulator_value: 0.1 }, { acc: "sum" }),
  S("adagrad", { lr: 0.05, eps: 1e-6 }, { acc: "sum" }),
  // RMSprop
  S("rmsprop", {}, rmsStates(false, false)),
  S("rmsprop", { lr: 0.01, centered: true }, rmsStates(true, false)),
  S("rmsprop", { lr: 0.01, momentum: 0.9 }, rmsStates(false, true)),
  S("rmsprop", { lr: 0.005, alpha: 0.9, centered: true, momentum: 0.9, weight_decay: 0.01 }, rmsStates(true, true)),
  S("rmsprop", { eps: 1e-4, weight_decay: 0.1 }, rmsStates(false, false)),
  // AdamP
  S("adamp", {}, { m: "exp_avg", v: "exp_avg_sq" }),
  S("adamp", { lr: 0.01, weight_decay: 0.1 }, { m: "exp_avg", v: "exp_avg_sq" }),
  S("adamp", { lr: 0.01, weight_decay: 0.05, delta: 0.2, wd_ratio: 0.5, nesterov: true }, { m: "exp_avg", v: "exp_avg_sq" }),
];

const callText = (s: Setting): string =>
  `${s.opt}(${Object.entries(s.args)
    .map(([k, v]) => `${k}: ${v}`)
    .join(", ")})`;

// ------------------------------------------------------------------ compiling and running

const checked = new Map<string, CheckResult>();
const lowered = new Map<string, LoweredUpdate>();

function compile(s: Setting, shape: readonly number[]): LoweredUpdate {
  const call = callText(s);
  const key = `${call} ${shape.join("x")}`;
  let u = lowered.get(key);
  if (u) return u;
  let r = checked.get(call);
  if (!r) {
    r = checkSource(`use std.optim { ${s.opt} }\nlet opt = ${call}\n`, "t.lip");
    const errors = r.diagnostics.filter((d) => d.severity === "error").map((d) => `${d.code} ${d.message}`);
    expect(errors, call).toEqual([]);
    checked.set(call, r);
  }
  u = lowerRuleConst(r, "opt", [...shape]);
  lowered.set(key, u);
  return u;
}

/** The worst violation of |a - e| <= RTOL |e| + ATOL, or null. */
function mismatch(actual: ArrayLike<number>, expected: Float64Array): string | null {
  if (actual.length !== expected.length) return `${actual.length} values, expected ${expected.length}`;
  let worst = -1, at = -1;
  for (let i = 0; i < expected.length; i++) {
    const a = actual[i]!, e = expected[i]!;
    const excess = Math.abs(a - e) - (RTOL * Math.abs(e) + ATOL);
    if (!(excess <= 0) && (Number.isNaN(excess) || excess > worst)) {
      worst = Number.isNaN(excess) ? Infinity : excess;
      at = i;
    }
  }
  return at < 0 ? null : `coordinate ${at}: lip ${actual[at]}, reference ${expected[at]} (rel ${Math.abs(actual[at]! - expected[at]!) / Math.abs(expected[at]!)})`;
}

let worstRelative = 0;
function track(actual: ArrayLike<number>, expected: Float64Array): void {
  for (let i = 0; i < expected.length; i++) {
    const d = Math.abs(actual[i]! - expected[i]!);
    if (Math.abs(expected[i]!) >= 1e-6) worstRelative = Math.max(worstRelative, d / Math.abs(expected[i]!));
  }
}

interface RunResult {
  readonly projected: Record<"channel" | "layer" | "none", number>;
}

/** 50 updates of `s` on a tensor of `shape` from `seed`; throws at the first disagreement. */
function run(s: Setting, shape: readonly number[], seed: number, mode: GradMode = "random"): RunResult {
  const ref = referenceOptimizers[s.opt];
  const h: Hyper = { ...ref.defaults, ...s.args };
  for (const k of Object.keys(s.args)) if (!(k in ref.defaults)) throw new Error(`unknown hyperparameter ${k} of ${s.opt}`);
  const u = compile(s, shape);
  const lipName = (short: string) => `${s.opt}.${short}.p`;
  for (const short of Object.keys(s.states)) expect(u.states, callText(s)).toContain(lipName(short));

  const uni = rng(seed);
  const n = shape.reduce((a, b) => a * b, 1);
  const pRef = draw(uni, n, 1);
  const refState: State = ref.init(pRef, h);
  let p: Tensor = tensor("f32", [...shape], pRef, "f64");
  let st: Record<string, Tensor> = interpret(u.init, { p }, { float64: true });
  const where = (k: number, what: string) => `${callText(s)} on ${JSON.stringify(shape)}, seed ${seed}, ${mode}: ${what} after update ${k}`;
  for (const [short, torchName] of Object.entries(s.states)) {
    const init = refState[torchName];
    if (init) {
      const m = mismatch(st[lipName(short)]!.data, init);
      if (m) throw new Error(where(0, `initial state ${short}: ${m}`));
    }
  }
  const projected = { channel: 0, layer: 0, none: 0 };
  for (let k = 0; k < STEPS; k++) {
    const g = gradient(uni, pRef, shape, mode);
    const out = interpret(u.update, { p, grad: tensor("f32", [...shape], g, "f64"), step: scalar(k, "i32"), ...st }, { float64: true });
    const info = ref.step(pRef, g, k + 1, refState, h, shape);
    projected[info.projected ?? "none"]++;
    p = out["p.next"]!;
    st = {};
    for (const name of u.states) st[name] = out[`${name}.next`]!;
    const m = mismatch(p.data, pRef);
    if (m) throw new Error(where(k + 1, `param: ${m}`));
    track(p.data, pRef);
    for (const [short, torchName] of Object.entries(s.states)) {
      const expected = refState[torchName];
      if (!expected) throw new Error(`the reference has no state ${torchName}`);
      const ms = mismatch(st[lipName(short)]!.data, expected);
      if (ms) throw new Error(where(k + 1, `state ${short} (${torchName}): ${ms}`));
      track(st[lipName(short)]!.data, expected);
    }
  }
  return { projected };
}

// ------------------------------------------------------------------ tests

const shapeArb = fc.array(fc.integer({ min: 1, max: 4 }), { minLength: 0, maxLength: 3 });
const seedArb = fc.integer({ min: 0, max: 2 ** 31 - 1 });

describe("std.optim matches the float64 references of torch.optim (50 updates, 1e-6 relative)", () => {
  for (const s of SETTINGS) {
    test(callText(s), () => {
      // fixed shapes covering every rank, then drawn ones
      for (const [i, shape] of [[], [5], [3, 4], [2, 3, 2]].entries()) run(s, shape, 1000 + i, s.opt === "adamp" ? "mixed" : "random");
      fc.assert(
        fc.property(shapeArb, seedArb, (shape, seed) => {
          run(s, shape, seed, s.opt === "adamp" ? "mixed" : "random");
        }),
        { numRuns: 25, seed: FC_SEED },
      );
    });
  }
});

describe("AdamP's projection (channels on the last axis)", () => {
  const plain = SETTINGS.find((s) => s.opt === "adamp" && s.args.weight_decay === 0.1)!;
  const nesterov = SETTINGS.find((s) => s.opt === "adamp" && s.args.nesterov === true)!;

  test("rank 2 with gradients orthogonal per channel: channel-wise projection at every update", () => {
    for (const s of [plain, nesterov])
      for (const [i, shape] of [[4, 3], [6, 2], [3, 1], [2, 3, 4]].entries()) {
        const r = run(s, shape, 7 + i, "channel-orth");
        expect(r.projected.channel, JSON.stringify(shape)).toBe(STEPS);
      }
  });

  test("rank 2 with gradients orthogonal to the layer only: layer-wise projection", () => {
    for (const s of [plain, nesterov])
      for (const [i, shape] of [[4, 3], [5, 4], [2, 3, 4]].entries()) {
        const r = run(s, shape, 17 + i, "layer-orth");
        expect(r.projected.layer, JSON.stringify(shape)).toBeGreaterThan(STEPS * 0.8);
      }
  });

  test("rank 2 with gradients along the weight: no projection (plain Adam with full weight decay)", () => {
    for (const s of [plain, nesterov])
      for (const [i, shape] of [[4, 3], [5, 4]].entries()) {
        const r = run(s, shape, 27 + i, "aligned");
        expect(r.projected.none, JSON.stringify(shape)).toBe(STEPS);
      }
  });

  test("vectors, scalars and [1, O] matrices are never projected, even with orthogonal gradients", () => {
    for (const s of [plain, nesterov])
      for (const [i, shape] of [[6], [1], [], [1, 5], [1, 1, 4]].entries()) {
        const r = run(s, shape, 37 + i, "layer-orth");
        expect(r.projected.none, JSON.stringify(shape)).toBe(STEPS);
      }
  });

  test("drawn matrices and 3-tensors, with every kind of gradient", () => {
    const matrixArb = fc.tuple(fc.integer({ min: 1, max: 3 }), fc.integer({ min: 2, max: 5 }), fc.integer({ min: 1, max: 5 })).map(([a, b, c]) => (a === 1 ? [b, c] : [a, b, c]));
    fc.assert(
      fc.property(matrixArb, seedArb, fc.constantFrom<GradMode>("channel-orth", "layer-orth", "aligned", "mixed"), (shape, seed, mode) => {
        run(plain, shape, seed, mode);
      }),
      { numRuns: 40, seed: FC_SEED },
    );
  });
});

test("the defaults of the Lip optimizers are PyTorch's (and the papers')", () => {
  // `sgd()` etc. are run above against the reference's defaults; this pins the defaults table.
  expect(referenceOptimizers.sgd.defaults).toMatchObject({ lr: 1e-3, momentum: 0, dampening: 0, nesterov: false, weight_decay: 0 });
  expect(referenceOptimizers.adamw.defaults).toMatchObject({ weight_decay: 1e-2 });
  expect(referenceOptimizers.lion.defaults).toMatchObject({ lr: 1e-4, beta1: 0.9, beta2: 0.99 });
  console.log(`std.optim: worst relative difference to the references (where |reference| >= 1e-6): ${worstRelative.toExponential(2)}`);
  expect(worstRelative).toBeLessThan(RTOL);
});
