// The declarative flag parser shared by every command (compiler/cli/flags.ts), and the
// dispatcher's handling of failures (compiler/cli/main.ts), in-process.

import { describe, expect, test } from "vitest";
import { defineCommand, Exit, useColor, type Io } from "../../compiler/cli/command.js";
import { parseArgs, UsageError, wantsHelp, type FlagSpec } from "../../compiler/cli/flags.js";
import { commandHelp } from "../../compiler/cli/help.js";
import { describeError, runCli } from "../../compiler/cli/main.js";
import { CompilerBug } from "../../compiler/diag/diagnostic.js";

const flags = [
  { kind: "enum", name: "format", values: ["text", "json"], default: "text", help: "output format" },
  { kind: "bool", name: "watch", short: "w", help: "watch" },
  { kind: "int", name: "jobs", short: "j", valueName: "N", default: 1, min: 1, max: 64, help: "parallel jobs" },
  { kind: "string", name: "out", valueName: "DIR", help: "output directory" },
] as const satisfies readonly FlagSpec[];

function usage(argv: string[]): string {
  try {
    parseArgs(argv, flags, "lip x");
  } catch (e) {
    if (e instanceof UsageError) return e.message;
    throw e;
  }
  throw new Error("expected a usage error");
}

describe("parseArgs", () => {
  test("defaults", () => {
    expect(parseArgs([], flags, "lip x")).toEqual({
      flags: { format: "text", watch: false, jobs: 1, out: undefined },
      positionals: [],
    });
  });

  test("every accepted form", () => {
    const r = parseArgs(["a", "--format", "json", "-w", "--jobs=8", "b", "--out", "-", "-j", "2", "--", "--watch", "-"], flags, "lip x");
    expect(r.flags).toEqual({ format: "json", watch: true, jobs: 2, out: "-" });
    expect(r.positionals).toEqual(["a", "b", "--watch", "-"]);
  });

  test("values may contain `=`; a repeated flag keeps its last value", () => {
    expect(parseArgs(["--out=a=b", "--format=json", "--format=text"], flags, "lip x").flags).toMatchObject({ out: "a=b", format: "text" });
  });

  test("usage errors", () => {
    expect(usage(["--fromat", "json"])).toBe("unknown flag `--fromat` for `lip x`; did you mean `--format`?");
    expect(usage(["--wacth"])).toBe("unknown flag `--wacth` for `lip x`; did you mean `--watch`?");
    expect(usage(["-q"])).toBe("unknown flag `-q` for `lip x`; see `lip x --help`");
    expect(usage(["--format", "yaml"])).toBe("invalid value `yaml` for `--format`; expected one of `text`, `json`");
    expect(usage(["--format"])).toBe("flag `--format` needs one of `text`, `json`");
    expect(usage(["--format", "--watch"])).toBe("flag `--format` needs one of `text`, `json`");
    expect(usage(["--watch=yes"])).toBe("flag `--watch` takes no value");
    expect(usage(["--jobs", "0"])).toBe("invalid value `0` for `--jobs`; expected an integer between 1 and 64");
    expect(usage(["-j", "1.5"])).toBe("invalid value `1.5` for `--jobs`; expected an integer between 1 and 64");
    expect(usage(["--jobs"])).toBe("flag `--jobs` needs an integer");
    expect(usage(["--out"])).toBe("flag `--out` needs a value (DIR)");
  });

  test("wantsHelp stops at `--`", () => {
    expect(wantsHelp(["a", "-h"])).toBe(true);
    expect(wantsHelp(["--help"])).toBe(true);
    expect(wantsHelp(["--", "--help"])).toBe(false);
  });
});

describe("commands and the dispatcher", () => {
  function io(env: Record<string, string> = {}, tty = false): Io & { out: string; err: string } {
    const o = {
      out: "",
      err: "",
      stdout: (t: string) => void (o.out += t),
      stderr: (t: string) => void (o.err += t),
      stderrIsTTY: tty,
      env,
    };
    return o;
  }

  const boom = defineCommand({
    name: "boom",
    summary: "fail in various ways",
    description: "For tests.",
    positionals: { name: "HOW", help: "how to fail", min: 1, max: 1 },
    flags: [{ kind: "int", name: "times", valueName: "N", default: 1, help: "how often" }],
    run({ flags: f, positionals: [how] }) {
      const times: number = f.times; // typed from the flag table
      if (how === "bug") throw new CompilerBug("unreachable state in the checker");
      if (how === "type") throw new TypeError("cannot read properties of undefined (reading 'span')\n  at somewhere");
      if (how === "string") throw "a thrown string";
      if (how === "async") return Promise.reject(new Error("async failure"));
      return times;
    },
  });

  test("exceptions become one `internal error:` line and exit 70", async () => {
    for (const [how, line] of [
      ["bug", "internal error: unreachable state in the checker\n"],
      ["type", "internal error: TypeError: cannot read properties of undefined (reading 'span')\n"],
      ["string", "internal error: a thrown string\n"],
      ["async", "internal error: async failure\n"],
    ] as const) {
      const o = io();
      expect(await runCli(["boom", how], o, [boom])).toBe(Exit.Internal);
      expect(o.err).toBe(line);
      expect(o.out).toBe("");
    }
  });

  test("LIP_BACKTRACE=1 adds the stack trace", async () => {
    const o = io({ LIP_BACKTRACE: "1" });
    expect(await runCli(["boom", "bug"], o, [boom])).toBe(Exit.Internal);
    expect(o.err).toMatch(/^internal error: unreachable state in the checker\nCompilerBug: unreachable/);
  });

  test("positional counts and typed flag values", async () => {
    const o = io();
    expect(await runCli(["boom", "ok", "--times", "3"], o, [boom])).toBe(3);
    expect(await runCli(["boom", "a", "b"], o, [boom])).toBe(Exit.Usage);
    expect(o.err).toBe("lip: unexpected argument `b` for `lip boom`\n");
  });

  test("help is generated from the flag table", () => {
    const help = commandHelp(boom);
    expect(help).toContain("Usage: lip boom [options] HOW");
    expect(help).toMatch(/--times <N> +how often \(default: 1\)/);
    expect(help).toMatch(/-h, --help +show this help/);
  });

  test("options before the command are refused with a hint", async () => {
    const o = io();
    expect(await runCli(["--format", "json", "check"], o)).toBe(Exit.Usage);
    expect(o.err).toBe("lip: unknown flag `--format` for `lip`; see `lip --help`\n");
  });

  test("colour: always, never, or auto = a terminal without NO_COLOR", () => {
    expect(useColor("always", io())).toBe(true);
    expect(useColor("never", io({}, true))).toBe(false);
    expect(useColor("auto", io({}, true))).toBe(true);
    expect(useColor("auto", io({}, false))).toBe(false);
    expect(useColor("auto", io({ NO_COLOR: "1" }, true))).toBe(false);
    expect(useColor("auto", io({ NO_COLOR: "" }, true))).toBe(true); // per no-color.org, empty means unset
  });

  test("describeError keeps one short line", () => {
    expect(describeError(new Error("x\ny"))).toBe("x");
    expect(describeError(new RangeError("Maximum call stack size exceeded"))).toBe("RangeError: Maximum call stack size exceeded");
    expect(describeError(new Error("z".repeat(1000))).length).toBe(300);
    expect(describeError(undefined)).toBe("undefined");
  });
});
