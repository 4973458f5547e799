// Parse-time benchmark (not a test): generates programs of 5,000 to 40,000 lines from the
// quickstart and the other hand-written programs and reports how long parseSource takes.
//
//   npx tsc -p tsconfig.json && node dist/tests/grammar/parse-bench.js

import { parseSource } from "../../grammar/index.js";
import { SourceFile } from "../../compiler/diag/span.js";
import { PROGRAMS } from "./programs.js";

/** A program of at least `lines` lines: copies of the hand-written programs, names made unique. */
export function generate(lines: number): string {
  const parts: string[] = [];
  let n = 0;
  for (let i = 0; n < lines; i++) {
    const src = PROGRAMS[i % PROGRAMS.length]!.split("\n")
      .filter((l) => !l.startsWith("use "))
      .join("\n")
      .replace(/\b(fn|layer|model|optimizer|constraint|data|experiment|let) ([a-z_][a-z0-9_]*)/g, `$1 $2_${i}`);
    parts.push(src);
    n += src.split("\n").length;
  }
  return parts.join("\n");
}

function time(text: string): number {
  const t0 = performance.now();
  const r = parseSource(new SourceFile("bench.lip", text));
  const ms = performance.now() - t0;
  if (r.diagnostics.length > 0) throw new Error(`benchmark program has errors: ${r.diagnostics[0]!.message}`);
  return ms;
}

const first = generate(20_000);
const t0 = performance.now();
time(first);
console.log(`cold: first parse of ${first.split("\n").length} lines (${first.length} chars), parser construction included: ${(performance.now() - t0).toFixed(0)} ms`);

for (const lines of [5_000, 10_000, 20_000, 40_000]) {
  const text = generate(lines);
  const runs = Array.from({ length: 7 }, () => time(text)).sort((a, b) => a - b);
  const median = runs[3]!;
  console.log(
    `${String(text.split("\n").length).padStart(6)} lines ${String(text.length).padStart(8)} chars: median ${median.toFixed(0).padStart(4)} ms, best ${runs[0]!.toFixed(0).padStart(4)} ms (${((median / text.split("\n").length) * 1000).toFixed(1)} µs/line)`,
  );
}
