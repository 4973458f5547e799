// "did you mean" help lines, on top of the edit-distance suggestion in diag/suggest.ts.

import { suggest } from "../diag/suggest.js";

export function suggestionHelp(name: string, candidates: Iterable<string>, format: (s: string) => string): string | undefined {
  const s = suggest(name, candidates);
  return s === undefined ? undefined : format(s);
}
