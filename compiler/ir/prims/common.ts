// Helpers shared by the primitive rule files: argument checks that throw CompilerBug (the
// checker and the builder guarantee well-formed IR, so a failure here is a bug in Lip), result
// allocation and small builder shortcuts used by VJP rules.

import { CompilerBug } from "../../diag/diagnostic.js";
import type { Node, Aval } from "../node.js";
import type { IrBuilder } from "../builder.js";
import { numel, shapesEqual, showShape, type Shape } from "../shape.js";
import { allocData, type Tensor, type TensorData } from "../../../runtime/tensor.js";
import type { EvalEnv } from "../primitives.js";
import type { DType } from "../dtype.js";

export function bug(op: string, message: string): never {
  throw new CompilerBug(`${op}: ${message}`);
}

export function arity(op: string, src: readonly Aval[], n: number): void {
  if (src.length !== n) bug(op, `expects ${n} source${n === 1 ? "" : "s"}, got ${src.length}`);
}

export function sameShape(op: string, a: Aval, b: Aval): void {
  if (!shapesEqual(a.shape, b.shape)) bug(op, `operand shapes differ: ${showShape(a.shape)} and ${showShape(b.shape)} (broadcasting is explicit in the IR)`);
}

export function sameDtype(op: string, a: Aval, b: Aval): void {
  if (a.dtype !== b.dtype) bug(op, `operand dtypes differ: ${a.dtype} and ${b.dtype}`);
}

export function checkShapeArg(op: string, shape: Shape): void {
  if (!shape.every((d) => Number.isInteger(d) && d >= 0)) bug(op, `invalid shape ${showShape(shape)}`);
}

export function aval(dtype: DType, shape: Shape): Aval {
  return { dtype, shape };
}

/** A zeroed result tensor for `out` in the interpreter's float mode. */
export function result(out: Aval, env: EvalEnv): { t: Tensor; data: TensorData } {
  const data = allocData(out.dtype, numel(out.shape), env.mode);
  return { t: { dtype: out.dtype, shape: [...out.shape], data }, data };
}

/** A splat constant with the dtype and shape of `like`. */
export function full(b: IrBuilder, value: number, like: Aval): Node {
  return b.constant(value, like.dtype, [...like.shape]);
}

export function zerosLike(b: IrBuilder, like: Aval): Node {
  return full(b, 0, like);
}
