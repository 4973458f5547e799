// The Lip parser: tokens -> concrete syntax tree (docs/language.md §2).
//
// It follows the EBNF with two deliberate changes of shape (not of the language):
// - Binary operators are parsed as a flat chain `operand (op operand)*`, and unary prefixes as
//   a list in front of an operand; the AST builder applies precedence and associativity and
//   reports what the EBNF rejects (`a < b < c`, `a == not b`, `a + if ...`). This keeps the
//   parser's recursion shallow (two to four rules per bracket level, none for prefix operators
//   or operator chains) and its CST small.
// - `:=`, `->` in place of `<-`, and `=` in place of `<-` are parsed where they are likely
//   mistakes, so that the builder can give one precise error instead of a cascade.
//
// One singleton instance is reset for each input (see `parseTokens`). Error recovery is on;
// closing brackets are handled by `close()`, which knows (from the lexer's bracket matching)
// whether the closer is missing or whether junk stands before it.

import { CstParser, EOF, NoViableAltException, tokenMatcher, type CstNode, type IOrAlt, type IToken, type TokenType } from "chevrotain";
import * as T from "./tokens.js";
import { atColumnOne, newlineBetween } from "./lexer.js";
import { closerMessage, errorMessageProvider, type ParseContext } from "./messages.js";

/** An error found by the parser's own checks (not by Chevrotain). */
export interface ParserProblem {
  readonly message: string;
  readonly token: IToken; // where it was found
  readonly previous: IToken; // the token before it
  readonly kind: "missing-closer" | "junk-before-closer" | "statement-boundary";
  readonly opener?: IToken;
  readonly closer?: TokenType;
}

/** Thrown when a parse produces so many errors that going on is pointless. */
export class TooManyParseErrors extends Error {}
const MAX_PARSER_ERRORS = 200;

const DECL_STARTS = new Set<TokenType>([
  T.Fn, T.Layer, T.Use, T.Let, T.Experiment, T.Property, T.Constraint, T.Model, T.Data, T.Optimizer,
]);

// Option objects of the DSL calls, allocated once (the parser runs these calls per token).
const L = (LABEL: string) => ({ LABEL });
const L_DECL = L("decl");
const L_STMT = L("stmt");
const L_KW = L("kw");
const L_NAME = L("name");
const L_OPERAND = L("operand");
const L_OP = L("op");
const L_PRE = L("pre");
const L_ATOM = L("atom");
const L_NODE = L("node");
const L_PAREN = L("paren");
const L_POST = L("post");
const L_ARG = L("arg");
const L_ARGNAME = L("argName");
const L_ITEM = L("item");
const L_VALUE = L("value");

/** A comma-separated list (see `makeSep`). */
interface Sep {
  readonly idx: number;
  readonly body: () => void;
}

let active: LipParser | undefined;
const context: ParseContext = {
  decl: () => active?.declName ?? "",
  stmt: () => active?.stmtName ?? "",
  expected: (t) => {
    if (active !== undefined) active.lastExpected = t;
  },
};

/** The token a Chevrotain "mismatched token" error expected (attached when it is saved). */
export function expectedTokenOf(e: unknown): TokenType | undefined {
  return (e as { lipExpected?: TokenType }).lipExpected;
}

export class LipParser extends CstParser {
  // ---- per-parse state, reset by parseTokens
  text = "";
  onDecl: ((decl: CstNode) => void) | undefined = undefined;
  lineStartKeywords: ReadonlySet<IToken> = new Set();
  matching: ReadonlyMap<IToken, IToken> = new Map();
  problems: ParserProblem[] = [];
  declName = "";
  stmtName = "";
  lastExpected: TokenType | undefined = undefined;
  private stmtStart: IToken | undefined = undefined;

  constructor(validate = false) {
    super(T.parserTokens, {
      recoveryEnabled: true,
      nodeLocationTracking: "onlyOffset",
      maxLookahead: 2,
      errorMessageProvider: errorMessageProvider(() => context),
      skipValidations: !validate,
    });
    this.performSelfAnalysis();
    const self = this as unknown as { SAVE_ERROR(e: Error): Error; _errors: unknown[] };
    const save = self.SAVE_ERROR;
    self.SAVE_ERROR = function (this: typeof self & LipParser, e: Error): Error {
      if (e.name === "MismatchedTokenException") (e as { lipExpected?: TokenType }).lipExpected = this.lastExpected;
      this.lastExpected = undefined;
      const r = save.call(this, e);
      if (this._errors.length > MAX_PARSER_ERRORS) throw new TooManyParseErrors();
      return r;
    };
  }

  // ================================================================ helpers

  /** A closing bracket. If it is missing (the lexer found no match for `opener`), report that
   * and go on without it; if junk stands before it, report that once and skip to it. */
  private close(idx: number, closer: TokenType, opener: IToken, ruleName: string): void {
    if (this.RECORDING_PHASE) {
      this.consume(idx, closer);
      return;
    }
    const t = this.LA(1);
    if (t.tokenTypeIdx === closer.tokenTypeIdx) {
      this.consume(idx, closer);
      return;
    }
    const match = this.matching.get(opener);
    const kind = match === undefined || t.startOffset > match.startOffset || t.tokenType === EOF ? "missing-closer" : "junk-before-closer";
    this.problems.push({
      message: closerMessage(closer, ruleName, t, context),
      token: t,
      previous: this.LA(0),
      kind,
      opener,
      closer,
    });
    if (kind === "junk-before-closer") {
      while (this.LA(1).startOffset < match!.startOffset && this.LA(1).tokenType !== EOF) this.SKIP_TOKEN();
      if (this.LA(1).tokenTypeIdx === closer.tokenTypeIdx) this.consume(idx, closer);
    }
  }

  /** `sep(item, ',')` = `(item (',' item)* ','?)?` and `sep1` = `item (',' item)* ','?`, up to
   * `closer`. A list uses occurrence indices idx and idx+1 of OPTION, MANY and CONSUME(Comma),
   * and calls `item` with idx and idx+1 (for its own DSL calls). Built once per use site. */
  private makeSep(idx: number, closer: TokenType, item: (occ: number) => void, more?: () => boolean): Sep {
    // One token of lookahead and a gate (by default: a `,` not followed by the closer) decide
    // the repetition; that is cheaper to set up than Chevrotain's computed two-token lookahead.
    const many = {
      GATE: more ?? (() => this.LA(2).tokenTypeIdx !== closer.tokenTypeIdx),
      DEF: () => {
        this.consume(idx, T.Comma);
        item(idx + 1);
      },
      MAX_LOOKAHEAD: 1,
    };
    const trailing = { DEF: () => this.consume(idx + 1, T.Comma), MAX_LOOKAHEAD: 1 };
    const body = () => {
      item(idx);
      this.many(idx, many);
      this.option(idx + 1, trailing);
    };
    return { idx, body };
  }

  private sep(list: Sep): void {
    this.option(list.idx, list.body);
  }

  private sep1(list: Sep): void {
    list.body();
  }

  /** A `(` or `[` continues an expression only on the line where the expression ends (§1). */
  private readonly postfixGate = (): boolean => {
    const t = this.LA(1);
    const k = t.tokenTypeIdx;
    if (k === T.LParen.tokenTypeIdx || k === T.LBracket.tokenTypeIdx) return !newlineBetween(this.text, this.LA(0), t);
    return true;
  };

  private readonly sameLine = (): boolean => !newlineBetween(this.text, this.LA(0), this.LA(1));

  /** A soft statement keyword at the start of a line never continues the previous statement. */
  private checkBoundary(): void {
    const t = this.LA(1);
    if (t !== this.stmtStart && this.lineStartKeywords.has(t)) {
      const prev = this.LA(0);
      const message = `expected an expression, found \`${t.image}\``;
      this.problems.push({ message, token: t, previous: prev, kind: "statement-boundary" });
      throw new NoViableAltException(message, t, prev);
    }
  }

  private setDecl(kw: IToken, name: CstNode | IToken): void {
    if (this.RECORDING_PHASE) return;
    this.declName = kw.image + " " + firstImage(name);
  }

  private setStmt(kw: string, name: CstNode | IToken | undefined): void {
    if (this.RECORDING_PHASE) return;
    this.stmtName = name === undefined ? kw : kw + " " + firstImage(name);
  }

  // ================================================================ declarations

  private readonly declAlts: IOrAlt<unknown>[] = [
    { ALT: () => this.SUBRULE(this.useDecl, L_DECL) },
    { ALT: () => this.SUBRULE(this.fnDecl, L_DECL) },
    { ALT: () => this.SUBRULE(this.ruleDecl, L_DECL) },
    { ALT: () => this.SUBRULE(this.dataDecl, L_DECL) },
    { ALT: () => this.SUBRULE(this.constDecl, L_DECL) },
    { ALT: () => this.SUBRULE(this.experimentDecl, L_DECL) },
    { ALT: () => this.SUBRULE(this.propertyDecl, L_DECL) },
    { ALT: () => this.CONSUME(T.Semicolon) },
  ];

  program = this.RULE("program", () => {
    this.MANY(() => {
      const d = this.OR(this.declAlts) as CstNode | IToken;
      // hand each declaration to the AST builder as soon as it is parsed
      this.ACTION(() => {
        if (this.onDecl !== undefined && !("image" in d)) this.onDecl(d);
      });
    });
    this.CONSUME(EOF);
  });

  private readonly importList = this.makeSep(10, T.RBrace, (occ) => this.subrule(occ, this.importName, L("import")));

  useDecl = this.RULE("useDecl", () => {
    const kw = this.CONSUME(T.Use);
    this.OR([
      { ALT: () => this.CONSUME(T.StringLit, L("file")) },
      {
        ALT: () => {
          this.CONSUME(T.Identifier, L("part"));
          this.MANY(() => {
            this.CONSUME(T.Dot);
            // after a `.`, a keyword is a name too: `use std.constraint`
            this.OR2([
              { ALT: () => this.CONSUME2(T.Identifier, L("part")) },
              { ALT: () => this.CONSUME(T.Keyword, L("part")) },
            ]);
          });
        },
      },
    ]);
    this.ACTION(() => (this.declName = kw.image));
    this.OPTION(() => {
      const open = this.CONSUME(T.LBrace);
      this.sep(this.importList);
      this.close(1, T.RBrace, open, "useDecl");
    });
  });

  importName = this.RULE("importName", () => {
    this.CONSUME(T.Identifier, L_NAME);
    this.OPTION(() => {
      this.CONSUME(T.As);
      this.CONSUME2(T.Identifier, L("alias"));
    });
  });

  private readonly paramList = this.makeSep(10, T.RParen, (occ) => this.subrule(occ, this.param, L("param")));

  /** `fn`, `layer` and `model`. */
  fnDecl = this.RULE("fnDecl", () => {
    const kw = this.OR([
      { ALT: () => this.CONSUME(T.Fn, L_KW) },
      { ALT: () => this.CONSUME(T.Layer, L_KW) },
      { ALT: () => this.CONSUME(T.Model, L_KW) },
    ]);
    const name = this.SUBRULE(this.name, L_NAME);
    this.ACTION(() => this.setDecl(kw, name));
    const open = this.CONSUME(T.LParen);
    this.sep(this.paramList);
    this.close(1, T.RParen, open, "fnDecl");
    this.OPTION(() => {
      this.OR2([
        { ALT: () => this.CONSUME(T.RArrow, L("arrow")) },
        { ALT: () => this.CONSUME(T.LArrow, L("arrow")) },
      ]);
      this.SUBRULE(this.type, L("ret"));
    });
    this.OR3([
      {
        ALT: () => {
          this.CONSUME(T.Eq, L("eq"));
          this.SUBRULE(this.expr, L("body"));
        },
      },
      { ALT: () => this.SUBRULE(this.block, L("block")) },
    ]);
  });

  /** `optimizer` and `constraint`. */
  ruleDecl = this.RULE("ruleDecl", () => {
    const kw = this.OR([
      { ALT: () => this.CONSUME(T.Optimizer, L_KW) },
      { ALT: () => this.CONSUME(T.Constraint, L_KW) },
    ]);
    const name = this.SUBRULE(this.name, L_NAME);
    this.ACTION(() => this.setDecl(kw, name));
    const open = this.CONSUME(T.LParen);
    this.sep(this.paramList);
    this.close(1, T.RParen, open, "ruleDecl");
    this.SUBRULE(this.block, L("block"));
  });

  dataDecl = this.RULE("dataDecl", () => {
    const kw = this.CONSUME(T.Data);
    const name = this.SUBRULE(this.name, L_NAME);
    this.ACTION(() => {
      this.setDecl(kw, name);
      this.setStmt("data", name);
    });
    this.CONSUME(T.Eq, L("eq"));
    this.SUBRULE(this.expr, L_VALUE);
    this.OPTION(() => {
      this.CONSUME(T.Split);
      this.SUBRULE2(this.expr, L("split"));
    });
  });

  constDecl = this.RULE("constDecl", () => {
    const kw = this.CONSUME(T.Let);
    const name = this.SUBRULE(this.name, L_NAME);
    this.ACTION(() => {
      this.setDecl(kw, name);
      this.setStmt("let", name);
    });
    this.OPTION(() => {
      this.CONSUME(T.Colon);
      this.SUBRULE(this.type, L("type"));
    });
    this.CONSUME(T.Eq, L("eq"));
    this.SUBRULE(this.expr, L_VALUE);
  });

  experimentDecl = this.RULE("experimentDecl", () => {
    const kw = this.CONSUME(T.Experiment);
    const name = this.SUBRULE(this.name, L_NAME);
    this.ACTION(() => this.setDecl(kw, name));
    this.SUBRULE(this.block, L("block"));
  });

  propertyDecl = this.RULE("propertyDecl", () => {
    const kw = this.CONSUME(T.Property);
    const title = this.CONSUME(T.StringLit, L("title"));
    this.ACTION(() => this.setDecl(kw, title));
    this.SUBRULE(this.block, L("block"));
  });

  /** A declared name; a hard keyword is accepted here so that the builder can say precisely
   * that it is reserved (LIP1012) and parsing can go on. */
  name = this.RULE("name", () => {
    this.OR([
      { ALT: () => this.CONSUME(T.Identifier, L("id")) },
      { ALT: () => this.CONSUME(T.Keyword, L("id")) },
    ]);
  });

  /** A parameter of a fn, layer, model, optimizer or constraint. */
  param = this.RULE("param", () => {
    this.SUBRULE(this.name, L_NAME);
    this.OPTION(() => {
      this.CONSUME(T.Colon);
      this.SUBRULE(this.type, L("type"));
    });
    this.OPTION2(() => {
      this.CONSUME(T.Eq, L("eq"));
      this.SUBRULE(this.expr, L("default"));
    });
  });

  // ================================================================ blocks and statements

  // A soft keyword followed by something that can start an expression begins its clause
  // (`model m`, `loss f(x)`): the clause alternatives come first and win these ambiguities.
  private readonly stmtAlts: IOrAlt<unknown>[] = [
    { ALT: () => this.SUBRULE(this.letStmt, L_STMT) },
    { ALT: () => this.SUBRULE(this.paramStmt, L_STMT), IGNORE_AMBIGUITIES: true },
    { ALT: () => this.SUBRULE(this.stateStmt, L_STMT) },
    { ALT: () => this.SUBRULE(this.assignStmt, L_STMT), IGNORE_AMBIGUITIES: true },
    { ALT: () => this.SUBRULE(this.simpleClause, L_STMT), IGNORE_AMBIGUITIES: true },
    { ALT: () => this.SUBRULE(this.dataClause, L_STMT), IGNORE_AMBIGUITIES: true },
    { ALT: () => this.SUBRULE(this.evalClause, L_STMT), IGNORE_AMBIGUITIES: true },
    { ALT: () => this.SUBRULE(this.metricClause, L_STMT), IGNORE_AMBIGUITIES: true },
    { ALT: () => this.SUBRULE(this.forallStmt, L_STMT) },
    { ALT: () => this.SUBRULE(this.assertStmt, L_STMT) },
    { ALT: () => this.SUBRULE(this.exprStmt, L_STMT) },
    { ALT: () => this.CONSUME(T.Semicolon) },
  ];

  private readonly stmtDef = (): void => {
    this.ACTION(() => {
      this.stmtStart = this.LA(1);
      this.stmtName = "";
    });
    this.OR(this.stmtAlts);
  };

  block = this.RULE("block", () => {
    const open = this.CONSUME(T.LBrace);
    if (!this.RECORDING_PHASE && !this.matching.has(open)) {
      // No matching `}` (from the lexer's bracket matching): stop at a declaration keyword in
      // column 1, where the block most likely should have ended.
      this.MANY({
        GATE: () => !(DECL_STARTS.has(this.LA(1).tokenType) && atColumnOne(this.text, this.LA(1))),
        DEF: this.stmtDef,
      });
    } else {
      this.MANY(this.stmtDef);
    }
    this.close(1, T.RBrace, open, "block");
  });

  letStmt = this.RULE("letStmt", () => {
    this.CONSUME(T.Let);
    const name = this.SUBRULE(this.name, L_NAME);
    this.ACTION(() => this.setStmt("let", name));
    this.OPTION(() => {
      this.CONSUME(T.Colon);
      this.SUBRULE(this.type, L("type"));
    });
    this.CONSUME(T.Eq, L("eq"));
    this.SUBRULE(this.expr, L_VALUE);
  });

  paramStmt = this.RULE("paramStmt", () => {
    this.CONSUME(T.Param);
    const name = this.SUBRULE(this.name, L_NAME);
    this.ACTION(() => this.setStmt("param", name));
    this.CONSUME(T.Colon);
    this.SUBRULE(this.type, L("type"));
    this.CONSUME(T.Eq, L("eq"));
    this.SUBRULE(this.expr, L_VALUE);
  });

  stateStmt = this.RULE("stateStmt", () => {
    this.CONSUME(T.State);
    const name = this.SUBRULE(this.name, L_NAME);
    this.ACTION(() => this.setStmt("state", name));
    this.OPTION(() => {
      this.CONSUME(T.Colon);
      this.SUBRULE(this.type, L("type"));
    });
    this.CONSUME(T.Eq, L("eq"));
    this.SUBRULE(this.expr, L_VALUE);
  });

  /** `m <- e`; also `m -> e`, `m = e` and `m := e`, which the builder reports (LIP1013). */
  assignStmt = this.RULE("assignStmt", () => {
    this.CONSUME(T.Identifier, L("target"));
    this.OR([
      { ALT: () => this.CONSUME(T.LArrow, L("arrow")) },
      { ALT: () => this.CONSUME(T.RArrow, L("arrow")) },
      { ALT: () => this.CONSUME(T.Eq, L("arrow")) },
    ]);
    this.SUBRULE(this.expr, L_VALUE);
  });

  /** `model e`, `steps e`, `loss e`, `optimizer e`, `constrain e`. */
  simpleClause = this.RULE("simpleClause", () => {
    this.OR([
      { ALT: () => this.CONSUME(T.Model, L_KW) },
      { ALT: () => this.CONSUME(T.Steps, L_KW) },
      { ALT: () => this.CONSUME(T.Loss, L_KW) },
      { ALT: () => this.CONSUME(T.Optimizer, L_KW) },
      { ALT: () => this.CONSUME(T.Constrain, L_KW) },
    ]);
    this.SUBRULE(this.expr, L_VALUE);
  });

  dataClause = this.RULE("dataClause", () => {
    this.CONSUME(T.Data);
    this.SUBRULE(this.expr, L_VALUE);
    this.MANY(() => {
      this.CONSUME(T.Comma);
      this.SUBRULE(this.namedArg, L("option"));
    });
  });

  evalClause = this.RULE("evalClause", () => {
    this.CONSUME(T.Eval);
    this.SUBRULE(this.expr, L_VALUE);
    this.OPTION(() => {
      this.CONSUME(T.Every);
      this.SUBRULE2(this.expr, L("every"));
    });
    this.MANY(() => {
      this.CONSUME(T.Comma);
      this.SUBRULE(this.namedArg, L("option"));
    });
  });

  metricClause = this.RULE("metricClause", () => {
    this.CONSUME(T.Metric);
    const name = this.SUBRULE(this.name, L_NAME);
    this.ACTION(() => this.setStmt("metric", name));
    this.CONSUME(T.Eq, L("eq"));
    this.SUBRULE(this.expr, L_VALUE);
    this.OPTION(() => {
      this.CONSUME(T.Every);
      this.SUBRULE2(this.expr, L("every"));
    });
  });

  private readonly generatorList = this.makeSep(
    10,
    T.Where,
    (occ) => this.subrule(occ, this.generator, L("generator")),
    () => tokenMatcher(this.LA(2), T.Identifier),
  );

  forallStmt = this.RULE("forallStmt", () => {
    this.CONSUME(T.Forall);
    this.sep1(this.generatorList);
    this.OPTION(() => {
      this.CONSUME(T.Where);
      this.SUBRULE(this.expr, L("where"));
    });
  });

  generator = this.RULE("generator", () => {
    this.CONSUME(T.Identifier, L_NAME);
    this.CONSUME(T.Colon);
    this.SUBRULE(this.type, L("type"));
    this.OPTION(() => {
      this.CONSUME(T.In);
      this.SUBRULE(this.expr, L("range"));
    });
  });

  assertStmt = this.RULE("assertStmt", () => {
    this.CONSUME(T.Assert);
    this.SUBRULE(this.expr, L_VALUE);
    this.MANY(() => {
      this.CONSUME(T.Comma);
      this.SUBRULE(this.namedArg, L("option"));
    });
  });

  exprStmt = this.RULE("exprStmt", () => {
    this.SUBRULE(this.expr, L_VALUE);
  });

  namedArg = this.RULE("namedArg", () => {
    this.CONSUME(T.Identifier, L_NAME);
    this.CONSUME(T.Colon);
    this.SUBRULE(this.expr, L_VALUE);
  });

  // ================================================================ types

  private readonly dimList = this.makeSep(10, T.RBracket, (occ) =>
    this.or(occ, [
      { ALT: () => this.consume(occ, T.NumberLit, L("dim")) },
      { ALT: () => this.consume(occ, T.Identifier, L("dim")) },
      { ALT: () => this.consume(occ, T.Ellipsis, L("dim")) },
    ]),
  );
  private readonly recordTypeList = this.makeSep(20, T.RBrace, (occ) => this.subrule(occ, this.recordTypeField, L("field")));

  type = this.RULE("type", () => {
    this.OR([
      {
        ALT: () => {
          this.CONSUME(T.DType, L("dtype"));
          this.OPTION({
            GATE: this.sameLine,
            DEF: () => {
              const open = this.CONSUME(T.LBracket, L("dims"));
              this.sep(this.dimList);
              this.close(1, T.RBracket, open, "type");
            },
          });
        },
      },
      { ALT: () => this.CONSUME(T.ScalarType, L("scalar")) },
      {
        ALT: () => {
          const open = this.CONSUME(T.LBrace, L("record"));
          this.sep(this.recordTypeList);
          this.close(2, T.RBrace, open, "recordType");
        },
      },
    ]);
  });

  recordTypeField = this.RULE("recordTypeField", () => {
    this.CONSUME(T.Identifier, L_NAME);
    this.CONSUME(T.Colon);
    this.SUBRULE(this.type, L("type"));
  });

  // ================================================================ expressions

  private readonly chainDef = (): void => {
    this.CONSUME(T.BinaryOp, L_OP);
    this.SUBRULE2(this.operand, L_OPERAND);
  };

  /** A flat chain of operands and binary operators; precedence is applied by the builder. */
  expr = this.RULE("expr", () => {
    this.SUBRULE(this.operand, L_OPERAND);
    this.MANY(this.chainDef);
  });

  private readonly prefixAlts: IOrAlt<unknown>[] = [
    { ALT: () => this.CONSUME(T.Minus, L_PRE) },
    { ALT: () => this.CONSUME(T.Not, L_PRE) },
  ];
  private readonly prefixDef = (): void => {
    this.OR(this.prefixAlts);
  };

  private readonly atomAlts: IOrAlt<unknown>[] = [
    {
      ALT: () => {
        if (!this.RECORDING_PHASE) this.checkBoundary();
        this.CONSUME(T.Identifier, L_ATOM);
      },
    },
    { ALT: () => this.CONSUME(T.NumberLit, L_ATOM) },
    { ALT: () => this.CONSUME(T.StringLit, L_ATOM) },
    // `where` is reserved (`forall ... where c`) but may be called like a function, as the
    // prelude's `where(c, a, b)` (§1). An expression never continues with a name, so `where`
    // at the start of an operand is unambiguous; the builder checks that it is called.
    { ALT: () => this.CONSUME(T.Where, L_ATOM) },
    { ALT: () => this.CONSUME(T.True, L_ATOM) },
    { ALT: () => this.CONSUME(T.False, L_ATOM) },
    {
      ALT: () => {
        const open = this.CONSUME(T.LParen);
        this.SUBRULE(this.expr, L_PAREN);
        this.close(1, T.RParen, open, "operand");
      },
    },
    { ALT: () => this.SUBRULE(this.list, L_NODE) },
    { ALT: () => this.SUBRULE(this.record, L_NODE) },
    { ALT: () => this.SUBRULE(this.ifExpr, L_NODE) },
  ];

  private readonly postfixAlts: IOrAlt<unknown>[] = [
    { ALT: () => this.SUBRULE(this.call, L_POST) },
    { ALT: () => this.SUBRULE(this.field, L_POST) },
    { ALT: () => this.SUBRULE(this.index, L_POST) },
  ];
  private readonly postfixMany = {
    GATE: this.postfixGate,
    DEF: (): void => {
      this.OR3(this.postfixAlts);
    },
  };

  /** Prefix operators, an atom, then calls, fields and indexes. */
  operand = this.RULE("operand", () => {
    this.MANY(this.prefixDef);
    this.OR2(this.atomAlts);
    this.MANY2(this.postfixMany);
  });

  ifExpr = this.RULE("ifExpr", () => {
    this.CONSUME(T.If);
    this.SUBRULE(this.expr, L("cond"));
    this.CONSUME(T.Then);
    this.SUBRULE2(this.expr, L("then"));
    this.CONSUME(T.Else);
    this.SUBRULE3(this.expr, L("else"));
  });

  private readonly itemList = this.makeSep(10, T.RBracket, (occ) => this.subrule(occ, this.expr, L_ITEM));

  list = this.RULE("list", () => {
    const open = this.CONSUME(T.LBracket);
    this.sep(this.itemList);
    this.close(1, T.RBracket, open, "list");
  });

  private readonly fieldList = this.makeSep(10, T.RBrace, (occ) => this.subrule(occ, this.recordField, L("field")));

  record = this.RULE("record", () => {
    const open = this.CONSUME(T.LBrace);
    this.sep(this.fieldList);
    this.close(1, T.RBrace, open, "record");
  });

  recordField = this.RULE("recordField", () => {
    this.CONSUME(T.Identifier, L_NAME);
    this.CONSUME(T.Colon);
    this.SUBRULE(this.expr, L_VALUE);
  });

  // An argument, `(name ':')? expr`, inline in `call` (the builder pairs names with values by
  // position): arguments are so common that a rule of their own costs measurable time.
  private readonly argList = this.makeSep(10, T.RParen, (occ) => {
    this.option(occ + 50, () => {
      this.consume(occ, T.Identifier, L_ARGNAME);
      this.consume(occ, T.Colon);
    });
    this.subrule(occ, this.expr, L_ARG);
  });

  call = this.RULE("call", () => {
    const open = this.CONSUME(T.LParen);
    this.sep(this.argList);
    this.close(1, T.RParen, open, "call");
  });

  field = this.RULE("field", () => {
    this.CONSUME(T.Dot);
    this.OR([
      { ALT: () => this.CONSUME(T.Identifier, L_NAME) },
      { ALT: () => this.CONSUME(T.Star, L_NAME) },
    ]);
  });

  private readonly indexList = this.makeSep(10, T.RBracket, (occ) => this.subrule(occ, this.indexItem, L_ITEM));

  index = this.RULE("index", () => {
    const open = this.CONSUME(T.LBracket);
    this.sep1(this.indexList);
    this.close(1, T.RBracket, open, "index");
  });

  /** `...`, `a`, or a slice `a:b:c` with every part optional. */
  indexItem = this.RULE("indexItem", () => {
    this.OR([
      { ALT: () => this.CONSUME(T.Ellipsis, L("ellipsis")) },
      {
        ALT: () => {
          this.CONSUME(T.Colon, L("colon"));
          this.OPTION(() => this.SUBRULE(this.expr, L("stop")));
          this.OPTION2(() => {
            this.CONSUME2(T.Colon, L("colon"));
            this.OPTION3(() => this.SUBRULE2(this.expr, L("step")));
          });
        },
      },
      {
        ALT: () => {
          this.SUBRULE3(this.expr, L("start"));
          this.OPTION4(() => {
            this.CONSUME3(T.Colon, L("colon"));
            this.OPTION5(() => this.SUBRULE4(this.expr, L("stop")));
            this.OPTION6(() => {
              this.CONSUME4(T.Colon, L("colon"));
              this.OPTION7(() => this.SUBRULE5(this.expr, L("step")));
            });
          });
        },
      },
    ]);
  });

  // ================================================================ running it

  /** Parses a token vector; the result's errors are in `this.errors` and `this.problems`. */
  parseTokens(
    text: string,
    tokens: IToken[],
    lineStartKeywords: ReadonlySet<IToken>,
    matching: ReadonlyMap<IToken, IToken>,
    onDecl?: (decl: CstNode) => void,
  ): CstNode {
    this.text = text;
    this.onDecl = onDecl;
    this.lineStartKeywords = lineStartKeywords;
    this.matching = matching;
    this.problems = [];
    this.declName = "";
    this.stmtName = "";
    this.stmtStart = undefined;
    this.input = tokens;
    active = this;
    try {
      return this.program();
    } finally {
      active = undefined;
      this.onDecl = undefined;
    }
  }
}

/** The image of the first token in a CST node (or of a token). */
function firstImage(n: CstNode | IToken): string {
  if ("image" in n) return n.image;
  for (const key in n.children) {
    const el = n.children[key]![0];
    if (el !== undefined) return firstImage(el);
  }
  return "";
}

let instance: LipParser | undefined;

/** The parser singleton (constructed on first use). */
export function lipParser(): LipParser {
  return (instance ??= new LipParser());
}

