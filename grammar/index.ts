// The front end's entry: source file -> AST and syntax diagnostics. `parseSource` never throws.
//
// Diagnostics come from three places: the lexer (always kept), the parser (Chevrotain's errors
// and the parser's own checks) and the AST builder. One mistake should give one diagnostic, so
// parser and builder diagnostics are deduplicated: after a reported error, another one is
// reported only if it is on a later line and some declaration or statement starts between the
// two (that is, the parser has recovered in between). At most MAX_DIAGNOSTICS are reported.

import { EOF, type CstNode, type IRecognitionException, type IToken, type TokenType } from "chevrotain";
import { AstBuilder } from "../compiler/ast/build.js";
import type { Program } from "../compiler/ast/nodes.js";
import { diagnostic, type Diagnostic, type Label } from "../compiler/diag/diagnostic.js";
import type { Code } from "../compiler/diag/codes.js";
import type { SourceFile, Span } from "../compiler/diag/span.js";
import { lex, MAX_DIAGNOSTICS, MAX_NESTING, newlineBetween } from "./lexer.js";
import { describeType } from "./messages.js";
import { expectedTokenOf, lipParser, TooManyParseErrors, type ParserProblem } from "./parser.js";
import * as T from "./tokens.js";

export interface ParseResult {
  readonly program: Program;
  readonly diagnostics: Diagnostic[];
}

export { lex } from "./lexer.js";

/** Parses one Lip source file. Never throws: an internal failure becomes a LIP9001 diagnostic. */
export function parseSource(file: SourceFile): ParseResult {
  try {
    return parse(file);
  } catch (e) {
    const at: Span = { file: file.path, start: 0, end: 0 };
    const d =
      e instanceof RangeError
        ? diagnostic({ code: "LIP1006", message: `nesting too deep (more than ${MAX_NESTING} levels)`, span: at })
        : diagnostic({
            code: "LIP9001",
            message: `internal error in the parser: ${e instanceof Error ? e.message : String(e)}`,
            span: at,
            notes: ["this is a bug in Lip, not in your program"],
          });
    return { program: emptyProgram(file), diagnostics: [d] };
  }
}

function emptyProgram(file: SourceFile): Program {
  return { kind: "Program", file: file.path, decls: [], span: { file: file.path, start: 0, end: file.text.length } };
}

/** A diagnostic with what deduplication needs. */
interface Pending {
  readonly d: Diagnostic;
  readonly offset: number;
  readonly line: number;
  readonly always: boolean; // lexer diagnostics are never dropped
}

function parse(file: SourceFile): ParseResult {
  const lexed = lex(file);
  if (lexed.fatal) return { program: emptyProgram(file), diagnostics: cap(lexed.diagnostics, lexed.truncated) };

  const tokens = lexed.tokens;
  const parser = lipParser();
  const builder = new AstBuilder(file.path);
  // Each declaration is built as soon as it is parsed, and its CST dropped: the CST of a whole
  // large file would otherwise stay alive and slow the garbage collector down.
  const onDecl = (d: CstNode): void => {
    builder.addDecl(d);
    (d as { children: unknown }).children = {};
  };
  let tooMany = false;
  try {
    parser.parseTokens(file.text, tokens, lexed.lineStartKeywords, lexed.matching, onDecl);
  } catch (e) {
    if (!(e instanceof TooManyParseErrors)) throw e;
    tooMany = true;
  }
  const errors = parser.errors;
  const problems = parser.problems;
  parser.input = []; // let go of the tokens

  const built = builder.finish(file.text.length);
  const conv = new Converter(file, tokens);

  const pending: Pending[] = [];
  for (const d of lexed.diagnostics) pending.push({ d, offset: d.primary.span.start, line: conv.line(d.primary.span.start), always: true });
  // After an unterminated block comment, which hides the rest of the file, whatever the parser
  // misses at the end (a `}`, an expression) is a consequence of the comment: not reported.
  const hiddenEnd = (token: IToken, offset: number) => lexed.eofErrorAt >= 0 && (token.tokenType === EOF || offset >= lexed.eofErrorAt);
  for (const e of errors) {
    const p = conv.fromChevrotain(e);
    if (!hiddenEnd(e.token, p.offset)) pending.push(p);
  }
  for (const pr of problems) {
    const p = conv.fromProblem(pr);
    if (!hiddenEnd(pr.token, p.offset)) pending.push(p);
  }
  for (const d of built.diagnostics) pending.push({ d, offset: d.primary.span.start, line: conv.line(d.primary.span.start), always: false });

  pending.sort((a, b) => a.offset - b.offset || (a.always === b.always ? 0 : a.always ? -1 : 1));
  const kept: Diagnostic[] = [];
  const starts = built.starts;
  let last: Pending | undefined;
  for (const p of pending) {
    if (!p.always && last !== undefined && (p.line === last.line || !startsBetween(starts, last.offset, p.offset))) continue;
    kept.push(p.d);
    last = p;
  }
  return { program: built.program, diagnostics: cap(kept, tooMany) };
}

/** Whether some statement or declaration starts in (from, to]. */
function startsBetween(starts: readonly number[], from: number, to: number): boolean {
  let lo = 0;
  let hi = starts.length;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (starts[mid]! <= from) lo = mid + 1;
    else hi = mid;
  }
  return lo < starts.length && starts[lo]! <= to;
}

function cap(ds: Diagnostic[], tooMany: boolean): Diagnostic[] {
  if (ds.length <= MAX_DIAGNOSTICS && !tooMany) return ds;
  const out = ds.slice(0, MAX_DIAGNOSTICS);
  const lastD = out[out.length - 1];
  if (lastD !== undefined) {
    out[out.length - 1] = { ...lastD, notes: [...lastD.notes, "too many errors in this file; the rest are not reported"] };
  }
  return out;
}

/** Turns parser errors into diagnostics with good spans. */
class Converter {
  constructor(
    private readonly file: SourceFile,
    private readonly tokens: readonly IToken[],
  ) {}

  line(offset: number): number {
    return this.file.lineCol(offset).line;
  }

  private real(t: IToken | undefined): t is IToken {
    return t !== undefined && t.tokenType !== EOF && !t.isInsertedInRecovery && t.startOffset >= 0 && Number.isFinite(t.startOffset);
  }

  /** The last real token before offset `at` (or before the end for EOF). */
  private before(t: IToken): IToken | undefined {
    const at = this.real(t) ? t.startOffset : Infinity;
    let lo = 0;
    let hi = this.tokens.length;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if (this.tokens[mid]!.startOffset < at) lo = mid + 1;
      else hi = mid;
    }
    return this.tokens[lo - 1];
  }

  private span(start: number, end: number): Span {
    const n = this.file.text.length;
    const s = Math.max(0, Math.min(start, n));
    return { file: this.file.path, start: s, end: Math.max(s, Math.min(end, n)) };
  }

  /** Where to point: at the found token if it is on the line of the previous one, else just
   * after the previous token (something is missing at the end of its line). */
  private place(found: IToken, prevIn: IToken | undefined): { span: Span; missing: boolean; offset: number; line: number } {
    const prev = this.real(prevIn) ? prevIn : this.before(found);
    if (this.real(found) && (prev === undefined || !newlineBetween(this.file.text, prev, found))) {
      return { span: this.span(found.startOffset, found.endOffset! + 1), missing: false, offset: found.startOffset, line: this.line(found.startOffset) };
    }
    const end = prev === undefined ? 0 : prev.endOffset! + 1;
    return { span: this.span(end, end), missing: true, offset: end, line: this.line(Math.max(0, end - 1)) };
  }

  fromChevrotain(e: IRecognitionException): Pending {
    const prevTok = (e as { previousToken?: IToken }).previousToken;
    const where = this.place(e.token, prevTok);
    const expected = expectedTokenOf(e);
    const code: Code = where.missing ? "LIP1005" : "LIP1001";
    const label = where.missing && expected !== undefined && expected !== EOF ? `expected ${describeType(expected)}` : where.missing ? "expected more here" : "unexpected token";
    const message = e.message;
    const prev = this.before(e.token);
    if (this.real(e.token) && prev !== undefined && newLineCallNote(this.file.text, e.token, prev)) {
      // `f` then `(x)` on the next line: two expressions, probably meant as one call
      const d = diagnostic({
        code: "LIP1010",
        message,
        span: where.span,
        label,
        help: `to ${e.token.image === "(" ? "call" : "index"} \`${prev.image}\`, put \`${e.token.image}\` on the same line`,
        notes: [NEW_LINE_NOTE],
      });
      return { d, offset: where.offset, line: where.line, always: false };
    }
    const d = diagnostic({ code, message, span: where.span, label, help: helpFor(message, e.token, expected), notes: notesFor(message) });
    return { d, offset: where.offset, line: where.line, always: false };
  }

  fromProblem(p: ParserProblem): Pending {
    const where = this.place(p.token, p.previous);
    const secondary: Label[] = [];
    let help: string | undefined;
    const notes: string[] = [];
    let code: Code = where.missing ? "LIP1005" : "LIP1001";
    let label = where.missing ? "expected more here" : "unexpected token";
    if (p.kind === "missing-closer" || p.kind === "junk-before-closer") {
      if (p.opener !== undefined && this.real(p.opener)) {
        secondary.push({ span: this.span(p.opener.startOffset, p.opener.endOffset! + 1), text: `unclosed \`${p.opener.image}\`` });
      }
      if (where.missing && p.closer !== undefined) label = `expected ${describeType(p.closer)}`;
      help = helpFor(p.message, p.token, p.closer);
      if (p.opener !== undefined && newLineCallNote(this.file.text, p.opener, this.before(p.opener))) {
        code = "LIP1010";
        notes.push(NEW_LINE_NOTE);
      }
    } else {
      label = where.missing ? "expected an expression here" : "this starts a new statement";
      notes.push(`a line that starts with \`${p.token.image}\` begins a new statement`);
      help = "finish the expression on the previous line";
    }
    const d = diagnostic({ code, message: p.message, span: where.span, label, secondary, help, notes });
    return { d, offset: where.offset, line: where.line, always: false };
  }
}

const NEW_LINE_NOTE =
  "a `(` or `[` at the start of a line begins a new expression: a call's `(` and an index's `[` must be on the line of what they apply to";

/** Whether `opener` is a `(` or `[` that starts a line right after a complete expression, so that
 * it was probably meant as a call or index of the previous line's last value. */
function newLineCallNote(text: string, opener: IToken, prev: IToken | undefined): boolean {
  if (opener.tokenType !== T.LParen && opener.tokenType !== T.LBracket) return false;
  if (prev === undefined || !newlineBetween(text, prev, opener)) return false;
  const k = prev.tokenType;
  return k === T.RParen || k === T.RBracket || (k.CATEGORIES !== undefined && k.CATEGORIES.includes(T.Identifier)) || k === T.Identifier;
}

function helpFor(message: string, found: IToken, expected: TokenType | undefined): string | undefined {
  if (message.startsWith("expected `,` or ")) return "separate the items with `,`";
  if (message.includes("which is a reserved keyword")) return `\`${found.image}\` is reserved; choose another name`;
  if (expected === T.Eq && found.tokenType === T.Colon) return "`:` introduces a type; write `=` before the value";
  return undefined;
}

function notesFor(message: string): string[] {
  if (message.startsWith("expected a declaration")) {
    return ["a file contains `use`, `fn`, `layer`, `model`, `optimizer`, `constraint`, `data`, `let`, `experiment` and `property` declarations"];
  }
  return [];
}
