// The AST printer: canonical, readable Lip with 2-space indentation and only the parentheses
// that precedence requires. For every valid program, parsing the printed text gives back the
// same AST (modulo spans): tests/grammar/roundtrip.test.ts checks this on generated ASTs.

import type * as A from "./nodes.js";

// Precedence levels, loosest first (docs/language.md §2):
const L_IF = 0; // `if c then a else b`: only where an `expr` is expected
const L_OR = 1;
const L_AND = 2;
const L_NOT = 3;
const L_COMPARE = 4;
const L_ADD = 5;
const L_MUL = 6;
const L_NEG = 7; // unary `-`
const L_POW = 8;
const L_POSTFIX = 9; // calls, fields, indexes and atoms

const BINARY_LEVEL: Readonly<Record<A.BinaryOp, number>> = {
  or: L_OR,
  and: L_AND,
  "==": L_COMPARE, "!=": L_COMPARE, "<": L_COMPARE, "<=": L_COMPARE, ">": L_COMPARE, ">=": L_COMPARE, "~=": L_COMPARE,
  "+": L_ADD, "-": L_ADD,
  "*": L_MUL, "/": L_MUL, "%": L_MUL, "@": L_MUL,
  "^": L_POW,
};

/** Names that are keywords at the start of a statement (or continue one): an expression
 * statement starting with one is parenthesised so that it reads back as an expression. */
const SOFT_KEYWORDS = new Set([
  "model", "data", "optimizer", "param", "loss", "steps", "metric", "eval", "constrain", "every", "split", "in", "as",
  "where",
]);

const INDENT = "  ";

export function printProgram(p: A.Program): string {
  let out = "";
  let prev: A.Decl | undefined;
  for (const d of p.decls) {
    if (prev !== undefined) out += sameGroup(prev, d) ? "\n" : "\n\n";
    out += printDecl(d);
    prev = d;
  }
  return out === "" ? "" : out + "\n";
}

function sameGroup(a: A.Decl, b: A.Decl): boolean {
  return (a.kind === "Use" && b.kind === "Use") || (a.kind === "Const" && b.kind === "Const") || (a.kind === "Data" && b.kind === "Data");
}

export function printDecl(d: A.Decl): string {
  switch (d.kind) {
    case "Use": {
      const mod = d.module.kind === "String" ? printString(d.module.value) : d.module.parts.map((p) => p.name).join(".");
      const names = d.names === null ? "" : ` { ${d.names.map((n) => (n.alias ? `${n.name.name} as ${n.alias.name}` : n.name.name)).join(", ")} }`;
      return `use ${mod}${names}`.replace("{  }", "{}");
    }
    case "Fn":
    case "Layer":
    case "Model": {
      const kw = d.kind === "Fn" ? "fn" : d.kind === "Layer" ? "layer" : "model";
      const head = `${kw} ${d.name.name}(${d.params.map(printParam).join(", ")})${d.ret ? " -> " + printType(d.ret) : ""}`;
      const only = d.body[0];
      if (d.exprBody && d.body.length === 1 && only !== undefined && only.kind === "ExprStmt") {
        return `${head} = ${printExpr(only.expr)}`;
      }
      return `${head} ${printBlock(d.body)}`;
    }
    case "Optimizer":
    case "Constraint": {
      const kw = d.kind === "Optimizer" ? "optimizer" : "constraint";
      return `${kw} ${d.name.name}(${d.params.map(printParam).join(", ")}) ${printBlock(d.body)}`;
    }
    case "Data":
      return `data ${d.name.name} = ${printExpr(d.value)}${d.split ? " split " + printExpr(d.split) : ""}`;
    case "Const":
      return `let ${d.name.name}${d.type ? ": " + printType(d.type) : ""} = ${printExpr(d.value)}`;
    case "Experiment":
      return `experiment ${d.name.name} ${printBlock(d.body)}`;
    case "Property":
      return `property ${printString(d.title.value)} ${printBlock(d.body)}`;
    case "Missing":
      return "<missing>";
  }
}

function printParam(p: A.Param): string {
  return `${p.name.name}${p.type ? ": " + printType(p.type) : ""}${p.default ? " = " + printExpr(p.default) : ""}`;
}

function printBlock(body: readonly A.Stmt[]): string {
  if (body.length === 0) return "{}";
  return `{\n${body.map((s) => INDENT + printStmt(s)).join("\n")}\n}`;
}

export function printStmt(s: A.Stmt): string {
  switch (s.kind) {
    case "Let":
      return `let ${s.name.name}${s.type ? ": " + printType(s.type) : ""} = ${printExpr(s.value)}`;
    case "ParamDecl":
      return `param ${s.name.name}: ${printType(s.type)} = ${printExpr(s.init)}`;
    case "StateDecl":
      return `state ${s.name.name}${s.type ? ": " + printType(s.type) : ""} = ${printExpr(s.init)}`;
    case "Assign":
      return `${s.target.name} <- ${printExpr(s.value)}`;
    case "ExprStmt": {
      const text = printExpr(s.expr);
      return startsAmbiguously(s.expr) ? `(${text})` : text;
    }
    case "ModelClause":
      return `model ${printExpr(s.model)}`;
    case "DataClause":
      return `data ${printExpr(s.source)}${printOptions(s.options)}`;
    case "EvalClause":
      return `eval ${printExpr(s.source)}${s.every ? " every " + printExpr(s.every) : ""}${printOptions(s.options)}`;
    case "StepsClause":
      return `steps ${printExpr(s.value)}`;
    case "LossClause":
      return `loss ${printExpr(s.value)}`;
    case "OptimizerClause":
      return `optimizer ${printExpr(s.value)}`;
    case "ConstrainClause":
      return `constrain ${printExpr(s.value)}`;
    case "MetricClause":
      return `metric ${s.name.name} = ${printExpr(s.value)}${s.every ? " every " + printExpr(s.every) : ""}`;
    case "ForAll": {
      const gens = s.generators.map((g) => `${g.name.name}: ${printType(g.type)}${g.range ? " in " + printExpr(g.range) : ""}`);
      return `forall ${gens.join(", ")}${s.where ? " where " + printExpr(s.where) : ""}`;
    }
    case "Assert":
      return `assert ${printExpr(s.expr)}${printOptions(s.options)}`;
    case "Missing":
      return "<missing>";
  }
}

function printOptions(options: readonly A.Arg[]): string {
  return options.map((o) => `, ${o.name ? o.name.name + ": " : ""}${printExpr(o.value)}`).join("");
}

/** An expression statement that would read back as something else: one starting with `-`
 * (it would continue the previous statement) or with a soft keyword (it would be a clause). */
function startsAmbiguously(e: A.Expr): boolean {
  for (;;) {
    // follow the leftmost operand, unless the printer puts it in parentheses
    let next: A.Expr;
    let min = L_POSTFIX;
    switch (e.kind) {
      case "Binary": {
        const p = BINARY_LEVEL[e.op];
        next = e.left;
        min = e.op === "^" ? L_POSTFIX : p === L_COMPARE ? L_ADD : p;
        break;
      }
      case "Call":
        next = e.callee;
        break;
      case "Field":
        if (e.object.kind === "Number") return false;
        next = e.object;
        break;
      case "Index":
        next = e.object;
        break;
      case "Unary":
        return e.op === "-";
      case "Name":
        return SOFT_KEYWORDS.has(e.name);
      default:
        return false;
    }
    if (level(next) < min) return false;
    e = next;
  }
}

// ---------------------------------------------------------------- types

export function printType(t: A.TypeExpr): string {
  switch (t.kind) {
    case "TensorType":
      return t.dims === null ? t.dtype : `${t.dtype}[${t.dims.map(printDim).join(", ")}]`;
    case "NamedType":
      return t.name;
    case "RecordType":
      return `{${t.fields.map((f) => `${f.name.name}: ${printType(f.type)}`).join(", ")}}`;
    case "Missing":
      return "<missing>";
  }
}

function printDim(d: A.Dim): string {
  return d.kind === "DimNum" ? String(d.value) : d.kind === "DimVar" ? d.name : "...";
}

// ---------------------------------------------------------------- expressions

/** Prints an expression with the fewest parentheses that keep its structure. */
export function printExpr(e: A.Expr): string {
  return expr(e, L_IF);
}

function level(e: A.Expr): number {
  switch (e.kind) {
    case "If":
      return L_IF;
    case "Binary":
      return BINARY_LEVEL[e.op];
    case "Unary":
      return e.op === "not" ? L_NOT : L_NEG;
    default:
      return L_POSTFIX;
  }
}

/** `e` printed where an expression of at least level `min` is expected. */
function expr(e: A.Expr, min: number): string {
  const text = bare(e);
  return level(e) < min ? `(${text})` : text;
}

function bare(e: A.Expr): string {
  switch (e.kind) {
    case "Number":
      return e.raw;
    case "String":
      return printString(e.value);
    case "Bool":
      return e.value ? "true" : "false";
    case "Name":
      return e.name;
    case "Missing":
      return "<missing>";
    case "If":
      return `if ${expr(e.cond, L_IF)} then ${expr(e.then, L_IF)} else ${expr(e.else, L_IF)}`;
    case "Unary": {
      if (e.op === "not") return `not ${expr(e.operand, L_NOT)}`;
      const operand = expr(e.operand, L_NEG);
      return operand.startsWith("-") ? `- ${operand}` : `-${operand}`;
    }
    case "Binary": {
      const p = BINARY_LEVEL[e.op];
      if (e.op === "^") return `${expr(e.left, L_POSTFIX)}^${expr(e.right, L_NEG)}`;
      if (p === L_COMPARE) return `${expr(e.left, L_ADD)} ${e.op} ${expr(e.right, L_ADD)}`;
      return `${expr(e.left, p)} ${e.op} ${expr(e.right, p + 1)}`;
    }
    case "Call":
      return `${postfixObject(e.callee)}(${e.args.map((a) => (a.name ? `${a.name.name}: ` : "") + printExpr(a.value)).join(", ")})`;
    case "Field":
      return `${e.object.kind === "Number" ? `(${e.object.raw})` : postfixObject(e.object)}.${e.field.name}`;
    case "Index":
      return `${postfixObject(e.object)}[${e.indices.map(printIndexItem).join(", ")}]`;
    case "List":
      return `[${e.items.map(printExpr).join(", ")}]`;
    case "Record":
      return `{${e.fields.map((f) => `${f.name.name}: ${printExpr(f.value)}`).join(", ")}}`;
  }
}

function postfixObject(e: A.Expr): string {
  return expr(e, L_POSTFIX);
}

function printIndexItem(i: A.IndexItem): string {
  switch (i.kind) {
    case "EllipsisIndex":
      return "...";
    case "Slice": {
      let s = `${i.start ? printExpr(i.start) : ""}:${i.stop ? printExpr(i.stop) : ""}`;
      if (i.step) s += `:${printExpr(i.step)}`;
      return s;
    }
    default:
      return printExpr(i);
  }
}

/** A string literal with the escapes of §1. */
export function printString(value: string): string {
  let out = '"';
  for (const ch of value) {
    out += ch === '"' ? '\\"' : ch === "\\" ? "\\\\" : ch === "\n" ? "\\n" : ch === "\t" ? "\\t" : ch;
  }
  return out + '"';
}
