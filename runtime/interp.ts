// The reference interpreter: evaluates an IR function on host tensors, one node at a time in
// topological order, with each primitive's `eval` rule. It is the oracle every backend is tested
// against: exact and readable first (the rules' fast paths compute the same bits as plain loops;
// tests/runtime/interp-fast-paths.test.ts checks it). A value's array goes back to a pool after
// its last use, for later results of the same size. By default f32 values are rounded to f32
// after every op (Float32Array storage); with `float64: true` every float is computed and stored
// in f64, which gradient checks need. Inputs are checked up front: a missing, unknown or
// mis-shaped input is an InterpretError naming it, with the expected and actual types.

import type { IrFunction } from "../compiler/ir/function.js";
import { toposort } from "../compiler/ir/graph.js";
import type { Node } from "../compiler/ir/node.js";
import { ruleOf, type EvalEnv } from "../compiler/ir/primitives.js";
import { Op, type OpArgs } from "../compiler/ir/ops.js";
import { isFloat } from "../compiler/ir/dtype.js";
import { numel, shapesEqual, showShape } from "../compiler/ir/shape.js";
import { ArrayPool, withMode, withPool, type FloatMode, type Tensor, type TensorData } from "./tensor.js";

export interface InterpretOptions {
  /** Compute every float dtype in f64 (for gradient checks); default false (f32 rounding). */
  readonly float64?: boolean;
}

export class InterpretError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "InterpretError";
  }
}

export function interpret(fn: IrFunction, inputs: Record<string, Tensor>, opts: InterpretOptions = {}): Record<string, Tensor> {
  const mode: FloatMode = opts.float64 ? "f64" : "f32";
  const bound = new Map<string, Tensor>();
  for (const { name, node } of fn.inputs) {
    const t = inputs[name];
    if (t === undefined) throw new InterpretError(`missing input \`${name}\`: expected ${node.dtype}${showShape(node.shape)}`);
    bound.set(name, checkInput(name, node, t, mode));
  }
  for (const name of Object.keys(inputs)) if (!bound.has(name)) throw new InterpretError(`unknown input \`${name}\`: \`${fn.name}\` takes ${fn.inputs.map((i) => `\`${i.name}\``).join(", ") || "no inputs"}`);
  const values = evaluate(fn.outputs.map((o) => o.node), bound, opts);
  const out: Record<string, Tensor> = {};
  fn.outputs.forEach((o, i) => (out[o.name] = values[i]!));
  return out;
}

/** The values of `roots`, with the inputs they use bound by name (used by constant folding). */
export function evaluate(roots: readonly Node[], inputs: ReadonlyMap<string, Tensor> = new Map(), opts: InterpretOptions = {}): Tensor[] {
  const env: EvalEnv = {
    mode: opts.float64 ? "f64" : "f32",
    input: (name) => {
      const t = inputs.get(name);
      if (t === undefined) throw new InterpretError(`missing input \`${name}\``);
      return t;
    },
  };
  const order = toposort(roots);
  // uses left of each value (the roots' never run out), and live values per array: an array
  // goes back to the pool once no live value holds it (reshape and the identities share arrays,
  // as the same array object; no rule returns a view of another array)
  const usesLeft = new Map<Node, number>(roots.map((r) => [r, 1]));
  for (const node of order) for (const s of node.src) usesLeft.set(s, (usesLeft.get(s) ?? 0) + 1);
  const holders = new Map<TensorData, number>();
  const pool = new ArrayPool();
  const values = new Map<Node, Tensor>();
  withPool(pool, () => {
    for (const node of order) {
      const src = node.src.map((s) => values.get(s)!);
      const value = ruleOf(node.op).eval(node.arg, src, { dtype: node.dtype, shape: smallInts(node.shape) }, env);
      values.set(node, value);
      holders.set(value.data, (holders.get(value.data) ?? 0) + 1);
      for (const s of node.src) {
        const left = usesLeft.get(s)! - 1;
        usesLeft.set(s, left);
        if (left > 0) continue;
        const data = values.get(s)!.data;
        values.delete(s);
        const held = holders.get(data)! - 1;
        holders.set(data, held);
        if (held === 0 && pool.owns(data)) pool.release(data);
      }
    }
  });
  pool.retire();
  return roots.map((r) => values.get(r)!);
}

/**
 * The dims as small-integer numbers (`d | 0`): a shape computed through float arithmetic holds
 * integer-valued heap numbers, with which V8 does the rules' index arithmetic in f64 (slowly).
 */
function smallInts(shape: readonly number[]): number[] {
  return shape.map((d) => d | 0);
}

function checkInput(name: string, node: Node, t: Tensor, mode: FloatMode): Tensor {
  const want = `${node.dtype}${showShape(node.shape)}`;
  const got = `${t.dtype}${showShape(t.shape)}`;
  if (node.op !== Op.Input || (node.arg as OpArgs[Op.Input]).name !== name) throw new InterpretError(`input \`${name}\` is not an input node`);
  if (t.dtype !== node.dtype) throw new InterpretError(`input \`${name}\` has dtype ${t.dtype}, expected ${want} (got ${got})`);
  if (!shapesEqual(t.shape, node.shape)) throw new InterpretError(`input \`${name}\` has shape ${showShape(t.shape)}, expected ${want} (got ${got})`);
  if (t.data.length !== numel(t.shape)) throw new InterpretError(`input \`${name}\` has ${t.data.length} values for shape ${showShape(t.shape)}`);
  const okStorage = isFloat(t.dtype) ? t.data instanceof Float32Array || t.data instanceof Float64Array : t.dtype === "i32" ? t.data instanceof Int32Array : t.data instanceof Uint8Array;
  if (!okStorage) throw new InterpretError(`input \`${name}\` of dtype ${t.dtype} is stored in a ${t.data.constructor.name}`);
  return withMode({ dtype: t.dtype, shape: smallInts(t.shape), data: t.data }, t.dtype === "f64" ? "f64" : mode);
}
