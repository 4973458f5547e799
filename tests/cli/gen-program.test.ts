// The benchmark program generator (bench/gen-program.ts): sizes, determinism, and that what it
// generates is a clean Lip program (otherwise the benchmark would time error paths).

import { describe, expect, test } from "vitest";
import { generateProgram, lineCount } from "../../bench/gen-program.js";
import { checkSource } from "../../compiler/driver.js";

describe("generateProgram", () => {
  test("has at least the requested lines, and not much more", () => {
    for (const n of [1, 500, 2_000]) {
      const lines = lineCount(generateProgram(n));
      expect(lines).toBeGreaterThanOrEqual(n);
      expect(lines).toBeLessThan(n + 60);
    }
  });

  test("is deterministic for a seed and varies with it", () => {
    expect(generateProgram(300)).toBe(generateProgram(300));
    expect(generateProgram(300, { seed: 2 })).not.toBe(generateProgram(300));
  });

  test("checks clean", () => {
    const { diagnostics } = checkSource(generateProgram(400), "generated.lip");
    expect(diagnostics.map((d) => `${d.code} ${d.message}`)).toEqual([]);
  });
});
