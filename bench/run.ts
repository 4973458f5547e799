// Benchmark of `lip run` on the reference backend (`npm run bench:run`): steps per second of the
// quickstart, and the run loop's own overhead per step (batching, NaN checks, logging, progress,
// evaluation bookkeeping) as a share of a step: the time outside the backend's `step` over the
// whole loop. Target: overhead < 5% of a step.

import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { readFileSync } from "node:fs";
import { checkFiles } from "../compiler/driver.js";
import { experimentNames, lowerCheckedExperiment, type CompiledExperiment } from "../compiler/lower/index.js";
import { ReferenceBackend, type Backend } from "../runtime/run/backend.js";
import { train } from "../runtime/run/train.js";
import type { Tensor } from "../runtime/tensor.js";

class Timed implements Backend {
  readonly name: string;
  stepMs = 0;
  firstStart = 0;
  lastEnd = 0;
  constructor(private readonly inner: Backend) {
    this.name = inner.name;
  }
  initial(): Record<string, Tensor> {
    return this.inner.initial();
  }
  async step(slots: Record<string, Tensor>, step: number, batch: Record<string, Tensor>): Promise<Record<string, Tensor>> {
    const t0 = performance.now();
    if (this.firstStart === 0) this.firstStart = t0;
    const out = await this.inner.step(slots, step, batch);
    this.lastEnd = performance.now();
    this.stepMs += this.lastEnd - t0;
    return out;
  }
}

function compile(path: string, steps: number): CompiledExperiment {
  const r = checkFiles([path]);
  const c = lowerCheckedExperiment(r, experimentNames(r)[0], { seed: 0, steps });
  if ("error" in c) throw new Error(c.error);
  return c;
}

const rows: string[][] = [];
for (const [path, steps] of [["examples/quickstart.lip", 300]] as const) {
  const c = compile(path, steps);
  const backend = new Timed(new ReferenceBackend(c));
  const out = mkdtempSync(join(tmpdir(), "lip-bench-run-"));
  const t0 = performance.now();
  await train(c, backend, { outDir: out, seed: 0, quiet: true, progress: { write: () => {}, isTTY: false }, source: readFileSync(path, "utf8") });
  const total = performance.now() - t0;
  // the loop: from the first step's start to the last step's end (setup and final writes apart)
  const loop = backend.lastEnd - backend.firstStart;
  const loopMs = (loop - backend.stepMs) / steps;
  rows.push([path, String(steps), (steps / (total / 1000)).toFixed(1), (backend.stepMs / steps).toFixed(2), loopMs.toFixed(3), `${((100 * (loop - backend.stepMs)) / loop).toFixed(2)}%`, "< 5%", ((total - loop) / 1000).toFixed(2)]);
}
const header = ["program", "steps", "steps/s (all)", "step ms (backend)", "loop ms/step", "loop overhead", "target", "setup+final s"];
const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i]!.length)));
const line = (cells: string[]) => "| " + cells.map((c, i) => c.padEnd(widths[i]!)).join(" | ") + " |";
console.log("reference backend (the interpreter), without evaluation passes");
console.log(line(header));
console.log("|" + widths.map((w) => "-".repeat(w + 2)).join("|") + "|");
for (const r of rows) console.log(line(r));
