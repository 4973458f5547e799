// A batched matmul summed over its batch axes is one matmul whose contraction runs over the
// batch axes and K together:
//   sum_b A[b] @ B[b]  ->  reshape(transpose(A, [M, b, K]), [M, bK]) @ reshape(B, [bK, N])
// Autodiff makes this shape for the gradient of every weight applied to a batch of sequences
// (`x: [B, T, D] @ w: [D, H]` gives dw = sum_b x[b]^T @ dy[b]). A kernel backend would otherwise
// store the [B, D, H] stack of per-entry products and reduce it afterwards: B times the memory
// and a matmul whose contraction is only T long. The rewrite reassociates a float sum (rows of
// one batch entry, then entries, become one running sum), so it runs only in the WGSL backend's
// pre-fusion passes, not in the IEEE-exact pipeline every backend shares.

import { IrBuilder } from "../ir/builder.js";
import type { IrFunction } from "../ir/function.js";
import { functionNodes, rewriteFunction, userCounts } from "../ir/graph.js";
import type { Node } from "../ir/node.js";
import { Op } from "../ir/ops.js";
import { numel } from "../ir/shape.js";
import type { Pass } from "./pass.js";

export function contractBatchSums(fn: IrFunction): IrFunction {
  const users = userCounts(functionNodes(fn));
  const outputs = new Set(fn.outputs.map((o) => o.node));
  const first = fn.outputs[0]?.node;
  if (first === undefined) return fn;
  const b = new IrBuilder(first.ctx);
  return rewriteFunction(fn, (n) => {
    if (!n.is(Op.ReduceSum)) return n;
    const mm = n.src[0]!;
    const nb = mm.rank - 2;
    // the product must have no other use: it would then be computed twice
    if (!mm.is(Op.MatMul) || nb < 1 || users.get(mm) !== 1 || outputs.has(mm)) return n;
    const axes = [...n.arg.axes].sort((x, y) => x - y);
    if (axes.length !== nb || axes.some((a, i) => a !== i)) return n;
    const [A, B] = mm.src as [Node, Node];
    const [M, K, N] = [A.shape[nb]!, A.shape[nb + 1]!, B.shape[nb + 1]!];
    const bk = numel(mm.shape.slice(0, nb)) * K;
    const perm = [nb, ...axes, nb + 1]; // [...bs, M, K] -> [M, ...bs, K]
    const a2 = b.reshape(b.transpose(A, perm), [M, bk]);
    const b2 = b.reshape(B, [bk, N]);
    return b.reshape(b.node(Op.MatMul, null, [a2, b2]), n.shape);
  });
}

export const contractBatchSumsPass: Pass = {
  name: "contract-batch-sums",
  description: "sum over the batch axes of a batched matmul -> one matmul contracting over batch and K (reassociates a float sum)",
  run: contractBatchSums,
};
