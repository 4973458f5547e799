// A small declarative flag parser shared by every `lip` command. A command declares its flags as
// a table; the parser turns argv into typed values, and rejects unknown flags (with a "did you
// mean"), missing values and invalid values with a one-line UsageError. Help text is generated
// from the same table (help.ts), so the two never disagree.
//
// Accepted forms: `--name value`, `--name=value`, `-x value` (a declared short name), bool flags
// without a value, and `--` to end the flags (everything after it is a positional). A lone `-`
// is a positional. When a flag is repeated, the last value wins.

import { suggest } from "../diag/suggest.js";

interface FlagBase {
  /** The long name, without `--`. */
  readonly name: string;
  /** A one-letter alias, without `-`. */
  readonly short?: string;
  /** One line for the help text, lowercase, no trailing period. */
  readonly help: string;
}

export interface BoolFlag extends FlagBase {
  readonly kind: "bool";
}

export interface EnumFlag extends FlagBase {
  readonly kind: "enum";
  readonly values: readonly string[];
  readonly default: string;
}

export interface StringFlag extends FlagBase {
  readonly kind: "string";
  readonly valueName: string; // shown as `--name <valueName>`
  readonly default?: string;
}

export interface IntFlag extends FlagBase {
  readonly kind: "int";
  readonly valueName: string;
  readonly default?: number;
  readonly min?: number;
  readonly max?: number;
}

/** A flag that may be given several times (`--set a=1 --set b=2`): all values, in order. */
export interface ListFlag extends FlagBase {
  readonly kind: "list";
  readonly valueName: string;
  readonly default?: undefined;
}

export type FlagSpec = BoolFlag | EnumFlag | StringFlag | IntFlag | ListFlag;

/** The value a flag parses to. */
export type FlagValue<F extends FlagSpec> = F extends BoolFlag
  ? boolean
  : F extends EnumFlag
    ? F["values"][number]
    : F extends IntFlag
      ? F["default"] extends number ? number : number | undefined
      : F extends StringFlag
        ? F["default"] extends string ? string : string | undefined
        : F extends ListFlag
          ? string[]
          : never;

/** The parsed values of a flag table, by long name. */
export type FlagValues<Fs extends readonly FlagSpec[]> = { [F in Fs[number] as F["name"]]: FlagValue<F> };

/** A mistake in how `lip` was called: reported as `lip: <message>` with exit status 2. */
export class UsageError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "UsageError";
  }
}

export interface ParsedArgs {
  readonly flags: Record<string, string | number | boolean | string[] | undefined>;
  readonly positionals: string[];
}

/** The help flag every command accepts. */
export const helpFlag: BoolFlag = { kind: "bool", name: "help", short: "h", help: "show this help" };

/** Whether argv asks for help (before any `--`). */
export function wantsHelp(argv: readonly string[]): boolean {
  for (const a of argv) {
    if (a === "--") return false;
    if (a === "--help" || a === "-h") return true;
  }
  return false;
}

function quoteList(values: readonly string[]): string {
  return values.map((v) => `\`${v}\``).join(", ");
}

function convert(flag: FlagSpec, raw: string): string | number {
  switch (flag.kind) {
    case "enum":
      if (!flag.values.includes(raw)) {
        const near = suggest(raw, flag.values);
        const hint = near !== undefined ? `; did you mean \`${near}\`?` : `; expected one of ${quoteList(flag.values)}`;
        throw new UsageError(`invalid value \`${raw}\` for \`--${flag.name}\`${hint}`);
      }
      return raw;
    case "int": {
      const n = /^-?\d+$/.test(raw) ? Number(raw) : NaN;
      const lo = flag.min ?? Number.MIN_SAFE_INTEGER;
      const hi = flag.max ?? Number.MAX_SAFE_INTEGER;
      if (!Number.isSafeInteger(n) || n < lo || n > hi) {
        const range = flag.min !== undefined || flag.max !== undefined ? ` between ${lo} and ${hi}` : "";
        throw new UsageError(`invalid value \`${raw}\` for \`--${flag.name}\`; expected an integer${range}`);
      }
      return n;
    }
    case "string":
    case "list":
      return raw;
    case "bool":
      throw new UsageError(`flag \`--${flag.name}\` takes no value`);
  }
}

function describeValue(flag: FlagSpec): string {
  switch (flag.kind) {
    case "enum":
      return `one of ${quoteList(flag.values)}`;
    case "int":
      return "an integer";
    default:
      return `a value (${flag.kind === "string" || flag.kind === "list" ? flag.valueName : flag.name})`;
  }
}

/**
 * Parses `argv` against a flag table. `command` names the command in messages (`lip check`).
 * Throws UsageError for unknown flags and bad values; never for positionals (the command checks
 * their number).
 */
export function parseArgs(argv: readonly string[], flags: readonly FlagSpec[], command: string): ParsedArgs {
  const values: Record<string, string | number | boolean | string[] | undefined> = {};
  for (const f of flags) values[f.name] = f.kind === "bool" ? false : f.kind === "list" ? [] : f.default;
  const positionals: string[] = [];
  const byLong = new Map(flags.map((f) => [f.name, f]));
  const byShort = new Map(flags.filter((f) => f.short !== undefined).map((f) => [f.short!, f]));

  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i]!;
    if (arg === "--") {
      positionals.push(...argv.slice(i + 1));
      break;
    }
    if (arg === "-" || !arg.startsWith("-")) {
      positionals.push(arg);
      continue;
    }
    const eq = arg.indexOf("=");
    const written = eq >= 0 ? arg.slice(0, eq) : arg;
    const inline = eq >= 0 ? arg.slice(eq + 1) : undefined;
    const flag = written.startsWith("--") ? byLong.get(written.slice(2)) : byShort.get(written.slice(1));
    if (flag === undefined) throw unknownFlag(written, flags, command);
    if (flag.kind === "bool") {
      if (inline !== undefined) throw new UsageError(`flag \`--${flag.name}\` takes no value`);
      values[flag.name] = true;
      continue;
    }
    let raw = inline;
    if (raw === undefined) {
      const next = argv[i + 1];
      if (next === undefined || (next.startsWith("-") && next !== "-" && !/^-\d/.test(next))) {
        throw new UsageError(`flag \`--${flag.name}\` needs ${describeValue(flag)}`);
      }
      raw = next;
      i++;
    }
    const value = convert(flag, raw);
    if (flag.kind === "list") (values[flag.name] as string[]).push(String(value));
    else values[flag.name] = value;
  }
  return { flags: values, positionals };
}

function unknownFlag(written: string, flags: readonly FlagSpec[], command: string): UsageError {
  const bare = written.replace(/^-+/, "");
  const names = flags.map((f) => f.name);
  const near = suggest(bare, names);
  const hint = near !== undefined ? `; did you mean \`--${near}\`?` : `; see \`${command} --help\``;
  return new UsageError(`unknown flag \`${written}\` for \`${command}\`${hint}`);
}
