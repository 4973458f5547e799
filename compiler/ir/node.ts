// IR nodes and the context that owns them. A node is an immutable value: an op, its static
// argument, its sources, and the dtype and concrete shape that the op's shape rule gives. Nodes
// are hash-consed: `IrContext.intern` returns the existing node for a key op|arg|src-ids, so two
// constructions of the same expression are the same object (`===` is structural equality, and
// common subexpressions are shared by construction). There is no global state: every
// compilation makes its own IrContext. Invariant: a node's sources were interned in the same
// context before it, so `src[i].id < id` and the graph is acyclic.

import { CompilerBug } from "../diag/diagnostic.js";
import type { DType } from "./dtype.js";
import { Op, type OpArgs } from "./ops.js";
import { ruleOf } from "./primitives.js";
import type { Shape } from "./shape.js";

/** An abstract value: what the shape rules compute. */
export interface Aval {
  readonly dtype: DType;
  readonly shape: Shape;
}

export class Node<O extends Op = Op> implements Aval {
  /** @internal use IrContext.intern */
  constructor(
    readonly ctx: IrContext,
    readonly id: number,
    readonly op: O,
    readonly arg: OpArgs[O],
    readonly src: readonly Node[],
    readonly dtype: DType,
    readonly shape: readonly number[],
  ) {}

  is<P extends Op>(op: P): this is Node<P> {
    return (this.op as Op) === op;
  }

  get rank(): number {
    return this.shape.length;
  }

  toString(): string {
    return `%${this.id}:${this.dtype}[${this.shape.join(",")}] = ${this.op}`;
  }
}

export interface IrContextOptions {
  /** A name for debugging output (e.g. the experiment being compiled). */
  readonly name?: string;
}

export class IrContext {
  private readonly table = new Map<string, Node>();
  private nextId = 0;

  constructor(readonly options: IrContextOptions = {}) {}

  /** The number of distinct nodes interned so far. */
  get size(): number {
    return this.table.size;
  }

  /**
   * The node for `op(arg, src)`: the existing one if this context has built it before, a new one
   * otherwise. The op's shape rule checks the arguments (throwing CompilerBug on misuse) and
   * gives the dtype and shape.
   */
  intern<O extends Op>(op: O, arg: OpArgs[O], src: readonly Node[]): Node<O> {
    for (const s of src) if (s.ctx !== this) throw new CompilerBug(`${op}: source %${s.id} belongs to another IrContext`);
    let key = nodeKey(op, arg, src);
    for (let salt = 1; ; salt++) {
      const hit = this.table.get(key);
      if (hit === undefined) break;
      // literals are keyed by a hash of their data: confirm, and on a collision try the next key
      if (op !== Op.Literal || literalDataEqual((hit.arg as OpArgs[Op.Literal]).data, (arg as OpArgs[Op.Literal]).data)) return hit as Node<O>;
      key = `${nodeKey(op, arg, src)}~${salt}`;
    }
    const aval = ruleOf(op).shape(arg, src);
    const node = new Node<O>(this, this.nextId++, op, freezeArg(arg), Object.freeze([...src]), aval.dtype, Object.freeze([...aval.shape]));
    this.table.set(key, node);
    return node;
  }
}

function freezeArg<A>(arg: A): A {
  if (arg === null || typeof arg !== "object") return arg;
  for (const v of Object.values(arg as object)) if (Array.isArray(v)) Object.freeze(v);
  return Object.freeze(arg);
}

/** The hash-consing key: op | arg | source ids (dtype and shape follow from these). */
export function nodeKey(op: Op, arg: unknown, src: readonly Node[]): string {
  let k = `${op}|${argKey(arg)}|`;
  for (let i = 0; i < src.length; i++) k += (i ? "," : "") + src[i]!.id;
  return k;
}

function numKey(x: number): string {
  return Object.is(x, -0) ? "-0" : String(x); // String(NaN) = "NaN", String(Infinity) = "Infinity"
}

/** A canonical string for an argument: keys sorted, -0 and NaN kept distinct, typed arrays hashed. */
export function argKey(arg: unknown): string {
  if (arg === null || arg === undefined) return "";
  if (typeof arg === "number") return numKey(arg);
  if (typeof arg === "string") return JSON.stringify(arg);
  if (typeof arg === "boolean") return arg ? "T" : "F";
  if (ArrayBuffer.isView(arg)) return literalHash(arg as unknown as ArrayLike<number>);
  if (Array.isArray(arg)) return `[${arg.map(argKey).join(",")}]`;
  const o = arg as Record<string, unknown>;
  return `{${Object.keys(o).sort().map((k) => `${k}:${argKey(o[k])}`).join(",")}}`;
}

/** FNV-1a over the numbers' canonical strings: equal data hash equally (NaN and -0 included). */
function literalHash(data: ArrayLike<number>): string {
  let h = 0x811c9dc5;
  for (let i = 0; i < data.length; i++) {
    const s = numKey(data[i]!);
    for (let j = 0; j < s.length; j++) h = Math.imul(h ^ s.charCodeAt(j), 0x01000193);
    h = Math.imul(h ^ 44, 0x01000193);
  }
  return `#${data.length}:${(h >>> 0).toString(16)}`;
}

function literalDataEqual(a: ArrayLike<number>, b: ArrayLike<number>): boolean {
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (!Object.is(a[i], b[i])) return false;
  return true;
}
