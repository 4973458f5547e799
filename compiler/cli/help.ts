// Help texts, generated from the command registry and each command's flag table, so that every
// command and flag that exists is described, and nothing that does not.

import type { Command } from "./command.js";
import type { FlagSpec } from "./flags.js";

/** Lines `  left   right` with the right column aligned. */
function table(rows: readonly (readonly [string, string])[]): string[] {
  const width = Math.max(...rows.map(([l]) => l.length));
  return rows.map(([l, r]) => `  ${l.padEnd(width)}   ${r}`.trimEnd());
}

function flagLeft(f: FlagSpec): string {
  const short = f.short !== undefined ? `-${f.short}, ` : "    ";
  switch (f.kind) {
    case "bool":
      return `${short}--${f.name}`;
    case "enum":
      return `${short}--${f.name} <${f.values.join("|")}>`;
    default:
      return `${short}--${f.name} <${f.valueName}>`;
  }
}

function flagRight(f: FlagSpec): string {
  const dflt = f.kind === "bool" || f.default === undefined ? "" : ` (default: ${f.default})`;
  return f.help + dflt;
}

/** `lip --help`: every command and the global flags. */
export function topLevelHelp(version: string, commands: readonly Command[], globalFlags: readonly FlagSpec[]): string {
  return [
    `lip ${version}: a declarative language for machine-learning experiments`,
    "",
    "Usage: lip <command> [options] [arguments]",
    "",
    "Commands:",
    ...table([...commands.map((c) => [c.name, c.summary] as const), ["help", "show help for lip or for a command"]]),
    "",
    "Options:",
    ...table(globalFlags.map((f) => [flagLeft(f), flagRight(f)])),
    "",
    "Run `lip help <command>` or `lip <command> --help` for the options of a command.",
    "",
  ].join("\n");
}

/** `lip <command> --help`. */
export function commandHelp(c: Command): string {
  const p = c.positionals;
  return [
    `Usage: lip ${c.name} [options] ${p.name}`,
    "",
    c.description,
    "",
    "Arguments:",
    ...table([[p.name, p.help]]),
    "",
    "Options:",
    ...table(c.flags.map((f) => [flagLeft(f), flagRight(f)])),
    ...c.sections.flatMap((s) => ["", `${s.title}:`, ...s.lines.map((l) => `  ${l}`)]),
    "",
  ].join("\n");
}
