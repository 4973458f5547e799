// The compiler driver: loads a file and everything it imports (the standard library from
// stdlib/, relative files from disk), parses and checks them, and returns every diagnostic,
// sorted by file and position. It is the library entry of `lip check` and never throws for
// any input: an unexpected exception becomes an `internal error` diagnostic (LIP9001).

import { resolve } from "node:path";
import { diagnostic, type Diagnostic } from "./diag/diagnostic.js";
import type { SourceFile } from "./diag/span.js";
import type { Checker } from "./check/checker.js";
import { checkModules, type CheckedProgram } from "./check/index.js";
import { Loader } from "./check/loader.js";

export interface CheckResult {
  readonly diagnostics: Diagnostic[];
  /** Every source file that a diagnostic may point into, by displayed path. */
  readonly files: Map<string, SourceFile>;
  readonly program?: CheckedProgram;
  readonly loader?: Loader;
  readonly checker?: Checker;
}

/** Checks source text as if it were the file `path` (imports resolve relative to the cwd). */
export function checkSource(text: string, path = "<input>"): CheckResult {
  return run((loader) => loader.loadEntry(path, text), path);
}

/** Checks files on disk (each with its imports). Unreadable files throw: the CLI checks first. */
export function checkFiles(paths: readonly string[]): CheckResult {
  return run((loader) => {
    for (const p of paths) loader.loadEntry(resolve(p));
  }, paths[0] ?? "<input>");
}

function run(load: (loader: Loader) => void, what: string): CheckResult {
  const loader = new Loader();
  try {
    load(loader);
    const { checker, program } = checkModules(loader);
    const diagnostics = sortDiagnostics([...loader.diagnostics, ...checker.diagnostics]);
    return { diagnostics, files: filesOf(loader), program, loader, checker };
  } catch (err) {
    if (isFsError(err)) throw err;
    const message = err instanceof Error ? err.message : String(err);
    const d = diagnostic({ code: "LIP9001", message: `internal error while checking: ${message}`, span: { file: what, start: 0, end: 0 }, label: "Lip failed here; this is a bug in Lip, not in your program" });
    return { diagnostics: [...loader.diagnostics, d], files: filesOf(loader), loader };
  }
}

function isFsError(err: unknown): boolean {
  return typeof err === "object" && err !== null && "code" in err && typeof (err as { code: unknown }).code === "string" && /^E[A-Z]+$/.test((err as { code: string }).code) && "syscall" in err;
}

function filesOf(loader: Loader): Map<string, SourceFile> {
  const files = new Map<string, SourceFile>();
  for (const m of loader.modules.values()) files.set(m.path, m.file);
  return files;
}

function sortDiagnostics(ds: Diagnostic[]): Diagnostic[] {
  return ds
    .map((d, i) => ({ d, i }))
    .sort((a, b) => a.d.primary.span.file.localeCompare(b.d.primary.span.file) || a.d.primary.span.start - b.d.primary.span.start || a.i - b.i)
    .map((x) => x.d);
}

