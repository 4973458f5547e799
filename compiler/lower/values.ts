// What an expression lowers to. Compile-time scalars stay JavaScript numbers (`num`) until they
// meet a tensor, where they become constants of the tensor's dtype (Lip's weak literals); this
// is how shapes, axes and hyperparameters fold at compile time. Everything else is a node.

import type * as A from "../ast/nodes.js";
import type { Module } from "../check/module.js";
import type { Node } from "../ir/node.js";

export type NumKind = "int" | "float" | "bool";

export type LVal =
  | { readonly k: "tensor"; readonly node: Node }
  | { readonly k: "num"; readonly value: number; readonly kind: NumKind }
  | { readonly k: "str"; readonly value: string }
  | { readonly k: "list"; readonly items: readonly LVal[] }
  | {
      readonly k: "record";
      readonly fields: ReadonlyMap<string, LVal>;
      /** A data set declared with `split f`: its `train` and `test` views. */
      readonly splits?: ReadonlyMap<string, LVal>;
      /** This record is one part of a split data set (the runtime shuffles and splits). */
      readonly split?: { readonly fraction: number; readonly part: "train" | "test" };
    }
  | { readonly k: "decl"; readonly decl: A.Callable | A.UpdateRule; readonly module: Module }
  | { readonly k: "builtin"; readonly name: string }
  | { readonly k: "rule"; readonly decl: A.UpdateRule; readonly module: Module; readonly args: ReadonlyMap<string, LVal> }
  | { readonly k: "params"; readonly members: readonly { readonly name: string; readonly node: Node }[] };

export const tensorV = (node: Node): LVal => ({ k: "tensor", node });
export const numV = (value: number, kind: NumKind): LVal => ({ k: "num", value, kind });
