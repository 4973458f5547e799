// Counter-based random numbers: Threefry-2x32 with 20 rounds (Salmon et al., "Parallel random
// numbers: as easy as 1, 2, 3", SC 2011; the generator JAX uses). It needs only 32-bit addition,
// xor and rotation, so WGSL and ONNX backends compute bit-identical streams.
//
// The Lip stream, which every backend implements identically:
//   key     = (seed as u32, salt as u32)
//   element i (row-major flat index) of a `random_bits` of any shape:
//           (x0, x1) = threefry2x32(key, counter = (i, 0)); bits_i = x0
//   uniform = (bits >>> 8) * 2^-24        (24 random bits: exact in f32, in [0, 1))
// Uniform, normal (Box-Muller) and bernoulli draws are built from these in `IrBuilder.random`.

const ROTATIONS = [13, 15, 26, 6, 17, 29, 16, 24] as const;
const KS_PARITY = 0x1bd11bda;

function rotl(x: number, r: number): number {
  return ((x << r) | (x >>> (32 - r))) >>> 0;
}

/** Threefry-2x32-20 of a counter (c0, c1) under a key (k0, k1); all values u32. */
export function threefry2x32(k0: number, k1: number, c0: number, c1: number): [number, number] {
  const ks = [k0 >>> 0, k1 >>> 0, (KS_PARITY ^ k0 ^ k1) >>> 0];
  let x0 = (c0 + ks[0]!) >>> 0;
  let x1 = (c1 + ks[1]!) >>> 0;
  for (let group = 0; group < 5; group++) {
    const rot = group % 2 === 0 ? 0 : 4;
    for (let r = 0; r < 4; r++) {
      x0 = (x0 + x1) >>> 0;
      x1 = rotl(x1, ROTATIONS[rot + r]!);
      x1 = (x1 ^ x0) >>> 0;
    }
    // key injection after every 4 rounds
    const s = group + 1;
    x0 = (x0 + ks[s % 3]!) >>> 0;
    x1 = (x1 + ks[(s + 1) % 3]! + s) >>> 0;
  }
  return [x0, x1];
}

/** `n` random 32-bit words (as i32) of the stream (seed, salt), elements 0..n-1. */
export function randomBits(seed: number, salt: number, n: number): Int32Array {
  const out = new Int32Array(n);
  for (let i = 0; i < n; i++) out[i] = threefry2x32(seed, salt, i, 0)[0];
  return out;
}

/** 32 random bits (any sign as i32) -> a uniform float in [0, 1) with 24 random bits. */
export function bitsToUnit(bits: number): number {
  return (bits >>> 8) * 5.9604644775390625e-8; // 2^-24
}
