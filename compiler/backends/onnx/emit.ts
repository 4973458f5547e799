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
import { Op } from "../../ir/ops.js";
import { numel, shapesEqual, showShape } from "../../ir/shape.js";
import type { Tensor } from "../../../runtime/tensor.js";
import { analyseBatch } from "./batch.js";
import { OnnxExportError } from "./errors.js";
import { OnnxGraph, type BatchInfo } from "./graph.js";
import { elemOf, onnx, tensorProto, valueInfo, type ModelProto } from "./proto.js";
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

  const value = new Map<Node, string>();
  const typed: { name: string; node: Node }[] = [];
  for (const n of nodes) {
    const out = wanted.get(n) ?? g.fresh(`${n.op}_${n.id}`);
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
