// Atomic file replacement: write a temporary file next to the target, fsync it, then rename it
// over the target. rename(2) within one directory is atomic, so a reader (or a crash at any
// moment) sees either the old file or the complete new one, never a torn write. At worst a crash
// leaves a stray `.NAME.PID.XXXXXXXX.tmp` beside the target. Every writer in runtime/io uses this.

import { closeSync, fsyncSync, openSync, renameSync, statSync, chmodSync, unlinkSync, writeSync } from "node:fs";
import { randomBytes } from "node:crypto";
import { basename, dirname, join, resolve } from "node:path";
import { DataFileError, describeFsError } from "./errors.js";

// Large buffers are written in slices: one writeSync of gigabytes is refused by some kernels.
const CHUNK = 1 << 24;

/** Replace `path` with `data` (a string is written as UTF-8) atomically. Throws DataFileError. */
export function writeFileAtomic(path: string, data: Uint8Array | string): void {
  const bytes = typeof data === "string" ? Buffer.from(data, "utf8") : data;
  const dir = dirname(resolve(path));
  const tmp = join(dir, `.${basename(path)}.${process.pid}.${randomBytes(4).toString("hex")}.tmp`);
  let fd: number | undefined;
  let created = false;
  try {
    fd = openSync(tmp, "wx", 0o666);
    created = true;
    keepMode(path, tmp);
    for (let off = 0; off < bytes.length; ) off += writeSync(fd, bytes, off, Math.min(CHUNK, bytes.length - off));
    fsyncSync(fd);
    const f = fd;
    fd = undefined;
    closeSync(f);
    renameSync(tmp, path);
  } catch (err) {
    if (fd !== undefined) {
      try {
        closeSync(fd);
      } catch {
        // already failing; the first error is the one to report
      }
    }
    if (created) {
      try {
        unlinkSync(tmp);
      } catch {
        // nothing more to do: a stray temporary file never affects the target
      }
    }
    const code = (err as { code?: unknown } | null)?.code;
    const why = code === "ENOENT" && !created ? `the directory ${dirname(path)} does not exist` : describeFsError(err);
    throw new DataFileError(path, `cannot write: ${why}`);
  }
  syncDirectory(dir);
}

// A replaced file keeps its permissions (a fresh one gets the default 0666 & ~umask).
function keepMode(target: string, tmp: string): void {
  let mode: number;
  try {
    mode = statSync(target).mode & 0o7777;
  } catch {
    return;
  }
  chmodSync(tmp, mode);
}

// Make the rename itself durable. Best effort: some platforms cannot open or fsync a directory.
function syncDirectory(dir: string): void {
  let fd: number | undefined;
  try {
    fd = openSync(dir, "r");
    fsyncSync(fd);
  } catch {
    // not supported here; the rename is still atomic
  } finally {
    if (fd !== undefined) closeSync(fd);
  }
}
