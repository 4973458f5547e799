// Atomic writes: the target is replaced whole or not at all. A failure (the target is a
// directory, the directory is missing) leaves no temporary file; a process killed in the middle
// of writing leaves the previous file intact.

import { spawn } from "node:child_process";
import { chmodSync, mkdirSync, readdirSync, readFileSync, statSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { buildSync } from "esbuild";
import { afterAll, beforeAll, describe, expect, test } from "vitest";
import { writeFileAtomic } from "../../../runtime/io/atomic-write.js";
import { readSafetensors, writeSafetensors } from "../../../runtime/io/safetensors.js";
import { expectDataFileError, expectSameTensor, t, tempDir } from "./helpers.js";

let dir: string;
let cleanup: () => void;
beforeAll(() => ({ dir, cleanup } = tempDir()));
afterAll(() => cleanup());

describe("writeFileAtomic", () => {
  test("creates, then replaces; no temporary file is left", () => {
    const sub = join(dir, "plain");
    mkdirSync(sub);
    const path = join(sub, "a.txt");
    writeFileAtomic(path, "one");
    expect(readFileSync(path, "utf8")).toBe("one");
    writeFileAtomic(path, new Uint8Array([0x74, 0x77, 0x6f]));
    expect(readFileSync(path, "utf8")).toBe("two");
    writeFileAtomic(path, "");
    expect(readFileSync(path, "utf8")).toBe("");
    expect(readdirSync(sub)).toEqual(["a.txt"]);
  });

  test("a replaced file keeps its permissions", () => {
    const path = join(dir, "mode.txt");
    writeFileSync(path, "x");
    chmodSync(path, 0o640);
    writeFileAtomic(path, "y");
    expect(statSync(path).mode & 0o777).toBe(0o640);
  });

  test("the target is a directory: an error, the directory untouched, no temporary file", () => {
    const sub = join(dir, "isdir");
    const target = join(sub, "target");
    mkdirSync(target, { recursive: true });
    writeFileSync(join(target, "inside.txt"), "keep");
    expectDataFileError(() => writeFileAtomic(target, "data"), `${target}: cannot write: is a directory`);
    expect(readdirSync(sub)).toEqual(["target"]);
    expect(readFileSync(join(target, "inside.txt"), "utf8")).toBe("keep");
  });

  test("a missing directory", () => {
    const path = join(dir, "no", "such", "dir", "f.safetensors");
    expectDataFileError(() => writeFileAtomic(path, "x"), `${path}: cannot write: the directory ${join(dir, "no", "such", "dir")} does not exist`);
  });
});

// The child bundles writeFileAtomic, makes fs.writeSync block forever after its first chunk,
// and reports "WROTE" when the temporary file holds part of the new contents.
const CHILD = `
import fs from "node:fs";
import { syncBuiltinESMExports } from "node:module";
const [bundle, target] = process.argv.slice(2);
const write = fs.writeSync;
let calls = 0;
fs.writeSync = (...args) => {
  const n = write(...args);
  if (++calls === 1) {
    write(1, "WROTE\\n");
    Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0); // hang until killed
  }
  return n;
};
syncBuiltinESMExports();
const { writeFileAtomic } = await import(bundle);
writeFileAtomic(target, new Uint8Array(40 << 20).fill(0x41)); // 40 MiB: written in several chunks
`;

describe("a crash in the middle of a write", () => {
  test("leaves the previous file intact (SIGKILL while the new contents are half written)", async () => {
    const sub = join(dir, "crash");
    mkdirSync(sub);
    const bundle = join(sub, "atomic-write.mjs");
    buildSync({ entryPoints: [fileURLToPath(new URL("../../../runtime/io/atomic-write.ts", import.meta.url))], bundle: true, platform: "node", format: "esm", outfile: bundle, logLevel: "silent" });
    const childScript = join(sub, "child.mjs");
    writeFileSync(childScript, CHILD);
    const target = join(sub, "model.safetensors");
    const before = { "h1.w": t("f32", [2, 2], [1, 2, 3, 4]), step: t("i32", [], [100]) };
    writeSafetensors(target, before);
    const original = readFileSync(target);

    const child = spawn(process.execPath, [childScript, bundle, target], { stdio: ["ignore", "pipe", "pipe"] });
    let stderr = "";
    child.stderr.on("data", (d) => (stderr += d));
    const exited = new Promise<NodeJS.Signals | number | null>((resolve) => child.on("exit", (code, signal) => resolve(signal ?? code)));
    await new Promise<void>((resolve, reject) => {
      let out = "";
      child.stdout.on("data", (d) => {
        out += d;
        if (out.includes("WROTE")) resolve();
      });
      child.on("exit", () => reject(new Error(`the child exited before writing: ${stderr}`)));
    });

    // mid-write: a partial temporary file beside the untouched target
    const temps = readdirSync(sub).filter((f) => f.endsWith(".tmp"));
    expect(temps).toHaveLength(1);
    expect(temps[0]).toMatch(/^\.model\.safetensors\.\d+\.[0-9a-f]{8}\.tmp$/);
    const partial = statSync(join(sub, temps[0]!)).size;
    expect(partial).toBeGreaterThan(0);
    expect(partial).toBeLessThan(40 << 20);
    expect(readFileSync(target)).toEqual(original);

    child.kill("SIGKILL");
    expect(await exited).toBe("SIGKILL");
    expect(readFileSync(target)).toEqual(original);
    const after = readSafetensors(target);
    expectSameTensor(after["h1.w"], before["h1.w"]);
    expectSameTensor(after["step"], before["step"]);
  });
});
