// What a pass is: a named function from an IR function to an equivalent IR function (same
// inputs, same output names, types and values). Passes build new nodes in the context of the
// function's nodes and never mutate anything.

import type { IrFunction } from "../ir/function.js";

export interface Pass {
  readonly name: string;
  readonly description: string;
  readonly run: (fn: IrFunction) => IrFunction;
}
