// Scalar functions the reference semantics need beyond `Math`: erf, round half to even, floor
// modulo, integer division. Each is computed in f64; the interpreter rounds the result to the
// node's dtype when it stores it.

const TWO_OVER_SQRT_PI = 1.1283791670955126;

/**
 * The error function, to about 1e-15 relative error. For |x| < 6 it sums the series
 * erf(x) = 2/sqrt(pi) e^{-x^2} sum_n 2^n x^{2n+1} / (1*3*...*(2n+1)), whose terms are all
 * positive (no cancellation); beyond 6, erf(x) = sign(x) to double precision.
 */
export function erf(x: number): number {
  if (Number.isNaN(x)) return NaN;
  const ax = Math.abs(x);
  if (ax >= 6) return Math.sign(x);
  const x2 = x * x;
  let term = x;
  let sum = x;
  for (let n = 1; n < 200; n++) {
    term *= (2 * x2) / (2 * n + 1);
    sum += term;
    if (Math.abs(term) <= 1e-17 * Math.abs(sum)) break;
  }
  return TWO_OVER_SQRT_PI * Math.exp(-x2) * sum;
}

/** Round to nearest, ties to even (IEEE roundTiesToEven, NumPy `round`). */
export function roundHalfEven(x: number): number {
  if (!Number.isFinite(x)) return x;
  const f = Math.floor(x);
  const diff = x - f;
  const r = diff < 0.5 ? f : diff > 0.5 ? f + 1 : f % 2 === 0 ? f : f + 1;
  return r === 0 && (x < 0 || Object.is(x, -0)) ? -0 : r;
}

/** Floor modulo: the result has the sign of the divisor (NumPy `%`, Python `%`). */
export function floorMod(a: number, b: number): number {
  const r = a % b;
  return r !== 0 && r < 0 !== b < 0 ? r + b : r;
}

/** i32 floor modulo; x mod 0 = 0 (backends guard the division). */
export function intMod(a: number, b: number): number {
  if (b === 0) return 0;
  return floorMod(a, b);
}

/** i32 division truncating toward zero; x / 0 = 0 (backends guard the division). */
export function intDiv(a: number, b: number): number {
  if (b === 0) return 0;
  return Math.trunc(a / b);
}

/** C `pow` conventions where JS differs: pow(1, y) = 1 for every y (JS gives NaN for y = NaN). */
export function pow(a: number, b: number): number {
  if (a === 1) return 1;
  return Math.pow(a, b);
}

/** Logistic sigmoid without overflow for large |x|. */
export function sigmoid(x: number): number {
  if (x >= 0) return 1 / (1 + Math.exp(-x));
  const e = Math.exp(x);
  return e / (1 + e);
}

/** max(x, 0) that propagates NaN. */
export function relu(x: number): number {
  return x > 0 ? x : x !== x ? x : 0;
}
