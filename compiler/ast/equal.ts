// Structural comparison of ASTs, ignoring where the nodes came from.

const SPAN_KEYS = new Set(["span", "opSpan", "arrowSpan"]);

/** A deep copy of an AST (or any part of one) without its spans. */
export function stripSpans<T>(node: T): T {
  if (Array.isArray(node)) return node.map((x) => stripSpans(x)) as T;
  if (node === null || typeof node !== "object") return node;
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(node)) {
    if (!SPAN_KEYS.has(k)) out[k] = stripSpans(v);
  }
  return out as T;
}

/** Whether two ASTs are equal modulo spans. */
export function equalModuloSpans(a: unknown, b: unknown): boolean {
  if (a === b) return true;
  if (typeof a === "number" && typeof b === "number") return Number.isNaN(a) && Number.isNaN(b);
  if (a === null || b === null || typeof a !== "object" || typeof b !== "object") return false;
  if (Array.isArray(a) !== Array.isArray(b)) return false;
  if (Array.isArray(a) && Array.isArray(b)) {
    if (a.length !== b.length) return false;
    for (let i = 0; i < a.length; i++) if (!equalModuloSpans(a[i], b[i])) return false;
    return true;
  }
  const ka = Object.keys(a).filter((k) => !SPAN_KEYS.has(k));
  const kb = Object.keys(b).filter((k) => !SPAN_KEYS.has(k));
  if (ka.length !== kb.length) return false;
  for (const k of ka) {
    if (!equalModuloSpans((a as Record<string, unknown>)[k], (b as Record<string, unknown>)[k])) return false;
  }
  return true;
}
