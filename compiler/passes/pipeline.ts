// The pass pipeline, in order. It runs after autodiff (compiler/passes/autodiff.ts), on the
// training-step function that contains both the forward and the backward graph, and before the
// backends. `runPipeline(fn, { verify: true })` (used by the tests) verifies the IR after every
// pass and, on failure, names the pass and shows the IR around the bad node.

import { CompilerBug } from "../diag/diagnostic.js";
import type { IrFunction } from "../ir/function.js";
import { IrVerifyError, verifyFunction } from "../ir/verify.js";
import type { Pass } from "./pass.js";
import { eraseGradientMarkersPass } from "./erase-gradient-markers.js";
import { foldConstantsPass } from "./constant-fold.js";
import { simplifyPass } from "./simplify.js";
import { csePass } from "./cse.js";
import { dcePass } from "./dce.js";
import { contractBatchSumsPass } from "./contract-batch-sums.js";

export type { Pass } from "./pass.js";

export const PASSES: Pass[] = [
  eraseGradientMarkersPass, // stop_gradient(x) -> x, straight_through(f, s) -> f: autodiff has already run
  foldConstantsPass, // evaluate what depends only on constants (hyperparameter arithmetic, folded shapes)
  simplifyPass, // algebraic identities, exact in IEEE (x*1 -> x, -(-x) -> x, reshape chains, ...)
  foldConstantsPass, // fold what simplification exposed
  csePass, // share equal subexpressions, commutative operands in canonical order
  dcePass, // drop computations of empty tensors; unreachable nodes are gone already
];

/**
 * Run by the WGSL backend after PASSES and before fusion (compiler/passes/fuse.ts): rewrites that
 * suit a kernel backend but are not exact in IEEE, so that the interpreter and ONNX never see them.
 */
export const WGSL_PASSES: Pass[] = [
  contractBatchSumsPass, // sum_b A[b] @ B[b] -> one matmul contracting over (b, k): no [B, M, N] stack
  simplifyPass, // merge the transposes and reshapes the rewrite introduced
  csePass,
];

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
