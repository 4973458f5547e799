// A mistake the checker could not see, found while lowering with concrete values: data whose
// shape differs from what the file declares, a next value of the wrong shape for this
// parameter. It carries an ordinary diagnostic (with the source span it came from), which the
// CLI renders like any other, and exits 1.

import type { Diagnostic } from "../diag/diagnostic.js";

export class LoweringError extends Error {
  constructor(readonly diagnostic: Diagnostic) {
    super(diagnostic.message);
    this.name = "LoweringError";
  }
}
