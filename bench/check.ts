// Benchmarks of `lip check`, printed as a table (`npm run bench`):
//  (a) the whole process, `node bin/lip.js check examples/*.lip stdlib/*.lip`: median of 10
//      runs after one warm-up; target < 400 ms (startup, module loading and checking together);
//  (b) the library entry `checkSource` on generated programs (bench/gen-program.ts) of 2,000
//      and 20,000 lines: median wall time and ms per 1,000 lines; targets: 20k lines < 2 s, and
//      growth about linear (the per-line cost at 20k within 1.5x of that at 2k).
// Options: --runs N (process runs, default 10). Exits 1 if a run fails (exit status 2 or 70,
// or an exception), never because a target is missed: targets are reported, not enforced.

import { spawnSync } from "node:child_process";
import { readdirSync, readFileSync } from "node:fs";
import { arch, cpus, platform } from "node:os";
import { dirname, join } from "node:path";
import { performance } from "node:perf_hooks";
import { fileURLToPath } from "node:url";
import { checkSource } from "../compiler/driver.js";
import { generateProgram, lineCount } from "./gen-program.js";

function repoRoot(): string {
  let dir = dirname(fileURLToPath(import.meta.url));
  for (;;) {
    try {
      if ((JSON.parse(readFileSync(join(dir, "package.json"), "utf8")) as { name?: string }).name === "lip") return dir;
    } catch {
      // not here; go up
    }
    const parent = dirname(dir);
    if (parent === dir) throw new Error("cannot find the Lip repository root");
    dir = parent;
  }
}

function median(xs: readonly number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 ? s[m]! : (s[m - 1]! + s[m]!) / 2;
}

function lipFiles(root: string, dir: string): string[] {
  return readdirSync(join(root, dir))
    .filter((f) => f.endsWith(".lip"))
    .sort()
    .map((f) => join(dir, f));
}

interface Row {
  readonly name: string;
  readonly size: string;
  readonly ms: number;
  readonly perKLines?: number;
  readonly target?: number;
}

function fmt(ms: number): string {
  return ms >= 100 ? ms.toFixed(0) : ms.toFixed(1);
}

function printTable(rows: readonly Row[]): void {
  const cells = rows.map((r) => [
    r.name,
    r.size,
    `${fmt(r.ms)} ms`,
    r.perKLines === undefined ? "" : `${fmt(r.perKLines)} ms`,
    r.target === undefined ? "" : `< ${r.target} ms`,
    r.target === undefined ? "" : r.ms < r.target ? "ok" : "MISSED",
  ]);
  const head = ["benchmark", "size", "median", "per 1k lines", "target", ""];
  const widths = head.map((h, i) => Math.max(h.length, ...cells.map((c) => c[i]!.length)));
  const line = (c: readonly string[]): string => "| " + c.map((x, i) => x.padEnd(widths[i]!)).join(" | ") + " |";
  console.log(line(head));
  console.log("|" + widths.map((w) => "-".repeat(w + 2)).join("|") + "|");
  for (const c of cells) console.log(line(c));
}

function benchProcess(root: string, runs: number): { row: Row; failed: boolean } {
  const files = [...lipFiles(root, "examples"), ...lipFiles(root, "stdlib")];
  const lines = files.reduce((n, f) => n + lineCount(readFileSync(join(root, f), "utf8")), 0);
  const args = [join(root, "bin", "lip.js"), "check", ...files];
  const times: number[] = [];
  let failed = false;
  for (let k = 0; k <= runs; k++) {
    const t0 = performance.now();
    const r = spawnSync(process.execPath, args, { cwd: root, encoding: "utf8" });
    const ms = performance.now() - t0;
    if (k === 0) {
      // the warm-up run also tells whether the files check
      if (r.status !== 0 && r.status !== 1) {
        failed = true;
        console.error(`lip check exited with ${r.status}: ${(r.stderr ?? "").split("\n")[0]}`);
      } else if (r.status === 1) {
        console.error(`note: examples/stdlib have errors (${(r.stderr ?? "").trim().split("\n").pop()})`);
      }
      continue;
    }
    times.push(ms);
  }
  return {
    row: { name: "lip check examples/ stdlib/ (process)", size: `${files.length} files, ${lines} lines`, ms: median(times), target: 400 },
    failed,
  };
}

function benchLibrary(lines: number, runs: number, target?: number): { row: Row; diagnostics: number } {
  const text = generateProgram(lines);
  const actual = lineCount(text);
  const times: number[] = [];
  let diagnostics = 0;
  for (let k = 0; k < runs; k++) {
    const t0 = performance.now();
    const r = checkSource(text, `generated-${lines}.lip`);
    times.push(performance.now() - t0);
    diagnostics = r.diagnostics.length;
  }
  const ms = median(times);
  return {
    row: {
      name: "checkSource, generated program",
      size: `${actual.toLocaleString("en-US")} lines`,
      ms,
      perKLines: (ms / actual) * 1000,
      ...(target !== undefined ? { target } : {}),
    },
    diagnostics,
  };
}

function main(): number {
  const root = repoRoot();
  const runsArg = process.argv.indexOf("--runs");
  const runs = runsArg > 0 ? Math.max(1, Number(process.argv[runsArg + 1]) || 10) : 10;
  console.log(`Lip benchmarks: node ${process.version}, ${platform()} ${arch()}, ${cpus()[0]?.model ?? "unknown cpu"}\n`);

  const proc = benchProcess(root, runs);
  checkSource(generateProgram(2_000, { seed: 99 }), "warmup.lip"); // JIT warm-up
  const small = benchLibrary(2_000, 7);
  const large = benchLibrary(20_000, 5, 2_000);
  printTable([proc.row, small.row, large.row]);

  const growth = large.row.perKLines! / small.row.perKLines!;
  console.log(`\ngrowth: the per-line cost at 20k lines is ${growth.toFixed(2)}x that at 2k (about linear if < 1.5x: ${growth < 1.5 ? "ok" : "MISSED"})`);
  for (const [name, r] of [["2k", small], ["20k", large]] as const) {
    if (r.diagnostics > 0) console.log(`note: the generated ${name} program has ${r.diagnostics} diagnostics (it should check clean)`);
  }
  return proc.failed ? 1 : 0;
}

try {
  process.exitCode = main();
} catch (err) {
  console.error(`bench failed: ${err instanceof Error ? err.message : String(err)}`);
  process.exitCode = 1;
}
