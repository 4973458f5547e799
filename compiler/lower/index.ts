// The lowering's entry: finds an experiment in checked modules and lowers it (experiment.ts).

import type { CheckResult } from "../driver.js";
import { lowerExperiment, type CompiledExperiment, type LowerOptions } from "./experiment.js";

export type { CompiledExperiment, LowerOptions, DataSpec } from "./experiment.js";
export type { Slot } from "./lowerer.js";

/** The experiments declared in the files a check was asked about, in order. */
export function experimentNames(r: CheckResult): string[] {
  const out: string[] = [];
  for (const m of r.loader?.reported ?? []) for (const d of m.program.decls) if (d.kind === "Experiment") out.push(d.name.name);
  return out;
}

/** Lowers experiment `name` (default: the only one) of a clean check result. */
export function lowerCheckedExperiment(r: CheckResult, name: string | undefined, opts: LowerOptions): CompiledExperiment | { error: string } {
  if (!r.loader || !r.checker) return { error: "the program did not check" };
  const names = experimentNames(r);
  if (names.length === 0) return { error: "the file declares no experiment" };
  const chosen = name ?? (names.length === 1 ? names[0]! : undefined);
  if (chosen === undefined) return { error: `the file declares several experiments (${names.join(", ")}): choose one with --experiment` };
  for (const m of r.loader.reported) {
    for (const d of m.program.decls) {
      if (d.kind === "Experiment" && d.name.name === chosen) return lowerExperiment(r.checker, m, d, opts);
    }
  }
  return { error: `no experiment named \`${chosen}\` (the file has ${names.map((n) => `\`${n}\``).join(", ")})` };
}
