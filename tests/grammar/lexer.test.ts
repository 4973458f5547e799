import { describe, expect, test } from "vitest";
import { lex, validatingLexer } from "../../grammar/lexer.js";
import { SourceFile } from "../../compiler/diag/span.js";
import { parse, spansInside } from "./helpers.js";

function kinds(text: string): string[] {
  return lex(new SourceFile("t.lip", text)).tokens.map((t) => t.tokenType.name);
}

function images(text: string): string[] {
  return lex(new SourceFile("t.lip", text)).tokens.map((t) => t.image);
}

function lexDiags(text: string) {
  return lex(new SourceFile("t.lip", text)).diagnostics;
}

describe("lexer", () => {
  test("the vocabulary passes Chevrotain's own validations", () => {
    expect(() => validatingLexer()).not.toThrow();
  });

  test("numbers", () => {
    expect(images("42 0.5 3e-3 1.5E+2 7e10")).toEqual(["42", "0.5", "3e-3", "1.5E+2", "7e10"]);
    expect(kinds("42 0.5 3e-3")).toEqual(["NumberLit", "NumberLit", "NumberLit"]);
  });

  test("malformed numbers are one token and one LIP1008 each", () => {
    for (const bad of ["1e", "2.", "3abc", "1.5e+", "1..2"]) {
      const ds = lexDiags(`let x = ${bad}`);
      expect(ds.map((d) => d.code), bad).toEqual(["LIP1008"]);
      expect(ds[0]!.message).toContain(bad.replace(/\+$/, ""));
    }
  });

  test("keywords, soft keywords and identifiers", () => {
    expect(kinds("fn fnord let letter in int into as assert model models")).toEqual([
      "Fn", "Identifier", "Let", "Identifier", "In", "Int", "Identifier", "As", "Assert", "Model", "Identifier",
    ]);
    expect(kinds("f32 f32x bool boolean")).toEqual(["F32", "Identifier", "Bool", "Identifier"]);
  });

  test("operators take the longest match", () => {
    expect(images("a<-b<=c<d->e-f==g=h!=i~=j...k.l:=m:n")).toEqual([
      "a", "<-", "b", "<=", "c", "<", "d", "->", "e", "-", "f", "==", "g", "=", "h", "!=", "i", "~=", "j", "...", "k", ".", "l", ":=", "m", ":", "n",
    ]);
  });

  test("comments are skipped, including non-ASCII", () => {
    expect(images("a // comment ☃ 日本\nb /* block\n é */ c")).toEqual(["a", "b", "c"]);
    expect(images("/**/a/***/b/* ** */c")).toEqual(["a", "b", "c"]);
  });

  test("strings with escapes and non-ASCII", () => {
    expect(images(String.raw`"a\"b\\c\nd\te" "☃ 😀"`)).toEqual([String.raw`"a\"b\\c\nd\te"`, '"☃ 😀"']);
    expect(lexDiags('"ok"')).toEqual([]);
  });

  test("an unterminated string is LIP1002 and still a string token", () => {
    const r = lex(new SourceFile("t.lip", 'let s = "abc\nlet t = 1'));
    expect(r.diagnostics.map((d) => d.code)).toEqual(["LIP1002"]);
    expect(r.tokens.map((t) => t.tokenType.name)).toEqual(["Let", "Identifier", "Eq", "StringLit", "Let", "Identifier", "Eq", "NumberLit"]);
    expect(parse('let s = "abc\nlet t = 1').diagnostics.map((d) => d.code)).toEqual(["LIP1002"]);
  });

  test("an unknown escape is LIP1011", () => {
    const ds = lexDiags(String.raw`let s = "a\qb"`);
    expect(ds.map((d) => d.code)).toEqual(["LIP1011"]);
    expect(ds[0]!.primary.span).toMatchObject({ start: 10, end: 12 });
  });

  test("an unterminated block comment is LIP1003, once", () => {
    const r = parse("fn f() = 1\n/* never closed\nfn g() = 2");
    expect(r.diagnostics.map((d) => d.code)).toEqual(["LIP1003"]);
    expect(r.program.decls).toHaveLength(1);
    // what the comment hides (here the `}` and the rest of the expression) is not reported
    expect(parse("fn f() {\n  let x = 1 + /* oops\n  x\n}\n").diagnostics.map((d) => d.code)).toEqual(["LIP1003"]);
  });

  test("a run of invalid characters is one LIP1004 that shows them", () => {
    const ds = lexDiags("let x = 1 § ¶ ¤ 2");
    expect(ds.map((d) => d.code)).toEqual(["LIP1004"]);
    expect(ds[0]!.message).toContain("§");
    expect(ds[0]!.primary.span).toMatchObject({ start: 10, end: 15 });
    expect(lexDiags("a ! b")[0]!.message).toBe("invalid character `!`");
    expect(lexDiags("a \u0007 b")[0]!.message).toBe("invalid character U+0007");
    expect(lexDiags("let café = 1")[0]!.notes.join()).toContain("ASCII");
  });

  test("invalid characters of one line are one diagnostic, with a hint for other languages' syntax", () => {
    const one = (text: string) => {
      const ds = lexDiags(text);
      expect(ds, text).toHaveLength(1);
      return ds[0]!;
    };
    expect(one("let s = 'a'").message).toBe("invalid character `'`");
    expect(one("let s = 'a'").help).toContain("double quotes");
    expect(one("let b = x && y").help).toBe("write `and`");
    expect(one("let b = x || y").help).toBe("write `or`");
    expect(one("let b = !x").help).toBe("write `not`");
    expect(one("# comment").help).toContain("//");
    expect(lexDiags("let a = §\nlet b = §")).toHaveLength(2);
  });

  test("binary input is one LIP1007", () => {
    for (const text of ["let x = 1\u0000", "\u0001\u0002\u0003\u0004\u0005\u0006\u0007\u0008\u000e\u000f\u0010\u0011\u0012\u0013\u0014\u0015\u0016"]) {
      const r = parse(text);
      expect(r.diagnostics.map((d) => d.code)).toEqual(["LIP1007"]);
      expect(r.diagnostics[0]!.message).toBe("this does not look like a Lip source file (binary data)");
      expect(spansInside(r.diagnostics, text.length)).toBe(true);
    }
  });

  test("a byte order mark and CRLF line ends are fine", () => {
    const r = parse("\uFEFFfn f(x) = x\r\nfn g(y) = y\r\n");
    expect(r.diagnostics).toEqual([]);
    expect(r.program.decls).toHaveLength(2);
  });

  test("diagnostics are capped, with a note on the last", () => {
    const text = Array.from({ length: 200 }, () => "§ x").join("\n");
    const ds = parse(text).diagnostics;
    expect(ds.length).toBe(50);
    expect(ds[49]!.notes.join()).toContain("too many errors");
  });

  test("spans are UTF-16 offsets", () => {
    const text = 'let s = "😀"\nlet t = 1 § 2';
    const ds = parse(text).diagnostics;
    expect(ds).toHaveLength(1);
    expect(text.slice(ds[0]!.primary.span.start, ds[0]!.primary.span.end)).toBe("§");
  });
});
