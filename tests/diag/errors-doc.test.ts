// docs/errors.md must be current with the code registry (compiler/diag/codes.ts): every code has
// a heading with a stable anchor and an explanation. After adding a code, run
// `npm run errors-doc` and write the explanation it asks for.

import { readFileSync } from "node:fs";
import { describe, expect, test } from "vitest";
import { codes } from "../../compiler/diag/codes.js";
import { errorsDocPath, explanations, generateErrorsDoc, PLACEHOLDER } from "../../compiler/diag/errors-doc.js";

describe("docs/errors.md", () => {
  const current = readFileSync(errorsDocPath(), "utf8");

  test("is current with compiler/diag/codes.ts (run `npm run errors-doc` if not)", () => {
    expect(current).toBe(generateErrorsDoc(codes, current));
  });

  test("explains every code", () => {
    const undocumented = [...explanations(current)].filter(([, text]) => text === PLACEHOLDER).map(([c]) => c);
    expect(undocumented).toEqual([]);
  });
});

describe("generateErrorsDoc", () => {
  const registry = { LIP1001: "unexpected token", LIP3001: "shapes cannot be broadcast", LIP2001: "unknown name" };

  test("sections by range, codes in order, anchors, and placeholders for new codes", () => {
    const doc = generateErrorsDoc(registry);
    const headings = doc.split("\n").filter((l) => l.startsWith("#"));
    expect(headings).toEqual([
      "# Lip error index",
      "## Index",
      "## Syntax (LIP1xxx)",
      "### LIP1001: unexpected token",
      "## Names and declarations (LIP2xxx)",
      "### LIP2001: unknown name",
      "## Types and shapes (LIP3xxx)",
      "### LIP3001: shapes cannot be broadcast",
    ]);
    expect(doc).toContain('<a id="lip3001"></a>\n### LIP3001');
    expect(doc).toContain("| [LIP2001](#lip2001) | unknown name |");
    expect([...explanations(doc).values()]).toEqual([PLACEHOLDER, PLACEHOLDER, PLACEHOLDER]);
  });

  test("keeps hand-written explanations, follows renamed titles, drops removed codes", () => {
    const written = generateErrorsDoc(registry).replace(
      "### LIP2001: unknown name\n\n" + PLACEHOLDER,
      "### LIP2001: unknown name\n\nA name is not in scope.\n\n```lip\nfn f() = y\n```",
    );
    const renamed = generateErrorsDoc({ LIP2001: "unknown name or field", LIP1001: "unexpected token" }, written);
    expect(renamed).toContain("### LIP2001: unknown name or field\n\nA name is not in scope.\n\n```lip\nfn f() = y\n```\n");
    expect(renamed).not.toContain("LIP3001");
    expect(generateErrorsDoc({ LIP2001: "unknown name or field", LIP1001: "unexpected token" }, renamed)).toBe(renamed);
  });
});
