// Threefry-2x32-20 in ONNX integer ops, bit-identical to runtime/random.ts: key = (seed, salt),
// element i of the result is the first word of threefry2x32(key, counter = (i, 0)).
//
// Two implementations, by opset, both on UINT32 tensors (ONNX Runtime's CPU kernels for uint32
// Add and Mul wrap modulo 2^32, probed with onnxruntime-node 1.30):
//   - opset >= 18: Add, BitShift and the Bitwise* ops of opset 18: five nodes a round; about as
//     fast as runtime/random.ts in JavaScript (65536 draws in 3 to 7 ms);
//   - opset 17 has no bitwise xor (nor and/or) on integers. The emulation is exact: a rotation is
//     x * 2^r + x / 2^(32-r) (the halves do not overlap), and xor goes byte by byte through a
//     256 x 256 table (threefryXorTable). It is slow, about 30 times opset 18 (ONNX Runtime's
//     integer Div and scalar Gather are not vectorised): a training step that draws many random
//     numbers (dropout) should be exported at opset 18 or later. An earlier version kept x1 as
//     32 bit planes in int64 and was 4 times slower still.
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
  const x0 = g.opset >= 18 ? threefryU32(g, seed, salt, n) : threefryXorTable(g, seed, salt, n);
  // x0 holds values in [0, 2^32) as int64: to int32 two's complement, then to the shape
  const signed = g.op("Where", [g.op("Less", [x0, g.scalar(2147483648, E.INT64)]), x0, g.op("Sub", [x0, g.scalar(TWO32, E.INT64)])]);
  if (shape.length === 1 && g.opset >= 18) return g.op("Cast", [signed], { to: int(E.INT32) }, out); // already [n]
  const bits = g.op("Cast", [signed], { to: int(E.INT32) });
  return reshapeOp(g, bits, g.ints(shape), shape, out);
}

/** A u32 known at compile time, or the name of a UINT32 value. */
type U32 = number | string;

/** The word operations of one implementation (they fold when both operands are known). */
interface U32Ops {
  add(a: U32, b: U32): U32;
  xor(a: U32, b: U32): U32;
  rot(a: U32, r: number): U32;
}

/**
 * The 20 rounds of Threefry-2x32 (as runtime/random.ts) over the given word operations: the key
 * schedule from (seed, salt), then x0 = counter + k0, x1 = k1 (counter word 1 is 0). `counter`
 * builds the counters after the key schedule, keeping the emitted nodes in that order.
 */
function threefryRounds(g: OnnxLowering, seed: string, salt: number, counter: () => string, { add, xor, rot }: U32Ops): U32 {
  const k0 = g.op("Cast", [seed], { to: int(E.UINT32) });
  const k1 = salt >>> 0;
  const ks: U32[] = [k0, k1, xor(k0, (KS_PARITY ^ k1) >>> 0)];
  let x0: U32 = add(counter(), ks[0]!);
  let x1: U32 = ks[1]!;
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
  return x0;
}

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
  const counter = () => g.op("Cast", [g.op("Range", [g.scalar(0, E.INT32), g.scalar(n, E.INT32), g.scalar(1, E.INT32)])], { to: int(E.UINT32) });
  return g.op("Cast", [val(threefryRounds(g, seed, salt, counter, { add, xor, rot }))], { to: int(E.INT64) });
}

/** (a ^ b) for all bytes a, b: entry a * 256 + b. */
let xorTableBytes: Uint8Array | undefined;
function xorTable(): Uint8Array {
  if (xorTableBytes === undefined) {
    xorTableBytes = new Uint8Array(65536);
    for (let a = 0; a < 256; a++) for (let b = 0; b < 256; b++) xorTableBytes[a * 256 + b] = a ^ b;
  }
  return xorTableBytes;
}

/**
 * Opset 17: UINT32 Add and BitShift exist (a rotation is the sum of its two shifted halves,
 * whose bits do not overlap), but xor does not. Xor goes byte by byte through a 256 x 256 table:
 * the bytes of both words (shift, mod 256), an index a * 256 + b per byte, a Gather, and the four
 * result bytes weighed back into a word (a MatMul with [1, 2^8, 2^16, 2^24] in int32, which wraps
 * like the uint32 it is cast to). Values are [n, 1], so that the bytes are a trailing axis of 4.
 */
function threefryXorTable(g: OnnxLowering, seed: string, salt: number, n: number): string {
  const c = (v: number) => g.scalar(v >>> 0, E.UINT32);
  const byteScale = g.tensor("u32_1_2p8_2p16_2p24", E.UINT32, [4], [1, 256, 65536, 16777216]);
  const weights = g.tensor("i32_byte_weights", E.INT32, [4, 1], [1, 256, 65536, 16777216]);
  const bytesOf = (u: U32) => (typeof u === "number" ? g.tensor(`u32_bytes_of_${u >>> 0}`, E.UINT32, [4], [u & 255, (u >>> 8) & 255, (u >>> 16) & 255, u >>> 24]) : g.op("Mod", [g.op("Div", [u, byteScale]), c(256)]));
  const val = (u: U32) => (typeof u === "number" ? c(u) : u);
  const add = (a: U32, b: U32): U32 => (typeof a === "number" && typeof b === "number" ? (a + b) >>> 0 : g.op("Add", [val(a), val(b)]));
  const xor = (a: U32, b: U32): U32 => {
    if (typeof a === "number" && typeof b === "number") return (a ^ b) >>> 0;
    const index = g.op("Cast", [g.op("Add", [g.op("Mul", [bytesOf(a), c(256)]), bytesOf(b)])], { to: int(E.INT32) });
    const bytes = g.op("Cast", [g.op("Gather", [g.tensor("u8_xor_table", E.UINT8, [65536], xorTable()), index], { axis: int(0) })], { to: int(E.INT32) });
    return g.op("Cast", [g.op("MatMul", [bytes, weights])], { to: int(E.UINT32) });
  };
  // x << r is x * 2^r (uint32 products wrap), x >> (32 - r) is x / 2^(32 - r)
  const rot = (a: U32, r: number): U32 => (typeof a === "number" ? rotl(a, r) : g.op("Add", [g.op("Mul", [a, c(2 ** r)]), g.op("Div", [a, c(2 ** (32 - r))])]));
  const counter = () => {
    const range = g.op("Range", [g.scalar(0, E.INT32), g.scalar(n, E.INT32), g.scalar(1, E.INT32)]);
    return g.op("Cast", [reshapeOp(g, range, g.ints([n, 1]), [n, 1])], { to: int(E.UINT32) });
  };
  return g.op("Cast", [val(threefryRounds(g, seed, salt, counter, { add, xor, rot }))], { to: int(E.INT64) });
}
