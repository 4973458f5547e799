// The primitive table: for every op, its shape rule (abstract evaluation), its reference
// evaluation over typed arrays, and its vector-Jacobian product. The table's type,
// `{ [O in Op]: PrimitiveRule<O> }`, makes a primitive without a rule a compile error, and each
// rule receives the op's own argument type (`OpArgs[O]`).
//
// The rules live in small files per group (`prims/*.ts`); this file joins them and states the
// contract. Backends follow the same pattern in their own folders, so that a new op fails to
// compile until every backend handles it:
//   compiler/backends/onnx/rules.ts:  export const onnxRules: OpTable<OnnxRule>  = { ... }
//   compiler/backends/wgsl/rules.ts:  export const wgslRules: OpTable<WgslRule>  = { ... }
// where `OpTable<R>` stands for `{ readonly [O in Op]: R<O> }`, written out in each file (TypeScript
// has no higher-kinded type parameters). A backend that cannot lower an op says so in its table
// with an explicit marker (like `nonDifferentiable` here), never by leaving the key out; a test
// per backend checks at run time that its table's keys are exactly `ALL_OPS` (as
// tests/ir/ir.test.ts does for this table).

import type { IrBuilder } from "./builder.js";
import type { Aval, Node } from "./node.js";
import { Op, type OpArgs } from "./ops.js";
import type { FloatMode, Tensor } from "../../runtime/tensor.js";
import { elementwiseRules } from "./prims/elementwise.js";
import { leafRules } from "./prims/leaves.js";
import { reduceRules } from "./prims/reduce.js";
import { movementRules } from "./prims/movement.js";
import { indexingRules } from "./prims/indexing.js";
import { miscRules } from "./prims/misc.js";

/** What an evaluation rule may ask of the interpreter. */
export interface EvalEnv {
  /** "f32" rounds every f32 result to f32 (the default); "f64" computes all floats in f64. */
  readonly mode: FloatMode;
  /** The value bound to an input (the interpreter has checked its dtype and shape). */
  input(name: string): Tensor;
}

/**
 * A VJP rule: given the cotangent `ct` of `node` (same dtype and shape as the node, never a
 * symbolic zero), the cotangents of the node's sources, built with `b`, in source order; `null`
 * is a symbolic zero (no gradient flows to that source).
 */
export type VjpRule<O extends Op> = (b: IrBuilder, ct: Node, node: Node<O>) => readonly (Node | null)[];

import { nonDifferentiable, type NonDifferentiable } from "./prims/non-differentiable.js";
export { nonDifferentiable, type NonDifferentiable };

export interface PrimitiveRule<O extends Op> {
  /** The abstract evaluation: dtype and shape of the result; throws CompilerBug on misuse. */
  readonly shape: (arg: OpArgs[O], src: readonly Aval[]) => Aval;
  /** The reference semantics: the result for concrete sources (already checked by `shape`). */
  readonly eval: (arg: OpArgs[O], src: readonly Tensor[], out: Aval, env: EvalEnv) => Tensor;
  readonly vjp: VjpRule<O> | NonDifferentiable;
}

export const primitives: { readonly [O in Op]: PrimitiveRule<O> } = {
  ...leafRules,
  ...elementwiseRules,
  ...miscRules,
  ...reduceRules,
  ...movementRules,
  ...indexingRules,
};

/** The rule of one op, with its argument type. */
export function ruleOf<O extends Op>(op: O): PrimitiveRule<O> {
  return primitives[op] as unknown as PrimitiveRule<O>;
}

export function isDifferentiable(op: Op): boolean {
  return primitives[op].vjp !== nonDifferentiable;
}
