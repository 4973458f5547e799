// `lip compile FILE --target ir|onnx|wgsl`. With `ir`: prints the tensor IR of an experiment (the
// training step by default; the init, inference or data functions; before or after the pass
// pipeline). With `onnx`: writes the portable artifacts (onnx-export.ts). With `wgsl`: writes the
// kernels and their plan, and with `--emit ts` a typed module that runs them (wgsl-export.ts).

import { defineCommand, Exit, useColor } from "./command.js";
import { UsageError } from "./flags.js";

/** What `--emit` can write; each needs `--target wgsl`. */
const EMIT_KINDS = ["ts"] as const;

export const compileCommand = defineCommand({
  name: "compile",
  summary: "compile an experiment and print or write what it compiles to",
  description:
    "Checks FILE, lowers one of its experiments to Lip's tensor IR (forward pass, loss, reverse-mode\n" +
    "gradients, optimizer and constraints as one training-step function) and prints it.",
  positionals: { name: "FILE", help: "the .lip file", min: 1, max: 1 },
  flags: [
    { kind: "enum", name: "target", values: ["ir", "onnx", "wgsl"], default: "ir", help: "ir: print the tensor IR; onnx: write the training-step and inference models, the initial values and a manifest; wgsl: write the fused kernels of the training step and their plan" },
    { kind: "string", name: "emit", valueName: "ts", help: "with --target wgsl: also write <experiment>.ts, a typed TypeScript module that trains on a WebGPU device (init, step, params), and its data <experiment>.assets.ts" },
    { kind: "string", name: "out", valueName: "DIR", help: "where to write the ONNX or WGSL artifacts (default: <experiment>-onnx, <experiment>-wgsl)" },
    { kind: "int", name: "opset", valueName: "N", min: 17, max: 23, default: 17, help: "the ONNX opset (17 to 23; newer opsets use newer native ops)" },
    { kind: "bool", name: "exact-sums", help: "with --target wgsl: carry matmul sums as hi + lo and round once, as the interpreter does (reductions always are); slower, and agrees with --backend reference to the last bit nearly always" },
    { kind: "bool", name: "stats", help: "print one JSON object with the size of the emitted training step (nodes; or kernels and dispatches)" },
    { kind: "string", name: "experiment", valueName: "NAME", help: "the experiment to compile (needed when the file has several)" },
    { kind: "enum", name: "function", values: ["step", "init", "infer", "data", "all"], default: "step", help: "which function to print" },
    { kind: "enum", name: "stage", values: ["lowered", "optimized"], default: "optimized", help: "print the IR as lowered, or after the pass pipeline" },
    { kind: "int", name: "seed", valueName: "N", default: 0, help: "the seed of the parameter initialisers" },
    { kind: "enum", name: "color", values: ["auto", "always", "never"], default: "auto", help: "colour diagnostics; auto: if stderr is a terminal and NO_COLOR is unset" },
  ],
  sections: [{ title: "Exit status", lines: ["0   compiled", "1   the file has errors", "2   usage error", "70  internal error"] }],
  async run({ flags, positionals }, io) {
    const path = positionals[0]!;
    const emit = flags.emit;
    if (emit !== undefined) {
      if (!(EMIT_KINDS as readonly string[]).includes(emit)) throw new UsageError(`invalid value \`${emit}\` for \`--emit\`; expected ${EMIT_KINDS.map((k) => `\`${k}\``).join(", ")} (a TypeScript module)`);
      if (flags.target !== "wgsl") throw new UsageError(`\`--emit ${emit}\` needs \`--target wgsl\`, not \`--target ${flags.target}\``);
    }
    if (flags["exact-sums"] && flags.target !== "wgsl") {
      throw new UsageError(`\`--exact-sums\` needs \`--target wgsl\`, not \`--target ${flags.target}\``);
    }
    const { checkOrReport } = await import("./lower-or-report.js");
    const r = await checkOrReport(path, io, useColor(flags.color, io));
    if (r === null) return Exit.Failure;
    const { lowerOrReport } = await import("./lower-or-report.js");
    const { printFunction } = await import("../ir/print.js");
    const { runPipeline } = await import("../passes/pipeline.js");
    const compiled = await lowerOrReport(r, flags.experiment, { seed: flags.seed ?? 0 }, io, useColor(flags.color, io));
    if (compiled === null) return Exit.Failure;
    if (flags.target === "wgsl") {
      const { writeWgslArtifacts } = await import("./wgsl-export.js");
      return writeWgslArtifacts(compiled, { out: flags.out ?? `${compiled.name}-wgsl`, stats: flags.stats, exactSums: flags["exact-sums"], ...(emit === "ts" ? { emit, source: path, seed: flags.seed ?? 0 } : {}) }, io);
    }
    if (flags.target === "onnx") {
      // inference runs in evaluation mode (`training` false: no dropout, running batch statistics)
      const evaluation = await lowerOrReport(r, compiled.name, { seed: flags.seed ?? 0, training: false }, io, useColor(flags.color, io));
      if (evaluation === null) return Exit.Failure;
      const { writeOnnxArtifacts } = await import("./onnx-export.js");
      return writeOnnxArtifacts(compiled, evaluation, { out: flags.out ?? `${compiled.name}-onnx`, opset: flags.opset, stats: flags.stats, seed: flags.seed ?? 0 }, io);
    }
    const fns = { step: compiled.step, init: compiled.init, infer: compiled.infer, data: compiled.data.fn };
    const chosen = flags.function === "all" ? (["data", "init", "step", "infer"] as const) : [flags.function as keyof typeof fns];
    const texts = chosen.map((k) => printFunction(flags.stage === "optimized" ? runPipeline(fns[k]) : fns[k]));
    io.stdout(texts.join("\n"));
    return Exit.Ok;
  },
});
