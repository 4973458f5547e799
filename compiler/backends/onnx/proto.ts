// The ONNX protobuf schema as used by the emitter: onnx-proto (ONNX 1.10.2, IR version 8) and
// small constructors for the messages we write. Invariants the ONNX tooling relies on and that
// every constructor here keeps:
//   - every AttributeProto has its `type` (ONNX Runtime rejects attributes without one);
//   - tensor data is always `rawData`, little-endian, exactly numel x itemsize bytes (int64 data
//     goes through a BigInt64Array, never through BigInt fields, which protobufjs 6 mis-encodes);
//   - int64 scalar fields (dims, ints, dimValue) are plain JS numbers.

// onnx-proto is CommonJS: its ESM form is the default import (a named import fails at run time)
import pkg from "onnx-proto";
import type { onnx as O } from "onnx-proto";
import type { DType } from "../../ir/dtype.js";

export const onnx = pkg.onnx;
export type ModelProto = O.IModelProto;
export type GraphProto = O.IGraphProto;
export type NodeProto = O.INodeProto;
export type TensorProto = O.ITensorProto;
export type AttributeProto = O.IAttributeProto;
export type ValueInfoProto = O.IValueInfoProto;

/** The ONNX element types the emitter uses (TensorProto.DataType). */
export enum ElemType {
  FLOAT = 1,
  UINT8 = 2,
  INT32 = 6,
  INT64 = 7,
  BOOL = 9,
  DOUBLE = 11,
  UINT32 = 12,
}

export const ELEM_NAMES: Readonly<Record<number, string>> = { 1: "float", 2: "uint8", 3: "int8", 6: "int32", 7: "int64", 9: "bool", 10: "float16", 11: "double", 12: "uint32", 13: "uint64" };

/** The ONNX element type of an IR dtype. */
export function elemOf(d: DType): ElemType {
  switch (d) {
    case "f32":
      return ElemType.FLOAT;
    case "f64":
      return ElemType.DOUBLE;
    case "i32":
      return ElemType.INT32;
    case "bool":
      return ElemType.BOOL;
  }
}

export function itemSize(e: ElemType): number {
  switch (e) {
    case ElemType.UINT8:
    case ElemType.BOOL:
      return 1;
    case ElemType.FLOAT:
    case ElemType.INT32:
    case ElemType.UINT32:
      return 4;
    case ElemType.INT64:
    case ElemType.DOUBLE:
      return 8;
  }
}

/** Row-major values (bigints allowed for int64) as the little-endian bytes of element type `e`. */
export function rawBytes(e: ElemType, values: ArrayLike<number | bigint>): Uint8Array {
  const n = values.length;
  let arr: Float32Array | Float64Array | Int32Array | Uint32Array | BigInt64Array | Uint8Array;
  switch (e) {
    case ElemType.FLOAT:
      arr = new Float32Array(n);
      break;
    case ElemType.DOUBLE:
      arr = new Float64Array(n);
      break;
    case ElemType.INT32:
      arr = new Int32Array(n);
      break;
    case ElemType.UINT32:
      arr = new Uint32Array(n);
      break;
    case ElemType.INT64:
      arr = new BigInt64Array(n);
      for (let i = 0; i < n; i++) {
        const v = values[i]!;
        arr[i] = typeof v === "bigint" ? v : BigInt(v);
      }
      return toBytes(arr);
    case ElemType.UINT8:
    case ElemType.BOOL:
      arr = new Uint8Array(n);
      break;
  }
  for (let i = 0; i < n; i++) {
    const v = Number(values[i]!);
    (arr as Float32Array)[i] = e === ElemType.BOOL ? (v !== 0 ? 1 : 0) : v;
  }
  return toBytes(arr);
}

function toBytes(a: ArrayBufferView): Uint8Array {
  // little-endian hosts only (x86, arm64): typed arrays use the host order
  return new Uint8Array(a.buffer, a.byteOffset, a.byteLength).slice();
}

export function tensorProto(name: string, e: ElemType, dims: readonly number[], values: ArrayLike<number | bigint>): TensorProto {
  return { name, dataType: e, dims: [...dims], rawData: rawBytes(e, values) };
}

// ---------------------------------------------------------------- attributes

const AT = onnx.AttributeProto.AttributeType;

/** An attribute value: the kind is explicit, so that `1` is never ambiguous between INT and FLOAT. */
export type AttrValue = { readonly int: number } | { readonly float: number } | { readonly ints: readonly number[] } | { readonly floats: readonly number[] } | { readonly string: string } | { readonly tensor: TensorProto };
export type Attrs = Readonly<Record<string, AttrValue>>;

export const int = (v: number): AttrValue => ({ int: v });
export const float = (v: number): AttrValue => ({ float: v });
export const ints = (v: readonly number[]): AttrValue => ({ ints: v });
export const str = (v: string): AttrValue => ({ string: v });

export function attributeProto(name: string, v: AttrValue): AttributeProto {
  if ("int" in v) return { name, type: AT.INT, i: v.int };
  if ("float" in v) return { name, type: AT.FLOAT, f: v.float };
  if ("ints" in v) return { name, type: AT.INTS, ints: [...v.ints] };
  if ("floats" in v) return { name, type: AT.FLOATS, floats: [...v.floats] };
  if ("string" in v) return { name, type: AT.STRING, s: new TextEncoder().encode(v.string) };
  return { name, type: AT.TENSOR, t: v.tensor };
}

/** A ValueInfoProto with a full tensor type; a string dim is symbolic (dimParam). */
export function valueInfo(name: string, e: ElemType, dims: readonly (number | string)[]): ValueInfoProto {
  return { name, type: { tensorType: { elemType: e, shape: { dim: dims.map((d) => (typeof d === "string" ? { dimParam: d } : { dimValue: d })) } } } };
}
