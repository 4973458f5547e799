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

/** Restricted Damerau-Levenshtein (optimal string alignment) distance, in UTF-16 code units. */
export function editDistance(a: string, b: string): number {
  if (a === b) return 0;
  if (a.length === 0) return b.length;
  if (b.length === 0) return a.length;
  // Three rolling rows: two back (for transpositions), previous and current.
  let prev2 = new Array<number>(b.length + 1).fill(0);
  let prev = new Array<number>(b.length + 1);
  let cur = new Array<number>(b.length + 1);
  for (let j = 0; j <= b.length; j++) prev[j] = j;
  for (let i = 1; i <= a.length; i++) {
    cur[0] = i;
    const ai = a.charCodeAt(i - 1);
    for (let j = 1; j <= b.length; j++) {
      const bj = b.charCodeAt(j - 1);
      const cost = ai === bj ? 0 : 1;
      let d = Math.min(prev[j]! + 1, cur[j - 1]! + 1, prev[j - 1]! + cost);
      if (i > 1 && j > 1 && ai === b.charCodeAt(j - 2) && a.charCodeAt(i - 2) === bj) {
        d = Math.min(d, prev2[j - 2]! + 1);
      }
      cur[j] = d;
    }
    [prev2, prev, cur] = [prev, cur, prev2];
  }
  return prev[b.length]!;
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
  const lower = name.toLowerCase();
  const seen = new Set<string>();
  const scored: Scored[] = [];
  for (const c of candidates) {
    if (c === name || c.length === 0 || seen.has(c)) continue;
    seen.add(c);
    const lengthGap = Math.abs(c.length - name.length);
    if (c.toLowerCase() === lower) {
      scored.push({ name: c, rank: 0, lengthGap });
      continue;
    }
    if (lengthGap > threshold) continue; // the distance is at least the length difference
    const d = editDistance(name, c);
    if (d <= threshold) scored.push({ name: c, rank: 1 + d, lengthGap });
  }
  scored.sort(compareScored);
  return scored.slice(0, limit).map((s) => s.name);
}

/** The single best suggestion for a misspelt `name`, or undefined when nothing is close. */
export function suggest(name: string, candidates: Iterable<string>): string | undefined {
  return nearestNames(name, candidates, 1)[0];
}
