// `lip test`'s property runner, as a library: generate cases, run properties on backends, and
// report counterexamples. See docs/testing.md.

export { caseArbitrary, elementArbitrary, shapeOf, GeneratorError, DEFAULT_MAX_SIZE, type GenerateOptions, type PropertyCase, type ValueMix } from "./generate.js";
export {
  BackendUnavailable,
  ReferenceBackend,
  UnknownBackend,
  openPropertyBackend,
  propertyBackendNames,
  propertyBackendProvider,
  registerPropertyBackend,
  type BackendProvider,
  type CompiledProperty,
  type Outputs,
  type PropertyBackend,
} from "./backend.js";
export {
  DEFAULT_MAX_REJECTS_PER_RUN,
  DEFAULT_RUNS,
  freshSeed,
  runProperties,
  runProperty,
  type Counterexample,
  type FailedAssert,
  type PropertyReport,
  type PropertyStatus,
  type RunOptions,
  type ShownValue,
  type Where,
} from "./runner.js";
export { defaultReplay, formatMs, renderReportText, renderSummaryText, reportJson, shellQuote, type TextOptions } from "./report.js";
export { formatNumber, formatValues, typeText } from "./format.js";
