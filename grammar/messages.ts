// Syntax error messages, rustc style: lowercase, no trailing period, code in backticks, and
// always "expected X, found Y". The parser's error provider below handles Chevrotain's errors;
// `describeToken` and the phrase tables are shared with the parser's own checks (missing
// closers, statement boundaries) and with the AST builder.

import { EOF, tokenMatcher, type IParserErrorMessageProvider, type IToken, type TokenType } from "chevrotain";
import * as T from "./tokens.js";

/** What the parser is in the middle of, for messages ("the body of `fn foo`"). */
export interface ParseContext {
  /** The innermost declaration, e.g. "fn foo", "experiment quickstart", "property \"...\"". */
  decl(): string;
  /** The current statement, e.g. "let lr", or "" when unknown. */
  stmt(): string;
  /** Told the expected token of each "expected X, found Y" message as it is built. */
  expected(t: TokenType): void;
}

const noContext: ParseContext = { decl: () => "", stmt: () => "", expected: () => {} };

/** "`)`", "end of file", "keyword `fn`", "a string", "`foo`". */
export function describeToken(t: IToken | undefined): string {
  if (t === undefined || t.tokenType === EOF) return "end of file";
  if (t.tokenType === T.StringLit) return "a string";
  if (tokenMatcher(t, T.Keyword)) return `keyword \`${t.image}\``;
  const image = t.image.length > 24 ? t.image.slice(0, 24) + "..." : t.image;
  return "`" + image + "`";
}

/** The label of a token type, e.g. "`)`" or "a name". */
export function describeType(t: TokenType): string {
  if (t === EOF) return "end of file";
  return t.LABEL ?? t.name;
}

/** Token types that can start an expression. */
export const expressionStarts: readonly TokenType[] = [
  T.Minus, T.Not, T.NumberLit, T.StringLit, T.True, T.False, T.Identifier, T.LParen, T.LBracket, T.LBrace, T.If, T.Where,
];

export function startsExpression(t: IToken): boolean {
  for (const k of expressionStarts) if (tokenMatcher(t, k)) return true;
  return false;
}

/** "the argument list" etc.: what a closing bracket closes, by the rule that expects it. */
export function closedThing(closer: TokenType, ruleName: string, ctx: ParseContext): string {
  switch (ruleName) {
    case "call":
      return "the argument list";
    case "fnDecl":
    case "ruleDecl":
      return `the parameter list of \`${ctx.decl()}\``;
    case "operand":
      return "the parenthesised expression";
    case "list":
      return "the list";
    case "index":
      return "the index";
    case "record":
      return "the record";
    case "recordType":
    case "type":
      return closer === T.RBracket ? "the dimensions" : "the record type";
    case "useDecl":
      return "the import list";
    case "block":
      return ctx.decl() ? `the body of \`${ctx.decl()}\`` : "the block";
    default:
      return "the group";
  }
}

/** The separator that continues a list closed by `closer`, if any. */
function listSeparator(ruleName: string): boolean {
  return ["call", "fnDecl", "ruleDecl", "list", "index", "record", "recordType", "type", "useDecl"].includes(ruleName);
}

/** "expected `)` to close the argument list, found `;`" (or "expected `,` or `)` ..." inside a list). */
export function closerMessage(closer: TokenType, ruleName: string, found: IToken, ctx: ParseContext): string {
  const what = closedThing(closer, ruleName, ctx);
  const c = describeType(closer);
  if (listSeparator(ruleName) && found.tokenType !== EOF && (startsExpression(found) || tokenMatcher(found, T.Keyword))) {
    return `expected \`,\` or ${c} in ${what}, found ${describeToken(found)}`;
  }
  return `expected ${c} to close ${what}, found ${describeToken(found)}`;
}

/** The words for "expected X" by rule, for "no viable alternative" errors. */
const expectedByRule: Record<string, string> = {
  operand: "an expression",
  expr: "an expression",
  arg: "an expression",
  indexItem: "an index",
  type: "a type (`f32`, `i32`, ..., `int`, `float`, `str` or a record type)",
  name: "a name",
  program: "a declaration",
  block: "a statement",
  useDecl: "a module path (`std.nn` or a string)",
  field: "a field name or `*`",
};

class LipErrorMessages implements IParserErrorMessageProvider {
  constructor(private readonly ctx: () => ParseContext) {}

  buildMismatchTokenMessage(options: { expected: TokenType; actual: IToken; previous: IToken; ruleName: string }): string {
    const { expected, actual, ruleName } = options;
    const ctx = this.ctx();
    ctx.expected(expected);
    const found = describeToken(actual);
    if (expected === EOF) return `expected a declaration, found ${found}`;
    // in a block, this comes from skipping junk between statements
    if (expected === T.RBrace && ruleName === "block") return `expected a statement or \`}\`, found ${found}`;
    if (expected === T.RParen || expected === T.RBracket || expected === T.RBrace) {
      return closerMessage(expected, ruleName, actual, ctx);
    }
    if (expected === T.Identifier) {
      const what = ruleName === "field" ? "a field name" : "a name";
      if (tokenMatcher(actual, T.Keyword)) return `expected ${what}, found ${found}, which is a reserved keyword`;
      return `expected ${what}, found ${found}`;
    }
    if (expected === T.Eq) {
      const stmt = ctx.stmt();
      if (stmt) return `expected \`=\` after \`${stmt}\`, found ${found}`;
    }
    if (expected === T.Colon && (ruleName === "namedArg" || ruleName === "generator")) {
      return `expected \`:\` after the name, found ${found}`;
    }
    if (expected === T.LParen && (ruleName === "fnDecl" || ruleName === "ruleDecl")) {
      return `expected \`(\` to start the parameter list of \`${ctx.decl()}\`, found ${found}`;
    }
    if (expected === T.LBrace && ctx.decl()) {
      return `expected \`{\` to start the body of \`${ctx.decl()}\`, found ${found}`;
    }
    if (expected === T.Then) return `expected \`then\` after the condition, found ${found}`;
    if (expected === T.Else) return `expected \`else\`: an \`if\` needs both branches, found ${found}`;
    return `expected ${describeType(expected)}, found ${found}`;
  }

  buildNotAllInputParsedMessage(options: { firstRedundant: IToken; ruleName: string }): string {
    return `expected a declaration, found ${describeToken(options.firstRedundant)}`;
  }

  buildNoViableAltMessage(options: {
    expectedPathsPerAlt: TokenType[][][];
    actual: IToken[];
    previous: IToken;
    customUserDescription?: string;
    ruleName: string;
  }): string {
    const { ruleName, actual } = options;
    const found = describeToken(actual[0]);
    if (ruleName === "fnDecl") {
      return `expected \`{\` or \`=\` to start the body of \`${this.ctx().decl()}\`, found ${found}`;
    }
    const words = expectedByRule[ruleName];
    if (words !== undefined) return `expected ${words}, found ${found}`;
    return `expected ${firstTokens(options.expectedPathsPerAlt)}, found ${found}`;
  }

  buildEarlyExitMessage(options: {
    expectedIterationPaths: TokenType[][];
    actual: IToken[];
    previous: IToken;
    customUserDescription?: string;
    ruleName: string;
  }): string {
    const words = expectedByRule[options.ruleName];
    const found = describeToken(options.actual[0]);
    if (words !== undefined) return `expected ${words}, found ${found}`;
    return `expected ${firstTokens([options.expectedIterationPaths])}, found ${found}`;
  }
}

/** "`a`, `b` or `c`" from the first token of each path. */
function firstTokens(paths: TokenType[][][]): string {
  const seen = new Set<string>();
  for (const alt of paths) for (const path of alt) if (path[0] !== undefined) seen.add(describeType(path[0]));
  const list = [...seen];
  if (list.length === 0) return "something else";
  if (list.length === 1) return list[0]!;
  if (list.length > 6) return list.slice(0, 6).join(", ") + " or another token";
  return list.slice(0, -1).join(", ") + " or " + list[list.length - 1];
}

export function errorMessageProvider(ctx: () => ParseContext = () => noContext): IParserErrorMessageProvider {
  return new LipErrorMessages(ctx);
}
