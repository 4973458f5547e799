// `lip test --backend onnx`: a property's lowered function (one specialisation per size tuple)
// emitted as an ONNX model and run by ONNX Runtime, one session per specialisation.

import * as ort from "onnxruntime-node";
import { DEFAULT_OPSET, emitModel } from "../../compiler/backends/onnx/emit.js";
import type { IrFunction } from "../../compiler/ir/function.js";
import type { CompiledProperty, PropertyBackend } from "../test/backend.js";
import type { Tensor, TensorData } from "../tensor.js";

const ORT_TYPE = { f32: "float32", f64: "float64", i32: "int32", bool: "bool" } as const;

function toOrt(t: Tensor): ort.Tensor {
  let data: TensorData = t.data;
  if (t.dtype === "f32" && !(data instanceof Float32Array)) data = Float32Array.from(data);
  if (t.dtype === "f64" && !(data instanceof Float64Array)) data = Float64Array.from(data);
  if (t.dtype === "i32" && !(data instanceof Int32Array)) data = Int32Array.from(data);
  if (t.dtype === "bool" && !(data instanceof Uint8Array)) data = Uint8Array.from(data, (v) => (v ? 1 : 0));
  return new ort.Tensor(ORT_TYPE[t.dtype], data, [...t.shape]);
}

export class OnnxPropertyBackend implements PropertyBackend {
  readonly name = "onnx";
  private readonly sessions: ort.InferenceSession[] = [];
  constructor(private readonly opset = DEFAULT_OPSET) {}

  async compile(fn: IrFunction): Promise<CompiledProperty> {
    // a property's values are small: one thread avoids ORT's thread-pool overhead per run
    const session = await ort.InferenceSession.create(emitModel(fn, { opset: this.opset, name: "property" }), { graphOptimizationLevel: "all", intraOpNumThreads: 1, logSeverityLevel: 3 });
    this.sessions.push(session);
    const outputs = fn.outputs;
    return {
      run: async (inputs) => {
        const feeds: Record<string, ort.Tensor> = {};
        for (const i of fn.inputs) feeds[i.name] = toOrt(inputs[i.name]!);
        const results = await session.run(feeds);
        const out: Record<string, Tensor> = {};
        for (const o of outputs) {
          const r = results[o.name]!;
          out[o.name] = { dtype: o.node.dtype, shape: r.dims.map(Number), data: r.data as TensorData };
        }
        return out;
      },
    };
  }

  async dispose(): Promise<void> {
    for (const s of this.sessions) await s.release();
    this.sessions.length = 0;
  }
}
