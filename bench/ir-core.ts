// Benchmark of the IR core alone, without the front end (`node dist/bench/ir-core.js` after a
// build): building an N-layer MLP training step with the IrBuilder, reverse-mode autodiff, and
// the pass pipeline, for N = 50, 100, 200, 400 (target: 200 layers well under 1 s in all).
// bench/ir.ts measures the same stages behind the lowering, from Lip source.

import { performance } from "node:perf_hooks";
import { IrBuilder } from "../compiler/ir/builder.js";
import type { IrFunction } from "../compiler/ir/function.js";
import { functionNodes } from "../compiler/ir/graph.js";
import { IrContext, type Node } from "../compiler/ir/node.js";
import { grad } from "../compiler/passes/autodiff.js";
import { runPipeline } from "../compiler/passes/pipeline.js";

function mlpStep(depth: number, width = 64, batch = 32): { ctx: IrContext; fn: IrFunction; build: number; grad: number } {
  const t0 = performance.now();
  const ctx = new IrContext();
  const b = new IrBuilder(ctx);
  const x = b.input("x", "batch", "f32", [batch, width]);
  const y = b.input("y", "batch", "i32", [batch]);
  const params: Node[] = [];
  let h = x;
  for (let i = 0; i < depth; i++) {
    const w = b.input(`h${i}.w`, "param", "f32", [width, width]);
    const bias = b.input(`h${i}.b`, "param", "f32", [width]);
    params.push(w, bias);
    h = b.unary("relu", b.binary("add", b.matmul(h, w), bias));
  }
  const m = b.stopGradient(b.reduce("max", h, [-1], true));
  const logp = b.binary("sub", h, b.binary("add", m, b.unary("log", b.reduce("sum", b.unary("exp", b.binary("sub", h, m)), [-1], true))));
  const loss = b.unary("neg", b.reduce("mean", b.gather(logp, [b.iota(batch), y]), "all", false));
  const t1 = performance.now();
  const gs = grad(ctx, loss, params);
  const t2 = performance.now();
  const fn: IrFunction = {
    name: `mlp${depth}`,
    inputs: [x, y, ...params].map((node) => ({ name: (node.arg as { name: string }).name, node })),
    outputs: [{ name: "loss", node: loss }, ...gs.map((g, i) => ({ name: `grad.${i}`, node: g }))],
  };
  return { ctx, fn, build: t1 - t0, grad: t2 - t1 };
}

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  return s[s.length >> 1]!;
}

const rows: string[][] = [];
for (const depth of [50, 100, 200, 400]) {
  const builds: number[] = [];
  const grads: number[] = [];
  const passes: number[] = [];
  let nodes = 0;
  let after = 0;
  for (let run = 0; run < 6; run++) {
    const s = mlpStep(depth);
    const t0 = performance.now();
    const out = runPipeline(s.fn);
    const t1 = performance.now();
    if (run === 0) continue; // warm-up
    builds.push(s.build);
    grads.push(s.grad);
    passes.push(t1 - t0);
    nodes = functionNodes(s.fn).length;
    after = functionNodes(out).length;
  }
  const total = median(builds) + median(grads) + median(passes);
  rows.push([`MLP, ${depth} layers`, String(nodes), String(after), median(builds).toFixed(1), median(grads).toFixed(1), median(passes).toFixed(1), total.toFixed(1)]);
}
const header = ["graph", "nodes", "after passes", "build ms", "grad ms", "passes ms", "total ms"];
const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i]!.length)));
const line = (cells: string[]) => "| " + cells.map((c, i) => c.padEnd(widths[i]!)).join(" | ") + " |";
console.log(line(header));
console.log("|" + widths.map((w) => "-".repeat(w + 2)).join("|") + "|");
for (const r of rows) console.log(line(r));
