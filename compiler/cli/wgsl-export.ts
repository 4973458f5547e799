// `lip compile FILE --target wgsl`: the training step fused into WGSL kernels, one `.wgsl` file a
// kernel, and `plan.json` (buffers, kernels, bindings, dispatch sizes, the per-step sequence)
// that runtime/webgpu runs in Node (Dawn) or a browser. `--stats` prints one JSON object.
// `--emit ts` also writes `<experiment>.ts` and `<experiment>.assets.ts`, a typed module that
// trains the experiment on a WebGPU device (compiler/backends/wgsl/emit-ts.ts); the initial values
// it ships are computed here, by the reference interpreter on the experiment's init function.

import { mkdirSync } from "node:fs";
import { join } from "node:path";
import type { CompiledExperiment } from "../lower/index.js";
import type { Io } from "./command.js";
import { Exit } from "./command.js";

export interface WgslExportOptions {
  readonly out: string;
  readonly stats: boolean;
  /** Compensated sums (FuseOptions.exactSums). */
  readonly exactSums?: boolean;
  /** Also write a TypeScript module (`ts`). */
  readonly emit?: "ts";
  /** For the module's header: the .lip file and the seed of the initial values. */
  readonly source?: string;
  readonly seed?: number;
  /** Where the module imports the runtime from (default `lip/webgpu`). */
  readonly runtimeImport?: string;
}

export async function writeWgslArtifacts(compiled: CompiledExperiment, opts: WgslExportOptions, io: Io): Promise<number> {
  const { compile, stats } = await import("../backends/wgsl/plan.js");
  const { runPipeline } = await import("../passes/pipeline.js");
  const { writeFileAtomic } = await import("../../runtime/io/atomic-write.js");
  const plan = compile(runPipeline(compiled.step), { exactSums: opts.exactSums ?? false });
  const files: { path: string; text: string }[] = [];
  if (opts.emit === "ts") {
    const { emitTsModule, moduleSpec, EmitTsError } = await import("../backends/wgsl/emit-ts.js");
    const { interpret } = await import("../../runtime/interp.js");
    const spec = moduleSpec(compiled, { ...(opts.source !== undefined ? { source: opts.source } : {}), ...(opts.seed !== undefined ? { seed: opts.seed } : {}) });
    try {
      files.push(...(await emitTsModule(plan, spec, interpret(compiled.init, {}), opts.runtimeImport !== undefined ? { runtimeImport: opts.runtimeImport } : {})));
    } catch (err) {
      if (!(err instanceof EmitTsError)) throw err;
      io.stderr(`error: cannot emit a TypeScript module for \`${compiled.name}\`: ${err.message}\n`);
      return Exit.Failure;
    }
  }
  try {
    mkdirSync(opts.out, { recursive: true });
    plan.kernels.forEach((k, i) => writeFileAtomic(join(opts.out, `${String(i).padStart(2, "0")}_${k.name}.wgsl`), k.wgsl));
    writeFileAtomic(join(opts.out, "plan.json"), JSON.stringify(plan, null, 1) + "\n");
    for (const f of files) writeFileAtomic(join(opts.out, f.path), f.text);
  } catch (err) {
    const e = err as { code?: string; message?: string };
    io.stderr(`error: cannot write the kernels to ${opts.out}: ${e.code === "ENOTDIR" || e.code === "EEXIST" ? "it is not a directory" : e.code === "EACCES" ? "permission denied" : (e.message ?? String(err)).split("\n")[0]}\n`);
    return Exit.Failure;
  }
  if (opts.stats) io.stdout(JSON.stringify({ target: "wgsl", ...stats(plan) }) + "\n");
  else if (files.length) io.stdout(`wrote ${plan.kernels.length} kernels, plan.json, ${files.map((f) => f.path).join(" and ")} to ${opts.out}\n`);
  else io.stdout(`wrote ${plan.kernels.length} kernels and plan.json to ${opts.out}\n`);
  return Exit.Ok;
}
