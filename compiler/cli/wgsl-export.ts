// `lip compile FILE --target wgsl`: the training step fused into WGSL kernels, one `.wgsl` file a
// kernel, and `plan.json` (buffers, kernels, bindings, dispatch sizes, the per-step sequence)
// that runtime/webgpu runs in Node (Dawn) or a browser. `--stats` prints one JSON object.

import { mkdirSync } from "node:fs";
import { join } from "node:path";
import type { CompiledExperiment } from "../lower/index.js";
import type { Io } from "./command.js";
import { Exit } from "./command.js";

export async function writeWgslArtifacts(compiled: CompiledExperiment, opts: { out: string; stats: boolean }, io: Io): Promise<number> {
  const { compile, stats } = await import("../backends/wgsl/plan.js");
  const { runPipeline } = await import("../passes/pipeline.js");
  const { writeFileAtomic } = await import("../../runtime/io/atomic-write.js");
  const plan = compile(runPipeline(compiled.step));
  try {
    mkdirSync(opts.out, { recursive: true });
    plan.kernels.forEach((k, i) => writeFileAtomic(join(opts.out, `${String(i).padStart(2, "0")}_${k.name}.wgsl`), k.wgsl));
    writeFileAtomic(join(opts.out, "plan.json"), JSON.stringify(plan, null, 1) + "\n");
  } catch (err) {
    const e = err as { code?: string; message?: string };
    io.stderr(`error: cannot write the kernels to ${opts.out}: ${e.code === "ENOTDIR" || e.code === "EEXIST" ? "it is not a directory" : e.code === "EACCES" ? "permission denied" : (e.message ?? String(err)).split("\n")[0]}\n`);
    return Exit.Failure;
  }
  if (opts.stats) io.stdout(JSON.stringify({ target: "wgsl", ...stats(plan) }) + "\n");
  else io.stdout(`wrote ${plan.kernels.length} kernels and plan.json to ${opts.out}\n`);
  return Exit.Ok;
}
