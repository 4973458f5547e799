// The IR's text form, jaxpr-like ANF: one line per node in topological order,
//   %3:f32[32,10] = matmul x h1.w
//   %4:f32[10] = reduce_sum[axes=[0], keepdims=false] %3
// Inputs are referred to by name; other nodes are numbered %0, %1, ... in print order (not by
// id), so the text depends only on the graph's structure and golden files stay stable. Arguments
// equal to the node's own dtype or shape are left out (they are in its type).

import type { IrFunction } from "./function.js";
import { toposort } from "./graph.js";
import type { Node } from "./node.js";
import { Op, type OpArgs } from "./ops.js";

export function printFunction(fn: IrFunction): string {
  return printFunctionLines(fn).lines.join("\n");
}

/** The printed lines, and the line of each node (for error dumps). */
export function printFunctionLines(fn: IrFunction): { lines: string[]; lineOf: Map<Node, number> } {
  const names = new Map<Node, string>();
  for (const i of fn.inputs) names.set(i.node, i.name);
  const nodes = toposort(fn.outputs.map((o) => o.node));
  const params = fn.inputs.map((i) => `${inputKind(i.node)}${i.name}:${typeOf(i.node)}`);
  const lines = [`fn ${fn.name}(${params.join(", ")}) {`];
  const lineOf = new Map<Node, number>();
  let next = 0;
  for (const n of nodes) {
    if (names.has(n)) continue;
    const name = n.op === Op.Input ? `${(n.arg as OpArgs[Op.Input]).name}?` : `%${next++}`;
    names.set(n, name);
    lineOf.set(n, lines.length);
    lines.push(`  ${name}:${typeOf(n)} = ${n.op}${formatArg(n)}${n.src.map((s) => " " + names.get(s)!).join("")}`);
  }
  lines.push(`  return ${fn.outputs.map((o) => `${o.name}=${names.get(o.node)}`).join(", ")}`);
  lines.push("}");
  return { lines, lineOf };
}

/** A single expression (its inputs found in the graph), for debugging and tests. */
export function printExpr(...roots: Node[]): string {
  const inputs = toposort(roots).filter((n) => n.op === Op.Input).map((n) => ({ name: (n.arg as OpArgs[Op.Input]).name, node: n }));
  return printFunction({ name: "expr", inputs, outputs: roots.map((node, i) => ({ name: `out${i}`, node })) });
}

function inputKind(n: Node): string {
  return n.op === Op.Input ? `${(n.arg as OpArgs[Op.Input]).kind} ` : "";
}

export function typeOf(n: { dtype: string; shape: readonly number[] }): string {
  return `${n.dtype}[${n.shape.join(",")}]`;
}

export function formatNumber(v: number): string {
  if (Number.isNaN(v)) return "nan";
  if (v === Infinity) return "inf";
  if (v === -Infinity) return "-inf";
  if (Object.is(v, -0)) return "-0";
  return String(v);
}

function formatValue(v: unknown): string {
  if (typeof v === "number") return formatNumber(v);
  if (typeof v === "boolean" || typeof v === "string") return String(v);
  if (ArrayBuffer.isView(v) || Array.isArray(v)) {
    const a = Array.from(v as ArrayLike<number>);
    const shown = a.length <= 16 ? a : a.slice(0, 8);
    return `[${shown.map(formatNumber).join(",")}${a.length > 16 ? `,... (${a.length} values)` : ""}]`;
  }
  return String(v);
}

function formatArg(n: Node): string {
  if (n.arg === null || n.op === Op.Input) return "";
  const entries = Object.entries(n.arg as object).filter(([k]) => k !== "dtype" && k !== "shape");
  if (entries.length === 0) return "";
  if (n.op === Op.Constant) return `[${formatValue(entries[0]![1])}]`;
  if (n.op === Op.Literal) return formatValue(entries[0]![1]);
  return `[${entries.map(([k, v]) => `${k}=${formatValue(v)}`).join(", ")}]`;
}
