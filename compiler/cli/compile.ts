// `lip compile FILE --target ir`: checks the file, lowers an experiment to the tensor IR and
// prints it: the training step (default), the init, inference or data functions, before or
// after the optimisation pipeline. (The ONNX and WGSL targets come with their backends.)

import { defineCommand, Exit, useColor } from "./command.js";

export const compileCommand = defineCommand({
  name: "compile",
  summary: "compile an experiment and print or write what it compiles to",
  description:
    "Checks FILE, lowers one of its experiments to Lip's tensor IR (forward pass, loss, reverse-mode\n" +
    "gradients, optimizer and constraints as one training-step function) and prints it.",
  positionals: { name: "FILE", help: "the .lip file", min: 1, max: 1 },
  flags: [
    { kind: "enum", name: "target", values: ["ir"], default: "ir", help: "what to compile to (ir: the tensor IR as text)" },
    { kind: "string", name: "experiment", valueName: "NAME", help: "the experiment to compile (needed when the file has several)" },
    { kind: "enum", name: "function", values: ["step", "init", "infer", "data", "all"], default: "step", help: "which function to print" },
    { kind: "enum", name: "stage", values: ["lowered", "optimized"], default: "optimized", help: "print the IR as lowered, or after the pass pipeline" },
    { kind: "int", name: "seed", valueName: "N", default: 0, help: "the seed of the parameter initialisers" },
    { kind: "enum", name: "color", values: ["auto", "always", "never"], default: "auto", help: "colour diagnostics; auto: if stderr is a terminal and NO_COLOR is unset" },
  ],
  sections: [{ title: "Exit status", lines: ["0   compiled", "1   the file has errors", "2   usage error", "70  internal error"] }],
  async run({ flags, positionals }, io) {
    const path = positionals[0]!;
    const { checkOrReport } = await import("./lower-or-report.js");
    const r = await checkOrReport(path, io, useColor(flags.color, io));
    if (r === null) return Exit.Failure;
    const { lowerOrReport } = await import("./lower-or-report.js");
    const { printFunction } = await import("../ir/print.js");
    const { runPipeline } = await import("../passes/pipeline.js");
    const compiled = await lowerOrReport(r, flags.experiment, { seed: flags.seed ?? 0 }, io, useColor(flags.color, io));
    if (compiled === null) return Exit.Failure;
    const fns = { step: compiled.step, init: compiled.init, infer: compiled.infer, data: compiled.data.fn };
    const chosen = flags.function === "all" ? (["data", "init", "step", "infer"] as const) : [flags.function as keyof typeof fns];
    const texts = chosen.map((k) => printFunction(flags.stage === "optimized" ? runPipeline(fns[k]) : fns[k]));
    io.stdout(texts.join("\n"));
    return Exit.Ok;
  },
});
