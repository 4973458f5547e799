// The tensor IR's public surface, for the lowering, the passes, the backends and the runtime.

export { type DType, isFloat, isInt } from "./dtype.js";
export { Op, type InputKind, type OpArgs, type UnaryOpName, type BinaryOpName } from "./ops.js";
export { IrContext, Node, type Aval } from "./node.js";
export { IrBuilder, type RandomDist, type RandomParams } from "./builder.js";
export { type IrFunction, withOutputs } from "./function.js";
export { printFunction, printExpr } from "./print.js";
export { verifyFunction, IrVerifyError } from "./verify.js";
export { toposort, functionNodes, rewriteFunction } from "./graph.js";
export { primitives, ruleOf, nonDifferentiable, type PrimitiveRule, type VjpRule, type EvalEnv } from "./primitives.js";
