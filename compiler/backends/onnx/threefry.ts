// Threefry-2x32-20 in ONNX integer ops, bit-identical to runtime/random.ts: key = (seed, salt),
// element i of the result is the first word of threefry2x32(key, counter = (i, 0)).
//
// Two implementations, by opset:
//   - opset >= 18: on UINT32 tensors with Add (wraps modulo 2^32 in ONNX Runtime's CPU kernels),
//     BitShift and the Bitwise* ops of opset 18: five nodes a round.
//   - opset 17 has no bitwise xor or and on integers. The emulation is exact and uses only
//     int64 arithmetic: x0 is kept as an integer in [0, 2^32) (sums reduced with Mod 2^32) and
//     x1 as its 32 bits along a trailing axis (0/1 in int64). Xor of two bit planes is
//     |a - b|; the integer value of x1 is the sum of its planes times powers of two; the planes
//     of x0 are (x0 div 2^j) mod 2. A rotation moves no data: the planes stay where they are and
//     a compile-time offset says which bit each plane holds, so the weights and divisors that
//     later read or extend x1 are rotated instead. Eight nodes a round, on tensors 32 times the
//     size of the result.
// Values known at compile time (the salt, the parity constant, x1 before the first xor) are
// folded while the graph is built.

import type { Shape } from "../../ir/shape.js";
import { reshapeOp, type OnnxLowering } from "./graph.js";
import { ElemType as E, int, str } from "./proto.js";

const ROTATIONS = [13, 15, 26, 6, 17, 29, 16, 24] as const;
const KS_PARITY = 0x1bd11bda;
const TWO32 = 4294967296;

function rotl(x: number, r: number): number {
  return ((x << r) | (x >>> (32 - r))) >>> 0;
}

/** The bits of a random_bits node: an INT32 value of `shape` named `out`. */
export function threefryBits(g: OnnxLowering, seed: string, salt: number, shape: Shape, out: string): string {
  const n = shape.reduce((a, d) => a * d, 1);
  const x0 = g.opset >= 18 ? threefryU32(g, seed, salt, n) : threefryI64(g, seed, salt, n);
  // x0 holds values in [0, 2^32) as int64: to int32 two's complement, then to the shape
  const signed = g.op("Where", [g.op("Less", [x0, g.scalar(2147483648, E.INT64)]), x0, g.op("Sub", [x0, g.scalar(TWO32, E.INT64)])]);
  if (shape.length === 1 && g.opset >= 18) return g.op("Cast", [signed], { to: int(E.INT32) }, out); // already [n]
  const bits = g.op("Cast", [signed], { to: int(E.INT32) });
  return reshapeOp(g, bits, g.ints(shape), shape, out);
}

/** A u32 known at compile time, or the name of a UINT32 value. */
type U32 = number | string;

function threefryU32(g: OnnxLowering, seed: string, salt: number, n: number): string {
  const c = (v: number) => g.scalar(v >>> 0, E.UINT32);
  const val = (u: U32) => (typeof u === "number" ? c(u) : u);
  const add = (a: U32, b: U32): U32 => (typeof a === "number" && typeof b === "number" ? (a + b) >>> 0 : g.op("Add", [val(a), val(b)]));
  const xor = (a: U32, b: U32): U32 => (typeof a === "number" && typeof b === "number" ? (a ^ b) >>> 0 : g.op("BitwiseXor", [val(a), val(b)]));
  const rot = (a: U32, r: number): U32 => {
    if (typeof a === "number") return rotl(a, r);
    const left = g.op("BitShift", [a, c(r)], { direction: str("LEFT") });
    const right = g.op("BitShift", [a, c(32 - r)], { direction: str("RIGHT") });
    return g.op("BitwiseOr", [left, right]);
  };
  const k0 = g.op("Cast", [seed], { to: int(E.UINT32) });
  const k1 = salt >>> 0;
  const ks: U32[] = [k0, k1, xor(k0, (KS_PARITY ^ k1) >>> 0)];
  const counter = g.op("Cast", [g.op("Range", [g.scalar(0, E.INT32), g.scalar(n, E.INT32), g.scalar(1, E.INT32)])], { to: int(E.UINT32) });
  let x0: U32 = add(counter, ks[0]!);
  let x1: U32 = ks[1]!; // counter word 1 is 0
  for (let group = 0; group < 5; group++) {
    const rotBase = group % 2 === 0 ? 0 : 4;
    for (let r = 0; r < 4; r++) {
      x0 = add(x0, x1);
      x1 = rot(x1, ROTATIONS[rotBase + r]!);
      x1 = xor(x1, x0);
    }
    const s = group + 1;
    x0 = add(x0, ks[s % 3]!);
    if (s < 5) x1 = add(add(x1, ks[(s + 1) % 3]!), s); // the last x1 is not part of the result
  }
  return g.op("Cast", [val(x0)], { to: int(E.INT64) });
}

/** x1 as bit planes: plane p holds bit (p + off) mod 32. */
type Planes = { readonly planes: string; readonly off: number };

function threefryI64(g: OnnxLowering, seed: string, salt: number, n: number): string {
  const i64 = (v: number) => g.scalar(v, E.INT64);
  const pow2 = (off: number) => g.ints(Array.from({ length: 32 }, (_, p) => 2 ** ((p + off) % 32)));
  const constPlanes = (v: number, off: number) => g.ints(Array.from({ length: 32 }, (_, p) => (v >>> ((p + off) % 32)) & 1));
  const mod32 = (x: string) => g.op("Mod", [x, i64(TWO32)]);
  /** The planes of an int64 value in [0, 2^32) (shape [..., 1] or []): shape [..., 32]. */
  const bitsOf = (x: string, off: number) => g.op("Mod", [g.op("Div", [x, pow2(off)]), i64(2)]);
  /** The integer value of planes, keeping a trailing axis of 1 (or none for a scalar). */
  const valueOf = (p: Planes, keep: boolean) => g.op("ReduceSum", [g.op("Mul", [p.planes, pow2(p.off)]), g.ints([-1])], { keepdims: int(keep ? 1 : 0) });
  const xorPlanes = (a: string, b: string) => g.op("Abs", [g.op("Sub", [a, b])]);

  const k0 = mod32(g.op("Cast", [seed], { to: int(E.INT64) })); // seed as u32, a scalar
  const k1 = salt >>> 0;
  const k2 = valueOf({ planes: xorPlanes(bitsOf(k0, 0), constPlanes((KS_PARITY ^ k1) >>> 0, 0)), off: 0 }, false);
  const ks: (number | string)[] = [k0, k1, k2];
  const counter = reshapeOp(g, g.op("Range", [i64(0), i64(n), i64(1)]), g.ints([n, 1]), [n, 1]);
  let x0 = mod32(g.op("Add", [counter, k0])); // [n, 1]
  let x1: number | Planes = k1;
  const addTo = (x: string, v: number | string) => mod32(g.op("Add", [x, typeof v === "number" ? i64(v) : v]));
  for (let group = 0; group < 5; group++) {
    const rotBase = group % 2 === 0 ? 0 : 4;
    for (let r = 0; r < 4; r++) {
      const rr = ROTATIONS[rotBase + r]!;
      x0 = addTo(x0, typeof x1 === "number" ? x1 : valueOf(x1, true));
      if (typeof x1 === "number") x1 = { planes: xorPlanes(bitsOf(x0, 0), constPlanes(rotl(x1, rr), 0)), off: 0 };
      else {
        const off = (x1.off + rr) % 32;
        x1 = { planes: xorPlanes(x1.planes, bitsOf(x0, off)), off };
      }
    }
    const s = group + 1;
    x0 = addTo(x0, ks[s % 3]!);
    if (s === 5) break; // the last x1 is not part of the result
    const k = ks[(s + 1) % 3]!;
    const x1v: string = typeof x1 === "number" ? i64(x1) : valueOf(x1, true);
    const plusKey: string = typeof k === "number" ? addTo(x1v, k + s) : addTo(g.op("Add", [x1v, k]), s);
    x1 = { planes: bitsOf(plusKey, 0), off: 0 };
  }
  return x0;
}
