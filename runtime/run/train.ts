// The run loop of `lip run`, the same for every backend: initial slots (or --init, or a
// checkpoint), then for each step a batch, one step of the backend, a check for NaN/Inf in the
// loss and every gradient, the log line, the progress line, an evaluation on held-out data
// every N steps, and a checkpoint every N steps. At the end: the parameters, a summary and a
// plot of the loss curves, all in the run folder. Every file is written atomically.

import { appendFileSync, existsSync, mkdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import type { CompiledExperiment } from "../../compiler/lower/index.js";
import { Batches } from "../batches.js";
import { readSafetensors, writeSafetensors } from "../io/safetensors.js";
import { writeFileAtomic } from "../io/atomic-write.js";
import { lossPlotSvg } from "../plot/svg.js";
import type { Tensor } from "../tensor.js";
import type { Backend } from "./backend.js";
import { evaluateReference, isPipelined } from "./backend.js";
import { dataFields } from "./data.js";
import { formatNumber, Progress, type ProgressSink } from "./progress.js";

export interface RunOptions {
  readonly outDir: string;
  readonly seed: number;
  readonly logPath?: string | undefined;
  readonly initPath?: string | undefined;
  readonly saveParams?: string | undefined;
  readonly checkpointEvery?: number | undefined;
  readonly resume?: boolean; // continue from outDir/checkpoint.safetensors
  readonly quiet?: boolean;
  readonly progress: ProgressSink;
  /** The experiment compiled for the evaluation set in one batch (when it has `eval`). */
  readonly evalCompiled?: CompiledExperiment | undefined;
  readonly source: string; // the program's text, for the checkpoint's fingerprint
  /**
   * Pipelined backends (WebGPU): read the loss and metrics back every N steps only (default 1:
   * every step, still without waiting for the device); the log has a line for those steps.
   */
  readonly readEvery?: number | undefined;
}

export interface RunSummary {
  readonly experiment: string;
  readonly backend: string;
  readonly status: "finished" | "diverged";
  readonly steps: number;
  readonly seed: number;
  readonly final: Record<string, number>;
  readonly eval: Record<string, number> | null;
  readonly seconds: number;
  readonly steps_per_second: number;
  readonly parameters: number;
  readonly out: string;
}

/** A user-facing failure of the run (exit status 1, the message printed as is). */
export class RunError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "RunError";
  }
}

export const CHECKPOINT = "checkpoint.safetensors";

export async function train(compiled: CompiledExperiment, backend: Backend, opts: RunOptions): Promise<RunSummary> {
  mkdirSync(opts.outDir, { recursive: true });
  const logPath = opts.logPath ?? join(opts.outDir, "log.jsonl");
  const params = compiled.slots.filter((s) => s.kind === "param").map((s) => s.name);
  const total = compiled.steps;

  // ---- the first step and the slots
  let slots: Record<string, Tensor>;
  let first = 0;
  const history: Record<string, number | null>[] = [];
  if (opts.resume) {
    const r = resumeFrom(opts.outDir, compiled, opts.source);
    slots = r.slots;
    first = r.step;
    history.push(...truncateLog(logPath, first));
  } else {
    slots = backend.initial();
    if (opts.initPath) slots = { ...slots, ...loadInit(opts.initPath, compiled, slots) };
    writeFileAtomic(logPath, "");
  }

  const trainData = dataFields(compiled.data, opts.seed);
  const batches = new Batches(trainData, compiled.batchSize, compiled.shuffle, opts.seed);
  const evalBatch = opts.evalCompiled && compiled.eval ? dataFields(compiled.eval.data, opts.seed) : null;
  const progress = new Progress(opts.quiet ? { write: () => {}, isTTY: false } : opts.progress, total, first);
  const started = performance.now();
  // log lines are buffered and appended a few times a second (and at checkpoints, evaluations and
  // the end), so that writing the log costs almost nothing per step
  let pending = "";
  let flushedAt = started;
  const flushLog = () => {
    if (pending !== "") appendFileSync(logPath, pending);
    pending = "";
    flushedAt = performance.now();
  };
  let lastLine: Record<string, number | null> = {};
  const finalValues = () => Object.fromEntries(Object.entries(lastLine).filter(([k, v]) => k !== "step" && typeof v === "number")) as Record<string, number>;
  let lastEval: Record<string, number> | null = null;

  const stepper = makeStepper(backend, slots, compiled, opts.readEvery ?? 1);
  const evalDue = (step: number) => Boolean(opts.evalCompiled && compiled.eval && evalBatch && ((step + 1) % compiled.eval.every === 0 || step + 1 === total));
  // one step's outputs, once they are back: the NaN check, the log line, the progress line
  const record = async (step: number, out: Record<string, Tensor>, slotsNow: Record<string, Tensor> | null) => {
    const problem = nonFinite(out, params, step);
    if (problem) {
      flushLog();
      writeSummary(opts, compiled, backend, "diverged", step, finalValues(), lastEval, started, first);
      const where = stepper.pipelined ? await stepper.nonFiniteParams() : "";
      throw new RunError(problem + where + (opts.checkpointEvery && existsSync(join(opts.outDir, CHECKPOINT)) ? `\nthe last good checkpoint is kept in ${join(opts.outDir, CHECKPOINT)}` : ""));
    }
    const line: Record<string, number | null> = { step, loss: out.loss!.data[0]! };
    for (const k of compiled.stateStreams) line[k] = (slotsNow ?? out)[k]!.data[0]!; // the state's value at this step
    for (const k of compiled.streams) if (out[k]?.data.length === 1) line[k] = out[k]!.data[0]!;
    for (const k of compiled.metrics) {
      const every = compiled.metricEvery.get(k) ?? 1;
      if (out[k]?.data.length === 1 && (step % every === 0 || step + 1 === total)) line[k] = out[k]!.data[0]!;
    }
    if (evalDue(step)) {
      // no later step has been submitted yet (the loop settles an evaluation step at once)
      lastEval = evaluateReference(opts.evalCompiled!, await stepper.slots(), step, evalBatch!);
      for (const [k, v] of Object.entries(lastEval)) line[`eval_${k}`] = v;
      progress.note(`eval at step ${step + 1}: ${Object.entries(lastEval).map(([k, v]) => `${k} ${formatNumber(v)}`).join("  ")}`);
    }
    pending += JSON.stringify(line) + "\n";
    if (pending.length > 1 << 16 || performance.now() - flushedAt > 250) flushLog();
    history.push(line);
    lastLine = line;
    progress.update(step, pick(line, ["loss", ...compiled.streams.slice(0, 1), ...compiled.metrics.slice(0, 2)]));
  };
  // steps submitted and not yet recorded, oldest first: at most `maxInFlight` wait while the
  // backend runs the next (0 for backends that hand back the next slots with each step)
  const inflight: { step: number; out: Promise<Record<string, Tensor>>; slots: Record<string, Tensor> | null }[] = [];
  const settle = async (keep: number) => {
    while (inflight.length > keep) {
      const { step, out, slots: s } = inflight.shift()!;
      await record(step, await out, s);
    }
  };

  for (let step = first; step < total; step++) {
    const checkpointDue = Boolean(opts.checkpointEvery && (step + 1) % opts.checkpointEvery === 0 && step + 1 < total);
    const before = stepper.pipelined ? null : stepper.current();
    const out = stepper.submit(step, batches.at(step), stepper.mustRead(step, total) || evalDue(step) || checkpointDue);
    if (out) inflight.push({ step, out, slots: before });
    await settle(evalDue(step) || checkpointDue ? 0 : stepper.maxInFlight);
    if (checkpointDue) {
      flushLog();
      const now = await stepper.slots();
      // a pipelined backend's gradients are not read back: check what would be saved
      const bad = stepper.pipelined ? nonFiniteSlots(now) : "";
      if (bad) throw new RunError(`${bad} after step ${step}; the run stopped before writing the checkpoint`);
      writeSafetensors(join(opts.outDir, CHECKPOINT), now, { step: String(step + 1), experiment: compiled.name, seed: String(opts.seed), source: fingerprint(opts.source) });
    }
  }
  await settle(0);
  slots = await stepper.slots();

  flushLog();
  const paramTensors = Object.fromEntries(params.map((p) => [p, slots[p]!]));
  writeSafetensors(join(opts.outDir, "params.safetensors"), paramTensors, { experiment: compiled.name, steps: String(total) });
  if (opts.saveParams) writeSafetensors(opts.saveParams, paramTensors, { experiment: compiled.name, steps: String(total) });
  writeFileAtomic(join(opts.outDir, "loss.svg"), lossPlotSvg(curves(history), { title: `${compiled.name}: loss`, yLabel: "loss" }));
  return writeSummary(opts, compiled, backend, "finished", total, finalValues(), lastEval, started, first);
}

/** How the run loop drives a backend: one step at a time, or pipelined (PipelinedBackend). */
interface Stepper {
  readonly pipelined: boolean;
  /** Steps that may be in flight, unrecorded, while the next one is submitted. */
  readonly maxInFlight: number;
  /** The slot values the next step starts from (unpipelined backends only). */
  current(): Record<string, Tensor>;
  /** Queues a step; a promise of its outputs when they are read (always, unpipelined). */
  submit(step: number, batch: Record<string, Tensor>, read: boolean): Promise<Record<string, Tensor>> | null;
  mustRead(step: number, total: number): boolean;
  /** The slot values after the last step submitted (and settled, unpipelined). */
  slots(): Promise<Record<string, Tensor>>;
  /** For a message: the parameters now holding NaN or Inf. */
  nonFiniteParams(): Promise<string>;
}

function makeStepper(backend: Backend, initial: Record<string, Tensor>, compiled: CompiledExperiment, readEvery: number): Stepper {
  if (isPipelined(backend)) {
    backend.setSlots(initial);
    // state streams (an `ema`) are slots: read as the step starts, the value the log shows
    const read = ["loss", ...compiled.streams, ...compiled.metrics].filter((n) => backend.outputNames.has(n)).concat(compiled.stateStreams);
    return {
      pipelined: true,
      maxInFlight: 2,
      current: () => {
        throw new Error("a pipelined backend keeps its slots");
      },
      submit: (step, batch, mustRead) => backend.submit(step, batch, mustRead ? read : null),
      mustRead: (step, total) => step % readEvery === 0 || step + 1 === total,
      slots: () => backend.slots(),
      nonFiniteParams: async () => {
        const bad = nonFiniteSlots(await backend.slots());
        return bad ? `\n${bad} (the loss is read back every ${readEvery} step${readEvery === 1 ? "" : "s"}, gradients are not: run with --backend reference to find the first bad gradient)` : "";
      },
    };
  }
  let slots = initial;
  return {
    pipelined: false,
    maxInFlight: 0,
    current: () => slots,
    submit: (step, batch) =>
      Promise.resolve(backend.step(slots, step, batch)).then((out) => {
        const next: Record<string, Tensor> = {};
        for (const name of Object.keys(slots)) next[name] = out[`${name}.next`]!;
        slots = next;
        return out;
      }),
    mustRead: () => true,
    slots: async () => slots,
    nonFiniteParams: async () => "",
  };
}

/** "`w` holds NaN (element [0, 3])" for the first slot with a non-finite value, or "". */
function nonFiniteSlots(slots: Record<string, Tensor>): string {
  for (const [name, t] of Object.entries(slots)) {
    if (t.dtype !== "f32") continue;
    for (let i = 0; i < t.data.length; i++) if (!Number.isFinite(t.data[i]!)) return `\`${name}\` holds ${t.data[i]} (element ${formatIndex(i, t.shape)})`;
  }
  return "";
}

function pick(line: Record<string, number | null>, keys: string[]): Record<string, number> {
  const out: Record<string, number> = {};
  for (const k of keys) if (typeof line[k] === "number") out[k] = line[k] as number;
  return out;
}

function curves(history: Record<string, number | null>[]): { name: string; points: [number, number][] }[] {
  const trainPts: [number, number][] = [];
  const evalPts: [number, number][] = [];
  for (const h of history) {
    if (typeof h.loss === "number") trainPts.push([h.step as number, h.loss]);
    if (typeof h.eval_loss === "number") evalPts.push([h.step as number, h.eval_loss]);
  }
  return [{ name: "train", points: trainPts }, ...(evalPts.length ? [{ name: "eval", points: evalPts }] : [])];
}

function writeSummary(opts: RunOptions, compiled: CompiledExperiment, backend: Backend, status: RunSummary["status"], steps: number, last: Record<string, number>, lastEval: Record<string, number> | null, started: number, first: number): RunSummary {
  const seconds = (performance.now() - started) / 1000;
  const summary: RunSummary = {
    experiment: compiled.name,
    backend: backend.name,
    status,
    steps,
    seed: opts.seed,
    final: last,
    eval: lastEval,
    seconds: Number(seconds.toFixed(3)),
    steps_per_second: Number(((steps - first) / Math.max(seconds, 1e-9)).toFixed(2)),
    parameters: compiled.slots.filter((s) => s.kind === "param").reduce((n, s) => n + s.input.shape.reduce((a, b) => a * b, 1), 0),
    out: opts.outDir,
  };
  writeFileAtomic(join(opts.outDir, "summary.json"), JSON.stringify(summary, null, 2) + "\n");
  return summary;
}

/** The first NaN or Inf in the loss or a gradient, as a message naming the step and parameter. */
function nonFinite(out: Record<string, Tensor>, params: readonly string[], step: number): string | null {
  const loss = out.loss!.data[0]!;
  if (!Number.isFinite(loss)) return `the loss is ${loss} at step ${step}; the run stopped`;
  for (const p of params) {
    const g = out[`${p}.grad`];
    if (!g) continue;
    for (let i = 0; i < g.data.length; i++) {
      const v = g.data[i]!;
      if (!Number.isFinite(v)) return `the gradient of \`${p}\` is ${v} at step ${step} (element ${formatIndex(i, g.shape)}); the run stopped`;
    }
  }
  return null;
}

function formatIndex(flat: number, shape: readonly number[]): string {
  const idx: number[] = [];
  for (let d = shape.length - 1; d >= 0; d--) {
    idx.unshift(flat % shape[d]!);
    flat = Math.floor(flat / shape[d]!);
  }
  return `[${idx.join(", ")}]`;
}

/** A short fingerprint of the program, so that a checkpoint is not resumed into another one. */
export function fingerprint(source: string): string {
  let h = 0x811c9dc5;
  for (let i = 0; i < source.length; i++) h = Math.imul(h ^ source.charCodeAt(i), 0x01000193);
  return (h >>> 0).toString(16).padStart(8, "0");
}

function resumeFrom(dir: string, compiled: CompiledExperiment, source: string): { slots: Record<string, Tensor>; step: number } {
  const path = join(dir, CHECKPOINT);
  if (!existsSync(path)) throw new RunError(`cannot resume: ${path} does not exist (run with --checkpoint-every N to write checkpoints)`);
  const tensors = readSafetensors(path);
  const meta = readMetadata(path);
  if (meta.experiment !== compiled.name) throw new RunError(`cannot resume: ${path} is a checkpoint of experiment \`${meta.experiment}\`, not \`${compiled.name}\``);
  if (meta.source !== fingerprint(source)) throw new RunError(`cannot resume: the program changed since ${path} was written`);
  const slots: Record<string, Tensor> = {};
  for (const s of compiled.slots) {
    const t = tensors[s.name];
    if (!t) throw new RunError(`cannot resume: ${path} has no tensor \`${s.name}\``);
    slots[s.name] = t;
  }
  return { slots, step: Number(meta.step) };
}

function readMetadata(path: string): Record<string, string> {
  const buf = readFileSync(path);
  const n = Number(buf.readBigUInt64LE(0));
  const header = JSON.parse(buf.subarray(8, 8 + n).toString("utf8")) as { __metadata__?: Record<string, string> };
  return header.__metadata__ ?? {};
}

/** Keeps the log lines of the steps before `step` (a resumed run rewrites the rest). */
function truncateLog(path: string, step: number): Record<string, number | null>[] {
  const kept: Record<string, number | null>[] = [];
  if (existsSync(path)) {
    for (const line of readFileSync(path, "utf8").split("\n")) {
      if (line.trim() === "") continue;
      const obj = JSON.parse(line) as Record<string, number | null>;
      if ((obj.step as number) < step) kept.push(obj);
    }
  }
  writeFileAtomic(path, kept.map((k) => JSON.stringify(k) + "\n").join(""));
  return kept;
}

/** `--init FILE`: initial parameters by name; a missing or extra name is an error. */
function loadInit(path: string, compiled: CompiledExperiment, slots: Record<string, Tensor>): Record<string, Tensor> {
  const tensors = readSafetensors(path);
  const params = compiled.slots.filter((s) => s.kind === "param");
  const names = new Set(params.map((p) => p.name));
  const extra = Object.keys(tensors).filter((k) => !names.has(k));
  if (extra.length) throw new RunError(`${path}: \`${extra[0]}\` is not a parameter of \`${compiled.name}\` (its parameters are ${[...names].map((n) => `\`${n}\``).join(", ")})`);
  const out: Record<string, Tensor> = {};
  for (const p of params) {
    const t = tensors[p.name];
    if (!t) throw new RunError(`${path}: parameter \`${p.name}\` is missing`);
    const want = slots[p.name]!;
    if (t.dtype !== want.dtype || t.shape.length !== want.shape.length || t.shape.some((d: number, i: number) => d !== want.shape[i])) {
      throw new RunError(`${path}: parameter \`${p.name}\` is ${t.dtype}[${t.shape.join(", ")}], but the model declares ${want.dtype}[${want.shape.join(", ")}]`);
    }
    out[p.name] = t;
  }
  return out;
}
