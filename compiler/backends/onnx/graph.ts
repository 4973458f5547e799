// The graph under construction while the lowering rules run: ONNX nodes in emission order (which
// is a topological order, because rules run in the IR's topological order and each rule only
// reads values that exist already), initializers shared by content, and unique value names.
//
// Naming: the value of an IR node is named after the node (`matmul_36`) or, for a graph output,
// after the output (`h1.w.next`); the extra values a rule needs are named after the rule's node
// with a counter (`div_30_1`, `div_30_2`), and initializers after their content (`i64_128_64`,
// `float_0.5`). Names of the IR function's inputs and outputs are reserved, so a generated name
// never collides with them.
//
// Symbolic batch: when the emitter exports with a symbolic batch dimension, `shapeValue` builds
// shape vectors whose batch entries come from the running batch size (`Shape` of a batch input)
// instead of the size the IR was compiled with.

import type { Node } from "../../ir/node.js";
import { OnnxExportError } from "./errors.js";
import { ElemType, ELEM_NAMES, attributeProto, int, tensorProto, type Attrs, type NodeProto, type TensorProto } from "./proto.js";

/** Where the batch dimension is, per IR node (absent: no batch axis). */
export interface BatchInfo {
  /** The name of the symbolic dimension (`N`). */
  readonly dim: string;
  /** The size the IR was compiled with. */
  readonly size: number;
  /** The input whose first dim is read at run time. */
  readonly source: string;
  axes(node: Node): readonly number[];
}

/** What a lowering rule may ask of the graph. */
export interface OnnxLowering {
  /** The target opset of the default domain. */
  readonly opset: number;
  /** Emits one node; returns its output's name (`out`, or a fresh name for the current IR node). */
  op(opType: string, inputs: readonly string[], attrs?: Attrs, out?: string): string;
  /** An int64 1-D initializer. */
  ints(values: readonly (number | bigint)[]): string;
  /** A rank-0 initializer of element type `e`. */
  scalar(value: number, e: ElemType): string;
  /** An initializer with the given row-major data (named after `hint`). */
  tensor(hint: string, e: ElemType, dims: readonly number[], values: ArrayLike<number | bigint>): string;
  /** A 1-element tensor for a `value` attribute (ConstantOfShape). */
  valueTensor(value: number, e: ElemType): TensorProto;
  /** The int64 shape vector of `node`'s shape (dynamic at batch axes). */
  shapeValue(node: Node): string;
  /** Like shapeValue for an explicit shape whose batch axes are `batchAxes`. */
  shapeOf(dims: readonly number[], batchAxes: readonly number[]): string;
  /** The axes of `node` that are the symbolic batch dimension (none without one). */
  batchAxes(node: Node): readonly number[];
  /** The batch size as an int64 [1] value (only with a symbolic batch). */
  batchSize(): string;
}

export class OnnxGraph implements OnnxLowering {
  readonly nodes: NodeProto[] = [];
  readonly initializers: TensorProto[] = [];
  /** Value names produced by nodes (for value_info). */
  readonly produced = new Set<string>();
  private readonly used = new Set<string>();
  private readonly initByKey = new Map<string, string>();
  private base = "v";
  private counter = 0;
  private batchDimValue: string | undefined;

  constructor(
    readonly opset: number,
    reserved: Iterable<string>,
    private readonly batch: BatchInfo | null,
  ) {
    for (const r of reserved) this.used.add(r);
  }

  /** Starts the nodes of one IR node: temporaries are named `<base>_1`, `<base>_2`, ... */
  begin(base: string): void {
    this.base = base;
    this.counter = 0;
  }

  /** A name not used yet, as close to `hint` as possible. */
  fresh(hint: string): string {
    let name = hint;
    for (let k = 2; this.used.has(name); k++) name = `${hint}_${k}`;
    this.used.add(name);
    return name;
  }

  /** Claims a name chosen by the emitter (an IR node's value or a graph output). */
  claim(name: string): void {
    this.used.add(name);
  }

  op(opType: string, inputs: readonly string[], attrs: Attrs = {}, out?: string): string {
    const output = out ?? this.fresh(`${this.base}_${++this.counter}`);
    if (out !== undefined) this.used.add(out);
    this.nodes.push({
      opType,
      input: [...inputs],
      output: [output],
      name: `${opType}_${output}`,
      attribute: Object.entries(attrs).map(([k, v]) => attributeProto(k, v)),
    });
    this.produced.add(output);
    return output;
  }

  ints(values: readonly (number | bigint)[]): string {
    const shown = values.length === 0 ? "empty" : values.length <= 6 ? values.map((v) => String(v).replace("-", "m")).join("_") : `n${values.length}`;
    return this.tensor(`i64_${shown}`, ElemType.INT64, [values.length], values);
  }

  scalar(value: number, e: ElemType): string {
    const v = e === ElemType.FLOAT ? shortestF32(value) : String(value);
    const shown = Number.isNaN(value) ? "nan" : value === Infinity ? "inf" : value === -Infinity ? "minf" : Object.is(value, -0) ? "m0" : v.replace("-", "m");
    return this.tensor(`${ELEM_NAMES[e]}_${shown}`, e, [], [value]);
  }

  tensor(hint: string, e: ElemType, dims: readonly number[], values: ArrayLike<number | bigint>): string {
    const t = tensorProto("", e, dims, values);
    const key = `${e}|${dims.join(",")}|${bytesKey(t.rawData as Uint8Array)}`;
    const hit = this.initByKey.get(key);
    if (hit !== undefined) return hit;
    const name = this.fresh(hint);
    t.name = name;
    this.initializers.push(t);
    this.initByKey.set(key, name);
    return name;
  }

  valueTensor(value: number, e: ElemType): TensorProto {
    const t = tensorProto("", e, [1], [value]);
    delete t.name;
    return t;
  }

  batchAxes(node: Node): readonly number[] {
    return this.batch ? this.batch.axes(node) : [];
  }

  shapeValue(node: Node): string {
    return this.shapeOf(node.shape, this.batchAxes(node));
  }

  shapeOf(dims: readonly number[], batchAxes: readonly number[]): string {
    if (batchAxes.length === 0) return this.ints(dims);
    // constant runs and the batch size, joined
    const parts: string[] = [];
    let run: number[] = [];
    dims.forEach((d, i) => {
      if (!batchAxes.includes(i)) return run.push(d);
      if (run.length > 0) parts.push(this.ints(run));
      run = [];
      parts.push(this.batchSize());
    });
    if (run.length > 0) parts.push(this.ints(run));
    return parts.length === 1 ? parts[0]! : this.op("Concat", parts, { axis: int(0) });
  }

  batchSize(): string {
    if (!this.batch) throw new OnnxExportError("internal: batchSize() without a symbolic batch");
    if (this.batchDimValue === undefined) {
      const saved = [this.base, this.counter] as const;
      this.begin("batch");
      this.batchDimValue = this.op("Shape", [this.batch.source], { start: int(0), end: int(1) }, this.fresh("batch_size"));
      [this.base, this.counter] = saved;
    }
    return this.batchDimValue;
  }
}

/** Reshape to `dims` (given as the value `shape`); a 0 in `dims` is a 0, not "copy this dim". */
export function reshapeOp(g: OnnxLowering, x: string, shape: string, dims: readonly number[], out?: string): string {
  const attrs: Attrs = dims.includes(0) ? { allowzero: int(1) } : {};
  return g.op("Reshape", [x, shape], attrs, out);
}

/** The shortest decimal that reads back as the same f32 as `x` (what an f32 initializer holds). */
export function shortestF32(x: number): string {
  const f = Math.fround(x);
  for (let p = 1; p <= 9; p++) {
    const s = String(Number(f.toPrecision(p)));
    if (Math.fround(Number(s)) === f) return s;
  }
  return String(f);
}

function bytesKey(b: Uint8Array): string {
  let s = "";
  for (let i = 0; i < b.length; i++) s += b[i]!.toString(16).padStart(2, "0");
  return s;
}
