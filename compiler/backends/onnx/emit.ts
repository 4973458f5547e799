// The ONNX emitter: an IR function (after autodiff and, normally, the pass pipeline) as a
// ModelProto, serialised with onnx-proto. The model is self-contained and uses only the default
// ONNX domain:
//   - IR version 8 (what onnx-proto's schema describes), one opset import (17 to 23);
//   - graph inputs are the function's inputs, in order, with their names, element types and
//     full shapes; parameters are inputs, never initializers (ONNX Runtime would ignore a feed
//     for an initializer), except the ones the caller bakes in (`initializers`, for inference);
//   - graph outputs are the function's outputs, in order, with their names (`h1.w.next`, `loss`,
//     `h1.w.grad`); an output that is an input, a constant or another output's value gets an
//     Identity node;
//   - nodes are in topological order (the IR's, rule by rule), every value an IR node computes
//     has its type in value_info, and constants are initializers (scalars, literals, shapes and
//     axes) or ConstantOfShape nodes (splats).
// The lowering of each op lives in rules.ts; the names are chosen in graph.ts.

import type { IrFunction } from "../../ir/function.js";
import { functionNodes } from "../../ir/graph.js";
import type { Node } from "../../ir/node.js";
import { Op, type OpArgs } from "../../ir/ops.js";
import { broadcastShapes, numel, shapesEqual, showShape } from "../../ir/shape.js";
import type { Tensor } from "../../../runtime/tensor.js";
import { analyseBatch } from "./batch.js";
import { OnnxExportError } from "./errors.js";
import { OnnxGraph, type BatchInfo } from "./graph.js";
import { elemOf, ints, onnx, tensorProto, valueInfo, type ModelProto } from "./proto.js";
import { onnxRules, type OnnxRule } from "./rules.js";

export const IR_VERSION = 8;
export const MIN_OPSET = 17;
export const MAX_OPSET = 23;
export const DEFAULT_OPSET = 17;

export interface EmitOptions {
  /** The default domain's opset: 17 to 23. */
  readonly opset: number;
  /** The graph's name. */
  readonly name: string;
  /** Inputs baked into the model as initializers (the parameters of an inference model). */
  readonly initializers?: Readonly<Record<string, Tensor>>;
  /** Make the first dim of these inputs (and everything that follows it) the symbolic `dim`. */
  readonly symbolicBatch?: { readonly inputs: readonly string[]; readonly dim: string };
  /** Written into the model's producer_version. */
  readonly producerVersion?: string;
}

/** Elementwise ops lowered to one ONNX op with multidirectional (NumPy) broadcasting. */
const BROADCASTING = new Set<Op>([Op.Add, Op.Sub, Op.Mul, Op.Max, Op.Min, Op.Eq, Op.Ne, Op.Lt, Op.Le, Op.Gt, Op.Ge, Op.And, Op.Or, Op.Where]);

/**
 * Broadcasts that need not be materialised. The IR broadcasts explicitly, but ONNX's elementwise
 * ops and MatMul broadcast their operands themselves, so a `broadcast` (or a splat constant, or
 * a transpose of such a value that keeps its added leading axes in place) can be emitted at its
 * source's smaller shape when every user accepts that: an elementwise op whose operands, at
 * their smallest, still broadcast to its shape; a matmul when only batch dims are missing and
 * the other operand has them; a transpose that is itself emitted small. Graph outputs keep
 * their shapes. This saves the copies (a weight broadcast for a batched matmul, and its
 * transpose for the backward pass, are batch times the weight) and shows ONNX Runtime scalar
 * exponents and constants.
 *
 * Returns the smallest shape each such node may be emitted with (it may be emitted larger,
 * when its source is not small itself: every user accepts any shape in between).
 */
function smallValues(nodes: readonly Node[], fn: IrFunction): Map<Node, readonly number[]> {
  const users = new Map<Node, Node[]>();
  for (const n of nodes) for (const s of n.src) users.set(s, [...(users.get(s) ?? []), n]);
  const outputs = new Set(fn.outputs.map((o) => o.node));
  // candidates and their smallest shapes, in topological order
  const least = new Map<Node, readonly number[]>();
  for (const n of nodes) {
    if (outputs.has(n)) continue;
    if (n.op === Op.Broadcast) least.set(n, least.get(n.src[0]!) ?? n.src[0]!.shape);
    else if (n.op === Op.Constant && n.shape.length > 0) least.set(n, []);
    else if (n.op === Op.Transpose && least.has(n.src[0]!)) {
      const small = least.get(n.src[0]!)!;
      const off = n.rank - small.length;
      const perm = (n.arg as OpArgs[Op.Transpose]).perm;
      if (perm.slice(0, off).every((p, j) => p === j)) least.set(n, perm.slice(off).map((p) => small[p - off]!));
    }
  }
  const smallest = (s: Node) => least.get(s) ?? s.shape;
  const accepted = new Set<Node>();
  const accepts = (u: Node, n: Node): boolean => {
    if (BROADCASTING.has(u.op) || ((u.op === Op.Div || u.op === Op.Pow) && u.dtype !== "i32")) {
      const shape = u.src.reduce<readonly number[] | undefined>((acc, s) => acc && broadcastShapes(acc, smallest(s)), []);
      return shape !== undefined && shapesEqual(shape, u.shape);
    }
    if (u.op === Op.MatMul && n.op !== Op.Constant) {
      const small = least.get(n)!;
      const r = n.rank;
      return small.length >= 2 && small[small.length - 1] === n.shape[r - 1] && small[small.length - 2] === n.shape[r - 2] && u.src.every((s) => s === n || !least.has(s));
    }
    return u.op === Op.Transpose && accepted.has(u);
  };
  // users come after their sources: decide from the last node back
  for (let i = nodes.length - 1; i >= 0; i--) {
    const n = nodes[i]!;
    if (least.has(n) && (users.get(n) ?? []).every((u) => accepts(u, n))) accepted.add(n);
  }
  const out = new Map<Node, readonly number[]>();
  for (const n of accepted) out.set(n, least.get(n)!);
  return out;
}

/** The serialised ModelProto of `fn`. */
export function emitModel(fn: IrFunction, opts: EmitOptions): Uint8Array {
  return onnx.ModelProto.encode(onnx.ModelProto.create(buildModel(fn, opts))).finish();
}

/** The ModelProto of `fn`, as a plain object (see the file comment for its shape). */
export function buildModel(fn: IrFunction, opts: EmitOptions): ModelProto {
  const opset = opts.opset;
  if (!Number.isInteger(opset) || opset < MIN_OPSET || opset > MAX_OPSET) throw new OnnxExportError(`opset ${opset} is not supported: the ONNX backend emits opsets ${MIN_OPSET} to ${MAX_OPSET}`);
  const nodes = functionNodes(fn);
  const baked = opts.initializers ?? {};
  const inputNames = new Set(fn.inputs.map((i) => i.name));
  for (const name of Object.keys(baked)) if (!inputNames.has(name)) throw new OnnxExportError(`initializer \`${name}\` is not an input of \`${fn.name}\``);
  const outputNames = new Set<string>();
  for (const o of fn.outputs) {
    if (outputNames.has(o.name)) throw new OnnxExportError(`\`${fn.name}\` has two outputs named \`${o.name}\``);
    if (inputNames.has(o.name)) throw new OnnxExportError(`output \`${o.name}\` of \`${fn.name}\` has the name of an input`);
    outputNames.add(o.name);
  }
  for (const n of nodes) {
    if (n.op === Op.Input && !inputNames.has((n.arg as { name: string }).name)) throw new OnnxExportError(`\`${fn.name}\` reads \`${(n.arg as { name: string }).name}\`, which is not one of its inputs`);
  }

  const batch: BatchInfo | null = opts.symbolicBatch ? analyseBatch(fn, nodes, opts.symbolicBatch.inputs, opts.symbolicBatch.dim) : null;
  const dimsOf = (n: Node): (number | string)[] => {
    const b = batch ? batch.axes(n) : [];
    return n.shape.map((d, i) => (b.includes(i) ? batch!.dim : d));
  };

  const g = new OnnxGraph(opset, [...inputNames, ...outputNames], batch);

  // the value name each IR node should get: its (first) output's name, else op_id
  const wanted = new Map<Node, string>();
  for (const o of fn.outputs) if (!wanted.has(o.node) && o.node.op !== Op.Input) wanted.set(o.node, o.name);

  const small = smallValues(nodes, fn);
  /** The shape each small value was emitted with. */
  const emitted = new Map<Node, readonly number[]>();
  // value names follow the IR printer's numbering (`%36` is `matmul_36`), so that the model reads
  // next to `lip compile --target ir`
  const declared = new Set(fn.inputs.map((i) => i.node));
  const printed = new Map<Node, number>();
  for (const n of nodes) if (!declared.has(n)) printed.set(n, printed.size);
  const value = new Map<Node, string>();
  const typed: { name: string; node: Node }[] = [];
  for (const n of nodes) {
    if (small.has(n)) {
      // left to the users' own broadcasting: the source, the scalar of a splat, or a transpose of a small value
      const src = n.src[0];
      if (n.op === Op.Constant) {
        value.set(n, g.scalar((n.arg as OpArgs[Op.Constant]).value, elemOf(n.dtype)));
        emitted.set(n, []);
        continue;
      }
      if (n.op === Op.Broadcast) {
        value.set(n, value.get(src!)!);
        emitted.set(n, emitted.get(src!) ?? src!.shape);
        continue;
      }
      const from = emitted.get(src!);
      if (n.op === Op.Transpose && from !== undefined) {
        const off = n.rank - from.length;
        const perm = (n.arg as OpArgs[Op.Transpose]).perm.slice(off).map((p) => p - off);
        emitted.set(n, perm.map((p) => from[p]!));
        g.begin(`${n.op}_${printed.get(n) ?? n.id}`);
        value.set(n, perm.every((p, i) => p === i) ? value.get(src!)! : g.op("Transpose", [value.get(src!)!], { perm: ints(perm) }, g.fresh(`${n.op}_${printed.get(n) ?? n.id}`)));
        continue;
      }
      // a transpose of a value emitted at full size: an ordinary transpose
    }
    const out = wanted.get(n) ?? g.fresh(`${n.op}_${printed.get(n) ?? n.id}`);
    g.claim(out);
    g.begin(out);
    const rule = onnxRules[n.op] as OnnxRule<Op>;
    const v = rule(g, n, n.src.map((s) => value.get(s)!), out);
    value.set(n, v);
    if (g.produced.has(v) && !outputNames.has(v)) typed.push({ name: v, node: n });
  }

  // outputs: by name, through an Identity where the value has another name
  const outputs = fn.outputs.map((o) => {
    const v = value.get(o.node)!;
    if (v !== o.name) {
      g.begin(o.name);
      g.op("Identity", [v], {}, o.name);
    }
    return valueInfo(o.name, elemOf(o.node.dtype), dimsOf(o.node));
  });

  const inputs = fn.inputs.filter((i) => !(i.name in baked)).map((i) => valueInfo(i.name, elemOf(i.node.dtype), dimsOf(i.node)));
  const bakedInits = fn.inputs
    .filter((i) => i.name in baked)
    .map((i) => {
      const t = baked[i.name]!;
      if (t.dtype !== i.node.dtype || !shapesEqual(t.shape, i.node.shape)) throw new OnnxExportError(`initializer \`${i.name}\` is ${t.dtype}${showShape(t.shape)}, but \`${fn.name}\` takes ${i.node.dtype}${showShape(i.node.shape)}`);
      if (t.data.length !== numel(t.shape)) throw new OnnxExportError(`initializer \`${i.name}\` has ${t.data.length} values for shape ${showShape(t.shape)}`);
      return tensorProto(i.name, elemOf(t.dtype), t.shape, t.data);
    });

  const seen = new Set<string>();
  const valueInfos = typed.filter((t) => !seen.has(t.name) && seen.add(t.name)).map((t) => valueInfo(t.name, elemOf(t.node.dtype), dimsOf(t.node)));

  return {
    irVersion: IR_VERSION,
    producerName: "lip",
    producerVersion: opts.producerVersion ?? "0.1.0",
    opsetImport: [{ domain: "", version: opset }],
    docString: `the Lip function \`${fn.name}\``,
    graph: {
      name: opts.name,
      node: g.nodes,
      input: inputs,
      output: outputs,
      initializer: [...bakedInits, ...g.initializers],
      valueInfo: valueInfos,
    },
  };
}
