// The token vocabulary of Lip (docs/language.md §1). Every token has a human `label`, used in
// syntax error messages ("expected `)`, found `;`").
//
// Three kinds of words:
// - hard keywords (`fn`, `let`, `if`, ...): reserved, never names. They share the `Keyword`
//   category so that a declaration name position can accept one and report a precise error.
// - soft keywords (`model`, `data`, `loss`, ...): keywords only where the grammar expects them.
//   They have the `Identifier` category, so `CONSUME(Identifier)` accepts them as names.
// - type words (`f32`, ..., `int`, `float`, `str`): types in type position, ordinary names
//   (`f32(x)` is a cast call) in expression position; also in the `Identifier` category.
//
// The error tokens (`UnterminatedString`, `UnterminatedComment`, `BadNumber`) catch malformed
// literals; `lex()` turns them into diagnostics (and, where it helps recovery, into ordinary
// tokens). Characters that start no token at all are dropped by the Chevrotain lexer, which
// reports each run of them as one error (LIP1004 invalid character).

import { createToken, Lexer, type TokenType } from "chevrotain";

// ---------------------------------------------------------------- categories

/** Any name: plain identifiers and every soft keyword and type word. */
export const Identifier = createToken({ name: "Identifier", pattern: /[A-Za-z_][A-Za-z0-9_]*/, label: "a name" });
/** Hard keywords. */
export const Keyword = createToken({ name: "Keyword", pattern: Lexer.NA, label: "a keyword" });
/** Binary operators (one flat category; precedence is applied when the AST is built). */
export const BinaryOp = createToken({ name: "BinaryOp", pattern: Lexer.NA, label: "an operator" });
/** `f32 f64 f16 i32 i64 bool` in type position. */
export const DType = createToken({ name: "DType", pattern: Lexer.NA, label: "a type" });
/** `int float str` in type position. */
export const ScalarType = createToken({ name: "ScalarType", pattern: Lexer.NA, label: "a type" });

// ---------------------------------------------------------------- trivia

export const WhiteSpace = createToken({
  name: "WhiteSpace",
  pattern: /[ \t\r\n\f\v\uFEFF]+/,
  group: Lexer.SKIPPED,
  line_breaks: true,
});
export const LineComment = createToken({ name: "LineComment", pattern: /\/\/[^\n\r]*/, group: Lexer.SKIPPED });
export const BlockComment = createToken({
  name: "BlockComment",
  pattern: /\/\*[^*]*\*+(?:[^/*][^*]*\*+)*\//,
  group: Lexer.SKIPPED,
  line_breaks: true,
});
/** `/*` without `*\/`: swallows the rest of the file (LIP1003). */
export const UnterminatedComment = createToken({
  name: "UnterminatedComment",
  pattern: /\/\*[\s\S]*/,
  group: "errors",
  line_breaks: true,
  label: "an unterminated comment",
});

// ---------------------------------------------------------------- literals

export const StringLit = createToken({
  name: "StringLit",
  pattern: /"(?:[^"\\\n\r]|\\[^\n\r])*"/,
  label: "a string",
});
/** A string that reaches the end of its line (LIP1002); becomes a `StringLit` after lexing. */
export const UnterminatedString = createToken({
  name: "UnterminatedString",
  pattern: /"(?:[^"\\\n\r]|\\[^\n\r])*\\?/,
  label: "a string",
});
export const NumberLit = createToken({
  name: "NumberLit",
  pattern: /\d+(?:\.\d+)?(?:[eE][+-]?\d+)?(?![A-Za-z0-9_.])/,
  label: "a number",
});
/** `1e`, `2.`, `3abc`, `1.5e+` (LIP1008); becomes a `NumberLit` after lexing. */
export const BadNumber = createToken({
  name: "BadNumber",
  pattern: /\d[A-Za-z0-9_.]*(?:[eE][+-][A-Za-z0-9_.]*)?/,
  label: "a number",
});

// ---------------------------------------------------------------- keywords

function word(name: string, categories: TokenType[]): TokenType {
  return createToken({
    name: name[0]!.toUpperCase() + name.slice(1),
    pattern: new RegExp(name),
    longer_alt: Identifier,
    categories,
    label: "`" + name + "`",
  });
}

// hard keywords (§1)
export const Fn = word("fn", [Keyword]);
export const Layer = word("layer", [Keyword]);
export const Use = word("use", [Keyword]);
export const Let = word("let", [Keyword]);
export const State = word("state", [Keyword]);
export const If = word("if", [Keyword]);
export const Then = word("then", [Keyword]);
export const Else = word("else", [Keyword]);
export const And = word("and", [Keyword, BinaryOp]);
export const Or = word("or", [Keyword, BinaryOp]);
export const Not = word("not", [Keyword]);
export const True = word("true", [Keyword]);
export const False = word("false", [Keyword]);
export const Forall = word("forall", [Keyword]);
export const Where = word("where", [Keyword]);
export const Assert = word("assert", [Keyword]);
export const Experiment = word("experiment", [Keyword]);
export const Property = word("property", [Keyword]);
export const Constraint = word("constraint", [Keyword]);

// soft keywords (§1): names everywhere the grammar does not expect the keyword
export const Model = word("model", [Identifier]);
export const Data = word("data", [Identifier]);
export const Optimizer = word("optimizer", [Identifier]);
export const Param = word("param", [Identifier]);
export const Loss = word("loss", [Identifier]);
export const Steps = word("steps", [Identifier]);
export const Metric = word("metric", [Identifier]);
export const Eval = word("eval", [Identifier]);
export const Constrain = word("constrain", [Identifier]);
export const Every = word("every", [Identifier]);
export const Split = word("split", [Identifier]);
export const In = word("in", [Identifier]);
export const As = word("as", [Identifier]);

// type words
export const F32 = word("f32", [Identifier, DType]);
export const F64 = word("f64", [Identifier, DType]);
export const F16 = word("f16", [Identifier, DType]);
export const I32 = word("i32", [Identifier, DType]);
export const I64 = word("i64", [Identifier, DType]);
export const Bool = word("bool", [Identifier, DType]);
export const Int = word("int", [Identifier, ScalarType]);
export const Float = word("float", [Identifier, ScalarType]);
export const Str = word("str", [Identifier, ScalarType]);

/** Soft keywords that begin a statement: at the start of a line they never continue the
 * previous statement's expression (§1, "a statement never continues onto a line that starts
 * with a keyword"). */
export const statementSoftKeywords: readonly TokenType[] = [
  Model, Data, Optimizer, Param, Loss, Steps, Metric, Eval, Constrain,
];

// ---------------------------------------------------------------- punctuation and operators

function punct(name: string, image: string, categories: TokenType[] = []): TokenType {
  return createToken({
    name,
    pattern: new RegExp(image.replace(/[.*+?^${}()|[\]\\/]/g, "\\$&")),
    categories,
    label: "`" + image + "`",
  });
}

export const Ellipsis = punct("Ellipsis", "...");
export const Dot = punct("Dot", ".");
export const LArrow = punct("LArrow", "<-");
export const RArrow = punct("RArrow", "->");
export const EqEq = punct("EqEq", "==", [BinaryOp]);
export const NotEq = punct("NotEq", "!=", [BinaryOp]);
export const LtEq = punct("LtEq", "<=", [BinaryOp]);
export const GtEq = punct("GtEq", ">=", [BinaryOp]);
export const TildeEq = punct("TildeEq", "~=", [BinaryOp]);
export const Eq = punct("Eq", "=");
/** `:=` is not Lip. It is in the `=` category, so it is parsed wherever `=` is and the AST
 * builder reports it precisely (LIP1013). */
export const ColonEq = punct("ColonEq", ":=", [Eq]);
export const Lt = punct("Lt", "<", [BinaryOp]);
export const Gt = punct("Gt", ">", [BinaryOp]);
export const Plus = punct("Plus", "+", [BinaryOp]);
export const Minus = punct("Minus", "-", [BinaryOp]);
export const Star = punct("Star", "*", [BinaryOp]);
export const Slash = punct("Slash", "/", [BinaryOp]);
export const Percent = punct("Percent", "%", [BinaryOp]);
export const Caret = punct("Caret", "^", [BinaryOp]);
export const At = punct("At", "@", [BinaryOp]);
export const Colon = punct("Colon", ":");
export const Comma = punct("Comma", ",");
/** `;` optionally separates statements and declarations (see the parser). */
export const Semicolon = punct("Semicolon", ";");
export const LParen = punct("LParen", "(");
export const RParen = punct("RParen", ")");
export const LBracket = punct("LBracket", "[");
export const RBracket = punct("RBracket", "]");
export const LBrace = punct("LBrace", "{");
export const RBrace = punct("RBrace", "}");

const hardKeywords = [
  Experiment, Constraint, Property, Forall, Assert, Layer, State, False, Where, Then, Else, True,
  Use, Let, And, Not, Fn, If, Or,
];
const softWords = [
  Optimizer, Constrain, Metric, Model, Steps, Split, Every, Param, Float, Data, Loss, Eval, Bool,
  F32, F64, F16, I32, I64, Int, Str, In, As,
];

/** Every word token, longest first (so that `int` is tried before `in`, `assert` before `as`). */
export const wordTokens: readonly TokenType[] = [...hardKeywords, ...softWords].sort(
  (a, b) => String(b.PATTERN).length - String(a.PATTERN).length,
);

/** The lexer's vocabulary, in matching order. */
export const allTokens: TokenType[] = [
  WhiteSpace,
  LineComment,
  BlockComment,
  UnterminatedComment,
  StringLit,
  UnterminatedString,
  NumberLit,
  BadNumber,
  ...wordTokens,
  Identifier,
  Ellipsis,
  Dot,
  LArrow,
  RArrow,
  EqEq,
  NotEq,
  LtEq,
  GtEq,
  TildeEq,
  ColonEq,
  Lt,
  Gt,
  Eq,
  Plus,
  Minus,
  Star,
  Slash,
  Percent,
  Caret,
  At,
  Colon,
  Comma,
  Semicolon,
  LParen,
  RParen,
  LBracket,
  RBracket,
  LBrace,
  RBrace,
];

/** The parser's vocabulary: the lexer's plus the categories. */
export const parserTokens: TokenType[] = [...allTokens, Keyword, BinaryOp, DType, ScalarType];
