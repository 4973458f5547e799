// The generated cases of a property: fast-check arbitraries for its size variables and for each
// `forall` variable, dtype-aware.
//
// A case is drawn in two stages: first every size variable (1..maxSize, shared by all the
// generators that mention it), then each tensor at the shapes those sizes give. Shrinking makes
// the sizes smaller first and then the values simpler (towards 0 or, for a range without 0,
// towards the end nearer to 0), so counterexamples come out small and readable.
//
// Floats (f32, f64) come from a mix of typical magnitudes: small integers (-4..4, 0 included),
// values in [-1, 1] and in [-100, 100] with six significant digits, and log-uniform magnitudes
// in [1e-4, 1e4] of either sign. `in [lo, hi]` keeps every value inside the range (after f32
// rounding): a range containing 0 draws both sides of it; a positive (or negative) range that
// spans two decades or more is drawn log-uniformly, so `c: f32 in [0.01, 100]` gives as many
// c < 1 as c > 1. On request (`values: "extreme"`) the floats also include signed zeros,
// subnormals, and tiny and huge magnitudes up to the largest finite value; `"nonfinite"` adds
// inf, -inf and NaN as well. Integers are small (-4..4) or moderate (-100..100) unless a range
// says otherwise; booleans are fair coins.

import fc from "fast-check";
import type * as A from "../../compiler/ast/nodes.js";
import { printExpr } from "../../compiler/ast/print.js";
import type { GeneratorSpec, PropertyInfo } from "../../compiler/lower/property.js";

/** Which float values the generators may produce besides the typical ones. */
export type ValueMix = "normal" | "extreme" | "nonfinite";

export interface GenerateOptions {
  /** The largest value drawn for a size variable (the smallest is 1). Default 8. */
  readonly maxSize?: number;
  readonly values?: ValueMix;
}

/** One generated case: a size for every size variable and the flat values of every generator. */
export interface PropertyCase {
  readonly sizes: Readonly<Record<string, number>>;
  readonly values: Readonly<Record<string, readonly number[]>>;
}

/** A generator the runner cannot draw from (e.g. a `...` dimension, or an empty integer range). */
export class GeneratorError extends Error {
  constructor(
    message: string,
    readonly generator: GeneratorSpec,
  ) {
    super(message);
    this.name = "GeneratorError";
  }
}

export const DEFAULT_MAX_SIZE = 8;

/** The shape of a generator once the sizes are known. */
export function shapeOf(g: GeneratorSpec, sizes: Readonly<Record<string, number>>): number[] {
  return g.dims.map((d) => (typeof d === "number" ? d : sizes[d]!));
}

/** The arbitrary of a property's cases. Throws GeneratorError for a generator it cannot draw. */
export function caseArbitrary(info: PropertyInfo, opts: GenerateOptions = {}): fc.Arbitrary<PropertyCase> {
  const maxSize = opts.maxSize ?? DEFAULT_MAX_SIZE;
  const mix = opts.values ?? "normal";
  // A range the lowering could not read (it reads number literals only: `in [0, 2 * pi]` passes
  // the checker but comes out as no range) must not silently become "unbounded".
  const written = new Map<string, A.Generator>();
  for (const s of info.property.body) if (s.kind === "ForAll") for (const g of s.generators) written.set(g.name.name, g);
  const scalars = new Map<GeneratorSpec, fc.Arbitrary<number>>();
  for (const g of info.generators) {
    const w = written.get(g.name);
    if (w?.range && g.range === null) {
      throw new GeneratorError(`\`${g.name}\`: \`in ${printExpr(w.range)}\` is not a range the runner can use yet: write both ends as numbers (\`in [0, 6.283185]\`)`, g);
    }
    if (g.dims.includes("...")) throw new GeneratorError(`\`${g.name}\`: a generated tensor needs a fixed rank; write its dimensions out (\`f32[B, N]\`) instead of \`...\``, g);
    scalars.set(g, elementArbitrary(g, mix));
  }
  const sizeArbs: Record<string, fc.Arbitrary<number>> = {};
  for (const v of info.sizeVars) sizeArbs[v] = fc.integer({ min: 1, max: maxSize });
  return fc.record(sizeArbs).chain((sizes) => {
    const valueArbs: Record<string, fc.Arbitrary<number[]>> = {};
    for (const g of info.generators) {
      const n = shapeOf(g, sizes).reduce((a, b) => a * b, 1);
      valueArbs[g.name] = fc.array(scalars.get(g)!, { minLength: n, maxLength: n });
    }
    return fc.record(valueArbs).map((values) => ({ sizes, values }));
  });
}

/** The arbitrary of one element of a generator. */
export function elementArbitrary(g: GeneratorSpec, mix: ValueMix = "normal"): fc.Arbitrary<number> {
  switch (g.dtype) {
    case "bool":
      return fc.boolean().map((b) => (b ? 1 : 0));
    case "i32":
      return intArbitrary(g, mix);
    case "f32":
    case "f64":
      return floatArbitrary(g.dtype, g.range, mix, g);
  }
}

const I32_MIN = -2147483648;
const I32_MAX = 2147483647;

function intArbitrary(g: GeneratorSpec, mix: ValueMix): fc.Arbitrary<number> {
  if (g.range !== null) {
    const lo = Math.max(I32_MIN, Math.ceil(g.range[0]));
    const hi = Math.min(I32_MAX, Math.floor(g.range[1]));
    if (lo > hi) throw new GeneratorError(`\`${g.name}\`: the range [${g.range[0]}, ${g.range[1]}] holds no integer`, g);
    return fc.integer({ min: lo, max: hi });
  }
  const arms: fc.WeightedArbitrary<number>[] = [
    { arbitrary: fc.integer({ min: -4, max: 4 }), weight: 3 },
    { arbitrary: fc.integer({ min: -100, max: 100 }), weight: 2 },
  ];
  if (mix !== "normal") arms.push({ arbitrary: fc.constantFrom(I32_MIN, I32_MAX, -1 << 16, 1 << 16), weight: 1 });
  return fc.oneof({ withCrossShrink: true }, ...arms);
}

// ---------------------------------------------------------------- floats

const F32_MAX = 3.4028234663852886e38;
const F32_MIN_NORMAL = 1.1754943508222875e-38;
const F32_MIN_SUBNORMAL = 1.401298464324817e-45;

/** Rounds to the dtype's precision. */
function roundTo(dtype: "f32" | "f64", x: number): number {
  return dtype === "f32" ? Math.fround(x) : x;
}

const f32Bits = new Float32Array(1);
const i32Bits = new Int32Array(f32Bits.buffer);

/** The f32 next to `x` towards +inf (up) or -inf. */
function nextF32(x: number, up: boolean): number {
  if (x === 0) return up ? F32_MIN_SUBNORMAL : -F32_MIN_SUBNORMAL;
  f32Bits[0] = x;
  i32Bits[0]! += (x > 0) === up ? 1 : -1;
  return f32Bits[0]!;
}

/** `x` rounded to the dtype and moved (by the smallest steps) into [lo, hi]. */
function into(dtype: "f32" | "f64", x: number, lo: number, hi: number): number {
  let v = roundTo(dtype, x);
  if (dtype === "f32") {
    if (v < lo) v = nextF32(v, true);
    if (v > hi) v = nextF32(v, false);
  }
  return Math.min(hi, Math.max(lo, v));
}

/** Six significant digits of `scale * i / 1e6` for i in [-1e6, 1e6]: shrinks towards 0. */
function symmetric(scale: number): fc.Arbitrary<number> {
  return fc.integer({ min: -1_000_000, max: 1_000_000 }).map((i) => (scale * i) / 1_000_000);
}

/** A magnitude 10^u, u uniform in [lo, hi] (three decimals), of either sign: shrinks towards +1. */
function logMagnitude(lo: number, hi: number): fc.Arbitrary<number> {
  return fc.tuple(fc.integer({ min: Math.round(lo * 1000), max: Math.round(hi * 1000) }), fc.boolean()).map(([e, neg]) => (neg ? -1 : 1) * 10 ** (e / 1000));
}

function specialValues(dtype: "f32" | "f64", mix: ValueMix): number[] {
  if (mix === "normal") return [];
  const tiny = dtype === "f32" ? [F32_MIN_SUBNORMAL, F32_MIN_NORMAL] : [Number.MIN_VALUE, 2.2250738585072014e-308];
  const huge = dtype === "f32" ? [1e30, F32_MAX] : [1e300, Number.MAX_VALUE];
  const finite = [0, -0, ...[...tiny, 1e-30, ...huge].flatMap((v) => [v, -v])];
  return mix === "nonfinite" ? [...finite, Infinity, -Infinity, NaN] : finite;
}

function floatArbitrary(dtype: "f32" | "f64", range: readonly [number, number] | null, mix: ValueMix, g: GeneratorSpec): fc.Arbitrary<number> {
  const specials = specialValues(dtype, mix);
  if (range === null) {
    const arms: fc.WeightedArbitrary<number>[] = [
      { arbitrary: fc.integer({ min: -4, max: 4 }), weight: 2 },
      { arbitrary: symmetric(1), weight: 4 },
      { arbitrary: symmetric(100), weight: 2 },
      { arbitrary: logMagnitude(-4, 4), weight: 2 },
    ];
    if (specials.length > 0) arms.push({ arbitrary: fc.constantFrom(...specials), weight: 2 });
    return fc.oneof({ withCrossShrink: true }, ...arms).map((x) => roundTo(dtype, x));
  }
  const [lo, hi] = range;
  if (!(lo <= hi) || !Number.isFinite(lo) || !Number.isFinite(hi)) throw new GeneratorError(`\`${g.name}\`: the range [${lo}, ${hi}] is empty`, g);
  const arms: fc.WeightedArbitrary<number>[] = [];
  const inside = (v: number) => v >= lo && v <= hi;
  if (lo <= 0 && hi >= 0) {
    // both sides of 0: small integers first (shrinking ends at 0), then uniform on each side
    const ints = fc.integer({ min: Math.max(-4, Math.ceil(lo)), max: Math.min(4, Math.floor(hi)) });
    arms.push({ arbitrary: ints, weight: 2 });
    arms.push({ arbitrary: fc.integer({ min: -1_000_000, max: 1_000_000 }).map((i) => (i < 0 ? (-lo * i) / 1_000_000 : (hi * i) / 1_000_000)), weight: 6 });
  } else {
    // one side of 0: from the end nearer to 0 (where shrinking goes) to the far end
    const near = lo > 0 ? lo : hi;
    const far = lo > 0 ? hi : lo;
    const ratio = far / near;
    const spread =
      ratio >= 100
        ? fc.integer({ min: 0, max: 1_000_000 }).map((i) => near * ratio ** (i / 1_000_000))
        : fc.integer({ min: 0, max: 1_000_000 }).map((i) => near + ((far - near) * i) / 1_000_000);
    arms.push({ arbitrary: spread, weight: 6 });
    arms.push({ arbitrary: fc.constantFrom(near, far), weight: 1 });
    // a few integers in the range, from the end nearer to 0
    const ints: number[] = [];
    if (lo > 0) for (let k = Math.ceil(lo); k <= hi && ints.length < 5; k++) ints.push(k);
    else for (let k = Math.floor(hi); k >= lo && ints.length < 5; k--) ints.push(k);
    if (ints.length > 0) arms.push({ arbitrary: fc.constantFrom(...ints), weight: 1 });
  }
  const inRange = specials.filter(inside);
  if (inRange.length > 0) arms.push({ arbitrary: fc.constantFrom(...inRange), weight: 1 });
  return fc.oneof({ withCrossShrink: true }, ...arms).map((x) => (Number.isFinite(x) ? into(dtype, x, lo, hi) : x));
}

