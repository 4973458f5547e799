// What a `lip` command is: a name, help texts, a flag table and a `run` function. Each command
// lives in its own file in compiler/cli/ and is listed once in commands.ts; main.ts dispatches,
// parses flags against the command's table, and turns exceptions into exit statuses.

import { helpFlag, type FlagSpec, type FlagValues, type ParsedArgs } from "./flags.js";

/** Exit statuses, the contract of every command. */
export const Exit = {
  Ok: 0, // every input is clean
  Failure: 1, // the inputs have errors (diagnostics were printed)
  Usage: 2, // lip was called wrongly (a one-line message was printed)
  Internal: 70, // a bug in lip (EX_SOFTWARE): `internal error: ...`
} as const;

/** The outside world as a command sees it; tests can pass their own. */
export interface Io {
  readonly stdout: (text: string) => void;
  readonly stderr: (text: string) => void;
  /** Whether stderr is a terminal (colour is used only then, and only without NO_COLOR). */
  readonly stderrIsTTY: boolean;
  readonly env: Readonly<Record<string, string | undefined>>;
}

export interface Positionals {
  /** As shown in usage lines, e.g. `FILE|DIR...`. */
  readonly name: string;
  readonly help: string;
  readonly min: number;
  readonly max?: number;
}

export interface CommandSpec<Fs extends readonly FlagSpec[]> {
  readonly name: string;
  /** One line for the command list: lowercase, no trailing period. */
  readonly summary: string;
  /** A paragraph for `lip <command> --help`. */
  readonly description: string;
  readonly flags: Fs;
  readonly positionals: Positionals;
  /** Extra help sections (e.g. exit statuses, examples), each a title and its lines. */
  readonly sections?: readonly { readonly title: string; readonly lines: readonly string[] }[];
  run(args: { flags: FlagValues<Fs>; positionals: string[] }, io: Io): number | Promise<number>;
}

/** A command with its flag types erased, as the registry holds it. */
export interface Command {
  readonly name: string;
  readonly summary: string;
  readonly description: string;
  /** The command's flags followed by `--help`. */
  readonly flags: readonly FlagSpec[];
  readonly positionals: Positionals;
  readonly sections: readonly { readonly title: string; readonly lines: readonly string[] }[];
  run(args: ParsedArgs, io: Io): number | Promise<number>;
}

/** Declares a command; `const` keeps the flag table's literal types for typed `run` arguments. */
export function defineCommand<const Fs extends readonly FlagSpec[]>(spec: CommandSpec<Fs>): Command {
  return {
    name: spec.name,
    summary: spec.summary,
    description: spec.description,
    flags: [...spec.flags, helpFlag],
    positionals: spec.positionals,
    sections: spec.sections ?? [],
    run: (args, io) => spec.run({ flags: args.flags as FlagValues<Fs>, positionals: args.positionals }, io),
  };
}

/** Whether diagnostics on stderr should be coloured, for a `--color` value. */
export function useColor(choice: "auto" | "always" | "never", io: Io): boolean {
  if (choice === "always") return true;
  if (choice === "never") return false;
  const noColor = io.env["NO_COLOR"];
  return io.stderrIsTTY && (noColor === undefined || noColor === "");
}
