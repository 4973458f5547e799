// The `lip` command line: dispatches to a command, prints help and the version, and enforces
// the exit-status contract for every command:
//   0  success;  1  the inputs have errors;  2  usage error, one line on stderr;
//   70 internal error, `internal error: <short description>` on stderr (a stack trace only
//      with LIP_BACKTRACE=1). No input may end in an uncaught exception.
// bin/lip.js calls `main`; tests may call `runCli` with their own Io and commands.

import { existsSync, readFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { suggest } from "../diag/suggest.js";
import { Exit, type Command, type Io } from "./command.js";
import { commands } from "./commands.js";
import { helpFlag, parseArgs, UsageError, wantsHelp, type FlagSpec } from "./flags.js";
import { commandHelp, topLevelHelp } from "./help.js";

const versionFlag: FlagSpec = { kind: "bool", name: "version", short: "V", help: "print the version" };
const globalFlags: readonly FlagSpec[] = [helpFlag, versionFlag];

/** The version in the package.json above this file (in the source tree or in dist/). */
export function lipVersion(): string {
  let dir = dirname(fileURLToPath(import.meta.url));
  for (;;) {
    const pkg = join(dir, "package.json");
    if (existsSync(pkg)) {
      const json = JSON.parse(readFileSync(pkg, "utf8")) as { name?: string; version?: string };
      if (json.name === "lip" && typeof json.version === "string") return json.version;
    }
    const parent = dirname(dir);
    if (parent === dir) return "unknown";
    dir = parent;
  }
}

function findCommand(name: string, registry: readonly Command[]): Command {
  const found = registry.find((c) => c.name === name);
  if (found !== undefined) return found;
  const near = suggest(name, [...registry.map((c) => c.name), "help"]);
  const hint = near !== undefined ? `; did you mean \`${near}\`?` : "; see `lip --help`";
  throw new UsageError(`unknown command \`${name}\`${hint}`);
}

function checkPositionals(c: Command, positionals: readonly string[]): void {
  const { min, max, name } = c.positionals;
  if (positionals.length < min) {
    throw new UsageError(`\`lip ${c.name}\` needs ${min === 1 ? "at least one" : `at least ${min}`} ${name.replace(/\.\.\.$/, "")}; see \`lip ${c.name} --help\``);
  }
  if (max !== undefined && positionals.length > max) {
    throw new UsageError(`unexpected argument \`${positionals[max]}\` for \`lip ${c.name}\``);
  }
}

async function dispatch(argv: readonly string[], io: Io, registry: readonly Command[]): Promise<number> {
  const [first, ...rest] = argv;
  if (first === undefined) throw new UsageError("no command given; see `lip --help`");
  if (first.startsWith("-")) {
    const { flags, positionals } = parseArgs(argv, globalFlags, "lip");
    if (flags["help"]) return print(io, topLevelHelp(lipVersion(), registry, globalFlags));
    if (flags["version"]) return print(io, `lip ${lipVersion()}\n`);
    throw new UsageError(
      positionals.length > 0 ? `options go after the command: \`lip ${positionals[0]} ${first}\`` : "no command given; see `lip --help`",
    );
  }
  if (first === "help") {
    const topic = rest.find((a) => !a.startsWith("-"));
    if (topic === undefined || topic === "help") return print(io, topLevelHelp(lipVersion(), registry, globalFlags));
    return print(io, commandHelp(findCommand(topic, registry)));
  }
  const command = findCommand(first, registry);
  if (wantsHelp(rest)) return print(io, commandHelp(command));
  const parsed = parseArgs(rest, command.flags, `lip ${command.name}`);
  checkPositionals(command, parsed.positionals);
  return await command.run(parsed, io);
}

function print(io: Io, text: string): number {
  io.stdout(text);
  return Exit.Ok;
}

/** A short, one-line description of an unexpected exception. */
export function describeError(err: unknown): string {
  if (err instanceof Error) {
    const msg = (err.message.split("\n")[0] ?? "").trim();
    const generic = err.name === "Error" || err.name === "CompilerBug" || err.name === "InternalDiagnostic";
    const text = generic ? msg || err.name : msg ? `${err.name}: ${msg}` : err.name;
    return text.length > 300 ? text.slice(0, 297) + "..." : text;
  }
  return String(err).split("\n")[0]!.slice(0, 300) || "unknown failure";
}

/** Runs `lip` with `argv` (without `node` and the script); returns the exit status. */
export async function runCli(argv: readonly string[], io: Io, registry: readonly Command[] = commands): Promise<number> {
  try {
    return await dispatch(argv, io, registry);
  } catch (err) {
    if (err instanceof UsageError) {
      io.stderr(`lip: ${err.message}\n`);
      return Exit.Usage;
    }
    io.stderr(`internal error: ${describeError(err)}\n`);
    if (io.env["LIP_BACKTRACE"] && err instanceof Error && err.stack) io.stderr(err.stack + "\n");
    return Exit.Internal;
  }
}

/** The process's own Io. */
export function processIo(): Io {
  return {
    stdout: (t) => void process.stdout.write(t),
    stderr: (t) => void process.stderr.write(t),
    stderrIsTTY: process.stderr.isTTY === true,
    env: process.env,
  };
}

/** The entry of bin/lip.js. */
export async function main(argv: readonly string[] = process.argv.slice(2)): Promise<number> {
  // A closed pipe (`lip check --format json | head -1`) is not an error of lip's.
  for (const stream of [process.stdout, process.stderr]) {
    stream.on("error", (err: NodeJS.ErrnoException) => {
      if (err.code === "EPIPE") process.exit(process.exitCode ?? Exit.Ok);
      process.exitCode = Exit.Internal;
    });
  }
  return runCli(argv, processIo());
}
