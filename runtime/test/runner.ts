// The property runner behind `lip test`: fast-check drives each property of a checked program.
//
// For every case it draws the size variables, then the generated tensors (generate.ts), lowers
// the property for those sizes (once per size tuple: `lowerProperty` specialises it), evaluates
// it on every backend, and
//   - skips the case (fc.pre) when a `where` is false on the first backend;
//   - fails it when an `assert` is false on any backend;
//   - with several backends, fails it when the backends disagree (differential testing): the two
//     sides of every assert's comparison are compared across backends within a tolerance.
// A failing case is shrunk by fast-check; the report carries the seed and the path that replay
// it (`runProperty(..., { seed, path })` gives the same counterexample again), the counterexample
// in Lip terms and, for the assert that failed, the values of both sides of its comparison.
// A `where` that rejects too many cases fails the property instead of running for ever.

import fc from "fast-check";
import type * as A from "../../compiler/ast/nodes.js";
import { printExpr } from "../../compiler/ast/print.js";
import type { Diagnostic } from "../../compiler/diag/diagnostic.js";
import { locate } from "../../compiler/diag/render-text.js";
import type { Span } from "../../compiler/diag/span.js";
import type { CheckResult } from "../../compiler/driver.js";
import type { DType } from "../../compiler/ir/dtype.js";
import type { IrFunction } from "../../compiler/ir/function.js";
import type { Node } from "../../compiler/ir/node.js";
import { lowerProperty, propertiesOf, type LoweredProperty, type PropertyInfo } from "../../compiler/lower/property.js";
import { tensor, type Tensor } from "../tensor.js";
import { ReferenceBackend, type CompiledProperty, type Outputs, type PropertyBackend } from "./backend.js";
import { indexOf } from "./format.js";
import { caseArbitrary, GeneratorError, shapeOf, type GenerateOptions, type PropertyCase } from "./generate.js";

export const DEFAULT_RUNS = 100;
/** A property fails when its `where` rejected more than this many cases per run asked for. */
export const DEFAULT_MAX_REJECTS_PER_RUN = 10;

export interface RunOptions extends GenerateOptions {
  /** Accepted cases to try (default 100); a property without generators runs once. */
  readonly runs?: number;
  /** The seed (default: a fresh one, reported). */
  readonly seed?: number;
  /** Replays one case: the `path` of a failure report, with its seed. */
  readonly path?: string;
  /** Where to evaluate (default: the reference interpreter). The first one decides `where`s. */
  readonly backends?: readonly PropertyBackend[];
  readonly maxRejectsPerRun?: number;
  /** The tolerance of the differential comparison (default rtol 1e-4, atol 1e-5). */
  readonly differential?: { readonly rtol: number; readonly atol: number };
}

export type PropertyStatus = "passed" | "failed" | "error" | "rejected";

/** A value in Lip terms: a generated input, or one side of a comparison. */
export interface ShownValue {
  readonly name: string;
  readonly dtype: DType;
  readonly shape: readonly number[];
  readonly data: readonly number[];
}

export interface Where {
  readonly file: string;
  readonly line: number;
}

export interface FailedAssert {
  readonly index: number;
  readonly text: string;
  readonly at: Where;
  /** Both sides of its comparison on the failing backend, when the assert is a comparison. */
  readonly left?: ShownValue;
  readonly right?: ShownValue;
  /** The first element where the comparison is false (row-major), for elementwise comparisons. */
  readonly firstFalse?: { readonly index: readonly number[]; readonly left: number; readonly right: number };
}

export interface Counterexample {
  /** `assert`: an assert is false; `differential`: backends disagree; `error`: evaluation threw. */
  readonly kind: "assert" | "differential" | "error";
  /** The backend the failure was seen on (for `differential`, the one disagreeing with the first). */
  readonly backend: string;
  readonly seed: number;
  readonly path: string;
  readonly shrinks: number;
  readonly sizes: Readonly<Record<string, number>>;
  readonly values: readonly ShownValue[];
  /** Every assert that is false on `backend` for this case (the first is the one reported). */
  readonly asserts: readonly FailedAssert[];
  /** `differential`: what disagreed; `error`: the exception's message. */
  readonly message?: string;
  /** `error` from lowering for these sizes: the compiler's diagnostic. */
  readonly diagnostic?: Diagnostic;
}

export interface PropertyReport {
  readonly title: string;
  readonly at: Where;
  readonly status: PropertyStatus;
  /** Cases checked (accepted by the `where`s). */
  readonly runs: number;
  /** Cases the `where`s rejected. */
  readonly rejected: number;
  readonly backends: readonly string[];
  readonly seed: number;
  readonly timeMs: number;
  readonly counterexample?: Counterexample;
  /** `rejected` and `error` without a case: what went wrong, in one line. */
  readonly message?: string;
}

/** What an evaluation found wrong with a case (thrown from fast-check's predicate). */
class CaseFailure extends Error {
  constructor(
    readonly kind: "assert" | "differential",
    readonly backendIndex: number,
    message: string,
  ) {
    super(message);
    this.name = "CaseFailure";
  }
}

/** A backend threw while compiling or running a case. */
class BackendError extends Error {
  constructor(
    readonly backendIndex: number,
    readonly error: unknown,
  ) {
    super(error instanceof Error ? error.message : String(error));
    this.name = "BackendError";
  }
}

/** The two sides of an assert's comparison, found in the lowered IR. */
interface Operands {
  readonly leftText: string;
  readonly rightText: string;
  readonly left: Node;
  readonly right: Node;
  readonly cmp: Node;
}

/** One specialisation: the lowered property for one size tuple, and its compiled forms. */
interface Specialisation {
  readonly lowered: LoweredProperty;
  /** The lowered function plus, per assert that is a comparison, its sides and its result. */
  readonly full: IrFunction;
  readonly operands: readonly (Operands | null)[];
  readonly plain: Map<number, CompiledProperty>;
  readonly withOperands: Map<number, CompiledProperty>;
}

const COMPARISONS = new Set(["==", "!=", "<", "<=", ">", ">=", "~="]);

/** A seed for a run that was given none. */
export function freshSeed(): number {
  return (Date.now() ^ Math.floor(Math.random() * 0x7fffffff)) >>> 1;
}

export function whereOf(span: Span, r: CheckResult): Where {
  const loc = locate(span, r.files);
  return { file: span.file, line: loc?.line ?? 0 };
}

/** Runs every property of the files `r` checked (in source order), one after the other. */
export async function runProperties(
  r: CheckResult,
  opts: RunOptions = {},
  hooks: { filter?: (p: PropertyInfo) => boolean; onReport?: (rep: PropertyReport) => void } = {},
): Promise<PropertyReport[]> {
  const out: PropertyReport[] = [];
  for (const info of propertiesOf(r)) {
    if (hooks.filter && !hooks.filter(info)) continue;
    const rep = await runProperty(r, info, opts);
    hooks.onReport?.(rep);
    out.push(rep);
  }
  return out;
}

/** Tries to break one property. Never throws for a property's own failures. */
export async function runProperty(r: CheckResult, info: PropertyInfo, opts: RunOptions = {}): Promise<PropertyReport> {
  const started = performance.now();
  const backends = opts.backends && opts.backends.length > 0 ? opts.backends : [new ReferenceBackend()];
  const seed = opts.seed ?? freshSeed();
  const at = whereOf(info.property.span, r);
  const base = { title: info.title, at, backends: backends.map((b) => b.name), seed };
  const elapsed = () => Math.round((performance.now() - started) * 10) / 10;

  let arb: fc.Arbitrary<PropertyCase>;
  try {
    arb = caseArbitrary(info, opts);
  } catch (err) {
    if (!(err instanceof GeneratorError)) throw err;
    const g = whereOf(err.generator.span, r);
    return { ...base, status: "error", runs: 0, rejected: 0, timeMs: elapsed(), message: `${g.file}:${g.line}: ${err.message}` };
  }

  const assertStmts = info.property.body.filter((s): s is A.Assert => s.kind === "Assert");
  // lowered once per size tuple; a lowering error is kept too (shrinking asks again and again)
  const specs = new Map<string, Specialisation | { error: unknown }>();
  const specialise = (sizes: Readonly<Record<string, number>>): Specialisation => {
    const key = info.sizeVars.map((v) => sizes[v]).join(",");
    let s = specs.get(key);
    if (s !== undefined && "error" in s) throw s.error;
    if (s === undefined) {
      let lowered: LoweredProperty;
      try {
        lowered = lowerProperty(r, info, sizes);
      } catch (err) {
        specs.set(key, { error: err });
        throw err;
      }
      const operands = lowered.asserts.map((a, i) => {
        const out = lowered.fn.outputs.find((o) => o.name === a.output);
        return out && assertStmts[i] ? operandsOf(assertStmts[i]!.expr, out.node) : null;
      });
      const extra: { name: string; node: Node }[] = [];
      operands.forEach((o, i) => {
        if (o) extra.push({ name: `left_${i}`, node: o.left }, { name: `right_${i}`, node: o.right }, { name: `cmp_${i}`, node: o.cmp });
      });
      const full: IrFunction = { name: lowered.fn.name, inputs: lowered.fn.inputs, outputs: [...lowered.fn.outputs, ...extra] };
      s = { lowered, full, operands, plain: new Map(), withOperands: new Map() };
      specs.set(key, s);
    }
    return s;
  };
  const differential = backends.length > 1;
  const evaluate = async (s: Specialisation, b: number, inputs: Record<string, Tensor>, withOperands: boolean): Promise<Outputs> => {
    const cache = withOperands ? s.withOperands : s.plain;
    let c = cache.get(b);
    if (c === undefined) {
      c = await backends[b]!.compile(withOperands ? s.full : s.lowered.fn);
      cache.set(b, c);
    }
    return await c.run(inputs);
  };
  const tol = opts.differential ?? { rtol: 1e-4, atol: 1e-5 };

  const predicate = async (c: PropertyCase): Promise<void> => {
    const s = specialise(c.sizes);
    const inputs = inputsOf(info, c);
    const outs: Outputs[] = [];
    for (let b = 0; b < backends.length; b++) {
      try {
        outs.push(await evaluate(s, b, inputs, differential));
      } catch (err) {
        throw new BackendError(b, err);
      }
    }
    const ok = s.lowered.wheres.every((w) => truthy(outs[0]![w]!));
    fc.pre(ok);
    for (let b = 0; b < backends.length; b++) {
      const bad = s.lowered.asserts.findIndex((a) => !truthy(outs[b]![a.output]!));
      if (bad >= 0) throw new CaseFailure("assert", b, `assert ${s.lowered.asserts[bad]!.text} is false on ${backends[b]!.name}`);
    }
    if (differential) {
      for (let b = 1; b < backends.length; b++) {
        // backends may differ as much as the property itself allows its comparisons to
        const asserted = s.lowered.asserts.map((a) => a.tolerance);
        const within = { rtol: Math.max(tol.rtol, ...asserted.map((t) => t.rtol ?? 0)), atol: Math.max(tol.atol, ...asserted.map((t) => t.atol ?? 0)) };
        for (const o of s.full.outputs) {
          const why = disagreement(outs[0]![o.name]!, outs[b]![o.name]!, within);
          if (why !== null) throw new CaseFailure("differential", b, `${backends[0]!.name} and ${backends[b]!.name} disagree on ${describeOutput(o.name, s, info)}: ${why}`);
        }
      }
    }
  };

  const noGenerators = info.generators.length === 0;
  const runs = noGenerators ? 1 : Math.max(1, opts.runs ?? DEFAULT_RUNS);
  const params: fc.Parameters<[PropertyCase]> = {
    seed,
    numRuns: runs,
    maxSkipsPerRun: opts.maxRejectsPerRun ?? DEFAULT_MAX_REJECTS_PER_RUN,
    ...(opts.path !== undefined ? { path: opts.path } : {}),
  };
  const details = await fc.check(fc.asyncProperty(arb, predicate), params);

  if (!details.failed) {
    return { ...base, status: "passed", runs: details.numRuns, rejected: details.numSkips, timeMs: elapsed() };
  }
  if (details.counterexample === null) {
    const total = details.numSkips + details.numRuns;
    const pct = total === 0 ? 100 : Math.round((100 * details.numSkips) / total);
    const why = details.interrupted
      ? "the run was interrupted"
      : `the \`where\` of property "${info.title}" (${at.file}:${at.line}) rejected ${pct}% of ${total} generated cases (${details.numRuns} of the ${runs} needed were accepted): loosen it, or draw closer to what it accepts with \`in [lo, hi]\``;
    return { ...base, status: "rejected", runs: details.numRuns, rejected: details.numSkips, timeMs: elapsed(), message: why };
  }

  // the shrunk counterexample, described on the backend that failed
  const c = details.counterexample[0];
  const err = details.errorInstance;
  const sizes = c.sizes;
  const values: ShownValue[] = info.generators.map((g) => ({ name: g.name, dtype: g.dtype, shape: shapeOf(g, sizes), data: [...c.values[g.name]!].map((v) => storedAs(g.dtype, v)) }));
  const common = { seed: details.seed, path: details.counterexamplePath, shrinks: details.numShrinks, sizes, values };
  let counterexample: Counterexample;
  if (err instanceof CaseFailure) {
    const s = specialise(sizes);
    const outs = await evaluate(s, err.backendIndex, inputsOf(info, c), true);
    const asserts = s.lowered.asserts.flatMap((a, i): FailedAssert[] => (truthy(outs[a.output]!) ? [] : [describeAssert(i, a, s.operands[i] ?? null, outs, r)]));
    counterexample = { ...common, kind: err.kind, backend: backends[err.backendIndex]!.name, asserts, ...(err.kind === "differential" ? { message: err.message } : {}) };
  } else {
    const backendIndex = err instanceof BackendError ? err.backendIndex : 0;
    const e = (err instanceof BackendError ? err.error : err) as { name?: unknown; message?: unknown; diagnostic?: Diagnostic } | null;
    const text = e && typeof e.message === "string" ? e.message : String(err);
    const message = e?.name === "CompilerBug" ? `internal error (a bug in Lip, not in the property): ${text}` : text;
    counterexample = { ...common, kind: "error", backend: backends[backendIndex]!.name, asserts: [], message, ...(e?.diagnostic ? { diagnostic: e.diagnostic } : {}) };
  }
  return {
    ...base,
    status: counterexample.kind === "error" ? "error" : "failed",
    runs: details.numRuns,
    rejected: details.numSkips,
    timeMs: elapsed(),
    counterexample,
  };
}

function truthy(t: Tensor): boolean {
  for (let i = 0; i < t.data.length; i++) if (!t.data[i]) return false;
  return true;
}

/** A generated value as the backend stores it (f32 rounding, bools 0/1). */
function storedAs(dtype: DType, v: number): number {
  return dtype === "f32" ? Math.fround(v) : v;
}

function inputsOf(info: PropertyInfo, c: PropertyCase): Record<string, Tensor> {
  const inputs: Record<string, Tensor> = {};
  for (const g of info.generators) inputs[g.name] = tensor(g.dtype, shapeOf(g, c.sizes), c.values[g.name]!);
  return inputs;
}

/** Strips what does not change the values shown (broadcasts of a side, casts of a result). */
function strip(n: Node, ops: readonly string[]): Node {
  while (ops.includes(n.op) && n.src.length === 1) n = n.src[0]!;
  return n;
}

/**
 * The sides of an assert that is a comparison (possibly under `all(...)`/`any(...)`): the AST
 * says which comparison, the IR gives the nodes. `a ~= b` lowers to |a - b| <= atol + rtol |b|.
 */
function operandsOf(expr: A.Expr, out: Node): Operands | null {
  let e = expr;
  while (e.kind === "Call" && e.callee.kind === "Name" && (e.callee.name === "all" || e.callee.name === "any") && e.args.length === 1) e = e.args[0]!.value;
  if (e.kind !== "Binary" || !COMPARISONS.has(e.op)) return null;
  const texts = { leftText: printExpr(e.left), rightText: printExpr(e.right) };
  const cmp = strip(out, ["reduce_min", "reduce_max", "cast", "reshape"]);
  if (e.op === "~=") {
    if (cmp.op !== "le") return null;
    const d = strip(cmp.src[0]!, ["broadcast"]);
    if (d.op !== "abs") return null;
    const s = d.src[0]!;
    if (s.op !== "sub") return null;
    return { ...texts, left: strip(s.src[0]!, ["broadcast"]), right: strip(s.src[1]!, ["broadcast"]), cmp };
  }
  if (!["eq", "ne", "lt", "le", "gt", "ge"].includes(cmp.op)) return null;
  return { ...texts, left: strip(cmp.src[0]!, ["broadcast"]), right: strip(cmp.src[1]!, ["broadcast"]), cmp };
}

function describeAssert(i: number, a: LoweredProperty["asserts"][number], ops: Operands | null, outs: Outputs, r: CheckResult): FailedAssert {
  const at = whereOf(a.span, r);
  const base: FailedAssert = { index: i, text: a.text, at };
  const left = outs[`left_${i}`];
  const right = outs[`right_${i}`];
  const cmp = outs[`cmp_${i}`];
  if (!ops || !left || !right || !cmp) return base;
  const shown = (name: string, t: Tensor): ShownValue => ({ name, dtype: t.dtype, shape: [...t.shape], data: Array.from(t.data) });
  let firstFalse: FailedAssert["firstFalse"];
  if (cmp.shape.length > 0) {
    const k = Array.from(cmp.data).findIndex((v) => !v);
    if (k >= 0) {
      const idx = indexOf(cmp.shape, k);
      firstFalse = { index: idx, left: elementAt(left, cmp.shape, idx), right: elementAt(right, cmp.shape, idx) };
    }
  }
  return { ...base, left: shown(ops.leftText, left), right: shown(ops.rightText, right), ...(firstFalse ? { firstFalse } : {}) };
}

/** The element of `t` (which broadcasts to `shape`) at a multi-index of `shape`. */
function elementAt(t: Tensor, shape: readonly number[], idx: readonly number[]): number {
  const lead = shape.length - t.shape.length;
  let flat = 0;
  for (let d = 0; d < t.shape.length; d++) flat = flat * t.shape[d]! + (t.shape[d] === 1 ? 0 : idx[d + lead]!);
  return t.data[flat]!;
}

/** Why two backends' values of one output differ, or null when they agree. */
function disagreement(a: Tensor | undefined, b: Tensor | undefined, tol: { rtol: number; atol: number }): string | null {
  if (!a || !b) return a === b ? null : "missing output";
  if (a.shape.join(",") !== b.shape.join(",")) return `shapes [${a.shape.join(", ")}] and [${b.shape.join(", ")}]`;
  const float = a.dtype === "f32" || a.dtype === "f64";
  for (let i = 0; i < a.data.length; i++) {
    const x = a.data[i]!;
    const y = b.data[i]!;
    if (Object.is(x, y) || x === y) continue;
    if (float) {
      if (Number.isNaN(x) && Number.isNaN(y)) continue;
      if (Math.abs(x - y) <= tol.atol + tol.rtol * Math.abs(x)) continue;
    }
    const idx = a.shape.length ? ` at [${indexOf(a.shape, i).join(", ")}]` : "";
    return `${x} vs ${y}${idx}`;
  }
  return null;
}

function describeOutput(name: string, s: Specialisation, info: PropertyInfo): string {
  const m = /^(where|assert|left|right|cmp)_(\d+)$/.exec(name);
  if (!m) return name;
  const i = Number(m[2]);
  if (m[1] === "where") return `the \`where\` of property "${info.title}"`;
  const text = s.lowered.asserts[i]?.text ?? name;
  const ops = s.operands[i];
  if (m[1] === "left") return `\`${ops?.leftText ?? "the left side"}\` (assert ${text})`;
  if (m[1] === "right") return `\`${ops?.rightText ?? "the right side"}\` (assert ${text})`;
  return `assert ${text}`;
}
