// ==== k0_matmul_reduce_sum (5929f794)
// k0_matmul_reduce_sum: 2 stages in one workgroup; ops: matmul gt add broadcast constant relu reduce_sum neg mul constant neg add cast eq broadcast reshape broadcast iota constant

@group(0) @binding(0) var<storage, read> input_f32: array<f32>;
@group(0) @binding(1) var<storage, read> input_i32: array<i32>;
@group(0) @binding(2) var<storage, read> slot_f32: array<f32>;
@group(0) @binding(3) var<storage, read_write> tmp_f32: array<f32>;
@group(0) @binding(4) var<storage, read_write> tmp_i32: array<i32>;

fn is_nan(x: f32) -> bool {
  return (bitcast<u32>(x) & 0x7fffffffu) > 0x7f800000u;
}

fn f_relu(x: f32) -> f32 {
  return select(max(x, 0.0f), x, is_nan(x));
}

fn two_sum(a: f32, b: f32) -> vec2<f32> {
  let s = a + b;
  let bb = s - a;
  return vec2<f32>(s, (a - (s - bb)) + (b - bb));
}

fn s0_a(b: i32, i: i32, p: i32) -> f32 {
  let t0 = input_f32[(p + (i * 2i))];
  return t0;
}

fn s0_b(b: i32, p: i32, j: i32) -> f32 {
  let t0 = slot_f32[(j + (p * 64i))];
  return t0;
}

fn s0_out(b: i32, i: i32, j: i32, acc: f32) {
  let t0 = slot_f32[128i + j];
  let t1 = (acc + t0);
  let t2 = (t1 > 0f);
  let t3 = f_relu(t1);
  tmp_i32[(j + (i * 64i))] = select(0i, 1i, t2); // %194
  tmp_f32[(j + (i * 64i))] = t3; // %82
}

fn s1_body(o: i32, r: i32) -> f32 {
  let t0 = input_i32[o];
  let t1 = (-(0.0078125f * (-(select(0.0f, 1.0f, (t0 == r)) + 0f))));
  return t1;
}

fn s1_out(o: i32, acc: f32) {
  tmp_f32[25088i + o] = acc; // %885
}

@compute @workgroup_size(256)
fn main(@builtin(workgroup_id) wg: vec3<u32>, @builtin(local_invocation_index) li: u32) {
  for (var e = i32(li); e < 8192i; e += 256i) {
    let e_b = e / 8192i;
    let e_i = (e / 64i) % 128i;
    let e_j = e % 64i;
    var acc = 0f;
    for (var r = 0i; r < 2i; r += 1i) {
      acc = acc + s0_a(e_b, e_i, r) * s0_b(e_b, r, e_j);
    }
    s0_out(e_b, e_i, e_j, acc);
  }
  storageBarrier();
  for (var e = i32(li); e < 128i; e += 256i) {
    var acc = 0.0f;
    var acc_lo = 0.0f;
    for (var r = 0i; r < 2i; r += 1i) {
      let ts = two_sum(acc, s1_body(e, r));
      acc_lo = acc_lo + ts.y;
      acc = ts.x;
    }
    acc = acc + acc_lo;
    s1_out(e, acc);
  }
}

// ==== k1_matmul (a9782d18)
// k1_matmul: matmul; ops: matmul gt add broadcast constant relu

@group(0) @binding(0) var<storage, read> slot_f32: array<f32>;
@group(0) @binding(1) var<storage, read_write> tmp_f32: array<f32>;
@group(0) @binding(2) var<storage, read_write> tmp_i32: array<i32>;
@group(0) @binding(3) var<storage, read> slot_f32_v4: array<vec4<f32>>;

fn is_nan(x: f32) -> bool {
  return (bitcast<u32>(x) & 0x7fffffffu) > 0x7f800000u;
}

fn f_relu(x: f32) -> f32 {
  return select(max(x, 0.0f), x, is_nan(x));
}

fn s0_a(b: i32, i: i32, p: i32) -> f32 {
  let t0 = tmp_f32[((i * 64i) + p)];
  return t0;
}

fn s0_b(b: i32, p: i32, j: i32) -> f32 {
  let t0 = slot_f32[192i + (j + (p * 64i))];
  return t0;
}

fn s0_out(b: i32, i: i32, j: i32, acc: f32) {
  let t0 = slot_f32[4288i + j];
  let t1 = (acc + t0);
  let t2 = (t1 > 0f);
  let t3 = f_relu(t1);
  tmp_i32[8192i + (j + (i * 64i))] = select(0i, 1i, t2); // %187
  tmp_f32[8192i + (j + (i * 64i))] = t3; // %106
}

var<workgroup> tile_a: array<vec4<f32>, 256>; // [p][i / 4]: A(i, p) at component i % 4
var<workgroup> tile_b: array<vec4<f32>, 256>; // [p][j / 4]

@compute @workgroup_size(16, 16)
fn main(@builtin(workgroup_id) wg: vec3<u32>, @builtin(local_invocation_id) lid: vec3<u32>, @builtin(local_invocation_index) li: u32) {
  let block = i32(wg.x);
  let bt = block / 2i;
  let row0 = ((block / 1i) % 2i) * 64i;
  let col0 = (block % 1i) * 64i;
  let tx = i32(lid.x); // 4 columns from col0 + 4 tx
  let ty = i32(lid.y); // 4 rows from row0 + 4 ty
  var acc = array<vec4<f32>, 4>(vec4<f32>(0.0f), vec4<f32>(0.0f), vec4<f32>(0.0f), vec4<f32>(0.0f));
  for (var k0 = 0i; k0 < 64i; k0 += 16i) {
    {
      let bp = i32(li) / 16i;
      let bq = (i32(li) % 16i) * 4i;
      var vb = vec4<f32>(0.0f);
      if (k0 + bp < 64i && col0 + bq < 64i) { vb = slot_f32_v4[(192i + bt * 4096i + (k0 + bp) * 64i + col0 + bq) / 4i]; }
      tile_b[bp * 16i + bq / 4i] = vb;
    }
    for (var e = 0i; e < 4i; e++) {
      let t = i32(li) + e * 256i;
      let ai = t / 16i;
      let ap = t % 16i;
      var va = 0.0f;
      if (row0 + ai < 128i && k0 + ap < 64i) { va = s0_a(bt, row0 + ai, k0 + ap); }
      tile_a[ap * 16i + ai / 4i][ai % 4i] = va;
    }
    workgroupBarrier();
    for (var q = 0i; q < 16i; q++) {
      let a = tile_a[q * 16i + ty];
      let b = tile_b[q * 16i + tx];
      acc[0] = fma(vec4<f32>(a.x), b, acc[0]);
      acc[1] = fma(vec4<f32>(a.y), b, acc[1]);
      acc[2] = fma(vec4<f32>(a.z), b, acc[2]);
      acc[3] = fma(vec4<f32>(a.w), b, acc[3]);
    }
    workgroupBarrier();
  }
  for (var r = 0i; r < 4i; r++) {
    let i = row0 + ty * 4i + r;
    if (i >= 128i) { break; }
    for (var c = 0i; c < 4i; c++) {
      let j = col0 + tx * 4i + c;
      if (j < 64i) { s0_out(bt, i, j, acc[r][c]); }
    }
  }
}

// ==== k2_matmul_reduce_max_reduce_sum (5131ce1d)
// k2_matmul_reduce_max_reduce_sum: 19 stages in one workgroup; ops: matmul add broadcast reduce_max min max constant constant reduce_sum exp sub broadcast add mul constant neg add cast eq broadcast reshape broadcast iota constant mul exp sub broadcast broadcast div reshape matmul transpose where constant reduce_sum add mul constant mul constant add mul constant mul constant mul sub mul broadcast div mul broadcast add constant div sqrt broadcast max matmul transpose add mul constant mul constant add mul constant mul constant mul sub mul broadcast div mul broadcast add constant div sqrt broadcast max matmul transpose reshape reduce_sum mul reshape max constant sqrt matmul reshape div reshape broadcast reduce_sum mul reshape max constant sqrt div reshape broadcast reduce_sum mul reshape max constant div constant div broadcast reduce_sum add mul constant mul constant add mul constant mul constant mul sub mul div mul add constant div sqrt max reduce_sum mul sub sub broadcast broadcast log neg add cast eq broadcast reshape broadcast iota constant reduce_sum div constant add mul constant mul constant argmax cast eq reduce_sum div constant

struct Uniforms {
  s0: i32, // step
  s1: f32, // host.0
  s2: f32, // host.1
  s3: f32, // host.2
}
@group(0) @binding(0) var<storage, read> input_f32: array<f32>;
@group(0) @binding(1) var<storage, read> input_i32: array<i32>;
@group(0) @binding(2) var<storage, read_write> output_f32: array<f32>;
@group(0) @binding(3) var<storage, read> slot_f32: array<f32>;
@group(0) @binding(4) var<storage, read_write> slot_next_f32: array<f32>;
@group(0) @binding(5) var<storage, read_write> tmp_f32: array<f32>;
@group(0) @binding(6) var<storage, read> tmp_i32: array<i32>;
@group(0) @binding(7) var<uniform> u: Uniforms;

var<private> inf_bits: u32 = 0x7f800000u;

fn f_inf() -> f32 {
  return bitcast<f32>(inf_bits);
}

fn is_nan(x: f32) -> bool {
  return (bitcast<u32>(x) & 0x7fffffffu) > 0x7f800000u;
}

var<private> nan_bits: u32 = 0x7fc00000u;

fn f_nan() -> f32 {
  return bitcast<f32>(nan_bits);
}

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
}

fn f_max(a: f32, b: f32) -> f32 {
  if (is_nan(a)) { return a; }
  if (is_nan(b)) { return b; }
  return max(a, b);
}

fn f_min(a: f32, b: f32) -> f32 {
  if (is_nan(a)) { return a; }
  if (is_nan(b)) { return b; }
  return min(a, b);
}

fn two_sum(a: f32, b: f32) -> vec2<f32> {
  let s = a + b;
  let bb = s - a;
  return vec2<f32>(s, (a - (s - bb)) + (b - bb));
}

fn s0_a(b: i32, i: i32, p: i32) -> f32 {
  let t0 = tmp_f32[8192i + ((i * 64i) + p)];
  return t0;
}

fn s0_b(b: i32, p: i32, j: i32) -> f32 {
  let t0 = slot_f32[4352i + ((p * 2i) + j)];
  return t0;
}

fn s0_out(b: i32, i: i32, j: i32, acc: f32) {
  let t0 = slot_f32[4480i + j];
  let t1 = (acc + t0);
  tmp_f32[24576i + ((i * 2i) + j)] = t1; // %129
}

fn s1_body(o: i32, r: i32) -> f32 {
  let t0 = tmp_f32[24576i + ((o * 2i) + r)];
  return t0;
}

fn s1_out(o: i32, acc: f32) {
  let t0 = f_min(f_max(acc, (-3e+38f)), 3e+38f);
  tmp_f32[25216i + o] = t0; // %136
}

fn s2_body(o: i32, r: i32) -> f32 {
  let t0 = tmp_f32[24576i + ((o * 2i) + r)];
  let t1 = tmp_f32[25216i + o];
  let t2 = exp((t0 - t1));
  return t2;
}

fn s2_out(o: i32, acc: f32) {
  tmp_f32[25344i + o] = acc; // %542
}

fn s3_map(i: i32) {
  let t0 = (i / 2i);
  let t1 = input_i32[t0];
  let t2 = tmp_f32[24576i + i];
  let t3 = tmp_f32[25216i + t0];
  let t4 = tmp_f32[25088i + t0];
  let t5 = tmp_f32[25344i + t0];
  let t6 = ((0.0078125f * (-(select(0.0f, 1.0f, (t1 == (i % 2i))) + 0f))) + (exp((t2 - t3)) * (t4 / t5)));
  tmp_f32[24832i + i] = t6; // %1078
}

fn s4_a(b: i32, i: i32, p: i32) -> f32 {
  let t0 = tmp_f32[24832i + (p + (i * 2i))];
  return t0;
}

fn s4_b(b: i32, p: i32, j: i32) -> f32 {
  let t0 = slot_f32[4352i + ((j * 2i) + p)];
  return t0;
}

fn s4_out(b: i32, i: i32, j: i32, acc: f32) {
  let t0 = (j + (i * 64i));
  let t1 = (tmp_i32[8192i + t0] != 0i);
  let t2 = select(0f, acc, t1);
  tmp_f32[16384i + t0] = t2; // %1080
}

fn s5_body(o: i32, r: i32) -> f32 {
  let t0 = tmp_f32[16384i + (o + (r * 64i))];
  return t0;
}

fn s5_out(o: i32, acc: f32) {
  let t0 = slot_f32[17352i + o];
  let t1 = ((0.9f * t0) + (0.1f * acc));
  let t2 = slot_f32[17416i + o];
  let t3 = ((0.999f * t2) + (0.001f * (acc * acc)));
  let t4 = slot_f32[4288i + o];
  let t5 = u.s1;
  let t6 = u.s2;
  let t7 = u.s3;
  let t8 = ((t4 * t5) - ((t6 * t1) / (1e-8f + (sqrt(t3) / t7))));
  let t9 = slot_f32[17480i + o];
  let t10 = f_max(t9, t3);
  output_f32[4292i + o] = acc; // h2.b.grad
  slot_next_f32[17352i + o] = t1; // adamw.m.h2.b
  slot_next_f32[17416i + o] = t3; // adamw.v.h2.b
  slot_next_f32[4288i + o] = t8; // h2.b
  slot_next_f32[17480i + o] = t10; // adamw.vmax.h2.b
}

fn s6_a(b: i32, i: i32, p: i32) -> f32 {
  let t0 = tmp_f32[8192i + ((p * 64i) + i)];
  return t0;
}

fn s6_b(b: i32, p: i32, j: i32) -> f32 {
  let t0 = tmp_f32[24832i + (j + (p * 2i))];
  return t0;
}

fn s6_out(b: i32, i: i32, j: i32, acc: f32) {
  let t0 = (j + (i * 2i));
  let t1 = slot_f32[17544i + t0];
  let t2 = ((t1 * 0.9f) + (0.1f * acc));
  let t3 = slot_f32[17672i + t0];
  let t4 = ((t3 * 0.999f) + (0.001f * (acc * acc)));
  let t5 = slot_f32[4352i + t0];
  let t6 = u.s1;
  let t7 = u.s2;
  let t8 = u.s3;
  let t9 = ((t5 * t6) - ((t7 * t2) / (1e-8f + (sqrt(t4) / t8))));
  let t10 = slot_f32[17800i + t0];
  let t11 = f_max(t10, t4);
  output_f32[4356i + t0] = acc; // dense_3.w.grad
  slot_next_f32[17544i + t0] = t2; // adamw.m.dense_3.w
  slot_next_f32[17672i + t0] = t4; // adamw.v.dense_3.w
  tmp_f32[25472i + t0] = t9; // %1376
  slot_next_f32[17800i + t0] = t11; // adamw.vmax.dense_3.w
}

fn s7_a(b: i32, i: i32, p: i32) -> f32 {
  let t0 = tmp_f32[25472i + ((p * 2i) + i)];
  return t0;
}

fn s7_b(b: i32, p: i32, j: i32) -> f32 {
  let t0 = slot_f32[18008i + p];
  return t0;
}

fn s7_out(b: i32, i: i32, j: i32, acc: f32) {
  tmp_f32[25920i + i] = acc; // %1378
}

fn s8_body(o: i32, r: i32) -> f32 {
  let t0 = tmp_f32[25920i + r];
  let t1 = (t0 * t0);
  return t1;
}

fn s8_out(o: i32, acc: f32) {
  let t0 = f_max(1e-12f, sqrt(acc));
  tmp_f32[25924i + o] = t0; // %1383
}

fn s9_a(b: i32, i: i32, p: i32) -> f32 {
  let t0 = tmp_f32[25472i + (p + (i * 2i))];
  return t0;
}

fn s9_b(b: i32, p: i32, j: i32) -> f32 {
  let t0 = tmp_f32[25920i + p];
  let t1 = tmp_f32[25924i];
  let t2 = (t0 / t1);
  return t2;
}

fn s9_out(b: i32, i: i32, j: i32, acc: f32) {
  tmp_f32[25856i + i] = acc; // %1387
}

fn s10_body(o: i32, r: i32) -> f32 {
  let t0 = tmp_f32[25856i + r];
  let t1 = (t0 * t0);
  return t1;
}

fn s10_out(o: i32, acc: f32) {
  let t0 = f_max(1e-12f, sqrt(acc));
  tmp_f32[25928i + o] = t0; // %1392
}

fn s11_map(i: i32) {
  let t0 = tmp_f32[25856i + i];
  let t1 = tmp_f32[25928i];
  let t2 = (t0 / t1);
  slot_next_f32[18008i + i] = t2; // spectral_norm.u.dense_3.w
}

fn s12_body(o: i32, r: i32) -> f32 {
  let t0 = tmp_f32[25856i + r];
  let t1 = slot_next_f32[18008i + r];
  let t2 = (t0 * t1);
  return t2;
}

fn s12_out(o: i32, acc: f32) {
  let t0 = f_max(1f, (acc / 3f));
  tmp_f32[25932i + o] = t0; // %1398
}

fn s13_map(i: i32) {
  let t0 = tmp_f32[25472i + i];
  let t1 = tmp_f32[25932i];
  let t2 = (t0 / t1);
  slot_next_f32[4352i + i] = t2; // dense_3.w
}

fn s14_body(o: i32, r: i32) -> f32 {
  let t0 = tmp_f32[24832i + ((r * 2i) + o)];
  return t0;
}

fn s14_out(o: i32, acc: f32) {
  let t0 = slot_f32[17928i + o];
  let t1 = ((t0 * 0.9f) + (0.1f * acc));
  let t2 = slot_f32[17932i + o];
  let t3 = ((t2 * 0.999f) + (0.001f * (acc * acc)));
  let t4 = slot_f32[4480i + o];
  let t5 = input_f32[256i + o];
  let t6 = input_f32[260i + o];
  let t7 = input_f32[264i + o];
  let t8 = ((t4 * t5) - ((t6 * t1) / (1e-8f + (sqrt(t3) / t7))));
  let t9 = slot_f32[17936i + o];
  let t10 = f_max(t9, t3);
  output_f32[4484i + o] = acc; // dense_3.b.grad
  slot_next_f32[17928i + o] = t1; // adamw.m.dense_3.b
  slot_next_f32[17932i + o] = t3; // adamw.v.dense_3.b
  slot_next_f32[4480i + o] = t8; // dense_3.b
  slot_next_f32[17936i + o] = t10; // adamw.vmax.dense_3.b
}

fn s15_body(o: i32, r: i32) -> f32 {
  let t0 = tmp_f32[24576i + ((o * 2i) + r)];
  let t1 = tmp_f32[25216i + o];
  let t2 = tmp_f32[25344i + o];
  let t3 = input_i32[o];
  let t4 = (((t0 - t1) - f_log(t2)) * (-(select(0.0f, 1.0f, (t3 == r)) + 0f)));
  return t4;
}

fn s15_out(o: i32, acc: f32) {
  tmp_f32[25600i + o] = acc; // %1266
}

fn s16_body(o: i32, r: i32) -> f32 {
  let t0 = tmp_f32[25600i + r];
  return t0;
}

fn s16_out(o: i32, acc: f32) {
  let t0 = (acc / 128f);
  let t1 = slot_f32[4484i];
  let t2 = ((t1 * 0.99f) + (0.01f * t0));
  output_f32[o] = t0; // loss
  slot_next_f32[4484i + o] = t2; // ema
}

fn s17_body(o: i32, r: i32) -> f32 {
  let t0 = tmp_f32[24576i + ((o * 2i) + r)];
  return t0;
}

fn s17_out(o: i32, acc: i32) {
  let t0 = input_i32[o];
  let t1 = select(0.0f, 1.0f, (t0 == acc));
  tmp_f32[25728i + o] = t1; // %1278
}

fn s18_body(o: i32, r: i32) -> f32 {
  let t0 = tmp_f32[25728i + r];
  return t0;
}

fn s18_out(o: i32, acc: f32) {
  let t0 = (acc / 128f);
  output_f32[4488i + o] = t0; // accuracy
}

@compute @workgroup_size(256)
fn main(@builtin(workgroup_id) wg: vec3<u32>, @builtin(local_invocation_index) li: u32) {
  for (var e = i32(li); e < 256i; e += 256i) {
    let e_b = e / 256i;
    let e_i = (e / 2i) % 128i;
    let e_j = e % 2i;
    var acc = 0f;
    for (var r = 0i; r < 64i; r += 1i) {
      acc = acc + s0_a(e_b, e_i, r) * s0_b(e_b, r, e_j);
    }
    s0_out(e_b, e_i, e_j, acc);
  }
  storageBarrier();
  for (var e = i32(li); e < 128i; e += 256i) {
    var acc: f32 = (-f_inf());
    for (var r = 0i; r < 2i; r += 1i) {
      acc = f_max(acc, s1_body(e, r));
    }
    s1_out(e, acc);
  }
  storageBarrier();
  for (var e = i32(li); e < 128i; e += 256i) {
    var acc = 0.0f;
    var acc_lo = 0.0f;
    for (var r = 0i; r < 2i; r += 1i) {
      let ts = two_sum(acc, s2_body(e, r));
      acc_lo = acc_lo + ts.y;
      acc = ts.x;
    }
    acc = acc + acc_lo;
    s2_out(e, acc);
  }
  storageBarrier();
  for (var e = i32(li); e < 256i; e += 256i) {
    s3_map(e);
  }
  storageBarrier();
  for (var e = i32(li); e < 8192i; e += 256i) {
    let e_b = e / 8192i;
    let e_i = (e / 64i) % 128i;
    let e_j = e % 64i;
    var acc = 0f;
    for (var r = 0i; r < 2i; r += 1i) {
      acc = acc + s4_a(e_b, e_i, r) * s4_b(e_b, r, e_j);
    }
    s4_out(e_b, e_i, e_j, acc);
  }
  storageBarrier();
  for (var e = i32(li); e < 64i; e += 256i) {
    var acc = 0.0f;
    var acc_lo = 0.0f;
    for (var r = 0i; r < 128i; r += 1i) {
      let ts = two_sum(acc, s5_body(e, r));
      acc_lo = acc_lo + ts.y;
      acc = ts.x;
    }
    acc = acc + acc_lo;
    s5_out(e, acc);
  }
  storageBarrier();
  for (var e = i32(li); e < 128i; e += 256i) {
    let e_b = e / 128i;
    let e_i = (e / 2i) % 64i;
    let e_j = e % 2i;
    var acc = 0f;
    for (var r = 0i; r < 128i; r += 1i) {
      acc = acc + s6_a(e_b, e_i, r) * s6_b(e_b, r, e_j);
    }
    s6_out(e_b, e_i, e_j, acc);
  }
  storageBarrier();
  for (var e = i32(li); e < 2i; e += 256i) {
    let e_b = e / 2i;
    let e_i = (e / 1i) % 2i;
    let e_j = e % 1i;
    var acc = 0f;
    for (var r = 0i; r < 64i; r += 1i) {
      acc = acc + s7_a(e_b, e_i, r) * s7_b(e_b, r, e_j);
    }
    s7_out(e_b, e_i, e_j, acc);
  }
  storageBarrier();
  for (var e = i32(li); e < 1i; e += 256i) {
    var acc = 0.0f;
    var acc_lo = 0.0f;
    for (var r = 0i; r < 2i; r += 1i) {
      let ts = two_sum(acc, s8_body(e, r));
      acc_lo = acc_lo + ts.y;
      acc = ts.x;
    }
    acc = acc + acc_lo;
    s8_out(e, acc);
  }
  storageBarrier();
  for (var e = i32(li); e < 64i; e += 256i) {
    let e_b = e / 64i;
    let e_i = (e / 1i) % 64i;
    let e_j = e % 1i;
    var acc = 0f;
    for (var r = 0i; r < 2i; r += 1i) {
      acc = acc + s9_a(e_b, e_i, r) * s9_b(e_b, r, e_j);
    }
    s9_out(e_b, e_i, e_j, acc);
  }
  storageBarrier();
  for (var e = i32(li); e < 1i; e += 256i) {
    var acc = 0.0f;
    var acc_lo = 0.0f;
    for (var r = 0i; r < 64i; r += 1i) {
      let ts = two_sum(acc, s10_body(e, r));
      acc_lo = acc_lo + ts.y;
      acc = ts.x;
    }
    acc = acc + acc_lo;
    s10_out(e, acc);
  }
  storageBarrier();
  for (var e = i32(li); e < 64i; e += 256i) {
    s11_map(e);
  }
  storageBarrier();
  for (var e = i32(li); e < 1i; e += 256i) {
    var acc = 0.0f;
    var acc_lo = 0.0f;
    for (var r = 0i; r < 64i; r += 1i) {
      let ts = two_sum(acc, s12_body(e, r));
      acc_lo = acc_lo + ts.y;
      acc = ts.x;
    }
    acc = acc + acc_lo;
    s12_out(e, acc);
  }
  storageBarrier();
  for (var e = i32(li); e < 128i; e += 256i) {
    s13_map(e);
  }
  storageBarrier();
  for (var e = i32(li); e < 2i; e += 256i) {
    var acc = 0.0f;
    var acc_lo = 0.0f;
    for (var r = 0i; r < 128i; r += 1i) {
      let ts = two_sum(acc, s14_body(e, r));
      acc_lo = acc_lo + ts.y;
      acc = ts.x;
    }
    acc = acc + acc_lo;
    s14_out(e, acc);
  }
  storageBarrier();
  for (var e = i32(li); e < 128i; e += 256i) {
    var acc = 0.0f;
    var acc_lo = 0.0f;
    for (var r = 0i; r < 2i; r += 1i) {
      let ts = two_sum(acc, s15_body(e, r));
      acc_lo = acc_lo + ts.y;
      acc = ts.x;
    }
    acc = acc + acc_lo;
    s15_out(e, acc);
  }
  storageBarrier();
  for (var e = i32(li); e < 1i; e += 256i) {
    var acc = 0.0f;
    var acc_lo = 0.0f;
    for (var r = 0i; r < 128i; r += 1i) {
      let ts = two_sum(acc, s16_body(e, r));
      acc_lo = acc_lo + ts.y;
      acc = ts.x;
    }
    acc = acc + acc_lo;
    s16_out(e, acc);
  }
  storageBarrier();
  for (var e = i32(li); e < 128i; e += 256i) {
    var best = s17_body(e, 0i);
    var at = 0i;
    for (var r = 0i + 1i; r < 2i; r += 1i) {
      let v = s17_body(e, r);
      if (!is_nan(best) && (is_nan(v) || v > best)) { best = v; at = r; }
    }
    s17_out(e, at);
  }
  storageBarrier();
  for (var e = i32(li); e < 1i; e += 256i) {
    var acc = 0.0f;
    var acc_lo = 0.0f;
    for (var r = 0i; r < 128i; r += 1i) {
      let ts = two_sum(acc, s18_body(e, r));
      acc_lo = acc_lo + ts.y;
      acc = ts.x;
    }
    acc = acc + acc_lo;
    s18_out(e, acc);
  }
}

// ==== k3_matmul (b41cbae2)
// k3_matmul: matmul; ops: matmul transpose where constant

@group(0) @binding(0) var<storage, read> slot_f32: array<f32>;
@group(0) @binding(1) var<storage, read_write> tmp_f32: array<f32>;
@group(0) @binding(2) var<storage, read> tmp_i32: array<i32>;

fn s0_a(b: i32, i: i32, p: i32) -> f32 {
  let t0 = tmp_f32[16384i + ((i * 64i) + p)];
  return t0;
}

fn s0_b(b: i32, p: i32, j: i32) -> f32 {
  let t0 = slot_f32[192i + ((j * 64i) + p)];
  return t0;
}

fn s0_out(b: i32, i: i32, j: i32, acc: f32) {
  let t0 = (j + (i * 64i));
  let t1 = (tmp_i32[t0] != 0i);
  let t2 = select(0f, acc, t1);
  tmp_f32[8192i + t0] = t2; // %1082
}

var<workgroup> tile_a: array<vec4<f32>, 256>; // [p][i / 4]: A(i, p) at component i % 4
var<workgroup> tile_b: array<vec4<f32>, 256>; // [p][j / 4]

@compute @workgroup_size(16, 16)
fn main(@builtin(workgroup_id) wg: vec3<u32>, @builtin(local_invocation_id) lid: vec3<u32>, @builtin(local_invocation_index) li: u32) {
  let block = i32(wg.x);
  let bt = block / 2i;
  let row0 = ((block / 1i) % 2i) * 64i;
  let col0 = (block % 1i) * 64i;
  let tx = i32(lid.x); // 4 columns from col0 + 4 tx
  let ty = i32(lid.y); // 4 rows from row0 + 4 ty
  var acc = array<vec4<f32>, 4>(vec4<f32>(0.0f), vec4<f32>(0.0f), vec4<f32>(0.0f), vec4<f32>(0.0f));
  for (var k0 = 0i; k0 < 64i; k0 += 16i) {
    for (var e = 0i; e < 4i; e++) {
      let t = i32(li) + e * 256i;
      let ai = t / 16i;
      let ap = t % 16i;
      var va = 0.0f;
      if (row0 + ai < 128i && k0 + ap < 64i) { va = s0_a(bt, row0 + ai, k0 + ap); }
      tile_a[ap * 16i + ai / 4i][ai % 4i] = va;
      let bp = t / 64i;
      let bj = t % 64i;
      var vb = 0.0f;
      if (k0 + bp < 64i && col0 + bj < 64i) { vb = s0_b(bt, k0 + bp, col0 + bj); }
      tile_b[bp * 16i + bj / 4i][bj % 4i] = vb;
    }
    workgroupBarrier();
    for (var q = 0i; q < 16i; q++) {
      let a = tile_a[q * 16i + ty];
      let b = tile_b[q * 16i + tx];
      acc[0] = fma(vec4<f32>(a.x), b, acc[0]);
      acc[1] = fma(vec4<f32>(a.y), b, acc[1]);
      acc[2] = fma(vec4<f32>(a.z), b, acc[2]);
      acc[3] = fma(vec4<f32>(a.w), b, acc[3]);
    }
    workgroupBarrier();
  }
  for (var r = 0i; r < 4i; r++) {
    let i = row0 + ty * 4i + r;
    if (i >= 128i) { break; }
    for (var c = 0i; c < 4i; c++) {
      let j = col0 + tx * 4i + c;
      if (j < 64i) { s0_out(bt, i, j, acc[r][c]); }
    }
  }
}

// ==== k4_matmul (09447b19)
// k4_matmul: matmul; ops: matmul transpose add mul constant mul constant add mul constant mul constant mul sub mul broadcast div mul broadcast add constant div sqrt broadcast max

struct Uniforms {
  s0: i32, // step
  s1: f32, // host.0
  s2: f32, // host.1
  s3: f32, // host.2
}
@group(0) @binding(0) var<storage, read_write> output_f32: array<f32>;
@group(0) @binding(1) var<storage, read> slot_f32: array<f32>;
@group(0) @binding(2) var<storage, read_write> slot_next_f32: array<f32>;
@group(0) @binding(3) var<storage, read_write> tmp_f32: array<f32>;
@group(0) @binding(4) var<uniform> u: Uniforms;

fn is_nan(x: f32) -> bool {
  return (bitcast<u32>(x) & 0x7fffffffu) > 0x7f800000u;
}

fn f_max(a: f32, b: f32) -> f32 {
  if (is_nan(a)) { return a; }
  if (is_nan(b)) { return b; }
  return max(a, b);
}

fn s0_a(b: i32, i: i32, p: i32) -> f32 {
  let t0 = tmp_f32[((p * 64i) + i)];
  return t0;
}

fn s0_b(b: i32, p: i32, j: i32) -> f32 {
  let t0 = tmp_f32[16384i + (j + (p * 64i))];
  return t0;
}

fn s0_out(b: i32, i: i32, j: i32, acc: f32) {
  let t0 = (j + (i * 64i));
  let t1 = slot_f32[5064i + t0];
  let t2 = ((t1 * 0.9f) + (0.1f * acc));
  let t3 = slot_f32[9160i + t0];
  let t4 = ((t3 * 0.999f) + (0.001f * (acc * acc)));
  let t5 = slot_f32[192i + t0];
  let t6 = u.s1;
  let t7 = u.s2;
  let t8 = u.s3;
  let t9 = ((t5 * t6) - ((t7 * t2) / (1e-8f + (sqrt(t4) / t8))));
  let t10 = slot_f32[13256i + t0];
  let t11 = f_max(t10, t4);
  output_f32[196i + t0] = acc; // h2.w.grad
  slot_next_f32[5064i + t0] = t2; // adamw.m.h2.w
  slot_next_f32[9160i + t0] = t4; // adamw.v.h2.w
  tmp_f32[24576i + t0] = t9; // %1337
  slot_next_f32[13256i + t0] = t11; // adamw.vmax.h2.w
}

var<workgroup> tile_a: array<vec4<f32>, 256>; // [p][i / 4]: A(i, p) at component i % 4
var<workgroup> tile_b: array<vec4<f32>, 256>; // [p][j / 4]

@compute @workgroup_size(16, 16)
fn main(@builtin(workgroup_id) wg: vec3<u32>, @builtin(local_invocation_id) lid: vec3<u32>, @builtin(local_invocation_index) li: u32) {
  let block = i32(wg.x);
  let bt = block / 1i;
  let row0 = ((block / 1i) % 1i) * 64i;
  let col0 = (block % 1i) * 64i;
  let tx = i32(lid.x); // 4 columns from col0 + 4 tx
  let ty = i32(lid.y); // 4 rows from row0 + 4 ty
  var acc = array<vec4<f32>, 4>(vec4<f32>(0.0f), vec4<f32>(0.0f), vec4<f32>(0.0f), vec4<f32>(0.0f));
  for (var k0 = 0i; k0 < 128i; k0 += 16i) {
    for (var e = 0i; e < 4i; e++) {
      let t = i32(li) + e * 256i;
      let ai = t / 16i;
      let ap = t % 16i;
      var va = 0.0f;
      if (row0 + ai < 64i && k0 + ap < 128i) { va = s0_a(bt, row0 + ai, k0 + ap); }
      tile_a[ap * 16i + ai / 4i][ai % 4i] = va;
      let bp = t / 64i;
      let bj = t % 64i;
      var vb = 0.0f;
      if (k0 + bp < 128i && col0 + bj < 64i) { vb = s0_b(bt, k0 + bp, col0 + bj); }
      tile_b[bp * 16i + bj / 4i][bj % 4i] = vb;
    }
    workgroupBarrier();
    for (var q = 0i; q < 16i; q++) {
      let a = tile_a[q * 16i + ty];
      let b = tile_b[q * 16i + tx];
      acc[0] = fma(vec4<f32>(a.x), b, acc[0]);
      acc[1] = fma(vec4<f32>(a.y), b, acc[1]);
      acc[2] = fma(vec4<f32>(a.z), b, acc[2]);
      acc[3] = fma(vec4<f32>(a.w), b, acc[3]);
    }
    workgroupBarrier();
  }
  for (var r = 0i; r < 4i; r++) {
    let i = row0 + ty * 4i + r;
    if (i >= 64i) { break; }
    for (var c = 0i; c < 4i; c++) {
      let j = col0 + tx * 4i + c;
      if (j < 64i) { s0_out(bt, i, j, acc[r][c]); }
    }
  }
}

// ==== k5_matmul_reduce_sum (c4b4c04d)
// k5_matmul_reduce_sum: 16 stages in one workgroup; ops: matmul transpose add mul constant mul constant add mul constant mul constant mul sub mul broadcast div mul broadcast add constant div sqrt broadcast max matmul transpose reshape reduce_sum mul reshape max constant sqrt matmul reshape div reshape broadcast reduce_sum mul reshape max constant sqrt div reshape broadcast reduce_sum mul reshape max constant div constant div broadcast reduce_sum add mul constant mul constant add mul constant mul constant mul sub mul broadcast div mul broadcast add constant div sqrt broadcast max matmul transpose reshape reduce_sum mul reshape max constant sqrt matmul reshape div reshape broadcast reduce_sum mul reshape max constant sqrt div reshape broadcast reduce_sum mul reshape max constant div constant div broadcast

struct Uniforms {
  s0: i32, // step
  s1: f32, // host.0
  s2: f32, // host.1
  s3: f32, // host.2
}
@group(0) @binding(0) var<storage, read> input_f32: array<f32>;
@group(0) @binding(1) var<storage, read_write> output_f32: array<f32>;
@group(0) @binding(2) var<storage, read> slot_f32: array<f32>;
@group(0) @binding(3) var<storage, read_write> slot_next_f32: array<f32>;
@group(0) @binding(4) var<storage, read_write> tmp_f32: array<f32>;
@group(0) @binding(5) var<uniform> u: Uniforms;

fn is_nan(x: f32) -> bool {
  return (bitcast<u32>(x) & 0x7fffffffu) > 0x7f800000u;
}

fn f_max(a: f32, b: f32) -> f32 {
  if (is_nan(a)) { return a; }
  if (is_nan(b)) { return b; }
  return max(a, b);
}

fn two_sum(a: f32, b: f32) -> vec2<f32> {
  let s = a + b;
  let bb = s - a;
  return vec2<f32>(s, (a - (s - bb)) + (b - bb));
}

fn s0_a(b: i32, i: i32, p: i32) -> f32 {
  let t0 = input_f32[((p * 2i) + i)];
  return t0;
}

fn s0_b(b: i32, p: i32, j: i32) -> f32 {
  let t0 = tmp_f32[8192i + (j + (p * 64i))];
  return t0;
}

fn s0_out(b: i32, i: i32, j: i32, acc: f32) {
  let t0 = (j + (i * 64i));
  let t1 = slot_f32[4488i + t0];
  let t2 = ((t1 * 0.9f) + (0.1f * acc));
  let t3 = slot_f32[4616i + t0];
  let t4 = ((t3 * 0.999f) + (0.001f * (acc * acc)));
  let t5 = slot_f32[t0];
  let t6 = u.s1;
  let t7 = u.s2;
  let t8 = u.s3;
  let t9 = ((t5 * t6) - ((t7 * t2) / (1e-8f + (sqrt(t4) / t8))));
  let t10 = slot_f32[4744i + t0];
  let t11 = f_max(t10, t4);
  output_f32[4i + t0] = acc; // h1.w.grad
  slot_next_f32[4488i + t0] = t2; // adamw.m.h1.w
  slot_next_f32[4616i + t0] = t4; // adamw.v.h1.w
  tmp_f32[t0] = t9; // %1295
  slot_next_f32[4744i + t0] = t11; // adamw.vmax.h1.w
}

fn s1_a(b: i32, i: i32, p: i32) -> f32 {
  let t0 = tmp_f32[((p * 64i) + i)];
  return t0;
}

fn s1_b(b: i32, p: i32, j: i32) -> f32 {
  let t0 = slot_f32[17940i + p];
  return t0;
}

fn s1_out(b: i32, i: i32, j: i32, acc: f32) {
  tmp_f32[128i + i] = acc; // %1297
}

fn s2_body(o: i32, r: i32) -> f32 {
  let t0 = tmp_f32[128i + r];
  let t1 = (t0 * t0);
  return t1;
}

fn s2_out(o: i32, acc: f32) {
  let t0 = f_max(1e-12f, sqrt(acc));
  tmp_f32[324i + o] = t0; // %1302
}

fn s3_a(b: i32, i: i32, p: i32) -> f32 {
  let t0 = tmp_f32[(p + (i * 64i))];
  return t0;
}

fn s3_b(b: i32, p: i32, j: i32) -> f32 {
  let t0 = tmp_f32[128i + p];
  let t1 = tmp_f32[324i];
  let t2 = (t0 / t1);
  return t2;
}

fn s3_out(b: i32, i: i32, j: i32, acc: f32) {
  tmp_f32[320i + i] = acc; // %1306
}

fn s4_body(o: i32, r: i32) -> f32 {
  let t0 = tmp_f32[320i + r];
  let t1 = (t0 * t0);
  return t1;
}

fn s4_out(o: i32, acc: f32) {
  let t0 = f_max(1e-12f, sqrt(acc));
  tmp_f32[328i + o] = t0; // %1311
}

fn s5_map(i: i32) {
  let t0 = tmp_f32[320i + i];
  let t1 = tmp_f32[328i];
  let t2 = (t0 / t1);
  slot_next_f32[17940i + i] = t2; // spectral_norm.u.h1.w
}

fn s6_body(o: i32, r: i32) -> f32 {
  let t0 = tmp_f32[320i + r];
  let t1 = slot_next_f32[17940i + r];
  let t2 = (t0 * t1);
  return t2;
}

fn s6_out(o: i32, acc: f32) {
  let t0 = f_max(1f, (acc / 3f));
  tmp_f32[332i + o] = t0; // %1317
}

fn s7_map(i: i32) {
  let t0 = tmp_f32[i];
  let t1 = tmp_f32[332i];
  let t2 = (t0 / t1);
  slot_next_f32[i] = t2; // h1.w
}

fn s8_body(o: i32, r: i32) -> f32 {
  let t0 = tmp_f32[8192i + (o + (r * 64i))];
  return t0;
}

fn s8_out(o: i32, acc: f32) {
  let t0 = slot_f32[4872i + o];
  let t1 = ((t0 * 0.9f) + (0.1f * acc));
  let t2 = slot_f32[4936i + o];
  let t3 = ((t2 * 0.999f) + (0.001f * (acc * acc)));
  let t4 = slot_f32[128i + o];
  let t5 = u.s1;
  let t6 = u.s2;
  let t7 = u.s3;
  let t8 = ((t4 * t5) - ((t6 * t1) / (1e-8f + (sqrt(t3) / t7))));
  let t9 = slot_f32[5000i + o];
  let t10 = f_max(t9, t3);
  output_f32[132i + o] = acc; // h1.b.grad
  slot_next_f32[4872i + o] = t1; // adamw.m.h1.b
  slot_next_f32[4936i + o] = t3; // adamw.v.h1.b
  slot_next_f32[128i + o] = t8; // h1.b
  slot_next_f32[5000i + o] = t10; // adamw.vmax.h1.b
}

fn s9_a(b: i32, i: i32, p: i32) -> f32 {
  let t0 = tmp_f32[24576i + ((p * 64i) + i)];
  return t0;
}

fn s9_b(b: i32, p: i32, j: i32) -> f32 {
  let t0 = slot_f32[17944i + p];
  return t0;
}

fn s9_out(b: i32, i: i32, j: i32, acc: f32) {
  tmp_f32[192i + i] = acc; // %1339
}

fn s10_body(o: i32, r: i32) -> f32 {
  let t0 = tmp_f32[192i + r];
  let t1 = (t0 * t0);
  return t1;
}

fn s10_out(o: i32, acc: f32) {
  let t0 = f_max(1e-12f, sqrt(acc));
  tmp_f32[336i + o] = t0; // %1344
}

fn s11_a(b: i32, i: i32, p: i32) -> f32 {
  let t0 = tmp_f32[24576i + (p + (i * 64i))];
  return t0;
}

fn s11_b(b: i32, p: i32, j: i32) -> f32 {
  let t0 = tmp_f32[192i + p];
  let t1 = tmp_f32[336i];
  let t2 = (t0 / t1);
  return t2;
}

fn s11_out(b: i32, i: i32, j: i32, acc: f32) {
  tmp_f32[256i + i] = acc; // %1348
}

fn s12_body(o: i32, r: i32) -> f32 {
  let t0 = tmp_f32[256i + r];
  let t1 = (t0 * t0);
  return t1;
}

fn s12_out(o: i32, acc: f32) {
  let t0 = f_max(1e-12f, sqrt(acc));
  tmp_f32[340i + o] = t0; // %1353
}

fn s13_map(i: i32) {
  let t0 = tmp_f32[256i + i];
  let t1 = tmp_f32[340i];
  let t2 = (t0 / t1);
  slot_next_f32[17944i + i] = t2; // spectral_norm.u.h2.w
}

fn s14_body(o: i32, r: i32) -> f32 {
  let t0 = tmp_f32[256i + r];
  let t1 = slot_next_f32[17944i + r];
  let t2 = (t0 * t1);
  return t2;
}

fn s14_out(o: i32, acc: f32) {
  let t0 = f_max(1f, (acc / 3f));
  tmp_f32[344i + o] = t0; // %1359
}

fn s15_map(i: i32) {
  let t0 = tmp_f32[24576i + i];
  let t1 = tmp_f32[344i];
  let t2 = (t0 / t1);
  slot_next_f32[192i + i] = t2; // h2.w
}

@compute @workgroup_size(256)
fn main(@builtin(workgroup_id) wg: vec3<u32>, @builtin(local_invocation_index) li: u32) {
  for (var e = i32(li); e < 128i; e += 256i) {
    let e_b = e / 128i;
    let e_i = (e / 64i) % 2i;
    let e_j = e % 64i;
    var acc = 0f;
    for (var r = 0i; r < 128i; r += 1i) {
      acc = acc + s0_a(e_b, e_i, r) * s0_b(e_b, r, e_j);
    }
    s0_out(e_b, e_i, e_j, acc);
  }
  storageBarrier();
  for (var e = i32(li); e < 64i; e += 256i) {
    let e_b = e / 64i;
    let e_i = (e / 1i) % 64i;
    let e_j = e % 1i;
    var acc = 0f;
    for (var r = 0i; r < 2i; r += 1i) {
      acc = acc + s1_a(e_b, e_i, r) * s1_b(e_b, r, e_j);
    }
    s1_out(e_b, e_i, e_j, acc);
  }
  storageBarrier();
  for (var e = i32(li); e < 1i; e += 256i) {
    var acc = 0.0f;
    var acc_lo = 0.0f;
    for (var r = 0i; r < 64i; r += 1i) {
      let ts = two_sum(acc, s2_body(e, r));
      acc_lo = acc_lo + ts.y;
      acc = ts.x;
    }
    acc = acc + acc_lo;
    s2_out(e, acc);
  }
  storageBarrier();
  for (var e = i32(li); e < 2i; e += 256i) {
    let e_b = e / 2i;
    let e_i = (e / 1i) % 2i;
    let e_j = e % 1i;
    var acc = 0f;
    for (var r = 0i; r < 64i; r += 1i) {
      acc = acc + s3_a(e_b, e_i, r) * s3_b(e_b, r, e_j);
    }
    s3_out(e_b, e_i, e_j, acc);
  }
  storageBarrier();
  for (var e = i32(li); e < 1i; e += 256i) {
    var acc = 0.0f;
    var acc_lo = 0.0f;
    for (var r = 0i; r < 2i; r += 1i) {
      let ts = two_sum(acc, s4_body(e, r));
      acc_lo = acc_lo + ts.y;
      acc = ts.x;
    }
    acc = acc + acc_lo;
    s4_out(e, acc);
  }
  storageBarrier();
  for (var e = i32(li); e < 2i; e += 256i) {
    s5_map(e);
  }
  storageBarrier();
  for (var e = i32(li); e < 1i; e += 256i) {
    var acc = 0.0f;
    var acc_lo = 0.0f;
    for (var r = 0i; r < 2i; r += 1i) {
      let ts = two_sum(acc, s6_body(e, r));
      acc_lo = acc_lo + ts.y;
      acc = ts.x;
    }
    acc = acc + acc_lo;
    s6_out(e, acc);
  }
  storageBarrier();
  for (var e = i32(li); e < 128i; e += 256i) {
    s7_map(e);
  }
  storageBarrier();
  for (var e = i32(li); e < 64i; e += 256i) {
    var acc = 0.0f;
    var acc_lo = 0.0f;
    for (var r = 0i; r < 128i; r += 1i) {
      let ts = two_sum(acc, s8_body(e, r));
      acc_lo = acc_lo + ts.y;
      acc = ts.x;
    }
    acc = acc + acc_lo;
    s8_out(e, acc);
  }
  storageBarrier();
  for (var e = i32(li); e < 64i; e += 256i) {
    let e_b = e / 64i;
    let e_i = (e / 1i) % 64i;
    let e_j = e % 1i;
    var acc = 0f;
    for (var r = 0i; r < 64i; r += 1i) {
      acc = acc + s9_a(e_b, e_i, r) * s9_b(e_b, r, e_j);
    }
    s9_out(e_b, e_i, e_j, acc);
  }
  storageBarrier();
  for (var e = i32(li); e < 1i; e += 256i) {
    var acc = 0.0f;
    var acc_lo = 0.0f;
    for (var r = 0i; r < 64i; r += 1i) {
      let ts = two_sum(acc, s10_body(e, r));
      acc_lo = acc_lo + ts.y;
      acc = ts.x;
    }
    acc = acc + acc_lo;
    s10_out(e, acc);
  }
  storageBarrier();
  for (var e = i32(li); e < 64i; e += 256i) {
    let e_b = e / 64i;
    let e_i = (e / 1i) % 64i;
    let e_j = e % 1i;
    var acc = 0f;
    for (var r = 0i; r < 64i; r += 1i) {
      acc = acc + s11_a(e_b, e_i, r) * s11_b(e_b, r, e_j);
    }
    s11_out(e_b, e_i, e_j, acc);
  }
  storageBarrier();
  for (var e = i32(li); e < 1i; e += 256i) {
    var acc = 0.0f;
    var acc_lo = 0.0f;
    for (var r = 0i; r < 64i; r += 1i) {
      let ts = two_sum(acc, s12_body(e, r));
      acc_lo = acc_lo + ts.y;
      acc = ts.x;
    }
    acc = acc + acc_lo;
    s12_out(e, acc);
  }
  storageBarrier();
  for (var e = i32(li); e < 64i; e += 256i) {
    s13_map(e);
  }
  storageBarrier();
  for (var e = i32(li); e < 1i; e += 256i) {
    var acc = 0.0f;
    var acc_lo = 0.0f;
    for (var r = 0i; r < 64i; r += 1i) {
      let ts = two_sum(acc, s14_body(e, r));
      acc_lo = acc_lo + ts.y;
      acc = ts.x;
    }
    acc = acc + acc_lo;
    s14_out(e, acc);
  }
  storageBarrier();
  for (var e = i32(li); e < 4096i; e += 256i) {
    s15_map(e);
  }
}
