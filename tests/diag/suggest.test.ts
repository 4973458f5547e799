// "Did you mean": edit distance and the choice of suggestion (compiler/diag/suggest.ts).

import { describe, expect, test } from "vitest";
import fc from "fast-check";
import { editDistance, nearestNames, suggest, suggestionThreshold } from "../../compiler/diag/suggest.js";

describe("editDistance (optimal string alignment)", () => {
  test.each([
    ["", "", 0],
    ["", "abc", 3],
    ["relu", "relu", 0],
    ["relu", "relus", 1], // insertion
    ["dense", "dnse", 1], // deletion
    ["adamw", "adamx", 1], // substitution
    ["sigmoid", "sigmodi", 1], // adjacent transposition counts once
    ["ca", "abc", 3], // OSA, not full Damerau-Levenshtein (which would say 2)
    ["kitten", "sitting", 3],
  ])("%j ~ %j = %i", (a, b, d) => {
    expect(editDistance(a, b)).toBe(d);
    expect(editDistance(b, a)).toBe(d);
  });

  test("is a metric-like function: zero iff equal, symmetric, bounded by the longer length", () => {
    fc.assert(
      fc.property(fc.string({ maxLength: 12 }), fc.string({ maxLength: 12 }), (a, b) => {
        const d = editDistance(a, b);
        expect(d === 0).toBe(a === b);
        expect(editDistance(b, a)).toBe(d);
        expect(d).toBeLessThanOrEqual(Math.max(a.length, b.length));
        expect(d).toBeGreaterThanOrEqual(Math.abs(a.length - b.length));
      }),
    );
  });
});

describe("suggest", () => {
  const prelude = ["abs", "exp", "log", "sqrt", "relu", "sigmoid", "tanh", "mean", "max", "min", "matmul", "softmax", "dense"];

  test("typical typos", () => {
    expect(suggest("sigmiod", prelude)).toBe("sigmoid");
    expect(suggest("rleu", prelude)).toBe("relu");
    expect(suggest("dense2", prelude)).toBe("dense");
    expect(suggest("softamx", prelude)).toBe("softmax");
    expect(suggest("matmull", prelude)).toBe("matmul");
  });

  test("nothing close enough gives undefined", () => {
    expect(suggest("foo", prelude)).toBeUndefined();
    expect(suggest("linear", prelude)).toBeUndefined();
    expect(suggest("x", [])).toBeUndefined();
    expect(suggest("", prelude)).toBeUndefined();
  });

  test("the threshold grows with the length: max(1, floor(len / 3))", () => {
    expect(suggestionThreshold("ab")).toBe(1);
    expect(suggestionThreshold("sqrt")).toBe(1);
    expect(suggestionThreshold("sigmoid")).toBe(2);
    expect(suggest("sqr", prelude)).toBe("sqrt"); // 1 edit
    expect(suggest("sq", prelude)).toBeUndefined(); // 2 edits, too many for 2 letters
    expect(suggest("sgmod", prelude)).toBeUndefined(); // 2 edits, but 5 letters allow only 1
    expect(suggest("sgmoidd", prelude)).toBe("sigmoid"); // 2 edits on 7 letters
  });

  test("a match ignoring case wins, even over a nearer name", () => {
    expect(suggest("RELU", ["relu", "RELUS"])).toBe("relu");
    expect(suggest("Mean", ["mean", "Meat"])).toBe("mean");
  });

  test("the name itself is never suggested", () => {
    expect(suggest("relu", ["relu"])).toBeUndefined();
  });

  test("ties are broken the same way whatever the order of the candidates", () => {
    const names = ["maxx", "mix", "man", "mac", "max2"];
    const first = suggest("max", names);
    expect(first).toBe("mac"); // distance 1 and same length; `mac` < `man` < `mix`
    fc.assert(
      fc.property(fc.shuffledSubarray(names, { minLength: names.length }), (shuffled) => {
        expect(suggest("max", shuffled)).toBe(first);
      }),
    );
  });

  test("agrees with a brute-force search over editDistance", () => {
    const word = fc.string({ unit: fc.constantFrom("a", "b", "c", "A", "x", "é"), maxLength: 7 });
    fc.assert(
      fc.property(word, fc.array(word, { maxLength: 12 }), (name, cands) => {
        const t = suggestionThreshold(name);
        const brute = name === "" ? [] : [...new Set(cands)].filter(
          (c) => c !== name && c !== "" && (c.toLowerCase() === name.toLowerCase() || editDistance(name, c) <= t),
        );
        expect(new Set(nearestNames(name, cands))).toEqual(new Set(brute));
      }),
    );
  });

  test("is fast enough for thousands of unknown names against thousands of candidates", () => {
    const names = Array.from({ length: 3000 }, (_, i) => `f${i}`);
    const t0 = performance.now();
    for (let i = 0; i < 3000; i++) suggest(`y${i}`, names);
    expect(performance.now() - t0).toBeLessThan(3000); // about 0.3 s on a laptop
  });

  test("nearestNames lists the candidates best first, without duplicates", () => {
    // all at distance 1 and one letter longer: code-unit order
    expect(nearestNames("mx", ["mx2", "mix", "max", "max", "zzz"])).toEqual(["max", "mix", "mx2"]);
    // same distance: the candidate of the same length comes first
    expect(nearestNames("sigmoidd", ["sigmoid", "sigmoids", "sigma"])).toEqual(["sigmoids", "sigmoid"]);
    expect(nearestNames("sigmoidd", ["sigmoid", "sigmoids"], 1)).toEqual(["sigmoids"]);
  });
});
