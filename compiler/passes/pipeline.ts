// The pass pipeline, in order. It runs after autodiff (compiler/passes/autodiff.ts), on the
// training-step function that contains both the forward and the backward graph, and before the
// backends. `runPipeline(fn, { verify: true })` (used by the tests) verifies the IR after every
// pass and, on failure, names the pass and shows the IR around the bad node.

import { CompilerBug } from "../diag/diagnostic.js";
import type { IrFunction } from "../ir/function.js";
import { IrVerifyError, verifyFunction } from "../ir/verify.js";
import type { Pass } from "./pass.js";

export type { Pass } from "./pass.js";

export const PASSES: Pass[] = [];

export interface PipelineOptions {
  /** Verify the IR before the first pass and after each (on in tests). */
  readonly verify?: boolean;
  /** Called with each pass's output, e.g. to dump IR after a pass. */
  readonly after?: (pass: Pass, fn: IrFunction) => void;
  /** Run these passes instead of PASSES. */
  readonly passes?: readonly Pass[];
}

export function runPipeline(fn: IrFunction, opts: PipelineOptions = {}): IrFunction {
  if (opts.verify) check(fn, "the pipeline's input");
  let cur = fn;
  for (const pass of opts.passes ?? PASSES) {
    cur = pass.run(cur);
    opts.after?.(pass, cur);
    if (opts.verify) check(cur, `pass \`${pass.name}\``);
  }
  return cur;
}

function check(fn: IrFunction, where: string): void {
  try {
    verifyFunction(fn);
  } catch (e) {
    if (e instanceof IrVerifyError) throw new CompilerBug(`after ${where}: ${e.problem}\n${e.dump}`);
    throw e;
  }
}
