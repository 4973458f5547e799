// Property reports as text (for people) and as JSON-ready data (for tools).

import { formatNumber, formatValues, typeText } from "./format.js";
import type { Counterexample, PropertyReport, ShownValue } from "./runner.js";

export interface TextOptions {
  /** The command that replays a failure (default: `lip test FILE --property TITLE --seed S --path P`). */
  readonly replay?: (rep: PropertyReport, cx: Counterexample) => string;
  /** Renders a compiler diagnostic attached to an error (with its source excerpt). */
  readonly diagnostic?: (cx: Counterexample) => string | undefined;
  readonly color?: boolean;
}

const paint = (on: boolean | undefined, code: string, s: string) => (on ? `\x1b[${code}m${s}\x1b[0m` : s);

/** A value for a shell command line. */
export function shellQuote(s: string): string {
  if (/^[\w./:=,+-]+$/.test(s)) return s;
  if (!/["$`\\!]/.test(s)) return `"${s}"`;
  return `'${s.replace(/'/g, `'\\''`)}'`;
}

export function defaultReplay(rep: PropertyReport, cx: Counterexample): string {
  const backends = rep.backends.length === 1 && rep.backends[0] === "reference" ? "" : ` --backend ${rep.backends.join(",")}`;
  return `lip test ${shellQuote(rep.at.file)} --property ${shellQuote(rep.title)}${backends} --seed ${cx.seed} --path ${shellQuote(cx.path)}`;
}

/** One line per passing property; a block with the counterexample for a failing one. */
export function renderReportText(rep: PropertyReport, opts: TextOptions = {}): string {
  const c = opts.color;
  const stats = `${rep.runs} run${rep.runs === 1 ? "" : "s"}${rep.rejected > 0 ? `, ${rep.rejected} rejected by \`where\`` : ""}, ${formatMs(rep.timeMs)}`;
  if (rep.status === "passed") return `${paint(c, "32", "ok")}    ${rep.title}  (${stats})\n`;
  const lines: string[] = [];
  const tag = rep.status === "failed" ? "FAIL" : rep.status === "rejected" ? "FAIL" : "ERROR";
  lines.push(`${paint(c, "1;31", tag)}  ${paint(c, "1", rep.title)}`);
  lines.push(`  --> ${rep.at.file}:${rep.at.line}`);
  const cx = rep.counterexample;
  if (cx === undefined) {
    lines.push(`  ${rep.message ?? "failed"}`);
    return lines.join("\n") + "\n";
  }
  const shrunk = cx.shrinks > 0 ? `shrunk in ${cx.shrinks} step${cx.shrinks === 1 ? "" : "s"}` : "not shrunk";
  lines.push(`  backend ${cx.backend}, seed ${cx.seed}, after ${rep.runs} run${rep.runs === 1 ? "" : "s"} (${shrunk})`);
  lines.push(`  counterexample:`);
  const sizes = Object.entries(cx.sizes);
  if (sizes.length > 0) lines.push(`    ${sizes.map(([k, v]) => `${k} = ${v}`).join(", ")}`);
  for (const v of cx.values) lines.push(`    ${v.name}: ${typeText(v.dtype, v.shape)} = ${formatValues(v.dtype, v.shape, v.data)}`);
  if (cx.kind === "error") {
    const rendered = opts.diagnostic?.(cx);
    lines.push(`  evaluating it failed: ${cx.message ?? "error"}`);
    if (rendered) lines.push(...rendered.trimEnd().split("\n").map((l) => `    ${l}`));
  }
  if (cx.kind === "differential") lines.push(`  ${cx.message ?? "the backends disagree"}`);
  const [first, ...others] = cx.asserts;
  if (first) {
    lines.push(`  assert failed (${first.at.file}:${first.at.line}): ${paint(c, "1", first.text)}`);
    if (first.left && first.right) {
      const w = Math.max(first.left.name.length, first.right.name.length);
      // values that differ only beyond six digits are shown with nine (an f32's full precision)
      const digits = shown(first.left, 6) === shown(first.right, 6) ? 9 : 6;
      lines.push(`    ${shownLine(first.left, w, digits)}`);
      lines.push(`    ${shownLine(first.right, w, digits)}`);
      const ff = first.firstFalse;
      if (ff && (numel(first.left) > 1 || numel(first.right) > 1)) {
        const d = formatNumber(ff.left, first.left.dtype) === formatNumber(ff.right, first.right.dtype) ? 9 : 6;
        lines.push(`    first false at [${ff.index.join(", ")}]: ${first.left.name} = ${formatNumber(ff.left, first.left.dtype, d)}, ${first.right.name} = ${formatNumber(ff.right, first.right.dtype, d)}`);
      }
    }
    for (const o of others) lines.push(`  also false (${o.at.file}:${o.at.line}): ${o.text}`);
  }
  lines.push(`  replay: ${(opts.replay ?? defaultReplay)(rep, cx)}`);
  return lines.join("\n") + "\n";
}

function numel(v: ShownValue): number {
  return v.shape.reduce((a, b) => a * b, 1);
}

function shown(v: ShownValue, digits: number): string {
  return formatValues(v.dtype, v.shape, v.data, undefined, digits);
}

function shownLine(v: ShownValue, width: number, digits: number): string {
  return `${v.name.padEnd(width)} = ${shown(v, digits)}${v.shape.length > 0 ? `   (${typeText(v.dtype, v.shape)})` : ""}`;
}

export function formatMs(ms: number): string {
  return ms < 1000 ? `${Math.round(ms)} ms` : `${(ms / 1000).toFixed(2)} s`;
}

/** The summary line: `12 properties: 11 passed, 1 failed (2.31 s)`. */
export function renderSummaryText(reps: readonly PropertyReport[], totalMs: number): string {
  const n = (s: PropertyReport["status"]) => reps.filter((r) => r.status === s).length;
  const parts = [`${n("passed")} passed`];
  if (n("failed") + n("rejected") > 0) parts.push(`${n("failed") + n("rejected")} failed`);
  if (n("error") > 0) parts.push(`${n("error")} error${n("error") === 1 ? "" : "s"}`);
  return `${reps.length} propert${reps.length === 1 ? "y" : "ies"}: ${parts.join(", ")} (${formatMs(totalMs)})\n`;
}

/** JSON has no NaN or infinities: they become the strings "nan", "inf", "-inf". */
function jsonNumber(v: number): number | string {
  return Number.isFinite(v) ? v : Number.isNaN(v) ? "nan" : v > 0 ? "inf" : "-inf";
}

function jsonValue(v: ShownValue): object {
  return { name: v.name, dtype: v.dtype, shape: v.shape, data: v.data.map(jsonNumber) };
}

/** A report as plain JSON data (snake_case keys, like the other JSON outputs of lip). */
export function reportJson(rep: PropertyReport, replay?: string): object {
  const cx = rep.counterexample;
  return {
    title: rep.title,
    file: rep.at.file,
    line: rep.at.line,
    status: rep.status,
    runs: rep.runs,
    rejected: rep.rejected,
    backends: rep.backends,
    seed: rep.seed,
    time_ms: rep.timeMs,
    ...(rep.message !== undefined ? { message: rep.message } : {}),
    counterexample:
      cx === undefined
        ? null
        : {
            kind: cx.kind,
            backend: cx.backend,
            seed: cx.seed,
            path: cx.path,
            shrinks: cx.shrinks,
            sizes: cx.sizes,
            values: cx.values.map(jsonValue),
            asserts: cx.asserts.map((a) => ({
              text: a.text,
              file: a.at.file,
              line: a.at.line,
              ...(a.left ? { left: jsonValue(a.left) } : {}),
              ...(a.right ? { right: jsonValue(a.right) } : {}),
              ...(a.firstFalse ? { first_false: { index: a.firstFalse.index, left: jsonNumber(a.firstFalse.left), right: jsonNumber(a.firstFalse.right) } } : {}),
            })),
            ...(cx.message !== undefined ? { message: cx.message } : {}),
            ...(replay !== undefined ? { replay } : {}),
          },
  };
}
