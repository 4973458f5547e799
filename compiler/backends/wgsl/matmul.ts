// The register-tiled matmul of a standalone f32 matmul stage. A workgroup of 16 x 16 invocations
// computes a 64 x 64 block of the result, each invocation a 4 x 4 sub-block held in four vec4
// registers. The contraction runs in steps of 16: the workgroup first stages a 64 x 16 tile of A
// and a 16 x 64 tile of B in workgroup memory (each invocation loading 4 + 4 elements through
// the stage's prologue functions `a(b, i, p)` and `b(b, p, j)`, zero outside the matrices), then
// every invocation reads 4 rows of A and 4 columns of B per step as vec4 loads from the tiles
// and accumulates 16 products with 4 vec4 multiply-adds. The epilogue function `out(b, i, j, acc)`
// stores each of its 16 results (bias, activation and optimizer updates fused in it).
// Tiles use 8 KiB of the 16 KiB of workgroup memory WebGPU guarantees. With `exact` (compensated
// sums) each accumulator is a pair hi + lo: every product's rounding error (Dekker's product on
// operands split once per step) and every addition's (TwoSum) go to lo, and the epilogue
// receives hi + lo rounded once (helpers.ts).

import type { MatmulStage } from "./kernel-ir.js";
import { grid } from "./render.js";

const BM = 64;
const BN = 64;
const BK = 16;

export function tiledMatmulFits(s: MatmulStage): boolean {
  return s.type === "f32" && s.m * s.n >= 256;
}

/** Names of vec4 views of the operands' arenas, where an operand is read as stored and aligned. */
export interface VectorViews {
  readonly a?: string;
  readonly b?: string;
}

/** Whether operand A (B) can be read 4 elements at a time: a direct f32 operand, rows of 4k. */
export function vectorizable(s: MatmulStage, which: "a" | "b"): boolean {
  const r = which === "a" ? s.aDirect : s.bDirect;
  const row = which === "a" ? s.k : s.n;
  return r !== undefined && r.dtype === "f32" && r.offset % 4 === 0 && row % 4 === 0;
}

export function renderTiledMatmul(s: MatmulStage, p: string, views: VectorViews = {}): { code: string; workgroups: [number, number, number]; workgroupSize: number } {
  const tilesN = Math.ceil(s.n / BN);
  const tilesM = Math.ceil(s.m / BM);
  const groups = tilesN * tilesM * s.batch;
  const workgroups = grid(groups);
  const wid = workgroups[1] > 1 ? `(wg.y * ${workgroups[0]}u + wg.x)` : "wg.x";
  const scalarA = `      let ai = t / ${BK}i;
      let ap = t % ${BK}i;
      var va = 0.0f;
      if (row0 + ai < ${s.m}i && k0 + ap < ${s.k}i) { va = ${p}_a(bt, row0 + ai, k0 + ap); }
      tile_a[ap * ${BM / 4}i + ai / 4i][ai % 4i] = va;
`;
  const scalarB = `      let bp = t / ${BN}i;
      let bj = t % ${BN}i;
      var vb = 0.0f;
      if (k0 + bp < ${s.k}i && col0 + bj < ${s.n}i) { vb = ${p}_b(bt, k0 + bp, col0 + bj); }
      tile_b[bp * ${BN / 4}i + bj / 4i][bj % 4i] = vb;
`;
  const loops = (body: string) => `    for (var e = 0i; e < ${(BM * BK) / 256}i; e++) {\n      let t = i32(li) + e * 256i;\n${body}    }\n`;
  // one vec4 per invocation and operand: A's tile is 64 rows of 4 vec4, B's 16 rows of 16 vec4
  const vecA = views.a
    ? `    {
      let ar = i32(li) / 4i;
      let aq = (i32(li) % 4i) * 4i;
      var va = vec4<f32>(0.0f);
      if (row0 + ar < ${s.m}i && k0 + aq < ${s.k}i) { va = ${views.a}[(${s.aDirect!.offset}i + bt * ${s.m * s.k}i + (row0 + ar) * ${s.k}i + k0 + aq) / 4i]; }
      for (var c = 0i; c < 4i; c++) { tile_a[(aq + c) * ${BM / 4}i + ar / 4i][ar % 4i] = va[c]; }
    }
`
    : "";
  const vecB = views.b
    ? `    {
      let bp = i32(li) / ${BN / 4}i;
      let bq = (i32(li) % ${BN / 4}i) * 4i;
      var vb = vec4<f32>(0.0f);
      if (k0 + bp < ${s.k}i && col0 + bq < ${s.n}i) { vb = ${views.b}[(${s.bDirect!.offset}i + bt * ${s.k * s.n}i + (k0 + bp) * ${s.n}i + col0 + bq) / 4i]; }
      tile_b[bp * ${BN / 4}i + bq / 4i] = vb;
    }
`
    : "";
  const scalars = (views.a ? "" : scalarA) + (views.b ? "" : scalarB);
  const loadTiles = vecA + vecB + (scalars ? loops(scalars) : "");
  const code = `var<workgroup> tile_a: array<vec4<f32>, ${(BK * BM) / 4}>; // [p][i / 4]: A(i, p) at component i % 4
var<workgroup> tile_b: array<vec4<f32>, ${(BK * BN) / 4}>; // [p][j / 4]

@compute @workgroup_size(16, 16)
fn main(@builtin(workgroup_id) wg: vec3<u32>, @builtin(local_invocation_id) lid: vec3<u32>, @builtin(local_invocation_index) li: u32) {
  let block = i32(${wid});
  let bt = block / ${tilesN * tilesM}i;
  let row0 = ((block / ${tilesN}i) % ${tilesM}i) * ${BM}i;
  let col0 = (block % ${tilesN}i) * ${BN}i;
  let tx = i32(lid.x); // 4 columns from col0 + 4 tx
  let ty = i32(lid.y); // 4 rows from row0 + 4 ty
${s.exact ? "  var acc = array<Sum4, 4>(Sum4(vec4<f32>(0.0f), vec4<f32>(0.0f)), Sum4(vec4<f32>(0.0f), vec4<f32>(0.0f)), Sum4(vec4<f32>(0.0f), vec4<f32>(0.0f)), Sum4(vec4<f32>(0.0f), vec4<f32>(0.0f)));" : "  var acc = array<vec4<f32>, 4>(vec4<f32>(0.0f), vec4<f32>(0.0f), vec4<f32>(0.0f), vec4<f32>(0.0f));"}
  for (var k0 = 0i; k0 < ${s.k}i; k0 += ${BK}i) {
${loadTiles}    workgroupBarrier();
    for (var q = 0i; q < ${BK}i; q++) {
      let a = tile_a[q * ${BM / 4}i + ty];
      let b = tile_b[q * ${BN / 4}i + tx];
${s.exact ? "      let bs = split4(b);\n      let as_ = split4(a);\n" : ""}${["x", "y", "z", "w"].map((c, r) => (s.exact ? `      acc[${r}] = add_product4(acc[${r}], vec4<f32>(a.${c}), Sum4(vec4<f32>(as_.hi.${c}), vec4<f32>(as_.lo.${c})), b, bs);` : `      acc[${r}] = fma(vec4<f32>(a.${c}), b, acc[${r}]);`)).join("\n")}
    }
    workgroupBarrier();
  }
  for (var r = 0i; r < 4i; r++) {
    let i = row0 + ty * 4i + r;
    if (i >= ${s.m}i) { break; }
    for (var c = 0i; c < 4i; c++) {
      let j = col0 + tx * 4i + c;
      if (j < ${s.n}i) { ${p}_out(bt, i, j, ${s.exact ? "acc[r].hi[c] + acc[r].lo[c]" : "acc[r][c]"}); }
    }
  }
}`;
  return { code, workgroups, workgroupSize: 256 };
}
