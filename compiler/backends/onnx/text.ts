// The ONNX textual syntax of a serialised model (the form of onnx.printer / onnx.parser), for
// golden files and for reading what the emitter made:
//
//   <
//     ir_version: 8,
//     opset_import: ["" : 17]
//   >
//   quickstart_step (float[2,64] h1.w, ..., int32 step) => (float[2,64] h1.w.next, ..., float loss)
//     <float float_0.5 = {0.5}, int64[2] i64_128_64 = {128,64}, ...>
//   {
//     matmul_36 = MatMul (x, h1.w)
//     reduce_sum_17 = ReduceSum <keepdims = 0> (mul_16, i64_0)
//   }
//
// Scalars print as a bare element type (`float`), as ONNX does; initializers with more than 8
// values print their first 8 and a count. Value names are printed as they are (ours contain dots).
// `modelStats` counts a model's nodes, initializers, inputs and outputs.

import { ELEM_NAMES, onnx } from "./proto.js";

type Obj = Record<string, unknown>;

const MAX_SHOWN = 8;

function decode(bytes: Uint8Array): Obj {
  const m = onnx.ModelProto.decode(bytes);
  return onnx.ModelProto.toObject(m, { longs: Number, bytes: Array, defaults: false, arrays: true }) as Obj;
}

export interface ModelStats {
  readonly nodes: number;
  readonly initializers: number;
  readonly inputs: number;
  readonly outputs: number;
}

export function modelStats(bytes: Uint8Array): ModelStats {
  const m = onnx.ModelProto.decode(bytes);
  const g = m.graph;
  return { nodes: g?.node?.length ?? 0, initializers: g?.initializer?.length ?? 0, inputs: g?.input?.length ?? 0, outputs: g?.output?.length ?? 0 };
}

export function modelText(bytes: Uint8Array): string {
  const m = decode(bytes);
  const g = (m.graph ?? {}) as Obj;
  const lines: string[] = [];
  lines.push("<");
  const header: string[] = [`  ir_version: ${m.irVersion}`];
  const opsets = ((m.opsetImport as Obj[]) ?? []).map((o) => `"${(o.domain as string) ?? ""}" : ${o.version}`);
  header.push(`  opset_import: [${opsets.join(", ")}]`);
  if (m.producerName) header.push(`  producer_name: "${m.producerName}"`);
  lines.push(header.join(",\n"));
  lines.push(">");
  const sig = (vs: Obj[]) => vs.map((v) => `${typeText(v.type as Obj)} ${v.name}`).join(", ");
  lines.push(`${g.name} (${sig((g.input as Obj[]) ?? [])}) => (${sig((g.output as Obj[]) ?? [])})`);
  const inits = ((g.initializer as Obj[]) ?? []).map((t) => `${tensorTypeText(t)} ${t.name} = ${tensorValueText(t)}`);
  if (inits.length > 0) lines.push(`  <${inits.join(",\n   ")}>`);
  lines.push("{");
  for (const n of (g.node as Obj[]) ?? []) lines.push(`  ${nodeText(n)}`);
  lines.push("}");
  return lines.join("\n") + "\n";
}

function typeText(t: Obj | undefined): string {
  const tt = t?.tensorType as Obj | undefined;
  if (!tt) return "?";
  const elem = ELEM_NAMES[tt.elemType as number] ?? `type${tt.elemType}`;
  const dims = (((tt.shape as Obj | undefined)?.dim as Obj[] | undefined) ?? []).map((d) => (d.dimParam !== undefined ? String(d.dimParam) : d.dimValue !== undefined ? String(d.dimValue) : "?"));
  return dims.length === 0 ? elem : `${elem}[${dims.join(",")}]`;
}

function tensorTypeText(t: Obj): string {
  const elem = ELEM_NAMES[t.dataType as number] ?? `type${t.dataType}`;
  const dims = (t.dims as number[] | undefined) ?? [];
  return dims.length === 0 ? elem : `${elem}[${dims.join(",")}]`;
}

/** The values of a tensor with raw data (what the emitter writes). */
function tensorValues(t: Obj): string[] {
  const raw = Uint8Array.from((t.rawData as number[] | undefined) ?? []);
  const view = new DataView(raw.buffer);
  const out: string[] = [];
  const dt = t.dataType as number;
  const size = dt === 1 || dt === 6 || dt === 12 ? 4 : dt === 7 || dt === 11 ? 8 : 1;
  for (let o = 0; o + size <= raw.length && out.length < MAX_SHOWN + 1; o += size) {
    switch (dt) {
      case 1:
        out.push(numText(view.getFloat32(o, true)));
        break;
      case 11:
        out.push(String(view.getFloat64(o, true)));
        break;
      case 6:
        out.push(String(view.getInt32(o, true)));
        break;
      case 12:
        out.push(String(view.getUint32(o, true)));
        break;
      case 7:
        out.push(String(view.getBigInt64(o, true)));
        break;
      default:
        out.push(String(view.getUint8(o)));
    }
  }
  return out;
}

function numText(x: number): string {
  if (Number.isNaN(x)) return "nan";
  if (x === Infinity) return "inf";
  if (x === -Infinity) return "-inf";
  // f32 values print with the fewest digits that read back to the same f32
  for (let p = 1; p <= 17; p++) {
    const s = x.toPrecision(p);
    if (Math.fround(Number(s)) === Math.fround(x)) return String(Number(s));
  }
  return String(x);
}

function tensorValueText(t: Obj): string {
  const count = ((t.dims as number[] | undefined) ?? []).reduce((a, d) => a * d, 1);
  const vals = tensorValues(t);
  if (count > MAX_SHOWN) return `{${vals.slice(0, MAX_SHOWN).join(",")}, ... (${count} values)}`;
  return `{${vals.join(",")}}`;
}

function attrText(a: Obj): string {
  const type = a.type as number;
  const AT = onnx.AttributeProto.AttributeType;
  let v: string;
  switch (type) {
    case AT.INT:
      v = String(a.i ?? 0);
      break;
    case AT.FLOAT:
      v = numText((a.f as number) ?? 0);
      break;
    case AT.INTS:
      v = `[${((a.ints as number[]) ?? []).join(", ")}]`;
      break;
    case AT.FLOATS:
      v = `[${((a.floats as number[]) ?? []).map(numText).join(", ")}]`;
      break;
    case AT.STRING:
      v = `"${new TextDecoder().decode(Uint8Array.from((a.s as number[]) ?? []))}"`;
      break;
    case AT.TENSOR: {
      const t = a.t as Obj;
      v = `${tensorTypeText(t)} ${tensorValueText(t)}`;
      break;
    }
    default:
      v = "?";
  }
  return `${a.name} = ${v}`;
}

function nodeText(n: Obj): string {
  const attrs = ((n.attribute as Obj[]) ?? []).map(attrText);
  const domain = n.domain ? `${n.domain}.` : "";
  return `${((n.output as string[]) ?? []).join(", ")} = ${domain}${n.opType}${attrs.length ? ` <${attrs.join(", ")}>` : ""} (${((n.input as string[]) ?? []).join(", ")})`;
}
