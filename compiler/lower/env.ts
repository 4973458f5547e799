// Lowering environments: names to values, with lazy entries for simultaneous bodies (an
// experiment's or optimizer's `let`s are lowered when first read, so their order is free; the
// checker has already ruled out cycles).

import { CompilerBug } from "../diag/diagnostic.js";
import type { LVal } from "./values.js";

type Entry = { value: LVal } | { thunk: () => LVal; forcing: boolean };

export class Env {
  private readonly names = new Map<string, Entry>();
  constructor(
    readonly parent: Env | null,
    private readonly fallback: ((name: string) => LVal | undefined) | null = null,
  ) {}

  define(name: string, value: LVal): void {
    this.names.set(name, { value });
  }

  defineLazy(name: string, thunk: () => LVal): void {
    this.names.set(name, { thunk, forcing: false });
  }

  lookup(name: string): LVal | undefined {
    for (let e: Env | null = this; e !== null; e = e.parent) {
      const entry = e.names.get(name);
      if (entry !== undefined) return force(e.names, name, entry);
      if (e.fallback) {
        const v = e.fallback(name);
        if (v !== undefined) return v;
      }
    }
    return undefined;
  }

  get(name: string): LVal {
    const v = this.lookup(name);
    if (v === undefined) throw new CompilerBug(`lowering: unbound name \`${name}\` (the checker should have rejected this)`);
    return v;
  }

  child(): Env {
    return new Env(this);
  }
}

function force(table: Map<string, Entry>, name: string, entry: Entry): LVal {
  if ("value" in entry) return entry.value;
  if (entry.forcing) throw new CompilerBug(`lowering: \`${name}\` depends on itself`);
  entry.forcing = true;
  const value = entry.thunk();
  table.set(name, { value });
  return value;
}
