// Reverse-mode automatic differentiation as a graph transform: the backward nodes are built in
// the same context as the forward graph, walking it in reverse topological order and applying
// each primitive's VJP rule (compiler/ir/primitives.ts), as JAX's backward pass over a jaxpr.
//
// - Cotangents of a value used several times are summed (fan-out).
// - Zeros are symbolic: a missing cotangent (or a VJP rule's `null`, or a splat constant 0) is
//   zero and is never materialised or propagated; only a requested gradient that is zero
//   becomes a splat constant at the end.
// - Only float values that depend on a differentiated node carry cotangents: integer and bool
//   values get none, and neither do the sources of stop_gradient or straight_through's forward.
// - Broadcasting is explicit in the IR, so "un-broadcasting" is the VJP of `broadcast` (a sum
//   over the stretched axes); no rule has to reduce its cotangent to an operand's shape.

import { CompilerBug } from "../diag/diagnostic.js";
import { IrBuilder } from "../ir/builder.js";
import { isFloat } from "../ir/dtype.js";
import { toposort } from "../ir/graph.js";
import type { IrContext, Node } from "../ir/node.js";
import { Op } from "../ir/ops.js";
import { primitives, type VjpRule } from "../ir/primitives.js";
import { shapesEqual, showShape } from "../ir/shape.js";

/** d loss / d wrt for a scalar float `loss`, one gradient per `wrt` node (zeros where independent). */
export function grad(ctx: IrContext, loss: Node, wrt: readonly Node[]): Node[] {
  if (loss.rank !== 0 || !isFloat(loss.dtype)) throw new CompilerBug(`grad of a non-scalar or non-float loss: ${loss.dtype}[${loss.shape.join(",")}]`);
  return vjp(ctx, [loss], wrt, [new IrBuilder(ctx).constant(1, loss.dtype)]);
}

/**
 * The vector-Jacobian product: for `cotangents` of `outputs` (null = zero), the cotangents of
 * `wrt`, i.e. sum_i J_i^T ct_i where J_i = d outputs[i] / d wrt.
 */
export function vjp(ctx: IrContext, outputs: readonly Node[], wrt: readonly Node[], cotangents: readonly (Node | null)[]): Node[] {
  const b = new IrBuilder(ctx);
  const order = toposort(outputs);
  const targets = new Set(wrt);
  // nodes that can carry a cotangent: float values depending on a target
  const live = new Set<Node>();
  for (const n of order) if (isFloat(n.dtype) && (targets.has(n) || n.src.some((s) => live.has(s)))) live.add(n);

  const ct = new Map<Node, Node>();
  const accumulate = (n: Node, g: Node | null) => {
    if (g === null || !live.has(n) || isSymbolicZero(g)) return;
    if (g.dtype !== n.dtype || !shapesEqual(g.shape, n.shape)) throw new CompilerBug(`cotangent ${g.dtype}${showShape(g.shape)} for a value of type ${n.dtype}${showShape(n.shape)} (from \`${n.op}\`)`);
    const prev = ct.get(n);
    ct.set(n, prev === undefined ? g : b.binary("add", prev, g));
  };
  outputs.forEach((o, i) => accumulate(o, cotangents[i] ?? null));

  for (let i = order.length - 1; i >= 0; i--) {
    const node = order[i]!;
    const g = ct.get(node);
    if (g === undefined || node.src.length === 0) continue;
    const rule = primitives[node.op].vjp;
    if (typeof rule !== "function") continue; // non-differentiable: only int/bool paths reach here
    const srcCts = (rule as VjpRule<Op>)(b, g, node);
    if (srcCts.length !== node.src.length) throw new CompilerBug(`vjp of \`${node.op}\` gave ${srcCts.length} cotangents for ${node.src.length} sources`);
    node.src.forEach((s, j) => accumulate(s, srcCts[j]!));
  }
  return wrt.map((w) => ct.get(w) ?? b.constant(0, w.dtype, w.shape));
}

function isSymbolicZero(n: Node): boolean {
  return n.op === Op.Constant && (n as Node<Op.Constant>).arg.value === 0;
}
