// Which axes of which IR values are the batch dimension, for exporting with a symbolic batch
// (`float[N, 2] x`). The IR has concrete shapes only, so the batch dimension is found by
// structure: the first axis of each named batch input, and every axis that the ops tie to it
// (an elementwise op ties axis i of its operands and result; a transpose permutes; a matmul ties
// its batch and row axes; a reshape ties an axis it keeps whole; ...). Ties are found with
// union-find over (node, axis) pairs whose size equals the compiled batch size, so a constant
// broadcast to [B, H] and added to a batch value is a batch value too. Where an op would need
// the batch size as a number it cannot have (a reshape merging the batch axis with another, a
// slice or padding or concatenation along it), the export is refused with a message naming the
// op.

import type { IrFunction } from "../../ir/function.js";
import type { Node } from "../../ir/node.js";
import { Op, type OpArgs } from "../../ir/ops.js";
import { OnnxExportError } from "./errors.js";
import type { BatchInfo } from "./graph.js";

export function analyseBatch(fn: IrFunction, nodes: readonly Node[], inputs: readonly string[], dim: string): BatchInfo {
  if (inputs.length === 0) throw new OnnxExportError("a symbolic batch needs at least one batch input");
  const first = fn.inputs.find((i) => i.name === inputs[0]);
  if (!first) throw new OnnxExportError(`symbolic batch input \`${inputs[0]}\` is not an input of \`${fn.name}\``);
  const size = first.node.shape[0];
  if (size === undefined) throw new OnnxExportError(`symbolic batch input \`${inputs[0]}\` is a scalar`);
  if (size < 2) throw new OnnxExportError(`cannot export a symbolic batch from a function compiled with batch size ${size}: compile it with a batch of 2 or more`);

  const parent = new Map<string, string>();
  const key = (n: Node, axis: number) => `${n.id}:${axis}`;
  const has = (n: Node, axis: number) => n.shape[axis] === size;
  const find = (k: string): string => {
    let r = k;
    while (parent.get(r) !== r) r = parent.get(r)!;
    for (let c = k; c !== r; ) {
      const next = parent.get(c)!;
      parent.set(c, r);
      c = next;
    }
    return r;
  };
  const tie = (a: Node, i: number, b: Node, j: number) => {
    if (!has(a, i) || !has(b, j)) return;
    const ra = find(key(a, i));
    const rb = find(key(b, j));
    if (ra !== rb) parent.set(ra, rb);
  };
  for (const n of nodes) n.shape.forEach((d, i) => d === size && parent.set(key(n, i), key(n, i)));

  /** Axes an op can only handle at a fixed size: an error if any of them is the batch axis. */
  const fixed: { node: Node; axis: number; why: string }[] = [];

  for (const n of nodes) {
    const s = n.src;
    switch (n.op) {
      case Op.ReduceSum:
      case Op.ReduceMax:
      case Op.ReduceMin:
      case Op.ReduceProd:
      case Op.ArgMax:
      case Op.ArgMin: {
        const a = n.arg as OpArgs[Op.ReduceSum] | OpArgs[Op.ArgMax];
        const axes = "axes" in a ? a.axes : [a.axis];
        let j = 0;
        s[0]!.shape.forEach((_, i) => {
          if (axes.includes(i)) {
            if (a.keepdims) j++;
          } else tie(n, j++, s[0]!, i);
        });
        break;
      }
      case Op.MatMul: {
        const r = n.rank;
        for (let i = 0; i < r - 2; i++) {
          tie(n, i, s[0]!, i);
          tie(n, i, s[1]!, i);
        }
        tie(n, r - 2, s[0]!, r - 2);
        tie(n, r - 1, s[1]!, r - 1);
        tie(s[0]!, r - 1, s[1]!, r - 2);
        break;
      }
      case Op.Reshape: {
        const { kept, merged } = reshapeAxes(s[0]!.shape, n.shape);
        for (const [i, j] of kept) tie(n, j, s[0]!, i);
        for (const i of merged.from) fixed.push({ node: s[0]!, axis: i, why: `reshape %${n.id} merges or splits it` });
        for (const j of merged.to) fixed.push({ node: n, axis: j, why: `reshape %${n.id} merges or splits it` });
        break;
      }
      case Op.Transpose:
        (n.arg as OpArgs[Op.Transpose]).perm.forEach((p, i) => tie(n, i, s[0]!, p));
        break;
      case Op.Broadcast: {
        const off = n.rank - s[0]!.rank;
        s[0]!.shape.forEach((d, i) => d === n.shape[i + off] && tie(n, i + off, s[0]!, i));
        break;
      }
      case Op.Slice: {
        const { starts, stops, steps } = n.arg as OpArgs[Op.Slice];
        s[0]!.shape.forEach((d, i) => {
          if (starts[i] === 0 && stops[i] === d && steps[i] === 1) tie(n, i, s[0]!, i);
          else fixed.push({ node: s[0]!, axis: i, why: `slice %${n.id} cuts it` });
        });
        break;
      }
      case Op.Pad: {
        const { lo, hi, interior } = n.arg as OpArgs[Op.Pad];
        s[0]!.shape.forEach((d, i) => {
          if (lo[i] === 0 && hi[i] === 0 && (interior[i] === 0 || d < 2)) tie(n, i, s[0]!, i);
          else fixed.push({ node: s[0]!, axis: i, why: `pad %${n.id} pads it` });
        });
        break;
      }
      case Op.Concat: {
        const axis = (n.arg as OpArgs[Op.Concat]).axis;
        for (const x of s) {
          x.shape.forEach((_, i) => (i === axis ? fixed.push({ node: x, axis: i, why: `concat %${n.id} joins along it` }) : tie(n, i, x, i)));
        }
        break;
      }
      case Op.Gather: {
        const [x, idx] = s as [Node, Node];
        const k = idx.shape[idx.rank - 1]!;
        const lead = idx.rank - 1;
        for (let i = 0; i < lead; i++) tie(n, i, idx, i);
        for (let j = k; j < x.rank; j++) tie(n, lead + j - k, x, j);
        break;
      }
      case Op.ScatterAdd: {
        const [idx, upd] = s as [Node, Node];
        const k = idx.shape[idx.rank - 1]!;
        const lead = idx.rank - 1;
        for (let i = 0; i < lead; i++) tie(upd, i, idx, i);
        for (let j = k; j < n.rank; j++) tie(n, j, upd, lead + j - k);
        break;
      }
      case Op.Input:
      case Op.Constant:
      case Op.Literal:
      case Op.Iota:
      case Op.RandomBits:
        break;
      default:
        // elementwise (unary, binary, where, cast, bits_to_unit, gradient markers): same shapes
        for (const x of s) if (x.rank === n.rank) for (let i = 0; i < n.rank; i++) tie(n, i, x, i);
    }
  }

  let root: string | undefined;
  for (const name of inputs) {
    const inp = fn.inputs.find((i) => i.name === name);
    if (!inp) throw new OnnxExportError(`symbolic batch input \`${name}\` is not an input of \`${fn.name}\``);
    if (inp.node.shape[0] !== size) throw new OnnxExportError(`symbolic batch inputs disagree: \`${inputs[0]}\` has ${size} rows and \`${name}\` has ${inp.node.shape[0] ?? "no"} rows`);
    if (!parent.has(key(inp.node, 0))) continue; // not used by the function
    const r = find(key(inp.node, 0));
    if (root === undefined) root = r;
    else if (root !== r) parent.set(r, root);
  }
  if (root !== undefined) root = find(root);
  const isBatch = (n: Node, i: number) => root !== undefined && parent.has(key(n, i)) && find(key(n, i)) === root;
  for (const f of fixed) {
    if (isBatch(f.node, f.axis)) throw new OnnxExportError(`cannot export a symbolic batch: axis ${f.axis} of %${f.node.id} is the batch dimension, and ${f.why}; export with a fixed batch instead`);
  }
  const cache = new Map<Node, readonly number[]>();
  return {
    dim,
    size,
    source: inputs[0]!,
    axes(node: Node): readonly number[] {
      let a = cache.get(node);
      if (a === undefined) {
        a = node.shape.map((_, i) => i).filter((i) => isBatch(node, i));
        cache.set(node, a);
      }
      return a;
    },
  };
}

/**
 * The axes a reshape keeps whole (pairs [source axis, result axis] of equal size at equal
 * row-major offsets) and the axes it merges or splits. Axes of size 1 are neither.
 */
export function reshapeAxes(from: readonly number[], to: readonly number[]): { kept: [number, number][]; merged: { from: number[]; to: number[] } } {
  const kept: [number, number][] = [];
  const merged = { from: [] as number[], to: [] as number[] };
  let i = 0;
  let j = 0;
  const skipOnes = () => {
    while (i < from.length && from[i] === 1) i++;
    while (j < to.length && to[j] === 1) j++;
  };
  skipOnes();
  while (i < from.length && j < to.length) {
    if (from[i] === to[j]) {
      kept.push([i++, j++]);
      skipOnes();
      continue;
    }
    // a group: grow the smaller side until the products agree
    let pa = from[i]!;
    let pb = to[j]!;
    const ga = [i++];
    const gb = [j++];
    while (pa !== pb && (i < from.length || j < to.length)) {
      if ((pa < pb && i < from.length) || j >= to.length) {
        pa *= from[i]!;
        ga.push(i++);
      } else {
        pb *= to[j]!;
        gb.push(j++);
      }
    }
    merged.from.push(...ga.filter((a) => from[a] !== 1));
    merged.to.push(...gb.filter((b) => to[b] !== 1));
    skipOnes();
  }
  return { kept, merged };
}
