// Benchmark of the middle of the compiler, printed as a table (`npm run bench:ir`): lowering
// from the checked AST, reverse-mode autodiff (part of lowering the training step) and the pass
// pipeline, for the quickstart (target < 50 ms) and for generated deep MLPs (target: 200 layers
// in < 1 s), to show how the cost grows with depth. Checking is not included (see check.ts).
// Each figure is the median of several runs after a warm-up.

import { performance } from "node:perf_hooks";
import { checkFiles, checkSource, type CheckResult } from "../compiler/driver.js";
import { lowerCheckedExperiment, experimentNames } from "../compiler/lower/index.js";
import { runPipeline } from "../compiler/passes/pipeline.js";

function median(xs: readonly number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 ? s[m]! : (s[m - 1]! + s[m]!) / 2;
}

/** A model of `depth` dense layers of width 32 on two moons, trained with AdamW. */
export function deepMlp(depth: number): string {
  const lines = [
    "use std.nn { dense }",
    "use std.loss { cross_entropy }",
    "use std.optim { adamw }",
    "use std.data { two_moons }",
    "data moons = two_moons(n: 256, noise: 0.1, seed: 1)",
    "model deep(x: f32[B, 2]) -> f32[B, 2] {",
    "  let h0 = relu(dense(x, 32))",
  ];
  for (let i = 1; i < depth; i++) lines.push(`  let h${i} = relu(dense(h${i - 1}, 32))`);
  lines.push(`  dense(h${depth - 1}, 2)`, "}", "experiment deep_mlp {", "  model deep", "  data moons, batch: 64", "  steps 10", "  loss cross_entropy(out, y)", "  optimizer adamw(lr: 1e-3)", "}");
  return lines.join("\n") + "\n";
}

function measure(r: CheckResult, runs: number): { lower: number; passes: number; nodes: number; optimized: number } {
  const name = experimentNames(r)[0];
  const lower: number[] = [];
  const passes: number[] = [];
  let nodes = 0;
  let optimized = 0;
  for (let i = 0; i < runs + 1; i++) {
    const t0 = performance.now();
    const c = lowerCheckedExperiment(r, name, { seed: 0 });
    if ("error" in c) throw new Error(c.error);
    const t1 = performance.now();
    const opt = runPipeline(c.step);
    const t2 = performance.now();
    if (i === 0) continue; // warm-up
    lower.push(t1 - t0);
    passes.push(t2 - t1);
    nodes = countNodes(c.step);
    optimized = countNodes(opt);
  }
  return { lower: median(lower), passes: median(passes), nodes, optimized };
}

import { functionNodes } from "../compiler/ir/graph.js";
import type { IrFunction } from "../compiler/ir/function.js";
function countNodes(fn: IrFunction): number {
  return functionNodes(fn).length;
}

const rows: string[][] = [];
const quick = checkFiles(["examples/quickstart.lip"]);
const q = measure(quick, 10);
rows.push(["quickstart", String(q.nodes), String(q.optimized), q.lower.toFixed(1), q.passes.toFixed(1), (q.lower + q.passes).toFixed(1), "< 50"]);
for (const depth of [25, 50, 100, 200]) {
  const r = checkSource(deepMlp(depth), `deep-${depth}.lip`);
  if (r.diagnostics.some((d) => d.severity === "error")) throw new Error(r.diagnostics.map((d) => d.message).join("\n"));
  const m = measure(r, depth >= 200 ? 3 : 5);
  rows.push([`MLP, ${depth} layers`, String(m.nodes), String(m.optimized), m.lower.toFixed(1), m.passes.toFixed(1), (m.lower + m.passes).toFixed(1), depth === 200 ? "< 1000" : ""]);
}
const header = ["program", "IR nodes", "after passes", "lower+grad ms", "passes ms", "total ms", "target ms"];
const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i]!.length)));
const line = (cells: string[]) => "| " + cells.map((c, i) => c.padEnd(widths[i]!)).join(" | ") + " |";
console.log(line(header));
console.log("|" + widths.map((w) => "-".repeat(w + 2)).join("|") + "|");
for (const r of rows) console.log(line(r));
