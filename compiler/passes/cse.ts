// Common-subexpression elimination. Hash-consing already shares every pair of structurally
// equal nodes built in one context, so what is left is to (1) re-intern the function after
// other rewrites, which merges anything they rebuilt, and (2) canonicalise the operand order of
// commutative ops (sources sorted by id), so that add(a, b) and add(b, a) become one node. Each
// listed op is exactly commutative in IEEE arithmetic, NaN propagation included.

import type { IrFunction } from "../ir/function.js";
import { rewriteFunction } from "../ir/graph.js";
import { Op } from "../ir/ops.js";
import type { Pass } from "./pass.js";

const COMMUTATIVE = new Set<Op>([Op.Add, Op.Mul, Op.Max, Op.Min, Op.Eq, Op.Ne, Op.And, Op.Or]);

export function eliminateCommonSubexpressions(fn: IrFunction): IrFunction {
  return rewriteFunction(fn, (node) => {
    if (!COMMUTATIVE.has(node.op)) return node;
    const [a, c] = node.src as [typeof node, typeof node];
    return a.id > c.id ? node.ctx.intern(node.op, node.arg, [c, a]) : node;
  });
}

export const csePass: Pass = { name: "cse", description: "merge equal subexpressions, commutative operands in canonical order", run: eliminateCommonSubexpressions };
