// Turns the FILE|DIR arguments of a command into the list of .lip files to read: a file stands
// for itself, a directory for every `*.lip` file under it (recursively, skipping hidden
// directories and node_modules, not following symbolic links to directories), in sorted order.
// Anything missing or unreadable is a UsageError (`cannot read FILE: no such file`).

import { accessSync, constants, readdirSync, statSync, type Dirent } from "node:fs";
import { join } from "node:path";
import { UsageError } from "./flags.js";

function reason(err: unknown): string {
  const code = (err as NodeJS.ErrnoException | undefined)?.code;
  switch (code) {
    case "ENOENT":
    case "ENOTDIR":
      return "no such file";
    case "EACCES":
    case "EPERM":
      return "permission denied";
    case "ELOOP":
      return "too many levels of symbolic links";
    case "ENAMETOOLONG":
      return "file name too long";
    default:
      return code !== undefined ? code.toLowerCase() : String((err as Error)?.message ?? err);
  }
}

function cannotRead(path: string, err: unknown): UsageError {
  return new UsageError(`cannot read ${path}: ${reason(err)}`);
}

function byCodeUnits(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

function walk(dir: string, out: string[]): void {
  let entries: Dirent[];
  try {
    entries = readdirSync(dir, { withFileTypes: true });
  } catch (err) {
    throw cannotRead(dir, err);
  }
  for (const e of entries) {
    const path = join(dir, e.name);
    if (e.isDirectory()) {
      if (!e.name.startsWith(".") && e.name !== "node_modules") walk(path, out);
    } else if (e.name.endsWith(".lip")) {
      if (e.isFile()) out.push(path);
      else if (e.isSymbolicLink()) {
        try {
          if (statSync(path).isFile()) out.push(path);
        } catch {
          // a dangling link inside a directory is not something the user asked for by name
        }
      }
    }
  }
}

/** The files to check, in order, each once. */
export function expandInputs(args: readonly string[]): string[] {
  const files: string[] = [];
  for (const arg of args) {
    let isDir: boolean;
    try {
      isDir = statSync(arg).isDirectory();
    } catch (err) {
      throw cannotRead(arg, err);
    }
    if (isDir) {
      const found: string[] = [];
      walk(arg, found);
      if (found.length === 0) throw new UsageError(`no .lip files in ${arg}`);
      files.push(...found.sort(byCodeUnits));
    } else {
      try {
        accessSync(arg, constants.R_OK);
      } catch (err) {
        throw cannotRead(arg, err);
      }
      files.push(arg);
    }
  }
  return [...new Set(files)];
}
