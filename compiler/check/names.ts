// Parameter paths: how the parameters of a model are named. A layer call bound by `let h1 = ...`
// names its parameters `h1.w`; a call that is not let-bound is named after the layer and its
// position among that layer's calls in the body (`dense_3.w`); nested layers nest names.
// The checker collects the parameters of each model with these names; the IR's lowering
// uses the same rule, so names agree everywhere (safetensors files, ONNX graphs, --init).

import type { TensorType } from "./types.js";

export interface CollectedParam {
  readonly name: string; // full path without the model's name: "h1.w"
  readonly type: TensorType;
}

export class ParamCollector {
  readonly params: CollectedParam[] = [];
  private readonly prefix: string[] = [];
  private readonly counters: Map<string, number>[] = [new Map()];
  /** The `let` being checked in the current body, and how many layer calls it has named. */
  private readonly letNames: ({ name: string; uses: number } | null)[] = [null];

  /** The name for the next layer call in the current body. */
  nameForCall(layer: string): string {
    const counters = this.counters[this.counters.length - 1]!;
    const count = (counters.get(layer) ?? 0) + 1;
    counters.set(layer, count);
    const current = this.letNames[this.letNames.length - 1];
    if (current) {
      current.uses++;
      return current.uses === 1 ? current.name : `${current.name}_${current.uses}`;
    }
    return `${layer}_${count}`;
  }

  setLet(name: string | null): void {
    this.letNames[this.letNames.length - 1] = name === null ? null : { name, uses: 0 };
  }

  enter(name: string): void {
    this.prefix.push(name);
    this.counters.push(new Map());
    this.letNames.push(null);
  }

  leave(): void {
    this.prefix.pop();
    this.counters.pop();
    this.letNames.pop();
  }

  /** The full path of a parameter declared in the current layer. */
  fullName(name: string): string {
    return [...this.prefix, name].join(".");
  }

  add(name: string, type: TensorType): void {
    this.params.push({ name: [...this.prefix, name].join("."), type });
  }
}

/** Does a parameter path match a pattern such as `*.w`, `h1.*`, `h1.w`? `*` matches one or more segments. */
export function pathMatches(pattern: readonly string[], path: readonly string[]): boolean {
  if (pattern.length === 0) return path.length === 0;
  const [head, ...rest] = pattern;
  if (head === "*") {
    for (let i = 1; i <= path.length; i++) if (pathMatches(rest, path.slice(i))) return true;
    return false;
  }
  return path.length > 0 && path[0] === head && pathMatches(rest, path.slice(1));
}
