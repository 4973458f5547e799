// Chevrotain's runtime, loaded once for the whole front end. The package's entry point is some
// sixty ES modules and takes about 40 ms to load; the single-file bundle that ships next to it
// (lib/chevrotain.min.mjs, the same code) takes about 10 ms, which matters for a short
// `lip check`. Every module of the front end imports Chevrotain's values from here, never from
// "chevrotain" directly: token types and parsers must come from one and the same instance.

import type * as Chevrotain from "chevrotain";

async function load(): Promise<typeof Chevrotain> {
  try {
    const entry = import.meta.resolve("chevrotain"); // .../chevrotain/lib/src/api.js
    return (await import(new URL("../chevrotain.min.mjs", entry).href)) as typeof Chevrotain;
  } catch {
    return await import("chevrotain");
  }
}

const chevrotain = await load();

export const { CstParser, EOF, Lexer, NoViableAltException, createToken, tokenMatcher } = chevrotain;
