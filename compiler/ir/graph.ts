// Graph traversals over hash-consed nodes: a deterministic topological order (depth-first,
// sources in order, from the roots in order) and a bottom-up rebuild used by every rewrite.
// Both are iterative, so deep graphs (a 200-layer MLP and its gradient) do not overflow the stack.

import type { IrFunction } from "./function.js";
import { withOutputs } from "./function.js";
import type { Node } from "./node.js";

/** Every node reachable from `roots`, sources before users, in a deterministic order. */
export function toposort(roots: readonly Node[]): Node[] {
  const order: Node[] = [];
  const done = new Set<Node>();
  const stack: [Node, number][] = [];
  for (const root of roots) {
    if (done.has(root)) continue;
    stack.push([root, 0]);
    while (stack.length > 0) {
      const top = stack[stack.length - 1]!;
      const [node, i] = top;
      if (i < node.src.length) {
        top[1]++;
        const s = node.src[i]!;
        if (!done.has(s)) stack.push([s, 0]);
        continue;
      }
      stack.pop();
      if (!done.has(node)) {
        done.add(node);
        order.push(node);
      }
    }
  }
  return order;
}

/** The body of a function: every node reachable from its outputs, in topological order. */
export function functionNodes(fn: IrFunction): Node[] {
  return toposort(fn.outputs.map((o) => o.node));
}

/** How many users each node has within `nodes` (outputs not counted). */
export function userCounts(nodes: readonly Node[]): Map<Node, number> {
  const users = new Map<Node, number>();
  for (const n of nodes) for (const s of n.src) users.set(s, (users.get(s) ?? 0) + 1);
  return users;
}

/**
 * Rebuilds a function bottom-up: each node is first re-interned with its rewritten sources, then
 * given to `visit`, whose result replaces it. `visit` returning its argument keeps the node.
 */
export function rewriteFunction(fn: IrFunction, visit: (node: Node) => Node): IrFunction {
  const map = new Map<Node, Node>();
  for (const node of functionNodes(fn)) {
    let changed = false;
    const src = node.src.map((s) => {
      const r = map.get(s)!;
      if (r !== s) changed = true;
      return r;
    });
    const rebuilt = changed ? node.ctx.intern(node.op, node.arg, src) : node;
    map.set(node, visit(rebuilt));
  }
  return withOutputs(fn, fn.outputs.map((o) => map.get(o.node)!));
}
