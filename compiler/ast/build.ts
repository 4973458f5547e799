// CST -> AST. The builder is defensive: after error recovery any child may be missing, and
// then it puts a `Missing` node (or an `Ident` with an empty name) and goes on. It never throws
// for a CST that the parser produced.
//
// Binary operators arrive as flat chains (`operand (op operand)*`, with prefix operators in
// front of each operand); the builder applies precedence and associativity here and reports
// what the grammar's precedence levels rule out:
//   LIP1009  `a < b < c` (comparisons do not chain)
//   LIP1014  `a == not b`, `-not a`, `a + if c then x else y` (needs parentheses)
// and the likely mistakes the parser lets through: LIP1012 (a keyword as a name), LIP1013
// (`:=`, `->` or `=` where `=` or `<-` belongs), and LIP1006 for expressions nested more than
// MAX_EXPR_DEPTH deep, so that every later phase can recurse over the AST safely.
//
// Spans: a node's span covers exactly the tokens it was built from. Parentheses around an
// expression are not part of it, but are part of any larger expression around them:
// in `(a + b) * c` the `+` node spans `a + b` and the `*` node spans `(a + b) * c`.

import type { CstNode, IToken } from "chevrotain";
import { diagnostic, type Diagnostic } from "../diag/diagnostic.js";
import type { Code } from "../diag/codes.js";
import type { Span } from "../diag/span.js";
import * as T from "../../grammar/tokens.js";
import type * as A from "./nodes.js";

/** Expressions nested deeper than this are replaced by `Missing` (LIP1006). */
export const MAX_EXPR_DEPTH = 500;

export interface BuildResult {
  readonly program: A.Program;
  readonly diagnostics: Diagnostic[];
  /** Start offsets of every declaration and statement, ascending (for deduplicating errors). */
  readonly starts: number[];
}

const PREC: Readonly<Record<string, number>> = {
  or: 1,
  and: 2,
  "==": 4, "!=": 4, "<": 4, "<=": 4, ">": 4, ">=": 4, "~=": 4,
  "+": 5, "-": 5,
  "*": 6, "/": 6, "%": 6, "@": 6,
  "^": 8,
};
const COMPARE = 4;
const POWER = 8;
/** The operand of `not` absorbs comparisons and tighter; that of `-` only `^`. */
const NOT_OPERAND = 4;
const NEG_OPERAND = 8;

const DTYPES = new Set(["f32", "f64", "f16", "i32", "i64", "bool"]);

/** The state of one flat operator chain being re-associated. */
interface Chain {
  readonly operands: readonly CstNode[];
  readonly ops: readonly IToken[];
  i: number; // next operand
  j: number; // next operator
  reportedChain: boolean;
}

/** Builds the AST of a whole `program` CST node. */
export function buildProgram(cst: CstNode | undefined, path: string, textLength: number): BuildResult {
  const b = new AstBuilder(path);
  for (const d of nodes(cst, "decl")) b.addDecl(d);
  return b.finish(textLength);
}

/** Builds a program's AST one declaration at a time, as the parser produces them (so that the
 * CST of a declaration can be dropped as soon as it is built). */
export class AstBuilder {
  readonly diagnostics: Diagnostic[] = [];
  readonly starts: number[] = [];
  private readonly decls: A.Decl[] = [];
  /** End of the last real token seen: where a Missing node is placed. */
  private pos = 0;
  // results of the expression builders besides the node: extent (including parentheses) and depth
  private s = 0;
  private e = 0;
  private d = 1;
  private nesting = 0;

  constructor(private readonly file: string) {}

  // ================================================================ plumbing

  private span(start: number, end: number): Span {
    if (end > this.pos) this.pos = end;
    return { file: this.file, start, end: end < start ? start : end };
  }

  private here(): Span {
    return { file: this.file, start: this.pos, end: this.pos };
  }

  private valid(t: IToken | undefined): t is IToken {
    return t !== undefined && !t.isInsertedInRecovery && t.startOffset >= 0 && Number.isFinite(t.endOffset);
  }

  private tokSpan(t: IToken | undefined): Span {
    return this.valid(t) ? this.span(t.startOffset, t.endOffset! + 1) : this.here();
  }

  private nodeSpan(n: CstNode | undefined): Span {
    const loc = n?.location;
    if (loc === undefined || !(loc.startOffset >= 0) || !(loc.endOffset! >= loc.startOffset)) return this.here();
    return this.span(loc.startOffset, loc.endOffset! + 1);
  }

  private report(code: Code, message: string, at: Span, label = "", help?: string, notes?: string[]): void {
    this.diagnostics.push(diagnostic({ code, message, span: at, label, help, notes: notes ?? [] }));
  }

  private missing(): A.Missing {
    this.d = 1;
    const h = this.here();
    this.s = h.start;
    this.e = h.end;
    return { kind: "Missing", span: h };
  }

  private mark(n: CstNode): void {
    const o = n.location?.startOffset;
    if (o !== undefined && o >= 0) this.starts.push(o);
  }

  // ================================================================ declarations

  addDecl(n: CstNode): void {
    this.decls.push(this.decl(n));
  }

  finish(textLength: number): BuildResult {
    const span = { file: this.file, start: 0, end: textLength };
    const program: A.Program = { kind: "Program", file: this.file, decls: this.decls, span };
    return { program, diagnostics: this.diagnostics, starts: this.starts };
  }

  private decl(n: CstNode): A.Decl {
    this.mark(n);
    switch (n.name) {
      case "useDecl":
        return this.useDecl(n);
      case "fnDecl":
        return this.fnDecl(n);
      case "ruleDecl":
        return this.ruleDecl(n);
      case "dataDecl": {
        const name = this.name(node(n, "name"));
        this.eq(tok(n, "eq"));
        const value = this.expr(node(n, "value"));
        const split = has(n, "split") || has(n, "Split") ? this.expr(node(n, "split")) : null;
        return { kind: "Data", name, value, split, span: this.nodeSpan(n) };
      }
      case "constDecl": {
        const name = this.name(node(n, "name"));
        const type = has(n, "Colon") ? this.type(node(n, "type")) : null;
        this.eq(tok(n, "eq"));
        const value = this.expr(node(n, "value"));
        return { kind: "Const", name, type, value, span: this.nodeSpan(n) };
      }
      case "experimentDecl": {
        const name = this.name(node(n, "name"));
        const body = this.block(node(n, "block"));
        return { kind: "Experiment", name, body, span: this.nodeSpan(n) };
      }
      case "propertyDecl": {
        const t = tok(n, "title");
        const title: A.StringLit = this.valid(t)
          ? { kind: "String", value: unescape(t.image), span: this.tokSpan(t) }
          : { kind: "String", value: "", span: this.here() };
        const body = this.block(node(n, "block"));
        return { kind: "Property", title, body, span: this.nodeSpan(n) };
      }
      default:
        return { kind: "Missing", span: this.nodeSpan(n) };
    }
  }

  private useDecl(n: CstNode): A.Use {
    let module: A.Use["module"];
    const file = tok(n, "file");
    if (file !== undefined) {
      module = { kind: "String", value: unescape(file.image), span: this.tokSpan(file) };
    } else {
      const parts = tokens(n, "part").map((t) => this.ident(t));
      const first = parts[0];
      const last = parts[parts.length - 1];
      const at = first && last ? { file: this.file, start: first.span.start, end: last.span.end } : this.here();
      module = { kind: "StdPath", parts, span: at };
    }
    const names = has(n, "LBrace")
      ? nodes(n, "import").map((i): A.ImportName => {
          const name = this.ident(tok(i, "name"));
          const alias = has(i, "As") ? this.ident(tok(i, "alias")) : null;
          return { name, alias, span: this.nodeSpan(i) };
        })
      : null;
    return { kind: "Use", module, names, span: this.nodeSpan(n) };
  }

  private fnDecl(n: CstNode): A.Callable {
    const kw = tok(n, "kw");
    const kind = kw?.tokenType === T.Layer ? "Layer" : kw?.tokenType === T.Model ? "Model" : "Fn";
    const name = this.name(node(n, "name"));
    const params = nodes(n, "param").map((p) => this.param(p));
    let ret: A.TypeExpr | null = null;
    const arrow = tok(n, "arrow");
    if (arrow !== undefined) {
      if (arrow.tokenType === T.LArrow) {
        this.report("LIP1013", "expected `->` before the return type, found `<-`", this.tokSpan(arrow), "write `->` here", undefined, [
          "`<-` gives a state its next value; `->` introduces a return type",
        ]);
      }
      ret = this.type(node(n, "ret"));
    }
    if (has(n, "eq")) {
      this.eq(tok(n, "eq"));
      const value = this.expr(node(n, "body"));
      const stmt: A.ExprStmt = { kind: "ExprStmt", expr: value, span: value.span };
      return { kind, name, params, ret, body: [stmt], exprBody: true, span: this.nodeSpan(n) };
    }
    const body = this.block(node(n, "block"));
    return { kind, name, params, ret, body, exprBody: false, span: this.nodeSpan(n) };
  }

  private ruleDecl(n: CstNode): A.UpdateRule {
    const kind = tok(n, "kw")?.tokenType === T.Constraint ? "Constraint" : "Optimizer";
    const name = this.name(node(n, "name"));
    const params = nodes(n, "param").map((p) => this.param(p));
    const body = this.block(node(n, "block"));
    return { kind, name, params, body, span: this.nodeSpan(n) };
  }

  private param(n: CstNode): A.Param {
    const name = this.name(node(n, "name"));
    const type = has(n, "Colon") ? this.type(node(n, "type")) : null;
    let dflt: A.Expr | null = null;
    if (has(n, "eq")) {
      this.eq(tok(n, "eq"));
      dflt = this.expr(node(n, "default"));
    }
    return { name, type, default: dflt, span: this.nodeSpan(n) };
  }

  /** A declared name (the `name` rule); a hard keyword here is LIP1012. */
  private name(n: CstNode | undefined): A.Ident {
    const t = tok(n, "id");
    const id = this.ident(t);
    if (t !== undefined && this.valid(t) && isKeyword(t)) {
      this.report("LIP1012", `\`${t.image}\` is a reserved keyword and cannot be used as a name`, id.span, "reserved keyword", `rename it, e.g. \`${t.image}_\``);
    }
    return id;
  }

  private ident(t: IToken | undefined): A.Ident {
    if (!this.valid(t)) return { kind: "Ident", name: "", span: this.here() };
    return { kind: "Ident", name: t.image, span: this.tokSpan(t) };
  }

  /** `=` (the token may be `:=`, which lexes in the `=` category). */
  private eq(t: IToken | undefined): void {
    if (t !== undefined && t.tokenType === T.ColonEq) {
      this.report("LIP1013", "expected `=`, found `:=`", this.tokSpan(t), "write `=` here", undefined, ["Lip defines names with `=`"]);
    }
  }

  // ================================================================ statements

  private block(n: CstNode | undefined): A.Stmt[] {
    const out: A.Stmt[] = [];
    for (const s of nodes(n, "stmt")) out.push(this.stmt(s));
    return out;
  }

  private stmt(n: CstNode): A.Stmt {
    this.mark(n);
    switch (n.name) {
      case "letStmt": {
        const name = this.name(node(n, "name"));
        const type = has(n, "Colon") ? this.type(node(n, "type")) : null;
        this.eq(tok(n, "eq"));
        const value = this.expr(node(n, "value"));
        return { kind: "Let", name, type, value, span: this.nodeSpan(n) };
      }
      case "paramStmt": {
        const name = this.name(node(n, "name"));
        const type = this.type(node(n, "type"));
        this.eq(tok(n, "eq"));
        const init = this.expr(node(n, "value"));
        return { kind: "ParamDecl", name, type, init, span: this.nodeSpan(n) };
      }
      case "stateStmt": {
        const name = this.name(node(n, "name"));
        const type = has(n, "Colon") ? this.type(node(n, "type")) : null;
        this.eq(tok(n, "eq"));
        const init = this.expr(node(n, "value"));
        return { kind: "StateDecl", name, type, init, span: this.nodeSpan(n) };
      }
      case "assignStmt":
        return this.assign(n);
      case "simpleClause": {
        const kw = tok(n, "kw")?.tokenType;
        const value = this.expr(node(n, "value"));
        const span = this.nodeSpan(n);
        if (kw === T.Model) return { kind: "ModelClause", model: value, span };
        if (kw === T.Steps) return { kind: "StepsClause", value, span };
        if (kw === T.Loss) return { kind: "LossClause", value, span };
        if (kw === T.Optimizer) return { kind: "OptimizerClause", value, span };
        return { kind: "ConstrainClause", value, span };
      }
      case "dataClause": {
        const source = this.expr(node(n, "value"));
        const options = nodes(n, "option").map((o) => this.namedArg(o));
        return { kind: "DataClause", source, options, span: this.nodeSpan(n) };
      }
      case "evalClause": {
        const source = this.expr(node(n, "value"));
        const every = has(n, "Every") ? this.expr(node(n, "every")) : null;
        const options = nodes(n, "option").map((o) => this.namedArg(o));
        return { kind: "EvalClause", source, every, options, span: this.nodeSpan(n) };
      }
      case "metricClause": {
        const name = this.name(node(n, "name"));
        this.eq(tok(n, "eq"));
        const value = this.expr(node(n, "value"));
        const every = has(n, "Every") ? this.expr(node(n, "every")) : null;
        return { kind: "MetricClause", name, value, every, span: this.nodeSpan(n) };
      }
      case "forallStmt": {
        const generators = nodes(n, "generator").map((g): A.Generator => {
          const name = this.ident(tok(g, "name"));
          const type = this.type(node(g, "type"));
          const range = has(g, "In") ? this.expr(node(g, "range")) : null;
          return { name, type, range, span: this.nodeSpan(g) };
        });
        const where = has(n, "Where") ? this.expr(node(n, "where")) : null;
        return { kind: "ForAll", generators, where, span: this.nodeSpan(n) };
      }
      case "assertStmt": {
        const expr = this.expr(node(n, "value"));
        const options = nodes(n, "option").map((o) => this.namedArg(o));
        return { kind: "Assert", expr, options, span: this.nodeSpan(n) };
      }
      case "exprStmt": {
        const expr = this.expr(node(n, "value"));
        return { kind: "ExprStmt", expr, span: this.nodeSpan(n) };
      }
      default:
        return { kind: "Missing", span: this.nodeSpan(n) };
    }
  }

  private assign(n: CstNode): A.Assign {
    const target = this.ident(tok(n, "target"));
    const arrow = tok(n, "arrow");
    const arrowSpan = this.tokSpan(arrow);
    if (arrow !== undefined && arrow.tokenType !== T.LArrow) {
      const t = target.name || "x";
      const found = arrow.image;
      const message = `expected \`<-\` to give \`${t}\` its next value, found \`${found}\``;
      const help = found === "->" ? undefined : `to define a new name, write \`let ${t} = ...\``;
      this.report("LIP1013", message, arrowSpan, "write `<-` here", help);
    }
    const value = this.expr(node(n, "value"));
    return { kind: "Assign", target, value, arrowSpan, span: this.nodeSpan(n) };
  }

  private namedArg(n: CstNode): A.Arg {
    const name = this.ident(tok(n, "name"));
    const value = this.expr(node(n, "value"));
    return { name, value, span: this.nodeSpan(n) };
  }

  // ================================================================ types

  private type(n: CstNode | undefined): A.TypeExpr {
    if (n === undefined) return { kind: "Missing", span: this.here() };
    const dt = tok(n, "dtype");
    if (dt !== undefined) {
      const dtSpan = this.tokSpan(dt);
      const dtype = (DTYPES.has(dt.image) ? dt.image : "f32") as A.DTypeName;
      let dims: A.Dim[] | null = null;
      if (has(n, "dims")) {
        dims = tokens(n, "dim").map((t): A.Dim => {
          const sp = this.tokSpan(t);
          if (t.tokenType === T.Ellipsis) return { kind: "DimRest", span: sp };
          if (t.tokenType === T.NumberLit) {
            if (!/^\d+$/.test(t.image)) {
              this.report("LIP1001", `expected an integer dimension, found \`${t.image}\``, sp, "not an integer");
            }
            return { kind: "DimNum", value: numberValue(t.image), span: sp };
          }
          return { kind: "DimVar", name: t.image, span: sp };
        });
      }
      const end = this.nodeSpan(n);
      return { kind: "TensorType", dtype, dims, span: { file: this.file, start: dtSpan.start, end: Math.max(dtSpan.end, end.end) } };
    }
    const sc = tok(n, "scalar");
    if (sc !== undefined) {
      return { kind: "NamedType", name: sc.image as "int" | "float" | "str", span: this.tokSpan(sc) };
    }
    if (has(n, "record")) {
      const fields = nodes(n, "field").map((f): A.RecordTypeField => {
        const name = this.ident(tok(f, "name"));
        const type = this.type(node(f, "type"));
        return { name, type, span: this.nodeSpan(f) };
      });
      return { kind: "RecordType", fields, span: this.nodeSpan(n) };
    }
    return { kind: "Missing", span: this.nodeSpan(n) };
  }

  // ================================================================ expressions

  /** An `expr` CST node. Sets this.s/this.e (extent) and this.d (depth). */
  private expr(n: CstNode | undefined): A.Expr {
    if (n === undefined) return this.missing();
    const operands = nodes(n, "operand");
    if (operands.length === 0) {
      this.nodeSpan(n);
      return this.missing();
    }
    const chain: Chain = { operands, ops: tokens(n, "op"), i: 0, j: 0, reportedChain: false };
    const e = this.chain(chain, 0);
    // anything left over (after a depth error) has been skipped
    return e;
  }

  /** Operands and operators binding at least as tightly as `minPrec`. */
  private chain(c: Chain, minPrec: number): A.Expr {
    if (++this.nesting > MAX_EXPR_DEPTH) {
      this.nesting--;
      return this.tooDeep(c);
    }
    const left = this.operand(c, minPrec);
    const r = this.rest(c, left, this.s, this.e, this.d, minPrec);
    this.nesting--;
    return r;
  }

  /** Continues `left` (extent ls..le, depth ld) with operators of precedence >= minPrec. */
  private rest(c: Chain, left: A.Expr, ls: number, le: number, ld: number, minPrec: number): A.Expr {
    let prevCompare = false;
    while (c.j < c.ops.length) {
      const opTok = c.ops[c.j]!;
      const p = PREC[opTok.image] ?? 5;
      if (p < minPrec) break;
      c.j++;
      const opSpan = this.tokSpan(opTok);
      if (p === COMPARE && prevCompare && !c.reportedChain) {
        c.reportedChain = true;
        this.report("LIP1009", "comparison operators cannot be chained", opSpan, "second comparison", "write `a < b and b < c`", [
          "Lip has no chained comparisons like `a < b < c`",
        ]);
      }
      const right = this.chain(c, p === POWER ? POWER : p + 1);
      const re = this.e;
      const depth = 1 + Math.max(ld, this.d);
      if (depth > MAX_EXPR_DEPTH) return this.tooDeep(c);
      left = { kind: "Binary", op: opTok.image as A.BinaryOp, left, right, opSpan, span: this.span(ls, re) };
      le = re;
      ld = depth;
      prevCompare = p === COMPARE;
    }
    this.s = ls;
    this.e = le;
    this.d = ld;
    return left;
  }

  /** One operand: its prefix operators (innermost first) around an atom with its postfixes. */
  private operand(c: Chain, minPrec: number): A.Expr {
    const first = c.i === 0;
    const n = c.operands[c.i++];
    if (n === undefined) return this.missing();
    const pres = tokens(n, "pre");
    const ifNode = node(n, "node");
    let e = this.postfix(n);
    let es = this.s;
    let ee = this.e;
    let ed = this.d;
    if (ifNode?.name === "ifExpr" && !(first && pres.length === 0)) {
      this.report("LIP1014", "an `if` expression must be parenthesised here", this.nodeSpan(ifNode), "needs parentheses", "write `(if ... then ... else ...)`");
    }
    for (let k = pres.length - 1; k >= 0; k--) {
      const pt = pres[k]!;
      const isNot = pt.tokenType === T.Not;
      e = this.rest(c, e, es, ee, ed, isNot ? NOT_OPERAND : NEG_OPERAND);
      ee = this.e;
      ed = this.d;
      const ps = this.tokSpan(pt);
      if (isNot && !(k === 0 ? minPrec <= 3 : pres[k - 1]!.tokenType === T.Not)) {
        const after = k === 0 ? "an arithmetic or comparison operator" : "`-`";
        this.report("LIP1014", `\`not\` cannot follow ${after} without parentheses`, ps, "needs parentheses", "write `(not ...)`");
      }
      if (ed + 1 > MAX_EXPR_DEPTH) return this.tooDeep(c);
      es = ps.start;
      e = { kind: "Unary", op: isNot ? "not" : "-", operand: e, span: this.span(es, ee) };
      ed++;
    }
    this.s = es;
    this.e = ee;
    this.d = ed;
    return e;
  }

  private tooDeep(c: Chain): A.Missing {
    const last = c.operands[c.operands.length - 1];
    const at = this.here();
    if (last !== undefined) this.nodeSpan(last);
    c.i = c.operands.length;
    c.j = c.ops.length;
    this.report("LIP1006", `expression nested too deeply (more than ${MAX_EXPR_DEPTH} levels)`, at, "too deep here", "split it into several `let`s");
    const m = this.missing();
    return m;
  }

  /** The atom of an operand CST node followed by its calls, fields and indexes. */
  private postfix(n: CstNode): A.Expr {
    let e = this.atom(n);
    const start = this.s;
    let end = this.e;
    let d = this.d;
    const posts = nodes(n, "post");
    if (tok(n, "atom")?.tokenType === T.Where && posts[0]?.name !== "call") {
      this.report("LIP1012", "`where` is a reserved keyword; as a function it must be called", e.span, "not called", "write `where(cond, a, b)`");
    }
    for (const p of posts) {
      let next: A.Expr;
      if (p.name === "call") {
        const args: A.Arg[] = [];
        let ad = 0;
        // names and values of the arguments come in two lists; a name belongs to the value after it
        const names = tokens(p, "argName");
        let ni = 0;
        for (const a of nodes(p, "arg")) {
          const vs = a.location?.startOffset ?? -1;
          let name: A.Ident | null = null;
          const nt = names[ni];
          if (nt !== undefined && (vs < 0 || nt.startOffset < vs)) {
            name = this.ident(nt);
            ni++;
          }
          const value = this.expr(a);
          if (this.d > ad) ad = this.d;
          const start = name !== null && name.span.end > name.span.start ? name.span.start : this.s;
          args.push({ name, value, span: this.span(start, this.e) });
        }
        end = this.nodeSpan(p).end;
        d = 1 + Math.max(d, ad);
        next = { kind: "Call", callee: e, args, span: this.span(start, end) };
      } else if (p.name === "field") {
        const field = this.ident(tok(p, "name"));
        end = this.nodeSpan(p).end;
        d = d + 1;
        next = { kind: "Field", object: e, field, span: this.span(start, end) };
      } else {
        const indices: A.IndexItem[] = [];
        let id = 0;
        for (const it of nodes(p, "item")) {
          indices.push(this.indexItem(it));
          if (this.d > id) id = this.d;
        }
        end = this.nodeSpan(p).end;
        d = 1 + Math.max(d, id);
        next = { kind: "Index", object: e, indices, span: this.span(start, end) };
      }
      if (d > MAX_EXPR_DEPTH) {
        this.report("LIP1006", `expression nested too deeply (more than ${MAX_EXPR_DEPTH} levels)`, this.span(start, end), "too deep here", "split it into several `let`s");
        e = { kind: "Missing", span: this.span(start, end) };
        d = 1;
        continue;
      }
      e = next;
    }
    this.s = start;
    this.e = end;
    this.d = d;
    return e;
  }

  private indexItem(n: CstNode): A.IndexItem {
    const ell = tok(n, "ellipsis");
    if (ell !== undefined) {
      this.d = 1;
      return { kind: "EllipsisIndex", span: this.tokSpan(ell) };
    }
    const colons = tokens(n, "colon");
    if (colons.length === 0) return this.expr(node(n, "start"));
    let d = 0;
    const part = (key: string): A.Expr | null => {
      if (!has(n, key)) return null;
      const x = this.expr(node(n, key));
      if (this.d > d) d = this.d;
      return x;
    };
    const start = part("start");
    const stop = part("stop");
    const step = part("step");
    this.d = d + 1;
    return { kind: "Slice", start, stop, step, span: this.nodeSpan(n) };
  }

  /** The atom of an operand: a literal, a name, a parenthesised expression, a list, a record or
   * an `if`. Sets this.s/this.e to its extent (with the parentheses) and this.d. */
  private atom(n: CstNode): A.Expr {
    const t = tok(n, "atom");
    if (t !== undefined) {
      const sp = this.tokSpan(t);
      this.s = sp.start;
      this.e = sp.end;
      this.d = 1;
      switch (t.tokenType) {
        case T.NumberLit:
          return { kind: "Number", value: numberValue(t.image), raw: t.image, isInt: /^\d+$/.test(t.image), span: sp };
        case T.StringLit:
          return { kind: "String", value: unescape(t.image), span: sp };
        case T.True:
          return { kind: "Bool", value: true, span: sp };
        case T.False:
          return { kind: "Bool", value: false, span: sp };
        default: // a name (also `where`, see the parser)
          return this.valid(t) ? { kind: "Name", name: t.image, span: sp } : this.missing();
      }
    }
    if (has(n, "LParen")) {
      const open = this.tokSpan(tok(n, "LParen"));
      const inner = this.expr(node(n, "paren"));
      const close = tok(n, "RParen");
      this.s = open.start;
      if (close !== undefined && this.valid(close)) this.e = this.tokSpan(close).end;
      return inner;
    }
    const sub = node(n, "node");
    if (sub === undefined) return this.missing();
    let e: A.Expr;
    let d = 0;
    if (sub.name === "list") {
      const items: A.Expr[] = [];
      for (const x of nodes(sub, "item")) {
        items.push(this.expr(x));
        if (this.d > d) d = this.d;
      }
      e = { kind: "List", items, span: this.nodeSpan(sub) };
    } else if (sub.name === "record") {
      const fields: A.RecordField[] = [];
      for (const f of nodes(sub, "field")) {
        const name = this.ident(tok(f, "name"));
        const value = this.expr(node(f, "value"));
        if (this.d > d) d = this.d;
        fields.push({ name, value, span: this.nodeSpan(f) });
      }
      e = { kind: "Record", fields, span: this.nodeSpan(sub) };
    } else {
      const cond = this.expr(node(sub, "cond"));
      d = this.d;
      const then = this.expr(node(sub, "then"));
      if (this.d > d) d = this.d;
      const els = this.expr(node(sub, "else"));
      if (this.d > d) d = this.d;
      e = { kind: "If", cond, then, else: els, span: this.nodeSpan(sub) };
    }
    this.s = e.span.start;
    this.e = e.span.end;
    this.d = d + 1;
    return e;
  }
}

// ================================================================ CST access

const NONE: never[] = [];

function nodes(n: CstNode | undefined, key: string): readonly CstNode[] {
  return (n?.children[key] as CstNode[] | undefined) ?? NONE;
}

function node(n: CstNode | undefined, key: string): CstNode | undefined {
  return n?.children[key]?.[0] as CstNode | undefined;
}

function tokens(n: CstNode | undefined, key: string): readonly IToken[] {
  return (n?.children[key] as IToken[] | undefined) ?? NONE;
}

function tok(n: CstNode | undefined, key: string): IToken | undefined {
  return n?.children[key]?.[0] as IToken | undefined;
}

function has(n: CstNode | undefined, key: string): boolean {
  return n?.children[key] !== undefined;
}

function isKeyword(t: IToken): boolean {
  const cats = t.tokenType.CATEGORIES;
  return cats !== undefined && cats.includes(T.Keyword);
}

// ================================================================ literals

function numberValue(raw: string): number {
  const v = Number(raw);
  if (Number.isFinite(v) || raw.match(/^\d+(\.\d+)?([eE][+-]?\d+)?$/)) return v;
  const p = parseFloat(raw);
  return Number.isNaN(p) ? 0 : p;
}

/** The value of a string token (quotes removed, escapes applied; tolerant of errors). */
export function unescape(image: string): string {
  let body = image.slice(1);
  if (body.endsWith('"') && !endsWithEscape(body)) body = body.slice(0, -1);
  if (body.indexOf("\\") < 0) return body;
  let out = "";
  for (let i = 0; i < body.length; i++) {
    const ch = body[i]!;
    if (ch !== "\\") {
      out += ch;
      continue;
    }
    const next = body[++i];
    if (next === undefined) break;
    out += next === "n" ? "\n" : next === "t" ? "\t" : next;
  }
  return out;
}

/** Whether the string body ends with an escaped quote (`\"`) rather than a closing one. */
function endsWithEscape(body: string): boolean {
  let n = 0;
  for (let i = body.length - 2; i >= 0 && body[i] === "\\"; i--) n++;
  return n % 2 === 1;
}
