// The std.sched schedules (stdlib/sched.lip) against their closed forms, written here from the
// stated definitions (and torch.optim.lr_scheduler's closed forms where torch has the schedule:
// StepLR, ExponentialLR, PolynomialLR, CosineAnnealingLR up to `total`), at 1,000 sampled steps
// per setting: 0, 1, the phase boundaries and their neighbours, total - 1, total, total + 1, far
// beyond total, and random steps in [0, 3 total]. Evaluated in float64, through a vector of
// steps (one i32 tensor of 1,000 steps: schedules are elementwise), through a scalar i32 step,
// and through a compile-time int step (folded at compile time).

import { describe, expect, test } from "vitest";
import { checkSource } from "../../compiler/driver.js";
import { lowerFunction } from "../../compiler/lower/function.js";
import { interpret } from "../../runtime/interp.js";
import { scalar, tensor } from "../../runtime/tensor.js";
import { seededRandom } from "../../runtime/batches.js";

const RTOL = 1e-9; // float64 throughout: the acceptance bound is 1e-6, the observed agreement ~1e-15
const ATOL = 1e-12;
const SAMPLES = 1000;

type Args = Record<string, number>;

interface Schedule {
  readonly name: string;
  /** The closed form at a 0-based step. */
  readonly closed: (s: number, a: Args) => number;
  /** Settings: the Lip arguments after `step` (positional first, then named), and their values for `closed`. */
  readonly settings: readonly { readonly positional: readonly string[]; readonly args: Args }[];
  /** Steps worth sampling for a setting (boundaries). */
  readonly boundaries: (a: Args) => number[];
}


const SCHEDULES: readonly Schedule[] = [
  {
    name: "constant",
    closed: (_s, a) => a.value ?? 1,
    settings: [
      { positional: [], args: {} },
      { positional: [], args: { value: 0.3 } },
    ],
    boundaries: () => [0, 1, 100],
  },
  {
    // (step + 1) / n for step < n, then 1
    name: "warmup",
    closed: (s, a) => (s < a.n! ? (s + 1) / a.n! : 1),
    settings: [
      { positional: ["n"], args: { n: 1 } },
      { positional: ["n"], args: { n: 100 } },
      { positional: ["n"], args: { n: 7 } },
    ],
    boundaries: (a) => [a.n! - 2, a.n! - 1, a.n!, a.n! + 1, 3 * a.n!],
  },
  {
    // CosineAnnealingLR with eta_min = floor, T_max = total, held at floor after total
    name: "cosine",
    closed: (s, a) => {
      const f = a.floor ?? 0;
      return s >= a.total! ? f : f + ((1 - f) * (1 + Math.cos((Math.PI * s) / a.total!))) / 2;
    },
    settings: [
      { positional: ["total"], args: { total: 1000 } },
      { positional: ["total"], args: { total: 333, floor: 0.1 } },
      { positional: ["total"], args: { total: 1, floor: 0.5 } },
    ],
    boundaries: (a) => [a.total! / 2, a.total! - 1, a.total!, a.total! + 1],
  },
  {
    name: "linear_decay",
    closed: (s, a) => {
      const f = a.floor ?? 0;
      return s >= a.total! ? f : f + (1 - f) * ((a.total! - s) / a.total!);
    },
    settings: [
      { positional: ["total"], args: { total: 1000 } },
      { positional: ["total"], args: { total: 250, floor: 0.2 } },
    ],
    boundaries: (a) => [a.total! - 1, a.total!, a.total! + 1],
  },
  {
    // StepLR: gamma ^ floor(step / step_size)
    name: "step_decay",
    closed: (s, a) => Math.pow(a.gamma ?? 0.1, Math.floor(s / a.every!)),
    settings: [
      { positional: ["every"], args: { every: 100 } },
      { positional: ["every"], args: { every: 7, gamma: 0.5 } },
    ],
    boundaries: (a) => [a.every! - 1, a.every!, a.every! + 1, 2 * a.every! - 1, 2 * a.every!],
  },
  {
    // ExponentialLR: gamma ^ step
    name: "exponential",
    closed: (s, a) => Math.pow(a.gamma!, s),
    settings: [
      { positional: ["gamma"], args: { gamma: 0.999 } },
      { positional: ["gamma"], args: { gamma: 0.95 } },
    ],
    boundaries: () => [10, 100, 1000, 20000],
  },
  {
    // 1 for step < warm, then sqrt(warm / (step + 1))
    name: "inverse_sqrt",
    closed: (s, a) => {
      const w = a.warm ?? 1;
      return s < w ? 1 : Math.sqrt(w / (s + 1));
    },
    settings: [
      { positional: [], args: {} },
      { positional: [], args: { warm: 100 } },
      { positional: [], args: { warm: 4000 } },
    ],
    boundaries: (a) => {
      const w = a.warm ?? 1;
      return [w - 1, w, w + 1, 4 * w - 1];
    },
  },
  {
    // PolynomialLR (total_iters = total) with a floor
    name: "polynomial",
    closed: (s, a) => {
      const f = a.floor ?? 0, p = a.power ?? 1;
      return f + (1 - f) * Math.pow(1 - Math.min(s, a.total!) / a.total!, p);
    },
    settings: [
      { positional: ["total"], args: { total: 1000 } },
      { positional: ["total"], args: { total: 500, power: 2, floor: 0.1 } },
      { positional: ["total"], args: { total: 300, power: 0.5 } },
    ],
    boundaries: (a) => [a.total! - 1, a.total!, a.total! + 1],
  },
  {
    // warmup over W = warm total steps, stable at 1, linear decay to floor over the last
    // D = decay total steps (a phase shorter than one step is no phase), floor after total
    name: "wsd",
    closed: (s, a) => {
      const n = a.total!, f = a.floor ?? 0;
      const W = (a.warm ?? 0.01) * n, D = (a.decay ?? 0.2) * n;
      const up = W > 1 && s < W ? Math.min(1, (s + 1) / W) : 1;
      let down: number;
      if (s >= n) down = f;
      else if (D > 1 && s > n - D) down = f + (1 - f) * ((n - s) / D);
      else down = 1;
      return Math.min(up, down);
    },
    settings: [
      { positional: ["total"], args: { total: 1000 } },
      { positional: ["total"], args: { total: 500, warm: 0.1, decay: 0.3, floor: 0.05 } },
      { positional: ["total"], args: { total: 100, warm: 0.005, decay: 0 } }, // no warmup (W < 1) and no decay phase
      { positional: ["total"], args: { total: 30, warm: 0.07, decay: 0.25, floor: 0.3 } }, // fractional W = 2.1, D = 7.5
      { positional: ["total"], args: { total: 200, warm: 0.6, decay: 0.6 } }, // overlapping phases: the lower one wins
    ],
    boundaries: (a) => {
      const n = a.total!, W = (a.warm ?? 0.01) * n, D = (a.decay ?? 0.2) * n;
      return [Math.floor(W) - 1, Math.floor(W), Math.ceil(W), Math.floor(n - D) - 1, Math.floor(n - D), Math.ceil(n - D), n - 1, n, n + 1];
    },
  },
];

const rng = seededRandom; // mulberry32, shared with the run loop

/** 1,000 steps: the fixed points first, then random ones in [0, 3 horizon]. */
function sampleSteps(fixed: number[], horizon: number, seed: number): number[] {
  const out = [...new Set([0, 1, 2, ...fixed, 10 * horizon, 100 * horizon].map((s) => Math.max(0, Math.floor(s))))];
  const u = rng(seed);
  while (out.length < SAMPLES) out.push(Math.floor(u() * 3 * horizon));
  return out.slice(0, SAMPLES);
}

function sourceOf(s: Schedule, a: Args): { call: string; text: string } {
  const setting = s.settings.find((x) => x.args === a)!;
  const parts = ["step", ...setting.positional.map((k) => String(a[k])), ...Object.keys(a).filter((k) => !setting.positional.includes(k)).map((k) => `${k}: ${a[k]}`)];
  const call = `${s.name}(${parts.join(", ")})`;
  return { call, text: `use std.sched { ${s.name} }\nfn f(step) = ${call}\n` };
}

function expectClose(actual: number, expected: number, what: string): void {
  if (!(Math.abs(actual - expected) <= RTOL * Math.abs(expected) + ATOL)) expect.fail(`${what}: lip ${actual}, closed form ${expected}`);
}

describe("std.sched matches its closed forms at 1,000 sampled steps", () => {
  for (const s of SCHEDULES)
    for (const [i, { args }] of s.settings.entries()) {
      const { call, text } = sourceOf(s, args);
      test(call, () => {
        const r = checkSource(text, "t.lip");
        expect(r.diagnostics.filter((d) => d.severity === "error").map((d) => `${d.code} ${d.message}`)).toEqual([]);
        const horizon = args.total ?? args.n ?? args.every ?? args.warm ?? 1000;
        const steps = sampleSteps(s.boundaries(args), Math.max(horizon, 10), 97 + i);
        expect(steps.length).toBe(SAMPLES);

        // every step at once, as a vector of i32 steps
        const fv = lowerFunction(r, "f", { step: { dtype: "i32", shape: [SAMPLES] } });
        const out = interpret(fv, { step: tensor("i32", [SAMPLES], steps) }, { float64: true }).out!;
        const broadcast = out.data.length === 1; // `constant` does not depend on the step
        if (!broadcast) expect(out.shape).toEqual([SAMPLES]);
        steps.forEach((st, k) => expectClose(out.data[broadcast ? 0 : k]!, s.closed(st, args), `${call} at step ${st} (vector)`));

        // a scalar i32 step, and a compile-time int step, at the fixed points
        const fs = lowerFunction(r, "f", { step: { dtype: "i32", shape: [] } });
        for (const st of steps.slice(0, 24)) {
          const v = interpret(fs, { step: scalar(st, "i32") }, { float64: true }).out!;
          expect(v.shape).toEqual([]);
          expectClose(v.data[0]!, s.closed(st, args), `${call} at step ${st} (scalar)`);
          const fc = lowerFunction(r, "f", { step: { value: st, kind: "int" } });
          expectClose(interpret(fc, {}, { float64: true }).out!.data[0]!, s.closed(st, args), `${call} at step ${st} (compile time)`);
        }
      });
    }
});

test("schedule shapes: monotone decay, continuity at the wsd phase boundaries", () => {
  // cosine, linear_decay and polynomial start at 1 and end at the floor; wsd reaches 1
  const r = checkSource(`use std.sched { wsd, cosine }\nfn f(step) = wsd(step, 1000, warm: 0.1, decay: 0.2, floor: 0.1)\nfn g(step) = cosine(step, 1000, floor: 0.1)\n`, "t.lip");
  expect(r.diagnostics.filter((d) => d.severity === "error")).toEqual([]);
  const steps = Array.from({ length: 1101 }, (_, i) => i);
  const at = (name: string) => Array.from(interpret(lowerFunction(r, name, { step: { dtype: "i32", shape: [steps.length] } }), { step: tensor("i32", [steps.length], steps) }, { float64: true }).out!.data);
  const w = at("f"), c = at("g");
  expect(w[99]).toBeCloseTo(1, 12);
  expect(w.slice(100, 800).every((x) => x === 1)).toBe(true);
  for (let i = 800; i < 1100; i++) expect(w[i + 1]!).toBeLessThanOrEqual(w[i]!);
  expect(w[1000]).toBeCloseTo(0.1, 12);
  expect(c[0]).toBe(1);
  for (let i = 0; i < 1100; i++) expect(c[i + 1]!).toBeLessThanOrEqual(c[i]! + 1e-15);
  expect(c[1000]).toBeCloseTo(0.1, 12);
  expect(c[1100]).toBeCloseTo(0.1, 12);
});
