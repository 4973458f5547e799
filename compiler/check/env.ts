// Scopes: what a name means at a point of the program. A scope chain ends at the module's
// top-level declarations, then the prelude (built-ins). Each binding remembers where it was
// declared (for "defined here" labels), what kind of thing it is (for "not state" errors) and
// its binding time (compile-time constant, run constant, per-step stream, tensor).

import type { Span } from "../diag/span.js";
import type { Type } from "./types.js";

/** The binding-time lattice: the earliest moment a value is known. */
export enum BT {
  Const = 0, // folded at compile time
  Run = 1, // fixed for a run (hyperparameters, `--set`)
  Step = 2, // recomputed once per step (learning rate, scalar state)
  Tensor = 3, // flows through the kernels (parameters, batch, activations)
}

export const btNames = ["const", "run", "step", "tensor"] as const;

export function joinBT(...xs: BT[]): BT {
  let m = BT.Const;
  for (const x of xs) if (x > m) m = x;
  return m;
}

export type BindingKind =
  | "local" // let, fn parameter, generator
  | "state" // state declared in this body: may be assigned with `<-`
  | "param" // `param` declaration of a layer
  | "update-target" // `param` in an optimizer, the constrained tensor in a constraint
  | "decl" // a top-level declaration
  | "builtin"
  | "size"; // a size variable usable as an int

export interface Binding {
  readonly name: string;
  readonly type: Type;
  readonly bt: BT;
  readonly kind: BindingKind;
  readonly span: Span | null; // declaration site; null for built-ins
  used?: boolean;
}

export class Scope {
  private readonly names = new Map<string, Binding>();
  constructor(
    readonly parent: Scope | null,
    /** Resolves names not found in the chain: the module's declarations and the prelude. */
    private readonly fallback: ((name: string) => Binding | undefined) | null = null,
  ) {}

  define(b: Binding): void {
    this.names.set(b.name, b);
  }

  own(name: string): Binding | undefined {
    return this.names.get(name);
  }

  lookup(name: string): Binding | undefined {
    for (let s: Scope | null = this; s !== null; s = s.parent) {
      const b = s.names.get(name);
      if (b !== undefined) return b;
      if (s.fallback) {
        const f = s.fallback(name);
        if (f !== undefined) return f;
      }
    }
    return undefined;
  }

  /** Every visible name, for "did you mean" suggestions. */
  visibleNames(extra: Iterable<string> = []): string[] {
    const out = new Set<string>(extra);
    for (let s: Scope | null = this; s !== null; s = s.parent) for (const k of s.names.keys()) out.add(k);
    return [...out];
  }

  child(): Scope {
    return new Scope(this);
  }
}
