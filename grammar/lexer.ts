// The Lip lexer: source text -> tokens and lexical diagnostics. It never throws.
//
// The Chevrotain lexer drops characters that start no token (one error per run); error tokens
// (see tokens.ts) catch malformed literals. One pass over its output turns these into
// diagnostics (LIP1002 unterminated string, LIP1003 unterminated block comment,
// LIP1004 invalid character, LIP1008 invalid number, LIP1011 invalid escape) and also computes
// what the parser needs to know before it runs:
// - the bracket (and `if`) nesting depth, so that absurdly deep input gets LIP1006 instead of
//   a stack overflow in the recursive parser;
// - the soft statement keywords (`loss`, `model`, ...) that start a line outside brackets:
//   these never continue the previous statement (§1).

import { Lexer, type IToken, type TokenType } from "chevrotain";
import { diagnostic, type Diagnostic } from "../compiler/diag/diagnostic.js";
import { span, type SourceFile } from "../compiler/diag/span.js";
import * as T from "./tokens.js";

/** At most this many diagnostics are reported for one file; the last gets a note. */
export const MAX_DIAGNOSTICS = 50;
/** At most this many levels of brackets and `if`s (LIP1006). The parser recurses about 30 stack
 * frames per level of `x[...]`; cold (unoptimised) code overflows the default stack near 250. */
export const MAX_NESTING = 128;
/** Larger files are refused (LIP1007). */
export const MAX_FILE_CHARS = 16 * 1024 * 1024;

export interface LexResult {
  /** The significant tokens (no whitespace, comments or error tokens). */
  readonly tokens: IToken[];
  readonly diagnostics: Diagnostic[];
  /** The input should not be parsed: binary data, too large, too deeply nested or too many errors. */
  readonly fatal: boolean;
  /** Soft statement keywords at the start of a line, outside brackets (see the parser). */
  readonly lineStartKeywords: ReadonlySet<IToken>;
  /** Where an unterminated block comment starts (it runs to the end of the file), or -1. */
  readonly eofErrorAt: number;
  /** Each opening bracket that has a matching closing bracket, and that closer. */
  readonly matching: ReadonlyMap<IToken, IToken>;
  /** More than MAX_DIAGNOSTICS were found; the rest were dropped. */
  readonly truncated: boolean;
}

// Tokens carry offsets only (start from the lexer, end set below): lines are computed where they
// matter, by `newlineBetween`, and for diagnostics by SourceFile.lineCol.
const lexer = new Lexer(T.allTokens, {
  positionTracking: "onlyOffset",
  ensureOptimizations: true,
  skipValidations: true,
});

/** Builds a lexer with Chevrotain's validations on (used by the tests). */
export function validatingLexer(): Lexer {
  return new Lexer(T.allTokens, { positionTracking: "onlyOffset", ensureOptimizations: true });
}

// What the pass over the tokens does with each token type (0: nothing).
const C_OPEN = 1;
const C_CLOSE = 2;
const C_IF = 3;
const C_RESET = 4; // the `if` count of the current bracket level restarts after these
const C_STRING = 5;
const C_UNTERMINATED = 6;
const C_BAD_NUMBER = 7;
const C_STMT_KEYWORD = 8;
const CLASS = new Uint8Array(1 + Math.max(...T.allTokens.map((t) => t.tokenTypeIdx!)));
const classify = (types: readonly TokenType[], c: number) => {
  for (const t of types) CLASS[t.tokenTypeIdx!] = c;
};
classify([T.LParen, T.LBracket, T.LBrace], C_OPEN);
classify([T.RParen, T.RBracket, T.RBrace], C_CLOSE);
classify([T.If], C_IF);
classify(
  [T.Comma, T.Eq, T.ColonEq, T.LArrow, T.Semicolon, T.Fn, T.Layer, T.Use, T.Let, T.State, T.Forall, T.Where, T.Assert, T.Experiment, T.Property, T.Constraint],
  C_RESET,
);
classify([T.StringLit], C_STRING);
classify([T.UnterminatedString], C_UNTERMINATED);
classify([T.BadNumber], C_BAD_NUMBER);
classify(T.statementSoftKeywords, C_STMT_KEYWORD);

/** Files longer than this are first lexed in part: if that part alone has more than
 * MAX_DIAGNOSTICS errors, the file is garbage and the rest is not lexed at all. */
const PREFIX_CHARS = 1 << 16;

export function lex(file: SourceFile): LexResult {
  if (file.text.length > 2 * PREFIX_CHARS && file.text.length <= MAX_FILE_CHARS) {
    const head = lexText(file.text.slice(0, PREFIX_CHARS), file.path);
    const last = head.diagnostics[head.diagnostics.length - 1];
    if (head.truncated && last !== undefined && last.primary.span.end < PREFIX_CHARS - 256) return head;
  }
  return lexText(file.text, file.path);
}

function lexText(text: string, path: string): LexResult {
  const diags = new DiagnosticSink(path);
  const empty = new Set<IToken>();
  const noMatching = new Map<IToken, IToken>();

  if (text.length > MAX_FILE_CHARS) {
    diags.add("LIP1007", `this file is too large to be a Lip source file (${text.length} characters)`, 0, 0, {
      label: "file starts here",
      notes: [`the limit is ${MAX_FILE_CHARS} characters`],
    });
    return { tokens: [], diagnostics: diags.list, fatal: true, lineStartKeywords: empty, eofErrorAt: -1, matching: noMatching, truncated: false };
  }
  const binaryAt = binaryOffset(text);
  if (binaryAt >= 0) {
    diags.add("LIP1007", "this does not look like a Lip source file (binary data)", binaryAt, binaryAt + 1, {
      label: "binary data here",
      notes: ["Lip source files are UTF-8 text"],
    });
    return { tokens: [], diagnostics: diags.list, fatal: true, lineStartKeywords: empty, eofErrorAt: -1, matching: noMatching, truncated: false };
  }

  const result = lexer.tokenize(text);
  const tokens = result.tokens;
  let eofErrorAt = -1;

  // ---- unterminated comments (the "errors" group) and invalid characters (lexer errors)
  for (const t of result.groups["errors"] ?? []) {
    eofErrorAt = t.startOffset;
    diags.add("LIP1003", "unterminated block comment", t.startOffset, t.startOffset + 2, {
      label: "this comment is never closed",
      help: "close it with `*/`",
    });
  }
  const errs = result.errors;
  for (let i = 0; i < errs.length; i++) {
    // a run of characters that start no token; the runs of one line become one diagnostic
    const start = errs[i]!.offset;
    let end = start + errs[i]!.length;
    let chars = text.slice(start, end);
    while (i + 1 < errs.length && !newlineIn(text, end, errs[i + 1]!.offset)) {
      i++;
      chars += text.slice(errs[i]!.offset, errs[i]!.offset + errs[i]!.length);
      end = errs[i]!.offset + errs[i]!.length;
    }
    diags.add("LIP1004", invalidCharMessage(chars), start, end, {
      label: "not valid here",
      notes: nonAsciiNote(chars),
      help: invalidCharHelp(chars),
    });
  }

  // ---- one pass over the significant tokens
  const lineStartKeywords = new Set<IToken>();
  const lparen = T.LParen.tokenTypeIdx!;
  const lbracket = T.LBracket.tokenTypeIdx!;
  const rparen = T.RParen.tokenTypeIdx!;
  const rbracket = T.RBracket.tokenTypeIdx!;
  const lbrace = T.LBrace.tokenTypeIdx!;

  // Per open bracket: the opener, the `if` count of the enclosing level and its paren/bracket depth.
  const matching = new Map<IToken, IToken>();
  const openers: IToken[] = [];
  const savedIfs: number[] = [];
  const savedParens: number[] = [];
  let ifs = 0; // `if`s seen in the current bracket level (each one is a nesting level until it ends)
  let outerIfs = 0; // sum of savedIfs
  let parens = 0; // `(` and `[` open since the innermost `{`
  let fatal = false;
  let prevEnd = -1; // end offset of the previous token

  scan: for (let i = 0; i < tokens.length; i++) {
    const t = tokens[i]!;
    // the lexer tracks start offsets only; the parser and the CST need the end too
    const end = t.startOffset + t.image.length;
    t.endOffset = end - 1;
    const k = t.tokenTypeIdx;
    switch (CLASS[k]) {
      case C_OPEN:
        openers.push(t);
        savedIfs.push(ifs);
        savedParens.push(parens);
        outerIfs += ifs;
        ifs = 0;
        parens = k === lbrace ? 0 : parens + 1;
        if (savedIfs.length + outerIfs > MAX_NESTING) {
          tooDeep(diags, t);
          fatal = true;
          break scan;
        }
        break;
      case C_CLOSE: {
        // match with the innermost opener of the same kind; openers above it stay unmatched,
        // and a closer with no opener of its kind is stray
        const want = k === rparen ? lparen : k === rbracket ? lbracket : lbrace;
        let j = openers.length - 1;
        while (j >= 0 && openers[j]!.tokenTypeIdx !== want) j--;
        if (j >= 0) {
          matching.set(openers[j]!, t);
          while (openers.length > j) {
            openers.pop();
            ifs = savedIfs.pop()!;
            outerIfs -= ifs;
            parens = savedParens.pop()!;
          }
        }
        break;
      }
      case C_IF:
        ifs++;
        if (savedIfs.length + outerIfs + ifs > MAX_NESTING) {
          tooDeep(diags, t);
          fatal = true;
          break scan;
        }
        break;
      case C_RESET:
        ifs = 0;
        break;
      case C_STRING:
        if (t.image.indexOf("\\") >= 0) checkEscapes(diags, t.image, t.startOffset);
        break;
      case C_UNTERMINATED:
        retype(t, T.StringLit);
        diags.add("LIP1002", "unterminated string", t.startOffset, end, {
          label: "this string is never closed",
          help: "close it with `\"` on the same line (strings do not span lines)",
        });
        if (t.image.indexOf("\\") >= 0) checkEscapes(diags, t.image, t.startOffset);
        break;
      case C_BAD_NUMBER:
        retype(t, T.NumberLit);
        diags.add("LIP1008", `invalid number \`${clip(t.image)}\``, t.startOffset, end, {
          label: "not a number",
          notes: ["numbers look like `42`, `0.5`, `3e-3` or `1.5E+2`"],
        });
        break;
      case C_STMT_KEYWORD:
        if (parens === 0 && prevEnd !== -1 && newlineIn(text, prevEnd, t.startOffset)) {
          ifs = 0;
          lineStartKeywords.add(t);
        }
        break;
    }
    prevEnd = end;
  }

  if (diags.count >= MAX_DIAGNOSTICS) fatal = true;
  return { tokens, diagnostics: diags.list, fatal, lineStartKeywords, eofErrorAt, matching, truncated: diags.count > diags.list.length };
}

// ---------------------------------------------------------------- helpers

/** Whether a line break lies in text[from, to). */
export function newlineIn(text: string, from: number, to: number): boolean {
  for (let i = from; i < to; i++) {
    const c = text.charCodeAt(i);
    if (c === 10 || c === 13) return true;
  }
  return false;
}

/** Whether a line break separates token `a` from the later token `b` (false if either was
 * inserted by error recovery and has no position). */
export function newlineBetween(text: string, a: IToken, b: IToken): boolean {
  if (!(a.startOffset >= 0) || !(b.startOffset >= 0)) return false;
  return newlineIn(text, a.endOffset! + 1, b.startOffset);
}

/** Whether token `t` is the first thing in its line, in column 1. */
export function atColumnOne(text: string, t: IToken): boolean {
  const o = t.startOffset;
  if (!(o >= 0)) return false;
  if (o === 0) return true;
  const c = text.charCodeAt(o - 1);
  return c === 10 || c === 13;
}

/** Collects diagnostics up to MAX_DIAGNOSTICS. */
export class DiagnosticSink {
  readonly list: Diagnostic[] = [];
  count = 0;
  constructor(readonly file: string) {}

  add(
    code: Parameters<typeof diagnostic>[0]["code"],
    message: string,
    start: number,
    end: number,
    extra: { label?: string; help?: string; notes?: string[] } = {},
  ): void {
    this.count++;
    if (this.list.length >= MAX_DIAGNOSTICS) return;
    this.list.push(
      diagnostic({
        code,
        message,
        span: span(this.file, start, end),
        label: extra.label ?? "",
        notes: extra.notes ?? [],
        help: extra.help,
      }),
    );
  }
}

function retype(t: IToken, type: TokenType): void {
  t.tokenType = type;
  t.tokenTypeIdx = type.tokenTypeIdx!;
}

function tooDeep(diags: DiagnosticSink, t: IToken): void {
  diags.add("LIP1006", `nesting too deep (more than ${MAX_NESTING} levels)`, t.startOffset, t.endOffset! + 1, {
    label: "too deep here",
    help: "split the expression with `let`",
  });
}

/** The offset of the first sign that `text` is binary data (a NUL, or mostly control characters), or -1. */
function binaryOffset(text: string): number {
  const nul = text.indexOf("\0");
  if (nul >= 0) return nul;
  const n = Math.min(text.length, 65536);
  let bad = 0;
  let first = -1;
  for (let i = 0; i < n; i++) {
    const c = text.charCodeAt(i);
    if ((c < 32 && c !== 9 && c !== 10 && c !== 13 && c !== 11 && c !== 12) || c === 0x7f || c === 0xfffd || (c >= 0x80 && c < 0xa0)) {
      bad++;
      if (first < 0) first = i;
    }
  }
  return n >= 16 && bad * 10 > n * 3 ? first : -1;
}

function showChar(ch: string): string {
  const cp = ch.codePointAt(0)!;
  const hex = "U+" + cp.toString(16).toUpperCase().padStart(4, "0");
  if (cp < 32 || (cp >= 0x7f && cp < 0xa0) || cp === 0xfeff || (cp >= 0xd800 && cp <= 0xdfff) || /\s/.test(ch)) return hex;
  return cp > 127 ? `\`${ch}\` (${hex})` : `\`${ch}\``;
}

function invalidCharMessage(run: string): string {
  const chars = [...new Set(Array.from(run.replace(/[ \t]+/g, "")))];
  if (chars.length <= 1) return `invalid character ${showChar(chars[0] ?? run)}`;
  const shown = chars.slice(0, 5).map(showChar).join(" ");
  return `invalid characters ${shown}${chars.length > 5 ? " ..." : ""}`;
}

/** What was probably meant by characters from other languages. */
function invalidCharHelp(run: string): string | undefined {
  if (run.includes("&&") || run === "&") return "write `and`";
  if (run.includes("||") || run === "|") return "write `or`";
  if (run === "!") return "write `not`";
  if (run.includes("'")) return 'strings are written with double quotes: `"..."`';
  if (run.includes("#")) return "comments start with `//`";
  return undefined;
}

function nonAsciiNote(run: string): string[] {
  for (let i = 0; i < run.length; i++) {
    if (run.charCodeAt(i) > 127) return ["identifiers are ASCII; other characters are allowed only in strings and comments"];
  }
  return [];
}

function clip(s: string): string {
  return s.length > 20 ? s.slice(0, 20) + "..." : s;
}

/** LIP1011 for escapes other than `\"`, `\\`, `\n` and `\t`. */
function checkEscapes(diags: DiagnosticSink, image: string, offset: number): void {
  for (let i = 1; i < image.length; i++) {
    if (image.charCodeAt(i) !== 92) continue;
    const next = image[i + 1];
    if (next === undefined) return; // a trailing `\` of an unterminated string
    if (next !== '"' && next !== "\\" && next !== "n" && next !== "t") {
      diags.add("LIP1011", `unknown escape \`\\${next}\` in string`, offset + i, offset + i + 1 + next.length, {
        label: "unknown escape",
        notes: ["the escapes are `\\\"`, `\\\\`, `\\n` and `\\t`"],
      });
    }
    i++;
  }
}
