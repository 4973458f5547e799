// The data of a run, on the host: a data set's fields computed once (its IR function on the
// reference interpreter), then the part a `split` selects.

import type { DataSpec } from "../../compiler/lower/index.js";
import { exampleCount, splitRows, takeRows } from "../batches.js";
import { interpret } from "../interp.js";
import type { Tensor } from "../tensor.js";

const cache = new WeakMap<DataSpec["fn"], Record<string, Tensor>>();

export function dataFields(spec: DataSpec, seed: number): Record<string, Tensor> {
  let all = cache.get(spec.fn);
  if (!all) {
    all = interpret(spec.fn, {});
    cache.set(spec.fn, all);
  }
  const split = spec.split;
  return split ? takeRows(all, splitRows(exampleCount(all), split.fraction, split.part, seed)) : all;
}
