// The registry of diagnostic codes. A code never changes meaning once released; docs/errors.md
// explains each one. Ranges: LIP1xxx syntax, LIP2xxx names and declarations, LIP3xxx types and
// shapes, LIP4xxx state, parameters and dataflow, LIP5xxx experiments and data, LIP9xxx internal.

export const codes = {
  // ---- syntax
  LIP1001: "unexpected token",
  LIP1002: "unterminated string",
  LIP1003: "unterminated block comment",
  LIP1004: "invalid character",
  LIP1005: "missing token",
  LIP1006: "nesting too deep",
  LIP1007: "file too large or binary",
  LIP1008: "invalid number",
  LIP1009: "chained comparison",
  LIP1010: "call or index on a new line",
  // ---- names and declarations
  LIP2001: "unknown name",
  LIP2002: "unknown module",
  LIP2003: "duplicate definition",
  LIP2004: "name not exported by module",
  LIP2005: "unknown named argument",
  LIP2006: "wrong number of arguments",
  LIP2007: "missing argument",
  LIP2008: "argument given twice",
  LIP2009: "not callable",
  LIP2010: "unknown field",
  LIP2011: "positional argument after named argument",
  LIP2012: "import cycle",
  LIP2013: "statement not allowed here",
  LIP2014: "wrong kind of declaration",
  LIP2015: "recursive definition",
  // ---- types and shapes
  LIP3001: "shapes cannot be broadcast",
  LIP3002: "size variable bound to two sizes",
  LIP3003: "matmul inner dimensions differ",
  LIP3004: "dtype mismatch",
  LIP3005: "rank mismatch",
  LIP3006: "return type mismatch",
  LIP3007: "argument type mismatch",
  LIP3008: "axis out of range",
  LIP3009: "expected a compile-time constant",
  LIP3010: "not a tensor",
  LIP3011: "invalid reshape",
  LIP3012: "index out of range",
  LIP3013: "condition is not bool",
  LIP3014: "branches differ",
  LIP3015: "expected a scalar",
  LIP3016: "type annotation mismatch",
  LIP3017: "invalid type",
  // ---- state, parameters, dataflow
  LIP4001: "assignment to a name that is not state",
  LIP4002: "state assigned more than once",
  LIP4003: "state never assigned",
  LIP4004: "cycle through same-step values",
  LIP4005: "parameter outside a layer",
  LIP4006: "optimizer must assign `param` once",
  LIP4007: "parameter initialiser has the wrong shape",
  LIP4008: "body has no result",
  LIP4009: "result is not last",
  // ---- experiments and data
  LIP5001: "experiment is missing a clause",
  LIP5002: "clause given twice",
  LIP5003: "loss is not a scalar",
  LIP5004: "model input not provided by the data",
  LIP5005: "not a data set",
  LIP5006: "invalid split",
  LIP5007: "unsatisfiable property",
  // ---- internal
  LIP9001: "internal error",
} as const satisfies Record<string, string>;

export type Code = keyof typeof codes;
