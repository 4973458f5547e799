// Character-level corpora: the names corpus from its npm package, local .txt files, and the
// makemore-style examples of charDataset.

import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, test } from "vitest";
import { charDataset, KNOWN_CORPORA, readCorpus } from "../../../runtime/io/text.js";
import { toNested } from "../../../runtime/tensor.js";
import { expectDataFileError, tempDir } from "./helpers.js";

let dir: string;
let cleanup: () => void;
beforeAll(() => ({ dir, cleanup } = tempDir()));
afterAll(() => cleanup());

describe("readCorpus", () => {
  test("names: a few thousand lower-cased English first names", () => {
    const names = readCorpus("names");
    expect(names.length).toBe(4951);
    expect(names.slice(0, 3)).toEqual(["aaren", "aarika", "abagael"]);
    expect(names).toContain("emma");
    expect(names.every((n) => n.length > 0 && n === n.toLowerCase())).toBe(true);
    expect(new Set(names.join("")).size).toBeLessThanOrEqual(27); // a-z and "-"
  });

  test("names: a fresh copy each time", () => {
    readCorpus("names").length = 0;
    expect(readCorpus("names").length).toBe(4951);
  });

  test("a local .txt file: one document per line, CRLF, blank lines skipped", () => {
    const path = join(dir, "words.txt");
    writeFileSync(path, "alpha\r\nbeta\n\n gamma \n\n");
    expect(readCorpus(path)).toEqual(["alpha", "beta", " gamma "]);
  });

  test("unknown corpus: the known ones are listed, with a suggestion", () => {
    expect(KNOWN_CORPORA).toEqual(["names"]);
    expectDataFileError(() => readCorpus("nmaes"), 'nmaes: unknown corpus (did you mean "names"?); the corpora are: names, or a path to a .txt file with one document per line');
    expectDataFileError(() => readCorpus("shakespeare"), "shakespeare: unknown corpus; the corpora are: names, or a path to a .txt file with one document per line");
  });

  test("a missing .txt file", () => {
    const path = join(dir, "none.txt");
    expectDataFileError(() => readCorpus(path), `${path}: no such file`);
  });
});

describe("charDataset", () => {
  test("vocabulary: the boundary first, then the characters in order", () => {
    expect(charDataset(["cab", "b"], 2).vocab).toEqual([".", "a", "b", "c"]);
    expect(charDataset([], 2).vocab).toEqual(["."]);
  });

  test("one example per position, left-padded windows, y is x shifted by one", () => {
    // vocab: . a b c -> 0 1 2 3
    const { x, y } = charDataset(["ab", "c"], 3);
    expect(x.dtype).toBe("i32");
    expect(x.shape).toEqual([5, 3]);
    expect(y.shape).toEqual([5, 3]);
    expect(toNested(x)).toEqual([
      [0, 0, 0], // ... -> a
      [0, 0, 1], // ..a -> b
      [0, 1, 2], // .ab -> .
      [0, 0, 0], // ... -> c
      [0, 0, 3], // ..c -> .
    ]);
    expect(toNested(y)).toEqual([
      [0, 0, 1],
      [0, 1, 2],
      [1, 2, 0],
      [0, 0, 3],
      [0, 3, 0],
    ]);
  });

  test("a document longer than the context slides the window", () => {
    const { vocab, x, y } = charDataset(["abcd"], 2);
    const show = (rows: unknown) => (rows as number[][]).map((r) => r.map((i) => vocab[i]).join(""));
    expect(show(toNested(x))).toEqual(["..", ".a", "ab", "bc", "cd"]);
    expect(show(toNested(y))).toEqual([".a", "ab", "bc", "cd", "d."]);
  });

  test("context 1 is the bigram model; characters outside the BMP are one token", () => {
    const { vocab, x, y } = charDataset(["a😀"], 1);
    expect(vocab).toEqual([".", "a", "😀"]);
    expect(Array.from(x.data)).toEqual([0, 1, 2]);
    expect(Array.from(y.data)).toEqual([1, 2, 0]);
  });

  test("the names corpus: n = characters + one end per name", () => {
    const names = readCorpus("names");
    const { vocab, x, y } = charDataset(names, 8);
    const n = names.reduce((s, d) => s + d.length + 1, 0);
    expect(x.shape).toEqual([n, 8]);
    expect(y.shape).toEqual([n, 8]);
    expect(vocab[0]).toBe(".");
    expect(vocab).toContain("z");
    // every window's last target of a name is the boundary
    expect(y.data[(names[0]!.length + 1) * 8 - 1]).toBe(0);
  });

  test("a document containing the boundary character is refused", () => {
    expectDataFileError(() => charDataset(["ok", "dr. who"], 3, "people.txt"), 'people.txt: document 2 ("dr. who") contains the boundary character "."');
  });

  test("the context must be a positive integer", () => {
    expect(() => charDataset(["a"], 0)).toThrow(RangeError);
  });
});
