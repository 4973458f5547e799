// The `lip` command as a user runs it: exit statuses, where output goes, and the exact usage
// messages (which are the CLI's own contract). Diagnostics themselves are asserted loosely
// (code family, file:line:col), so that better checker messages do not break these tests.

import { copyFileSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, test } from "vitest";
import { assertBuilt, lip, lipBin, repoRoot, tempTree } from "./run-lip.js";

let dir: string;
const CLEAN = "fn f(x) = x\n";
const SYNTAX_ERROR = "fn f( = 1\n";

beforeAll(() => {
  assertBuilt();
  dir = tempTree({
    "clean.lip": CLEAN,
    "bad.lip": SYNTAX_ERROR,
    "tree/z.lip": SYNTAX_ERROR,
    "tree/a/b.lip": SYNTAX_ERROR,
    "tree/a/ok.lip": CLEAN,
    "tree/.hidden/x.lip": SYNTAX_ERROR,
    "tree/notes.txt": SYNTAX_ERROR,
    "cleantree/one.lip": CLEAN,
    "empty/readme.txt": "",
  });
});

afterAll(() => rmSync(dir, { recursive: true, force: true }));

const version = (JSON.parse(readFileSync(join(repoRoot, "package.json"), "utf8")) as { version: string }).version;

describe("help and version", () => {
  test("`lip --help`, `lip -h` and `lip help` list every command and global flag", () => {
    const r = lip(["--help"]);
    expect(r.status).toBe(0);
    expect(r.stderr).toBe("");
    expect(r.stdout).toContain("Usage: lip <command>");
    expect(r.stdout).toMatch(/^ {2}check +check \.lip files/m);
    expect(r.stdout).toMatch(/^ {2}compile +compile an experiment/m);
    expect(r.stdout).toMatch(/^ {2}help +/m);
    expect(r.stdout).toContain("-h, --help");
    expect(r.stdout).toContain("-V, --version");
    for (const planned of ["fmt"]) expect(r.stdout).not.toMatch(new RegExp(`^  ${planned} `, "m"));
    expect(lip(["-h"]).stdout).toBe(r.stdout);
    expect(lip(["help"]).stdout).toBe(r.stdout);
  });

  test("`lip check --help` and `lip help check` describe every flag of check", () => {
    const r = lip(["check", "--help"]);
    expect(r.status).toBe(0);
    expect(r.stdout).toContain("Usage: lip check [options] FILE|DIR...");
    expect(r.stdout).toContain("--format <text|json>");
    expect(r.stdout).toContain("--color <auto|always|never>");
    expect(r.stdout).toContain("-h, --help");
    expect(r.stdout).toMatch(/^ {2}70 +internal error$/m);
    expect(lip(["help", "check"]).stdout).toBe(r.stdout);
    expect(lip(["check", "nope.lip", "-h"]).stdout).toBe(r.stdout); // help wins over the arguments
  });

  test("`lip --version` and `lip -V` print the package version", () => {
    for (const flag of ["--version", "-V"]) {
      const r = lip([flag]);
      expect(r.status).toBe(0);
      expect(r.stdout).toBe(`lip ${version}\n`);
      expect(r.stderr).toBe("");
    }
  });
});

describe("usage errors: exit 2 and one line on stderr", () => {
  const cases: [string, string[], string][] = [
    ["no arguments", [], "lip: no command given; see `lip --help`"],
    ["an unknown command, with a suggestion", ["chek", "x.lip"], "lip: unknown command `chek`; did you mean `check`?"],
    ["an unknown command, without one", ["frobnicate"], "lip: unknown command `frobnicate`; see `lip --help`"],
    ["help on an unknown command", ["help", "chekc"], "lip: unknown command `chekc`; did you mean `check`?"],
    ["an unknown global flag", ["--verison"], "lip: unknown flag `--verison` for `lip`; did you mean `--version`?"],
    ["an unknown flag, with a suggestion", ["check", "--fromat", "json", "x.lip"], "lip: unknown flag `--fromat` for `lip check`; did you mean `--format`?"],
    ["an unknown flag, without one", ["check", "--frobnicate", "x.lip"], "lip: unknown flag `--frobnicate` for `lip check`; see `lip check --help`"],
    ["a bad --format value", ["check", "--format", "xml", "x.lip"], "lip: invalid value `xml` for `--format`; expected one of `text`, `json`"],
    ["a misspelt --format value", ["check", "--format=jsno", "x.lip"], "lip: invalid value `jsno` for `--format`; did you mean `json`?"],
    ["a missing --format value", ["check", "x.lip", "--format"], "lip: flag `--format` needs one of `text`, `json`"],
    ["a value for a bool flag", ["check", "--help=yes"], "lip: flag `--help` takes no value"],
    ["no files", ["check"], "lip: `lip check` needs at least one FILE|DIR; see `lip check --help`"],
    ["no files, only flags", ["check", "--format", "json"], "lip: `lip check` needs at least one FILE|DIR; see `lip check --help`"],
    ["a missing file", ["check", "nope.lip"], "lip: cannot read nope.lip: no such file"],
    ["a missing file among present ones", ["check", "clean.lip", "gone/x.lip"], "lip: cannot read gone/x.lip: no such file"],
    ["a directory without .lip files", ["check", "empty"], "lip: no .lip files in empty"],
  ];
  test.each(cases)("%s", (_, args, message) => {
    const r = lip(args, { cwd: dir });
    expect(r.status).toBe(2);
    expect(r.stderr).toBe(message + "\n");
    expect(r.stdout).toBe("");
  });
});

describe("lip check", () => {
  test("a clean file: exit 0 and silence", () => {
    const r = lip(["check", "clean.lip"], { cwd: dir });
    expect(r.stderr).toBe("");
    expect(r.stdout).toBe("");
    expect(r.status).toBe(0);
  });

  test("a clean file as JSON: exit 0 and an empty array", () => {
    const r = lip(["check", "--format", "json", "clean.lip"], { cwd: dir });
    expect(r.status).toBe(0);
    expect(JSON.parse(r.stdout)).toEqual([]);
    expect(r.stderr).toBe("");
  });

  test("a syntax error: exit 1, rendered diagnostics and a summary on stderr", () => {
    const r = lip(["check", "bad.lip"], { cwd: dir });
    expect(r.status).toBe(1);
    expect(r.stdout).toBe("");
    expect(r.stderr).toMatch(/^error\[LIP1\d{3}\]: /);
    expect(r.stderr).toMatch(/--> bad\.lip:1:\d+\n/);
    expect(r.stderr).toContain("1 | fn f( = 1");
    expect(r.stderr).toMatch(/\nerror: could not check `bad\.lip` due to \d+ previous errors?\n$/);
    expect(r.stderr).not.toContain("\x1b"); // not a terminal
    expect(r.stderr).not.toMatch(/\n\s+at /); // no stack trace
  });

  test("a syntax error as JSON: exit 1, one JSON document on stdout", () => {
    const r = lip(["check", "bad.lip", "--format=json"], { cwd: dir });
    expect(r.status).toBe(1);
    expect(r.stderr).toBe("");
    const ds = JSON.parse(r.stdout) as Record<string, unknown>[];
    expect(ds.length).toBeGreaterThan(0);
    for (const d of ds) {
      expect(d["code"]).toMatch(/^LIP1\d{3}$/);
      expect(d).toMatchObject({ severity: "error", file: "bad.lip", line: 1 });
      expect(Object.keys(d).sort()).toEqual(
        ["code", "severity", "message", "file", "line", "col", "endLine", "endCol", "label", "secondary", "notes", "help"].sort(),
      );
    }
  });

  test("clean and bad files together: exit 1, only the bad file reported", () => {
    const r = lip(["check", "clean.lip", "bad.lip", "--format", "json"], { cwd: dir });
    expect(r.status).toBe(1);
    const files = new Set((JSON.parse(r.stdout) as { file: string }[]).map((d) => d.file));
    expect([...files]).toEqual(["bad.lip"]);
  });

  test("a directory: every *.lip under it, sorted, skipping hidden directories", () => {
    const r = lip(["check", "tree", "--format", "json"], { cwd: dir });
    expect(r.status).toBe(1);
    const files = [...new Set((JSON.parse(r.stdout) as { file: string }[]).map((d) => d.file))];
    expect(files).toEqual([join("tree", "a", "b.lip"), join("tree", "z.lip")]);
    const text = lip(["check", "tree"], { cwd: dir });
    expect(text.stderr).toMatch(/error: could not check 3 files due to \d+ previous errors\n$/);
    expect(lip(["check", "cleantree"], { cwd: dir }).status).toBe(0);
  });

  test("--color always colours text diagnostics; --color never and NO_COLOR do not", () => {
    expect(lip(["check", "--color", "always", "bad.lip"], { cwd: dir }).stderr).toContain("\x1b[");
    expect(lip(["check", "--color", "never", "bad.lip"], { cwd: dir }).stderr).not.toContain("\x1b[");
    expect(lip(["check", "bad.lip"], { cwd: dir, env: { NO_COLOR: "1" } }).stderr).not.toContain("\x1b[");
    expect(lip(["check", "--format", "json", "--color", "always", "bad.lip"], { cwd: dir }).stdout).not.toContain("\x1b[");
  });

  test("arguments after `--` are files, even if they look like flags", () => {
    const r = lip(["check", "--", "--format"], { cwd: dir });
    expect(r.status).toBe(2);
    expect(r.stderr).toBe("lip: cannot read --format: no such file\n");
  });
});

describe("the bin shim", () => {
  test("without dist/ it says to build, and exits 70", () => {
    const root = mkdtempSync(join(tmpdir(), "lip-nodist-"));
    try {
      mkdirSync(join(root, "bin"));
      copyFileSync(lipBin, join(root, "bin", "lip.js"));
      writeFileSync(join(root, "package.json"), '{ "type": "module" }\n');
      const r = lip(["--help"], { bin: join(root, "bin", "lip.js") });
      expect(r.status).toBe(70);
      expect(r.stderr).toBe("lip: the compiler is not built; run `npm run build` first\n");
    } finally {
      rmSync(root, { recursive: true, force: true });
    }
  });
});
