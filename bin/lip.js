#!/usr/bin/env node
// The `lip` command: a shim that runs the compiled CLI in dist/ (built by `npm run build`, and by
// `npm ci` / `npm install` through the `prepare` script). See compiler/cli/main.ts.

import { existsSync } from "node:fs";

// The bundle (one file: faster to start) when the build made it, else the compiled modules.
const bundle = new URL("../dist/bundle/lip.js", import.meta.url);
const entry = existsSync(bundle) ? bundle : new URL("../dist/compiler/cli/main.js", import.meta.url);

function internalError(err) {
  const text = err instanceof Error ? err.message : String(err);
  process.stderr.write(`internal error: ${text.split("\n")[0]}\n`);
  if (process.env.LIP_BACKTRACE && err instanceof Error && err.stack) process.stderr.write(err.stack + "\n");
  process.exit(70);
}

if (!existsSync(entry)) {
  process.stderr.write("lip: the compiler is not built; run `npm run build` first\n");
  process.exit(70);
}

process.on("uncaughtException", internalError);
process.on("unhandledRejection", internalError);

try {
  const { main } = await import(entry.href);
  // exitCode, not exit(): let stdout drain into a pipe first.
  process.exitCode = await main(process.argv.slice(2));
} catch (err) {
  internalError(err);
}
