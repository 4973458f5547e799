// "Did you mean ...?": the nearest known name to a misspelt one, by restricted Damerau-Levenshtein
// distance (optimal string alignment: insert, delete, substitute, swap two adjacent characters),
// as in Elm's Reporting/Suggest.hs and rustc's `find_best_match_for_name`.
//
// Rules (deterministic whatever the order of the candidates):
//  1. a candidate equal to `name` ignoring case wins outright (`Relu` -> `relu`);
//  2. otherwise the candidate with the smallest distance wins, if that distance is at most
//     max(1, floor(len / 3)) where len is the length of `name`: `dense2` -> `dense` (1 edit), but
//     `x` -> `y` also counts (1 edit), and `foo` never becomes `bar`;
//  3. ties go to the candidate whose length is closest to `name`'s, then to the first in code-unit
//     order (not locale order, so results do not depend on the machine).
// `name` itself is never suggested.

// Three reusable DP rows (two back, for transpositions): suggest() runs this for every candidate
// of every unknown name, so it must not allocate.
let rows = [new Int32Array(32), new Int32Array(32), new Int32Array(32)];

/**
 * The OSA distance of `a` and `b`, or some value above `limit` as soon as the distance is known
 * to exceed it (the values of rows i-1 and i bound every later row from below).
 */
function boundedDistance(a: string, b: string, limit: number): number {
  if (a === b) return 0;
  if (a.length === 0) return b.length;
  if (b.length === 0) return a.length;
  const n = b.length + 1;
  if (rows[0]!.length < n) rows = [new Int32Array(n * 2), new Int32Array(n * 2), new Int32Array(n * 2)];
  let [prev2, prev, cur] = rows as [Int32Array, Int32Array, Int32Array];
  for (let j = 0; j < n; j++) prev[j] = j;
  let prevMin = 0;
  for (let i = 1; i <= a.length; i++) {
    cur[0] = i;
    let rowMin = i;
    const ai = a.charCodeAt(i - 1);
    for (let j = 1; j < n; j++) {
      const bj = b.charCodeAt(j - 1);
      let d = Math.min(prev[j]! + 1, cur[j - 1]! + 1, prev[j - 1]! + (ai === bj ? 0 : 1));
      if (i > 1 && j > 1 && ai === b.charCodeAt(j - 2) && a.charCodeAt(i - 2) === bj) d = Math.min(d, prev2[j - 2]! + 1);
      cur[j] = d;
      if (d < rowMin) rowMin = d;
    }
    if (rowMin > limit && prevMin > limit) return limit + 1;
    prevMin = rowMin;
    [prev2, prev, cur] = [prev, cur, prev2];
  }
  return prev[n - 1]!;
}

// Per-code-unit counts for bagDistance; always all zero between calls.
const counts = new Int32Array(65536);

/**
 * A lower bound of the edit distance in O(length): max(|A \ B|, |B \ A|) for the multisets of
 * code units. Each insertion, deletion or substitution lowers it by at most one and a
 * transposition does not change it, so it never exceeds the OSA distance. It rejects most
 * candidates without running the quadratic DP.
 */
function bagDistance(a: string, b: string): number {
  for (let i = 0; i < a.length; i++) counts[a.charCodeAt(i)]!++;
  for (let j = 0; j < b.length; j++) counts[b.charCodeAt(j)]!--;
  let onlyA = 0;
  let onlyB = 0;
  for (let i = 0; i < a.length; i++) {
    const k = a.charCodeAt(i);
    if (counts[k]! > 0) onlyA += counts[k]!;
    counts[k] = 0;
  }
  for (let j = 0; j < b.length; j++) {
    const k = b.charCodeAt(j);
    if (counts[k]! < 0) onlyB -= counts[k]!;
    counts[k] = 0;
  }
  return Math.max(onlyA, onlyB);
}

/** Restricted Damerau-Levenshtein (optimal string alignment) distance, in UTF-16 code units. */
export function editDistance(a: string, b: string): number {
  return boundedDistance(a, b, Infinity);
}

/** The largest distance at which a candidate is still offered for `name`. */
export function suggestionThreshold(name: string): number {
  return Math.max(1, Math.floor(name.length / 3));
}

interface Scored {
  readonly name: string;
  readonly rank: number; // 0: same ignoring case; otherwise 1 + edit distance
  readonly lengthGap: number;
}

function compareScored(x: Scored, y: Scored): number {
  if (x.rank !== y.rank) return x.rank - y.rank;
  if (x.lengthGap !== y.lengthGap) return x.lengthGap - y.lengthGap;
  return x.name < y.name ? -1 : x.name > y.name ? 1 : 0;
}

/**
 * Every candidate close enough to `name`, best first (see the rules at the top of this file).
 * Duplicates are removed; `limit` caps the list (Elm shows up to 4).
 */
export function nearestNames(name: string, candidates: Iterable<string>, limit = Infinity): string[] {
  if (name.length === 0) return [];
  const threshold = suggestionThreshold(name);
  let lower: string | undefined;
  const scored: Scored[] = [];
  for (const c of candidates) {
    if (c === name || c.length === 0) continue;
    const lengthGap = Math.abs(c.length - name.length);
    if (lengthGap === 0 && c.toLowerCase() === (lower ??= name.toLowerCase())) {
      scored.push({ name: c, rank: 0, lengthGap });
      continue;
    }
    if (lengthGap > threshold) continue; // the distance is at least the length difference
    if (bagDistance(name, c) > threshold) continue;
    const d = boundedDistance(name, c, threshold);
    if (d <= threshold) scored.push({ name: c, rank: 1 + d, lengthGap });
  }
  scored.sort(compareScored);
  const out: string[] = [];
  for (const s of scored) {
    if (out.length >= limit) break;
    if (out[out.length - 1] !== s.name) out.push(s.name); // duplicates are adjacent once sorted
  }
  return out;
}

/** The single best suggestion for a misspelt `name`, or undefined when nothing is close. */
export function suggest(name: string, candidates: Iterable<string>): string | undefined {
  return nearestNames(name, candidates, 1)[0];
}
