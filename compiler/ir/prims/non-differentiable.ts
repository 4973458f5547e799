// The marker for ops without a derivative. In its own module (not primitives.ts) so that the
// rule files can import it without an import cycle through the primitive table: with a cycle,
// whichever module is loaded first decides whether the marker is initialised in time.

/** The op has no derivative (its output or inputs are integers or booleans, or it is a leaf). */
export const nonDifferentiable = Object.freeze({ nonDifferentiable: true as const });
export type NonDifferentiable = typeof nonDifferentiable;
