// `lip run FILE`: checks the file, compiles an experiment and trains it, with a progress line,
// a final summary, and a run folder (log.jsonl, params.safetensors, summary.json, loss.svg).

import { readFileSync } from "node:fs";
import { join } from "node:path";
import { suggest } from "../diag/suggest.js";
import { defineCommand, Exit, useColor } from "./command.js";
import { UsageError } from "./flags.js";

export const runCommand = defineCommand({
  name: "run",
  summary: "train an experiment",
  description:
    "Checks FILE, compiles one of its experiments and trains it, showing the loss, the learning rate\n" +
    "and the metrics as it goes. Writes a run folder with log.jsonl (one line per step),\n" +
    "params.safetensors, summary.json and loss.svg.",
  positionals: { name: "FILE", help: "the .lip file", min: 1, max: 1 },
  flags: [
    { kind: "string", name: "experiment", valueName: "NAME", help: "the experiment to run (needed when the file has several)" },
    { kind: "enum", name: "backend", values: ["onnx", "reference", "webgpu"], default: "onnx", help: "where to run the training step (onnx: ONNX Runtime on the CPU; reference: Lip's interpreter; webgpu: fused WGSL kernels on a GPU through Dawn)" },
    { kind: "int", name: "threads", valueName: "N", min: 1, help: "ONNX Runtime's intra-op threads (default: its own choice)" },
    { kind: "enum", name: "ort-optimization", values: ["disabled", "basic", "extended", "all"], default: "all", help: "ONNX Runtime's graph optimization level" },
    { kind: "int", name: "opset", valueName: "N", min: 17, max: 23, default: 17, help: "the ONNX opset of the training step run by ONNX Runtime" },
    { kind: "bool", name: "exact-sums", help: "webgpu: carry matmul sums as hi + lo and round once, as the reference interpreter does (reductions always are); slower, and the two agree to the last bit nearly always" },
    { kind: "int", name: "read-every", valueName: "N", min: 1, help: "webgpu: read the loss and metrics back every N steps (default 1); the device runs ahead and never waits for them" },
    { kind: "int", name: "steps", valueName: "N", min: 0, help: "train for N steps instead of the experiment's `steps`" },
    { kind: "int", name: "seed", valueName: "N", default: 0, help: "the seed of initialisers, shuffling and splits" },
    { kind: "list", name: "set", valueName: "NAME=VALUE", help: "override a constant `let` of the experiment (repeatable)" },
    { kind: "string", name: "out", valueName: "DIR", help: "the run folder (default: runs/<experiment>-<time>)" },
    { kind: "string", name: "log", valueName: "FILE.jsonl", help: "write the log here instead of the run folder" },
    { kind: "string", name: "init", valueName: "FILE.safetensors", help: "initial parameters, by name" },
    { kind: "string", name: "save-params", valueName: "FILE.safetensors", help: "also write the final parameters here" },
    { kind: "int", name: "checkpoint-every", valueName: "N", min: 1, help: "write a checkpoint every N steps (atomically)" },
    { kind: "string", name: "resume", valueName: "DIR", help: "continue the run in DIR from its checkpoint" },
    { kind: "bool", name: "quiet", short: "q", help: "print only the final summary" },
    { kind: "enum", name: "color", values: ["auto", "always", "never"], default: "auto", help: "colour diagnostics; auto: if stderr is a terminal and NO_COLOR is unset" },
  ],
  sections: [{ title: "Exit status", lines: ["0   trained", "1   the file has errors, or the run failed (bad data, NaN)", "2   usage error", "70  internal error"] }],
  async run({ flags, positionals }, io) {
    const path = positionals[0]!;
    if (flags.resume && flags.out) throw new UsageError("`--resume DIR` continues in DIR; do not give `--out` too");
    if (flags["exact-sums"] && flags.backend !== "webgpu") throw new UsageError(`\`--exact-sums\` applies to \`--backend webgpu\``);
    if (flags["read-every"] !== undefined && flags.backend !== "webgpu") throw new UsageError(`\`--read-every\` applies to \`--backend webgpu\` (the ${flags.backend} backend reads every step back)`);
    const color = useColor(flags.color, io);
    const { checkOrReport, lowerOrReport } = await import("./lower-or-report.js");
    const r = await checkOrReport(path, io, color);
    if (r === null) return Exit.Failure;
    const { experimentNames } = await import("../lower/index.js");
    const names = experimentNames(r);
    const name = flags.experiment ?? (names.length === 1 ? names[0] : undefined);
    if (names.length === 0) return fail(io, `${path} declares no experiment`);
    if (name === undefined) return fail(io, `${path} declares several experiments (${names.join(", ")}): choose one with --experiment`);
    if (!names.includes(name)) return fail(io, `${path} has no experiment \`${name}\`${hint(name, names)}`);
    const info = r.program!.experiments.get(name)!;
    const overrides = parseOverrides(flags.set, info.streams);
    const opts = { seed: flags.seed, overrides, ...(flags.steps !== undefined ? { steps: flags.steps } : {}) };
    const compiled = await lowerOrReport(r, name, opts, io, color);
    if (compiled === null) return Exit.Failure;

    const { train, RunError } = await import("../../runtime/run/train.js");
    const { ReferenceBackend } = await import("../../runtime/run/backend.js");
    const { DataFileError } = await import("../../runtime/io/errors.js");
    const { dataFields } = await import("../../runtime/run/data.js");
    let evalCompiled;
    if (compiled.eval) {
      const n = Object.values(dataFields(compiled.eval.data, flags.seed))[0]?.shape[0] ?? 0;
      evalCompiled = (await lowerOrReport(r, name, { ...opts, batch: n, training: false }, io, color)) ?? undefined;
      if (evalCompiled === undefined) return Exit.Failure;
    }
    const outDir = flags.resume ?? flags.out ?? join("runs", `${name}-${timestamp()}`);
    try {
      let backend;
      if (flags.backend === "onnx") {
        const { OnnxBackend } = await import("../../runtime/onnx/backend.js");
        backend = await OnnxBackend.create(compiled, { opset: flags.opset, optimization: flags["ort-optimization"], ...(flags.threads !== undefined ? { threads: flags.threads } : {}) });
      } else if (flags.backend === "webgpu") {
        const { WebGpuBackend } = await import("../../runtime/webgpu/backend.js");
        const { NoGpuError } = await import("../../runtime/webgpu/device.js");
        try {
          backend = await WebGpuBackend.create(compiled, { exactSums: flags["exact-sums"] });
        } catch (err) {
          if (err instanceof NoGpuError) return fail(io, `${err.message}\n(run on the CPU with --backend onnx or --backend reference)`);
          throw err;
        }
      } else backend = new ReferenceBackend(compiled);
      const summary = await train(compiled, backend, {
        outDir,
        seed: flags.seed,
        logPath: flags.log,
        initPath: flags.init,
        saveParams: flags["save-params"],
        checkpointEvery: flags["checkpoint-every"],
        resume: flags.resume !== undefined,
        quiet: flags.quiet,
        progress: { write: (t) => io.stderr(t), isTTY: io.stderrIsTTY },
        evalCompiled,
        source: readFileSync(path, "utf8"),
        readEvery: flags["read-every"],
      });
      const parts = Object.entries(summary.final).filter(([k]) => !k.startsWith("eval_")).map(([k, v]) => `${k} ${fmt(v)}`);
      const evalParts = summary.eval ? Object.entries(summary.eval).map(([k, v]) => `${k} ${fmt(v)}`) : [];
      io.stdout(
        `${summary.experiment}: ${summary.steps} steps in ${summary.seconds.toFixed(1)} s (${summary.steps_per_second.toFixed(1)} steps/s, ${summary.backend})\n` +
          `  train: ${parts.join("  ")}\n` +
          (evalParts.length ? `  eval:  ${evalParts.join("  ")}\n` : "") +
          `  run folder: ${outDir}\n`,
      );
      return Exit.Ok;
    } catch (err) {
      if (err instanceof RunError || err instanceof DataFileError) return fail(io, err.message);
      const { OnnxExportError } = await import("../backends/onnx/errors.js");
      if (err instanceof OnnxExportError) return fail(io, `${err.message} (run with --backend reference, or another --opset)`);
      throw err;
    }
  },
});

function fail(io: { stderr: (t: string) => void }, message: string): number {
  io.stderr(`error: ${message}\n`);
  return Exit.Failure;
}

function hint(name: string, names: string[]): string {
  const s = suggest(name, names);
  return s ? `; did you mean \`${s}\`?` : ` (it has ${names.map((n) => `\`${n}\``).join(", ")})`;
}

function fmt(v: number): string {
  return Math.abs(v) >= 1e-3 && Math.abs(v) < 1e5 ? v.toPrecision(4) : v.toExponential(3);
}

function timestamp(): string {
  const d = new Date();
  const p = (n: number) => String(n).padStart(2, "0");
  return `${d.getFullYear()}${p(d.getMonth() + 1)}${p(d.getDate())}-${p(d.getHours())}${p(d.getMinutes())}${p(d.getSeconds())}`;
}

/** `--set lr0=1e-3`: only constant lets (hyperparameters) of the experiment, type-checked. */
function parseOverrides(sets: readonly string[], streams: readonly { name: string; kind: string; type: { k: string; dtype?: string; weak?: boolean } }[]): Map<string, number> {
  const out = new Map<string, number>();
  const hypers = streams.filter((s) => s.kind === "hyper");
  for (const s of sets) {
    const eq = s.indexOf("=");
    if (eq <= 0) throw new UsageError(`\`--set ${s}\`: expected NAME=VALUE, e.g. \`--set lr0=1e-3\``);
    const name = s.slice(0, eq);
    const raw = s.slice(eq + 1).trim();
    const h = hypers.find((x) => x.name === name);
    if (!h) {
      const other = streams.find((x) => x.name === name);
      if (other) throw new UsageError(`\`--set ${name}\`: \`${name}\` is not a constant (it is a ${other.kind === "let" ? "per-step stream" : other.kind}); only constant \`let\`s can be set`);
      const near = suggest(name, hypers.map((x) => x.name));
      throw new UsageError(`\`--set ${name}\`: the experiment has no constant \`let ${name}\`${near ? `; did you mean \`${near}\`?` : hypers.length ? ` (it has ${hypers.map((x) => `\`${x.name}\``).join(", ")})` : ""}`);
    }
    const value = raw === "true" ? 1 : raw === "false" ? 0 : raw === "" ? NaN : Number(raw);
    const dtype = h.type.dtype;
    if (dtype === "bool" ? !(raw === "true" || raw === "false") : !Number.isFinite(value)) {
      throw new UsageError(`\`--set ${name}=${raw}\`: \`${name}\` is ${dtype === "bool" ? "a bool: use true or false" : "a number"}`);
    }
    if (dtype === "i32" && !Number.isInteger(value)) throw new UsageError(`\`--set ${name}=${raw}\`: \`${name}\` is an integer`);
    out.set(name, value);
  }
  return out;
}
