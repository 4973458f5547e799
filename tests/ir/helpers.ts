// Shared test helpers for the IR, passes and runtime suites: building functions, random data
// from a seed, NaN-aware comparison, and fast-check arbitraries for shapes.

import fc from "fast-check";
import { IrBuilder } from "../../compiler/ir/builder.js";
import type { DType } from "../../compiler/ir/dtype.js";
import type { IrFunction } from "../../compiler/ir/function.js";
import { IrContext, type Node } from "../../compiler/ir/node.js";
import { Op, type OpArgs } from "../../compiler/ir/ops.js";
import { numel } from "../../compiler/ir/shape.js";
import type { Tensor } from "../../runtime/tensor.js";
import { tensor } from "../../runtime/tensor.js";
import { seededRandom } from "../../runtime/batches.js";

/** Fixed seed for reproducible property tests; override with FC_SEED=n to explore. */
export const FC_SEED = Number(process.env.FC_SEED ?? 1234567);

export function setup(): { ctx: IrContext; b: IrBuilder } {
  const ctx = new IrContext();
  return { ctx, b: new IrBuilder(ctx) };
}

/** A function whose inputs are the given input nodes (named by their own names). */
export function fnOf(name: string, inputs: readonly Node[], outputs: Record<string, Node>): IrFunction {
  return {
    name,
    inputs: inputs.map((node) => ({ name: (node.arg as OpArgs[Op.Input]).name, node })),
    outputs: Object.entries(outputs).map(([n, node]) => ({ name: n, node })),
  };
}

/** mulberry32 (runtime/batches.ts): a small seeded generator of uniforms in [0, 1). */
export const rng = seededRandom;

export function randomTensor(dtype: DType, shape: readonly number[], gen: () => number): Tensor {
  return tensor(dtype, shape, Array.from({ length: numel(shape) }, gen), "f64");
}

/** Values in [lo, hi). */
export const uniformIn = (r: () => number, lo: number, hi: number) => () => lo + (hi - lo) * r();

/** NaN-aware closeness of two number lists: the first index that differs, or -1. */
export function firstMismatch(a: ArrayLike<number>, b: ArrayLike<number>, rtol: number, atol: number): number {
  if (a.length !== b.length) return 0;
  for (let i = 0; i < a.length; i++) {
    const x = a[i]!;
    const y = b[i]!;
    if (Number.isNaN(x) || Number.isNaN(y)) {
      if (Number.isNaN(x) && Number.isNaN(y)) continue;
      return i;
    }
    if (x === y) continue; // equal infinities, and -0 == 0
    if (!(Math.abs(x - y) <= atol + rtol * Math.max(Math.abs(x), Math.abs(y)))) return i;
  }
  return -1;
}

export function expectClose(actual: Tensor, expected: Tensor, rtol = 1e-12, atol = 0): void {
  if (actual.dtype !== expected.dtype || actual.shape.join() !== expected.shape.join()) throw new Error(`type ${actual.dtype}[${actual.shape}] differs from ${expected.dtype}[${expected.shape}]`);
  const i = firstMismatch(actual.data, expected.data, rtol, atol);
  if (i >= 0) throw new Error(`element ${i}: ${actual.data[i]} vs ${expected.data[i]} (rtol ${rtol}, atol ${atol})`);
}

/** A shape of rank minRank..maxRank with dims 1..maxDim. */
export function shapeArb(minRank = 0, maxRank = 4, maxDim = 3): fc.Arbitrary<number[]> {
  return fc.array(fc.integer({ min: 1, max: maxDim }), { minLength: minRank, maxLength: maxRank });
}

/** Two shapes that broadcast together (NumPy): the second drops leading dims and sets some to 1. */
export function broadcastPairArb(maxRank = 4, maxDim = 3): fc.Arbitrary<[number[], number[]]> {
  return fc
    .tuple(shapeArb(0, maxRank, maxDim), fc.nat(), fc.boolean())
    .map(([s, bits, swap]) => {
      const drop = s.length === 0 ? 0 : bits % (s.length + 1);
      const t = s.slice(drop).map((d, i) => ((bits >> (i + 3)) & 1 ? 1 : d));
      return swap ? [t, s] : [s, t];
    });
}
