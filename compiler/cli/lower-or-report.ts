// Lowering from a command: a mistake found with concrete values (a LoweringError, with its
// diagnostic) or a bad data file (a DataFileError) is printed and becomes exit status 1.

import type { CheckResult } from "../driver.js";
import type { CompiledExperiment, LowerOptions } from "../lower/index.js";
import { renderAllText, renderSummary } from "../diag/render-text.js";
import { UsageError } from "./flags.js";
import type { Io } from "./command.js";

export async function lowerOrReport(r: CheckResult, name: string | undefined, opts: LowerOptions, io: Io, color: boolean): Promise<CompiledExperiment | null> {
  const { lowerCheckedExperiment } = await import("../lower/index.js");
  const { LoweringError } = await import("../lower/errors.js");
  const { DataFileError } = await import("../../runtime/io/errors.js");
  try {
    const c = lowerCheckedExperiment(r, name, opts);
    if ("error" in c) {
      io.stderr(`error: ${c.error}\n`);
      return null;
    }
    return c;
  } catch (err) {
    if (err instanceof LoweringError) {
      io.stderr(renderAllText([err.diagnostic], r.files, { color }));
      return null;
    }
    if (err instanceof DataFileError) {
      io.stderr(`error: ${err.message}\n`);
      return null;
    }
    throw err;
  }
}

/** Checks one file for a command that goes on to compile it; prints diagnostics, or returns the result. */
export async function checkOrReport(path: string, io: Io, color: boolean): Promise<CheckResult | null> {
  const { existsSync, statSync } = await import("node:fs");
  if (!existsSync(path) || !statSync(path).isFile()) throw new UsageError(`cannot read ${path}: no such file`);
  const { checkFiles } = await import("../driver.js");
  const r = checkFiles([path]);
  if (r.diagnostics.some((d) => d.severity === "error")) {
    io.stderr(renderAllText(r.diagnostics, r.files, { color }) + renderSummary(r.diagnostics, [path], { color }) + "\n");
    return null;
  }
  return r;
}
