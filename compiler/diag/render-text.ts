// Renders a Diagnostic as text for people, in the style of rustc:
//
//   error[LIP3003]: matmul inner dimensions differ: `f32[128, 2]` @ `f32[3, 64]`
//     --> examples/bad.lip:12:13
//      |
//   12 |   let h = x @ w
//      |           - ^ - this has 3 rows
//      |           |
//      |           this has 2 columns
//      |
//      = note: ...
//      = help: transpose `w`, or ...
//
// Layout rules:
//  - the primary label is underlined with `^`, secondary labels with `-`; all labels in one file
//    share one snippet, its lines in order (a gap of one line is shown, a longer gap is `...`);
//    the primary's file comes first (`-->`), every other file gets its own `:::` section;
//  - on one line, the rightmost label is written after the underlines, the others hang below
//    on `|` connectors, the rightmost highest (as rustc does);
//  - a span over several lines is underlined to the end of its first line; an empty span gets
//    one `^` (and an empty span at the very end of a file that ends with a line break points just
//    after the last line, not at the empty line after it);
//  - tabs are shown as four spaces, wide characters (CJK, emoji) as two columns, combining
//    marks as none, control and bidi-override characters as visible symbols, so the carets line up
//    and the terminal is never reprogrammed by a source file; very long lines are cut around the
//    labels with `...`;
//  - colour (ANSI) only when asked for.
//
// Nothing here throws for a diagnostic whose spans fall outside their file or whose file is
// unknown: spans are clamped, and an unknown file is named without a snippet.

import type { Diagnostic, Label, Severity } from "./diagnostic.js";
import type { SourceFile, Span } from "./span.js";

export interface TextRenderOptions {
  /** ANSI colour (rustc's palette). Off by default. */
  readonly color?: boolean;
}

export type SourceFiles = ReadonlyMap<string, SourceFile>;

// ---------------------------------------------------------------- locations

/** A resolved span: 1-based lines and columns (UTF-16 code units), end exclusive. */
export interface Location {
  readonly file: string;
  readonly line: number;
  readonly col: number;
  readonly endLine: number;
  readonly endCol: number;
}

/** The text offsets a span stands for once clamped into its file (see the EOF rule above). */
function clampSpan(span: Span, src: SourceFile): { start: number; end: number } {
  const len = src.text.length;
  let start = Math.max(0, Math.min(Number.isFinite(span.start) ? span.start : 0, len));
  let end = Math.max(start, Math.min(Number.isFinite(span.end) ? span.end : start, len));
  if (start === end && start === len && len > 0 && src.text.charCodeAt(len - 1) === 10) {
    // An empty span at the end of a file that ends with a newline: point just after the last
    // line's text instead of at the (empty, invisible) line after it.
    start = len - 1;
    if (start > 0 && src.text.charCodeAt(start - 1) === 13) start--;
    end = start;
  }
  return { start, end };
}

/**
 * Line and column of a span, or undefined when its file is not among `files`. Both renderers
 * use this, so the `-->` line of the text form and the JSON form always agree.
 */
export function locate(span: Span, files: SourceFiles): Location | undefined {
  const src = files.get(span.file);
  if (src === undefined) return undefined;
  const { start, end } = clampSpan(span, src);
  const a = src.lineCol(start);
  const b = src.lineCol(end);
  return { file: span.file, line: a.line, col: a.col, endLine: b.line, endCol: b.col };
}

// ---------------------------------------------------------------- colour

type Style = "plain" | "gutter" | "primary" | "secondary" | "bold" | "help" | Severity;

const ansi: Record<Style, string> = {
  plain: "",
  bold: "\x1b[1m",
  gutter: "\x1b[1;94m", // bright blue, as rustc
  secondary: "\x1b[1;94m",
  primary: "", // replaced by the severity's colour
  error: "\x1b[1;91m",
  warning: "\x1b[1;93m",
  note: "\x1b[1;92m",
  help: "\x1b[1;96m",
};
const RESET = "\x1b[0m";

class Painter {
  constructor(
    private readonly color: boolean,
    private readonly severity: Severity,
  ) {}
  paint(text: string, style: Style): string {
    if (!this.color || text === "") return text;
    const code = style === "primary" ? ansi[this.severity] : ansi[style];
    return code === "" ? text : code + text + RESET;
  }
}

// ---------------------------------------------------------------- display columns

/** Columns a code point takes in a terminal: 0 (combining), 1, or 2 (East Asian wide, emoji). */
export function charWidth(cp: number): number {
  if (cp === 0x200b || cp === 0x200c || cp === 0x200d || cp === 0xfeff) return 0; // zero-width
  if ((cp >= 0x0300 && cp <= 0x036f) || (cp >= 0x1ab0 && cp <= 0x1aff) || (cp >= 0x1dc0 && cp <= 0x1dff)) return 0;
  if ((cp >= 0x20d0 && cp <= 0x20ff) || (cp >= 0xfe00 && cp <= 0xfe0f) || (cp >= 0xfe20 && cp <= 0xfe2f)) return 0;
  if (cp >= 0xe0100 && cp <= 0xe01ef) return 0; // variation selectors supplement
  if (
    (cp >= 0x1100 && cp <= 0x115f) || // Hangul Jamo
    (cp >= 0x2e80 && cp <= 0x303e) || // CJK radicals, punctuation
    (cp >= 0x3041 && cp <= 0x33ff) || // kana, CJK symbols
    (cp >= 0x3400 && cp <= 0x4dbf) || // CJK extension A
    (cp >= 0x4e00 && cp <= 0x9fff) || // CJK unified ideographs
    (cp >= 0xa000 && cp <= 0xa4cf) || // Yi
    (cp >= 0xac00 && cp <= 0xd7a3) || // Hangul syllables
    (cp >= 0xf900 && cp <= 0xfaff) || // CJK compatibility ideographs
    (cp >= 0xfe30 && cp <= 0xfe4f) || // CJK compatibility forms
    (cp >= 0xff00 && cp <= 0xff60) || // fullwidth forms
    (cp >= 0xffe0 && cp <= 0xffe6) ||
    (cp >= 0x1f300 && cp <= 0x1f64f) || // emoji: symbols and pictographs, emoticons
    (cp >= 0x1f680 && cp <= 0x1f6ff) || // transport and map
    (cp >= 0x1f900 && cp <= 0x1faff) || // supplemental symbols and pictographs
    (cp >= 0x20000 && cp <= 0x3fffd) // CJK extensions B..
  ) {
    return 2;
  }
  return 1;
}

/** How a code point is shown: tabs as spaces, invisible or dangerous characters as symbols. */
function glyphFor(cp: number, raw: string): string {
  if (cp === 9) return "    ";
  if (cp < 32) return String.fromCodePoint(0x2400 + cp); // ␀ .. ␟
  if (cp === 127) return "\u2421"; // ␡
  if ((cp >= 0x80 && cp < 0xa0) || (cp >= 0x202a && cp <= 0x202e) || (cp >= 0x2066 && cp <= 0x2069)) {
    return "\ufffd"; // C1 controls and bidi overrides ("trojan source")
  }
  return raw;
}

/** A line of source laid out in terminal columns. */
interface LaidOutLine {
  readonly glyphs: readonly { readonly text: string; readonly col: number; readonly width: number }[];
  /** colAt[i]: the display column where UTF-16 index i starts (colAt[length] = total width). */
  readonly colAt: readonly number[];
  readonly width: number;
}

function layOut(text: string): LaidOutLine {
  const glyphs: { text: string; col: number; width: number }[] = [];
  const colAt = new Array<number>(text.length + 1);
  let col = 0;
  for (let i = 0; i < text.length; ) {
    const cp = text.codePointAt(i)!;
    const n = cp > 0xffff ? 2 : 1;
    colAt[i] = col;
    if (n === 2) colAt[i + 1] = col;
    const shown = glyphFor(cp, text.slice(i, i + n));
    const width = cp === 9 ? 4 : shown === text.slice(i, i + n) ? charWidth(cp) : 1;
    glyphs.push({ text: shown, col, width });
    col += width;
    i += n;
  }
  colAt[text.length] = col;
  return { glyphs, colAt, width: col };
}

const MAX_LINE_WIDTH = 160; // wider lines are cut around the labels
const CONTEXT_WIDTH = 40;
const ELLIPSIS = "...";

/** The visible part of a laid-out line: [from, to) in display columns. */
interface Window {
  readonly from: number;
  readonly to: number;
}

function chooseWindow(line: LaidOutLine, annots: readonly Annot[]): Window {
  if (line.width <= MAX_LINE_WIDTH) return { from: 0, to: line.width };
  const lo = annots.length ? Math.min(...annots.map((a) => a.start)) : 0;
  const hi = annots.length ? Math.max(...annots.map((a) => a.end)) : 0;
  const from = Math.max(0, lo - CONTEXT_WIDTH);
  const to = Math.min(line.width, Math.max(hi + CONTEXT_WIDTH, from + MAX_LINE_WIDTH - 2 * ELLIPSIS.length));
  return { from: from <= ELLIPSIS.length ? 0 : from, to: line.width - to <= ELLIPSIS.length ? line.width : to };
}

function sliceLine(line: LaidOutLine, w: Window): string {
  let out = w.from > 0 ? ELLIPSIS : "";
  for (const g of line.glyphs) if (g.col >= w.from && g.col + g.width <= w.to) out += g.text;
  return w.to < line.width ? out + ELLIPSIS : out;
}

// ---------------------------------------------------------------- annotations on one line

/** One underline on one source line, in display columns relative to the line's start. */
interface Annot {
  readonly start: number;
  readonly end: number; // > start
  readonly primary: boolean;
  readonly label: string;
}

/** A row drawn under a source line: single-column cells, then perhaps a label at its end. */
interface Row {
  readonly cells: { ch: string; style: Style }[];
  tail?: { text: string; style: Style };
}

function put(row: Row, col: number, ch: string, style: Style): void {
  while (row.cells.length <= col) row.cells.push({ ch: " ", style: "plain" });
  row.cells[col] = { ch, style };
}

function styleOf(a: Annot): Style {
  return a.primary ? "primary" : "secondary";
}

/** The underline row and the hanging-label rows for the annotations of one line (rustc's layout). */
function annotationRows(annots: readonly Annot[]): Row[] {
  const underline: Row = { cells: [] };
  // Secondary underlines first, so a primary underline inside a secondary one stays visible.
  for (const a of [...annots].sort((x, y) => Number(x.primary) - Number(y.primary))) {
    for (let c = a.start; c < a.end; c++) put(underline, c, a.primary ? "^" : "-", styleOf(a));
  }
  const labelled = annots
    .filter((a) => a.label !== "")
    // on a tie the primary sorts last, so it is the one that can take the inline place
    .sort((x, y) => x.start - y.start || x.end - y.end || Number(x.primary) - Number(y.primary));
  const rows: Row[] = [underline];
  if (labelled.length === 0) return rows;

  // The rightmost label goes on the underline row if nothing starts or ends to its right.
  const last = labelled[labelled.length - 1]!;
  const maxStart = Math.max(...annots.map((a) => a.start));
  const maxEnd = Math.max(...annots.map((a) => a.end));
  const hanging = labelled.slice();
  if (last.start === maxStart && last.end === maxEnd) {
    underline.tail = { text: " " + last.label, style: styleOf(last) };
    hanging.pop();
  }
  if (hanging.length === 0) return rows;

  hanging.reverse(); // rightmost first: it hangs highest
  const connector: Row = { cells: [] };
  for (const a of hanging) put(connector, a.start, "|", styleOf(a));
  rows.push(connector);
  hanging.forEach((a, k) => {
    const row: Row = { cells: [] };
    for (const b of hanging.slice(k + 1)) if (b.start < a.start) put(row, b.start, "|", styleOf(b));
    while (row.cells.length < a.start) row.cells.push({ ch: " ", style: "plain" });
    row.tail = { text: a.label, style: styleOf(a) };
    rows.push(row);
  });
  return rows;
}

function drawRow(row: Row, p: Painter): string {
  let out = "";
  let run = "";
  let runStyle: Style = "plain";
  for (const cell of row.cells) {
    if (cell.style !== runStyle) {
      out += p.paint(run, runStyle);
      run = "";
      runStyle = cell.style;
    }
    run += cell.ch;
  }
  out += p.paint(run, runStyle);
  if (row.tail) out += p.paint(row.tail.text, row.tail.style);
  return out.trimEnd();
}

// ---------------------------------------------------------------- snippets

interface LineAnnot {
  readonly line: number;
  readonly startIdx: number; // UTF-16 index into the line's text
  readonly endIdx: number;
  readonly primary: boolean;
  readonly label: string;
}

interface FileSection {
  readonly file: string;
  readonly src: SourceFile | undefined;
  readonly annots: LineAnnot[];
  /** Labels that cannot be drawn because the file is unknown. */
  readonly unplaced: { primary: boolean; label: string }[];
}

function oneLine(text: string): string {
  return text.replace(/\s*[\r\n]+\s*/g, " ").trim();
}

function toLineAnnot(label: Label, primary: boolean, src: SourceFile): LineAnnot {
  const { start, end } = clampSpan(label.span, src);
  const a = src.lineCol(start);
  const b = src.lineCol(end);
  const lineLength = src.lineText(a.line).length;
  const startIdx = Math.min(a.col - 1, lineLength);
  // A span over several lines is underlined to the end of its first line.
  const endIdx = b.line === a.line ? Math.min(b.col - 1, lineLength) : lineLength;
  return { line: a.line, startIdx, endIdx, primary, label: oneLine(label.text) };
}

function buildSections(d: Diagnostic, files: SourceFiles): FileSection[] {
  const sections = new Map<string, FileSection>();
  const add = (label: Label, primary: boolean): void => {
    const file = label.span.file;
    let s = sections.get(file);
    const src = files.get(file);
    if (s === undefined) {
      s = { file, src, annots: [], unplaced: [] };
      sections.set(file, s);
    }
    if (src === undefined) s.unplaced.push({ primary, label: oneLine(label.text) });
    else s.annots.push(toLineAnnot(label, primary, src));
  };
  add(d.primary, true);
  for (const l of d.secondary ?? []) add(l, false);
  return [...sections.values()];
}

/** The source lines a section shows: every annotated line, plus a lone unannotated line between two. */
function shownLines(section: FileSection): number[] {
  const annotated = [...new Set(section.annots.map((a) => a.line))].sort((x, y) => x - y);
  const out: number[] = [];
  for (const line of annotated) {
    const prev = out[out.length - 1];
    if (prev !== undefined && line - prev === 2) out.push(prev + 1);
    out.push(line);
  }
  return out;
}

function digits(n: number): number {
  return String(n).length;
}

function renderSection(
  section: FileSection,
  isFirst: boolean,
  gutter: number,
  p: Painter,
  out: string[],
): void {
  const pad = " ".repeat(gutter);
  const bar = p.paint(pad + " |", "gutter");
  const arrow = p.paint(pad + (isFirst ? "--> " : "::: "), "gutter");
  if (!isFirst) out.push(bar);
  const src = section.src;
  if (src === undefined) {
    out.push(arrow + section.file);
    for (const u of section.unplaced) {
      if (u.label !== "") out.push(p.paint(pad + " = ", "gutter") + p.paint(u.label, u.primary ? "primary" : "secondary"));
    }
    return;
  }
  const anchor = isFirst ? section.annots.find((a) => a.primary)! : firstAnnot(section.annots);
  out.push(arrow + `${section.file}:${anchor.line}:${anchor.startIdx + 1}`);
  out.push(bar);
  let prevLine: number | undefined;
  for (const line of shownLines(section)) {
    if (prevLine !== undefined && line - prevLine > 1) out.push(p.paint(ELLIPSIS, "gutter"));
    prevLine = line;
    const laid = layOut(src.lineText(line));
    const annots: Annot[] = section.annots
      .filter((a) => a.line === line)
      .map((a) => {
        const start = laid.colAt[a.startIdx]!;
        const end = Math.max(start + 1, laid.colAt[a.endIdx]!);
        return { start, end, primary: a.primary, label: a.label };
      });
    const win = chooseWindow(laid, annots);
    const shift = (win.from > 0 ? ELLIPSIS.length : 0) - win.from;
    const text = sliceLine(laid, win);
    out.push((p.paint(String(line).padEnd(gutter) + " |", "gutter") + (text === "" ? "" : " " + text)).trimEnd());
    if (annots.length === 0) continue;
    const shifted = annots.map((a) => ({ ...a, start: a.start + shift, end: a.end + shift }));
    for (const row of annotationRows(shifted)) out.push((bar + " " + drawRow(row, p)).trimEnd());
  }
}

function firstAnnot(annots: readonly LineAnnot[]): LineAnnot {
  return annots.reduce((best, a) =>
    a.line < best.line || (a.line === best.line && a.startIdx < best.startIdx) ? a : best,
  );
}

// ---------------------------------------------------------------- the whole diagnostic

function headline(d: Diagnostic, p: Painter): string {
  const head = d.code ? `${d.severity}[${d.code}]` : d.severity;
  return p.paint(head, d.severity) + p.paint(": " + oneLine(d.message), "bold");
}

function footnote(kind: "note" | "help", text: string, gutter: number, p: Painter): string[] {
  const pad = " ".repeat(gutter + 1);
  const lead = p.paint(pad + "= ", "gutter") + p.paint(kind + ":", kind === "help" ? "help" : "bold");
  const indent = " ".repeat(pad.length + 2 + kind.length + 2);
  return text.split(/\r?\n/).map((l, i) => (i === 0 ? `${lead} ${l}` : indent + l).trimEnd());
}

/** A diagnostic as rustc-style text, without a trailing newline. */
export function renderText(d: Diagnostic, files: SourceFiles, opts: TextRenderOptions = {}): string {
  const p = new Painter(opts.color === true, d.severity);
  const sections = buildSections(d, files);
  const lineNumbers = sections.flatMap((s) => (s.src === undefined ? [] : shownLines(s)));
  const gutter = Math.max(1, ...lineNumbers.map(digits));
  const out = [headline(d, p)];
  sections.forEach((s, i) => renderSection(s, i === 0, gutter, p, out));
  const notes = d.notes ?? [];
  const help = d.help === undefined || d.help === "" ? undefined : d.help;
  if (notes.length > 0 || help !== undefined) {
    out.push(p.paint(" ".repeat(gutter) + " |", "gutter"));
    for (const n of notes) out.push(...footnote("note", n, gutter, p));
    if (help !== undefined) out.push(...footnote("help", help, gutter, p));
  }
  return out.join("\n");
}

/** Several diagnostics, separated by blank lines, each ending with a newline. */
export function renderAllText(ds: readonly Diagnostic[], files: SourceFiles, opts: TextRenderOptions = {}): string {
  return ds.map((d) => renderText(d, files, opts) + "\n\n").join("");
}

function plural(n: number, word: string): string {
  return `${n} ${word}${n === 1 ? "" : "s"}`;
}

/**
 * The closing line of a run, rustc-style, or "" when there is nothing to say:
 *   error: could not check `a.lip` due to 3 previous errors; 1 warning emitted
 *   error: could not check 4 files due to 1 previous error
 *   warning: `a.lip` generated 2 warnings
 * `checked` names what was checked (the files, as the user gave them).
 */
export function renderSummary(
  ds: readonly Diagnostic[],
  checked: readonly string[],
  opts: TextRenderOptions = {},
): string {
  const errors = ds.filter((d) => d.severity === "error").length;
  const warnings = ds.filter((d) => d.severity === "warning").length;
  const what = checked.length === 1 ? `\`${checked[0]}\`` : plural(checked.length, "file");
  if (errors > 0) {
    const p = new Painter(opts.color === true, "error");
    const tail = warnings > 0 ? `; ${plural(warnings, "warning")} emitted` : "";
    return p.paint("error", "error") + p.paint(`: could not check ${what} due to ${plural(errors, "previous error")}${tail}`, "bold");
  }
  if (warnings > 0) {
    const p = new Painter(opts.color === true, "warning");
    return p.paint("warning", "warning") + p.paint(`: ${what} generated ${plural(warnings, "warning")}`, "bold");
  }
  return "";
}
