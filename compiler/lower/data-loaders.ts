// The data loaders of the prelude, run while lowering: a data set's size binds the size
// variables of the model (a file's tensors become `literal` nodes of the data function). Paths
// are relative to the .lip file that names them.

import { dirname, isAbsolute, resolve } from "node:path";
import type * as A from "../ast/nodes.js";
import { CompilerBug } from "../diag/diagnostic.js";
import { columnNames } from "../check/data-loaders.js";
import { readCsv } from "../../runtime/io/csv.js";
import { readNpy } from "../../runtime/io/npy.js";
import { readSafetensors } from "../../runtime/io/safetensors.js";
import { charDataset, readCorpus } from "../../runtime/io/text.js";
import type { Tensor } from "../../runtime/tensor.js";
import type { Env } from "./env.js";
import type { Lowerer } from "./lowerer.js";
import { noParams } from "./lowerer.js";
import { bindByParams } from "./builtins.js";
import { tensorV, type LVal } from "./values.js";

export function lowerDataLoader(lw: Lowerer, name: string, e: A.Call, env: Env, params: readonly string[]): LVal {
  const bound = bindByParams(params, e.args);
  const str = (k: string): string => {
    const a = bound.get(k);
    const v = a ? lw.expr(a.value, env, noParams) : undefined;
    if (!v || v.k !== "str") throw new CompilerBug(`\`${name}\`: \`${k}\` is not a string`);
    return v.value;
  };
  const relative = (p: string) => (isAbsolute(p) ? p : resolve(dirname(resolve(e.span.file)), p));
  const record = (fields: Record<string, Tensor>): LVal => ({ k: "record", fields: new Map(Object.entries(fields).map(([k, t]) => [k, tensorV(lw.b.literal(t.data, t.dtype, t.shape))])) });
  switch (name) {
    case "load":
      return record(readSafetensors(relative(str("path"))));
    case "npy": {
      const t = readNpy(relative(str("path")));
      return tensorV(lw.b.literal(t.data, t.dtype, t.shape));
    }
    case "csv": {
      const x = bound.get("x");
      const y = bound.get("y");
      const opts: { x?: string[]; y?: string } = {};
      if (x) opts.x = columnNames(x.value) ?? [];
      if (y) opts.y = (columnNames(y.value) ?? [])[0]!;
      return record(readCsv(relative(str("path")), opts));
    }
    case "text": {
      const source = str("name");
      const c = bound.get("context");
      const context = c ? lw.num(lw.expr(c.value, env, noParams)) : 16;
      const corpus = /[/\\]|\.txt$/.test(source) ? relative(source) : source;
      const ds = charDataset(readCorpus(corpus), context, source);
      return record({ x: ds.x, y: ds.y });
    }
    default:
      throw new CompilerBug(`unknown data loader \`${name}\``);
  }
}
