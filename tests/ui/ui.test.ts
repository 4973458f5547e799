// UI tests: each tests/ui/NAME.lip is a broken program whose first line says which error it
// must produce (`// expect: LIP3003`). The program must give exactly one error, with that code,
// and its rendered diagnostics must equal tests/ui/NAME.stderr (bless with UPDATE_GOLDEN=1).

import { existsSync, readdirSync, readFileSync, writeFileSync } from "node:fs";
import { join, relative } from "node:path";
import { describe, expect, test } from "vitest";
import { checkFiles } from "../../compiler/driver.js";
import { renderText } from "../../compiler/diag/render-text.js";

const dir = join(import.meta.dirname, "");
const cases = readdirSync(dir).filter((f) => f.endsWith(".lip")).sort();
const update = process.env.UPDATE_GOLDEN === "1";

describe("diagnostics UI", () => {
  test("the suite has at least 40 broken programs", () => {
    expect(cases.length).toBeGreaterThanOrEqual(40);
  });

  for (const name of cases) {
    test(name, () => {
      const path = relative(process.cwd(), join(dir, name));
      const source = readFileSync(join(dir, name), "utf8");
      const expected = /^\/\/ expect: (LIP\d{4})/.exec(source)?.[1];
      expect(expected, "first line must be `// expect: LIPxxxx`").toBeDefined();
      const { diagnostics, files } = checkFiles([path]);
      const errors = diagnostics.filter((d) => d.severity === "error");
      const rendered = diagnostics.map((d) => renderText(d, files, { color: false })).join("\n");
      expect(errors.map((e) => e.code), rendered).toEqual([expected]);
      const golden = join(dir, name.replace(/\.lip$/, ".stderr"));
      if (update || !existsSync(golden)) {
        if (!update) throw new Error(`missing golden file ${golden}; run with UPDATE_GOLDEN=1 to create it`);
        writeFileSync(golden, rendered);
      }
      expect(rendered).toBe(readFileSync(golden, "utf8"));
    });
  }
});
