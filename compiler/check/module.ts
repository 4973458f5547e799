// A checked module: one parsed file, its top-level declarations and its imports. The loader
// (loader.ts) creates modules; the checker resolves names through them.

import type * as A from "../ast/nodes.js";
import type { SourceFile } from "../diag/span.js";

export interface Module {
  readonly path: string; // as shown in diagnostics: "examples/quickstart.lip", "std/nn.lip"
  readonly file: SourceFile;
  readonly program: A.Program;
  /** Top-level declarations by name (experiments and properties are not values). */
  readonly decls: Map<string, A.Decl>;
  /** Imported names, resolved lazily by the checker. */
  readonly imports: Map<string, { readonly from: Module; readonly name: string; readonly span: A.Ident["span"] }>;
  readonly std: boolean;
}

export function declName(d: A.Decl): A.Ident | null {
  switch (d.kind) {
    case "Fn":
    case "Layer":
    case "Model":
    case "Optimizer":
    case "Constraint":
    case "Data":
    case "Const":
    case "Experiment":
      return d.name;
    default:
      return null;
  }
}
