// Compiling experiments in tests: check (expecting no errors), then lower.

import { expect } from "vitest";
import { checkFiles, checkSource } from "../../compiler/driver.js";
import { experimentNames, lowerCheckedExperiment, type CompiledExperiment, type LowerOptions } from "../../compiler/lower/index.js";

export function compileFile(path: string, experiment?: string, opts: LowerOptions = { seed: 0 }): CompiledExperiment {
  const r = checkFiles([path]);
  expect(r.diagnostics.filter((d) => d.severity === "error").map((d) => d.message)).toEqual([]);
  const c = lowerCheckedExperiment(r, experiment ?? experimentNames(r)[0], opts);
  if ("error" in c) throw new Error(c.error);
  return c;
}

export function compileText(text: string, experiment?: string, opts: LowerOptions = { seed: 0 }): CompiledExperiment {
  const r = checkSource(text, "test.lip");
  expect(r.diagnostics.filter((d) => d.severity === "error").map((d) => `${d.code} ${d.message}`)).toEqual([]);
  const c = lowerCheckedExperiment(r, experiment, opts);
  if ("error" in c) throw new Error(c.error);
  return c;
}
