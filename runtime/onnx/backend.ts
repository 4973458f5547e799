// The ONNX Runtime backend: the experiment's training step, emitted as one ONNX model
// (compiler/backends/onnx), run by onnxruntime-node on the CPU. The initialisers (the `init`
// function) are not exported: they run once on the reference interpreter, as in every backend.
//
// Tensors cross the boundary as our host `Tensor` ({ dtype, shape, data }); ONNX Runtime's
// tensors wrap the same typed arrays. The backend remembers which ONNX Runtime tensor each
// output array came from, so the slots the run loop feeds back on the next step are passed on
// as they are, without a copy or a conversion.

import * as ort from "onnxruntime-node";
import type { CompiledExperiment } from "../../compiler/lower/index.js";
import type { IrFunction } from "../../compiler/ir/function.js";
import { runPipeline } from "../../compiler/passes/pipeline.js";
import { DEFAULT_OPSET, emitModel } from "../../compiler/backends/onnx/emit.js";
import { graphName } from "../../compiler/backends/onnx/export.js";
import type { DType } from "../../compiler/ir/dtype.js";
import { Op, type OpArgs } from "../../compiler/ir/ops.js";
import { numel, shapesEqual, showShape } from "../../compiler/ir/shape.js";
import { interpret } from "../interp.js";
import type { Tensor, TensorData } from "../tensor.js";

export type OrtOptimization = "disabled" | "basic" | "extended" | "all";

export interface OnnxBackendOptions {
  /** The ONNX opset of the emitted model (default 17). */
  readonly opset?: number;
  /** ONNX Runtime's intra-op threads (default: its own choice). */
  readonly threads?: number;
  /** ONNX Runtime's graph optimization level (default "all"). */
  readonly optimization?: OrtOptimization;
}

const ORT_TYPE: Record<DType, "float32" | "float64" | "int32" | "bool"> = { f32: "float32", f64: "float64", i32: "int32", bool: "bool" };

export class OnnxBackendError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "OnnxBackendError";
  }
}

export class OnnxBackend {
  readonly name = "onnx";
  /** ONNX Runtime tensors by the typed array they hold (outputs of earlier steps). */
  private readonly known = new WeakMap<TensorData, ort.Tensor>();

  private constructor(
    readonly compiled: CompiledExperiment,
    /** The step function as emitted (after the pass pipeline). */
    readonly fn: IrFunction,
    /** The serialised model. */
    readonly model: Uint8Array,
    readonly opset: number,
    private readonly session: ort.InferenceSession,
  ) {}

  static async create(compiled: CompiledExperiment, opts: OnnxBackendOptions = {}): Promise<OnnxBackend> {
    const opset = opts.opset ?? DEFAULT_OPSET;
    const fn = runPipeline(compiled.step);
    const model = emitModel(fn, { opset, name: graphName(compiled.name, "step") });
    const session = await ort.InferenceSession.create(model, {
      graphOptimizationLevel: opts.optimization ?? "all",
      ...(opts.threads !== undefined ? { intraOpNumThreads: opts.threads } : {}),
      logSeverityLevel: 3,
    });
    return new OnnxBackend(compiled, fn, model, opset, session);
  }

  /** The first value of every parameter and state (the init function, on the interpreter). */
  initial(): Record<string, Tensor> {
    return interpret(this.compiled.init, {});
  }

  /** One training step: every output of the step function (`<slot>.next`, loss, gradients, metrics, streams). */
  async step(slots: Readonly<Record<string, Tensor>>, step: number, batch: Readonly<Record<string, Tensor>>): Promise<Record<string, Tensor>> {
    const feeds: Record<string, ort.Tensor> = {};
    for (const { name, node } of this.fn.inputs) {
      const kind = node.op === Op.Input ? (node.arg as OpArgs[Op.Input]).kind : undefined;
      const t: Tensor | undefined = kind === "step" ? { dtype: "i32", shape: [], data: Int32Array.of(step) } : (slots[name] ?? batch[name]);
      if (t === undefined) throw new OnnxBackendError(`missing input \`${name}\`: expected ${node.dtype}${showShape(node.shape)}`);
      if (t.dtype !== node.dtype || !shapesEqual(t.shape, node.shape)) throw new OnnxBackendError(`input \`${name}\` is ${t.dtype}${showShape(t.shape)}, expected ${node.dtype}${showShape(node.shape)}`);
      feeds[name] = this.toOrt(t);
    }
    const results = await this.session.run(feeds);
    const out: Record<string, Tensor> = {};
    for (const { name, node } of this.fn.outputs) {
      const r = results[name];
      if (r === undefined) throw new OnnxBackendError(`ONNX Runtime returned no \`${name}\``);
      out[name] = this.fromOrt(r, node.dtype);
    }
    return out;
  }

  /** Frees ONNX Runtime's session. */
  async release(): Promise<void> {
    await this.session.release();
  }

  private toOrt(t: Tensor): ort.Tensor {
    const hit = this.known.get(t.data);
    if (hit !== undefined && shapesEqual(hit.dims, t.shape)) return hit;
    if (t.data.length !== numel(t.shape)) throw new OnnxBackendError(`a tensor of shape ${showShape(t.shape)} has ${t.data.length} values`);
    let data: TensorData = t.data;
    // f32 values held in f64 (the interpreter's float64 mode) are rounded on the way in
    if (t.dtype === "f32" && !(data instanceof Float32Array)) data = Float32Array.from(data);
    if (t.dtype === "f64" && !(data instanceof Float64Array)) data = Float64Array.from(data);
    if (t.dtype === "i32" && !(data instanceof Int32Array)) data = Int32Array.from(data);
    if (t.dtype === "bool" && !(data instanceof Uint8Array)) data = Uint8Array.from(data, (v) => (v ? 1 : 0));
    return new ort.Tensor(ORT_TYPE[t.dtype], data, [...t.shape]);
  }

  private fromOrt(r: ort.Tensor, dtype: DType): Tensor {
    const data = r.data as TensorData;
    const ok = dtype === "f32" ? data instanceof Float32Array : dtype === "f64" ? data instanceof Float64Array : dtype === "i32" ? data instanceof Int32Array : data instanceof Uint8Array;
    if (!ok) throw new OnnxBackendError(`ONNX Runtime returned ${r.type} where ${dtype} was expected`);
    this.known.set(data, r);
    return { dtype, shape: r.dims.map(Number), data };
  }
}
