// WGSL helper functions: the scalar semantics of the primitives that WGSL's built-ins do not
// give (see rules.ts), and accurate replacements for built-ins whose precision WGSL leaves to
// the implementation (sin, cos, log and tanh differ from the interpreter by up to 1e-3 relative on
// SwiftShader; these stay within a few f32 ulps). A kernel's preamble holds only the helpers
// it uses, and the helpers they use.
//
// NaN tests look at the bits: WGSL lets a compiler assume floats are never NaN, so `x != x`
// may fold to false (it does on Dawn + SwiftShader).

interface Helper {
  readonly uses: readonly string[];
  readonly code: string;
}

const H = (code: string, ...uses: string[]): Helper => ({ uses, code: code.trim() });

export const helpers: Readonly<Record<string, Helper>> = {
  // Error-free transformations for compensated sums (FuseOptions.compensatedReductions and
  // exactSums). Knuth's TwoSum:
  // x = fl(a + b) and y = (a + b) - x exactly, with no condition on |a|, |b|. Dekker's TwoProduct
  // with Veltkamp's split (a = hi + lo, 12 bits each): x = fl(a b), y = a b - x exactly. fma would
  // be shorter, but WGSL does not promise a fused fma (SwiftShader's is not); these need only
  // round-to-nearest f32 arithmetic that the compiler neither contracts nor reassociates.
  two_sum: H(`
fn two_sum(a: f32, b: f32) -> vec2<f32> {
  let s = a + b;
  let bb = s - a;
  return vec2<f32>(s, (a - (s - bb)) + (b - bb));
}`),
  two_prod: H(`
fn two_prod(a: f32, b: f32) -> vec2<f32> {
  let ca = 4097.0f * a;
  let ah = ca - (ca - a);
  let al = a - ah;
  let cb = 4097.0f * b;
  let bh = cb - (cb - b);
  let bl = b - bh;
  let p = a * b;
  return vec2<f32>(p, ((ah * bh - p) + ah * bl + al * bh) + al * bl);
}`),
  two_sum4: H(`
struct Sum4 {
  hi: vec4<f32>,
  lo: vec4<f32>,
}

fn split4(a: vec4<f32>) -> Sum4 {
  let c = 4097.0f * a;
  let h = c - (c - a);
  return Sum4(h, a - h);
}

// acc + x y, with x and y given with their splits
fn add_product4(acc: Sum4, x: vec4<f32>, xs: Sum4, y: vec4<f32>, ys: Sum4) -> Sum4 {
  let p = x * y;
  let e = ((xs.hi * ys.hi - p) + xs.hi * ys.lo + xs.lo * ys.hi) + xs.lo * ys.lo;
  let s = acc.hi + p;
  let bb = s - acc.hi;
  return Sum4(s, acc.lo + ((acc.hi - (s - bb)) + (p - bb)) + e);
}`),
  is_nan: H(`
fn is_nan(x: f32) -> bool {
  return (bitcast<u32>(x) & 0x7fffffffu) > 0x7f800000u;
}`),
  // infinities and NaN from private variables: a bitcast of a constant is a const-expression,
  // which WGSL rejects when it is not finite
  f_inf: H(`
var<private> inf_bits: u32 = 0x7f800000u;

fn f_inf() -> f32 {
  return bitcast<f32>(inf_bits);
}`),
  f_nan: H(`
var<private> nan_bits: u32 = 0x7fc00000u;

fn f_nan() -> f32 {
  return bitcast<f32>(nan_bits);
}`),
  // max and min propagate NaN (NumPy maximum)
  f_max: H(
    `
fn f_max(a: f32, b: f32) -> f32 {
  if (is_nan(a)) { return a; }
  if (is_nan(b)) { return b; }
  return max(a, b);
}`,
    "is_nan",
  ),
  f_min: H(
    `
fn f_min(a: f32, b: f32) -> f32 {
  if (is_nan(a)) { return a; }
  if (is_nan(b)) { return b; }
  return min(a, b);
}`,
    "is_nan",
  ),
  f_relu: H(
    `
fn f_relu(x: f32) -> f32 {
  return select(max(x, 0.0f), x, is_nan(x));
}`,
    "is_nan",
  ),
  f_sign: H(
    `
fn f_sign(x: f32) -> f32 {
  return select(sign(x), x, is_nan(x));
}`,
    "is_nan",
  ),
  i_relu: H(`
fn i_relu(x: i32) -> i32 {
  return max(x, 0i);
}`),
  // x / 0 = 0 (WGSL gives x); MIN / -1 wraps to MIN in both
  i_div: H(`
fn i_div(a: i32, b: i32) -> i32 {
  return select(a / b, 0i, b == 0i);
}`),
  // floor modulo, the sign of the divisor; x mod 0 = 0
  i_mod: H(`
fn i_mod(a: i32, b: i32) -> i32 {
  if (b == 0i) { return 0i; }
  let r = a % b;
  return select(r, r + b, r != 0i && ((r < 0i) != (b < 0i)));
}`),
  // a - b q for q = floor(a / b), with b q computed exactly as p + err (Dekker's product by
  // Veltkamp splitting: WGSL promises no fused multiply-add), then moved into [0, b) (or (b, 0])
  // in case the rounded quotient was one off
  f_mod: H(`
fn f_split(a: f32) -> vec2<f32> {
  let c = 4097.0f * a;
  let hi = c - (c - a);
  return vec2<f32>(hi, a - hi);
}

fn f_mod(a: f32, b: f32) -> f32 {
  let q = floor(a / b);
  let p = b * q;
  let sb = f_split(b);
  let sq = f_split(q);
  let err = ((sb.x * sq.x - p) + sb.x * sq.y + sb.y * sq.x) + sb.y * sq.y;
  var r = (a - p) - err;
  if (r != 0.0f && ((r < 0.0f) != (b < 0.0f))) { r = r + b; }
  if (abs(r) >= abs(b)) { r = r - b; }
  return r;
}`),
  // i32 powers by repeated squaring, wrapping like i32 multiplication; negative exponents
  // truncate toward zero (1 and -1 stay exact, 0^-n is 0 as ToInt32(inf) is)
  i_pow: H(`
fn i_pow(a: i32, b: i32) -> i32 {
  if (b < 0i) {
    if (a == 1i) { return 1i; }
    if (a == -1i) { return select(1i, -1i, (b & 1i) != 0i); }
    return 0i;
  }
  var r = 1i;
  var x = a;
  var e = b;
  loop {
    if (e == 0i) { break; }
    if ((e & 1i) != 0i) { r = r * x; }
    x = x * x;
    e = e >> 1u;
  }
  return r;
}`),
  // C pow: pow(x, 0) = 1, pow(1, y) = 1, negative bases with integer exponents, NaN otherwise
  f_pow: H(
    `
fn f_pow(a: f32, b: f32) -> f32 {
  if (b == 0.0f || a == 1.0f) { return 1.0f; }
  if (is_nan(a) || is_nan(b)) { return f_nan(); }
  if (b == 2.0f) { return a * a; }
  let m = abs(a);
  if (m == 0.0f) {
    if (b < 0.0f) { return f_inf(); }
    return 0.0f;
  }
  var r = exp2(b * log2(m));
  if (a < 0.0f) {
    if (trunc(b) != b) { return f_nan(); }
    if (abs(b) < 16777216.0f && (i32(abs(b)) & 1i) == 1i) { r = -r; }
  }
  return r;
}`,
    "is_nan",
    "f_nan",
    "f_inf",
  ),
  // log(x) = e ln2 + 2 atanh(s), x = m 2^e with m in [sqrt(1/2), sqrt(2)), s = (m - 1) / (m + 1)
  f_log: H(
    `
fn f_log(x0: f32) -> f32 {
  if (is_nan(x0) || x0 < 0.0f) { return f_nan(); }
  if (x0 == 0.0f) { return -f_inf(); }
  if (x0 == f_inf()) { return x0; }
  var x = x0;
  var e = 0i;
  if ((bitcast<u32>(x) & 0x7f800000u) == 0u) { x = x * 8388608.0f; e = -23i; }
  let bits = bitcast<u32>(x);
  e = e + i32((bits >> 23u) & 0xffu) - 127i;
  var m = bitcast<f32>((bits & 0x007fffffu) | 0x3f800000u);
  if (m > 1.41421356f) { m = m * 0.5f; e = e + 1i; }
  let f = m - 1.0f;
  let s = f / (2.0f + f);
  let z = s * s;
  let p = 2.0f + z * (0.6666667f + z * (0.4f + z * (0.2857143f + z * 0.2222222f)));
  let fe = f32(e);
  return fe * 0.693145752f + (fe * 1.42860677e-6f + s * p);
}`,
    "is_nan",
    "f_nan",
    "f_inf",
  ),
  // exp(x) - 1 without cancellation near 0 (a Taylor polynomial below 0.5)
  f_expm1: H(`
fn f_expm1(x: f32) -> f32 {
  if (abs(x) < 0.5f) {
    return x * (1.0f + x * (0.5f + x * (0.16666667f + x * (0.041666668f + x * (0.008333334f + x * (0.0013888889f + x * (0.0001984127f + x * 2.4801587e-5f)))))));
  }
  return exp(x) - 1.0f;
}`),
  f_tanh: H(
    `
fn f_tanh(x: f32) -> f32 {
  let a = abs(x);
  if (a > 9.0f) { return select(sign(x), x, is_nan(x)); }
  let e = f_expm1(2.0f * a);
  return sign(x) * (e / (e + 2.0f));
}`,
    "f_expm1",
    "is_nan",
  ),
  // the interpreter's overflow-free form
  f_sigmoid: H(`
fn f_sigmoid(x: f32) -> f32 {
  if (x >= 0.0f) { return 1.0f / (1.0f + exp(-x)); }
  let e = exp(x);
  return e / (1.0f + e);
}`),
  // sin and cos: reduction by multiples of pi/2 in three parts (Cody-Waite), then the Taylor
  // polynomials of sin and cos on [-pi/4, pi/4] and the quadrant's sign and swap
  f_sincos_q: H(`
fn f_sincos_q(x: f32, shift: i32) -> f32 {
  let k = round(x * 0.636619772f);
  let r = ((x - k * 1.5703125f) - k * 4.83751297e-4f) - k * 7.54978995e-8f;
  let z = r * r;
  let s = r + r * z * (-0.16666667f + z * (0.008333333f + z * (-0.0001984127f + z * 2.7557319e-6f)));
  let c = 1.0f + z * (-0.5f + z * (0.041666668f + z * (-0.0013888889f + z * (2.4801587e-5f - z * 2.7557319e-7f))));
  let q = (i32(k) + shift) & 3i;
  if (q == 0i) { return s; }
  if (q == 1i) { return c; }
  if (q == 2i) { return -s; }
  return -c;
}`),
  f_sin: H(
    `
fn f_sin(x: f32) -> f32 {
  return f_sincos_q(x, 0i);
}`,
    "f_sincos_q",
  ),
  f_cos: H(
    `
fn f_cos(x: f32) -> f32 {
  return f_sincos_q(x, 1i);
}`,
    "f_sincos_q",
  ),
  // erf: its Maclaurin series below 0.5; above, 1 - erfc with the Chebyshev fit of erfc from
  // Press et al., Numerical Recipes (fractional error below 1.2e-7)
  f_erf: H(
    `
fn f_erf(x: f32) -> f32 {
  if (is_nan(x)) { return x; }
  let a = abs(x);
  if (a < 0.5f) {
    let z = x * x;
    return 1.12837917f * x * (1.0f + z * (-0.33333333f + z * (0.1f + z * (-0.023809524f + z * (0.0046296296f + z * (-0.00075757576f + z * 0.00010683761f))))));
  }
  if (a >= 6.0f) { return sign(x); }
  let t = 1.0f / (1.0f + 0.5f * a);
  let p = -1.26551223f + t * (1.00002368f + t * (0.37409196f + t * (0.09678418f + t * (-0.18628806f + t * (0.27886807f + t * (-1.13520398f + t * (1.48851587f + t * (-0.82215223f + t * 0.17087277f))))))));
  let erfc = t * exp(-a * a + p);
  return sign(x) * (1.0f - erfc);
}`,
    "is_nan",
  ),
  // casts: to i32 truncates and saturates, NaN -> 0; to bool is x != 0 (NaN -> true)
  cast_f32_i32: H(
    `
fn cast_f32_i32(x: f32) -> i32 {
  if (is_nan(x)) { return 0i; }
  if (x >= 2147483648.0f) { return 2147483647i; }
  if (x <= -2147483648.0f) { return -2147483647i - 1i; }
  return i32(x);
}`,
    "is_nan",
  ),
  cast_f32_bool: H(`
fn cast_f32_bool(x: f32) -> bool {
  return (bitcast<u32>(x) & 0x7fffffffu) != 0u;
}`),
  // the top 24 of 32 random bits, scaled to [0, 1)
  bits_to_unit: H(`
fn bits_to_unit(b: i32) -> f32 {
  return f32(bitcast<u32>(b) >> 8u) * 5.9604644775390625e-8f;
}`),
  // Threefry-2x32 with 20 rounds (runtime/random.ts): element c of the stream (seed, salt)
  threefry: H(`
fn rotl(x: u32, r: u32) -> u32 {
  return (x << r) | (x >> (32u - r));
}

fn threefry(seed: i32, salt: i32, c: i32) -> i32 {
  let k0 = bitcast<u32>(seed);
  let k1 = bitcast<u32>(salt);
  let ks = array<u32, 3>(k0, k1, 0x1bd11bdau ^ k0 ^ k1);
  let rot = array<u32, 8>(13u, 15u, 26u, 6u, 17u, 29u, 16u, 24u);
  var x0 = bitcast<u32>(c) + k0;
  var x1 = k1;
  for (var g = 0u; g < 5u; g++) {
    let base = (g & 1u) * 4u;
    for (var r = 0u; r < 4u; r++) {
      x0 = x0 + x1;
      x1 = rotl(x1, rot[base + r]) ^ x0;
    }
    let s = g + 1u;
    x0 = x0 + ks[s % 3u];
    x1 = x1 + ks[(s + 1u) % 3u] + s;
  }
  return bitcast<i32>(x0);
}`),
};

/** The code of the named helpers and every helper they use, each once, dependencies first. */
export function helperCode(names: Iterable<string>): string {
  const out: string[] = [];
  const done = new Set<string>();
  const visit = (n: string) => {
    if (done.has(n)) return;
    done.add(n);
    const h = helpers[n];
    if (!h) return;
    for (const u of h.uses) visit(u);
    out.push(h.code);
  };
  for (const n of [...names].sort()) visit(n);
  return out.join("\n\n");
}
