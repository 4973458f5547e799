// After autodiff has read them, the gradient markers are identities: stop_gradient(x) -> x and
// straight_through(forward, surrogate) -> forward. Erasing them lets the surrogate's forward
// computation die and keeps backends free of ops that only matter for differentiation. This
// pass must not run before `grad`/`vjp` on the same graph.

import type { IrFunction } from "../ir/function.js";
import { rewriteFunction } from "../ir/graph.js";
import { Op } from "../ir/ops.js";
import type { Pass } from "./pass.js";

export function eraseGradientMarkers(fn: IrFunction): IrFunction {
  return rewriteFunction(fn, (node) => (node.op === Op.StopGradient || node.op === Op.StraightThrough ? node.src[0]! : node));
}

export const eraseGradientMarkersPass: Pass = { name: "erase-gradient-markers", description: "stop_gradient(x) -> x, straight_through(f, s) -> f (autodiff has run)", run: eraseGradientMarkers };
