// Runs the real, built `lip` (node bin/lip.js) as a child process. `npm test` compiles with tsc
// first; when running vitest alone, run `npm run build` before.

import { spawnSync } from "node:child_process";
import { existsSync, mkdirSync, mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";

export const repoRoot = resolve(dirname(fileURLToPath(import.meta.url)), "../..");
export const lipBin = join(repoRoot, "bin", "lip.js");

export function assertBuilt(): void {
  if (!existsSync(join(repoRoot, "dist", "compiler", "cli", "main.js"))) {
    throw new Error("dist/ is missing: run `npm run build` (or `npm test`, which builds first)");
  }
}

export interface LipResult {
  readonly status: number | null;
  readonly stdout: string;
  readonly stderr: string;
}

export function lip(args: readonly string[], opts: { cwd?: string; env?: Record<string, string>; bin?: string } = {}): LipResult {
  const env: Record<string, string | undefined> = { ...process.env, ...opts.env };
  if (!opts.env || !("NO_COLOR" in opts.env)) delete env["NO_COLOR"];
  delete env["LIP_BACKTRACE"];
  const r = spawnSync(process.execPath, [opts.bin ?? lipBin, ...args], {
    cwd: opts.cwd ?? repoRoot,
    env,
    encoding: "utf8",
    timeout: 60_000,
  });
  return { status: r.status, stdout: r.stdout, stderr: r.stderr };
}

/** A fresh temporary directory with the given files (paths relative to it). */
export function tempTree(files: Record<string, string>): string {
  const root = mkdtempSync(join(tmpdir(), "lip-cli-"));
  for (const [rel, text] of Object.entries(files)) {
    const path = join(root, rel);
    mkdirSync(dirname(path), { recursive: true });
    writeFileSync(path, text);
  }
  return root;
}
