// The error the ONNX emitter throws when a function cannot be exported as asked (an opset out of
// range, a shape that a symbolic batch cannot express, a baked initializer of the wrong type).
// Its message follows the diagnostics' style: lowercase, the problem first, then what to do.

export class OnnxExportError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "OnnxExportError";
  }
}
