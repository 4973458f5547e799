// Where a property is evaluated. A PropertyBackend compiles one specialisation of a lowered
// property (an IR function of the generated values, for one choice of sizes) and runs it on
// host tensors. The runner calls `compile` once per size tuple and `run` once per case, so a
// backend with an expensive compilation (an ONNX session, a WebGPU pipeline) pays it once per
// shape. Both may be asynchronous.
//
// Backends are found by name in a registry of providers: `reference` (the interpreter) and
// `onnx` (ONNX Runtime) run here; `webgpu` is a known name whose provider says why it is not
// available until its runtime registers a real one with `registerPropertyBackend`.

import type { IrFunction } from "../../compiler/ir/function.js";
import { interpret } from "../interp.js";
import type { Tensor } from "../tensor.js";

export type Outputs = Readonly<Record<string, Tensor>>;

/** One specialisation of a property, compiled for a backend. */
export interface CompiledProperty {
  /** Evaluates every output of the function on the generated values (inputs by name). */
  run(inputs: Readonly<Record<string, Tensor>>): Outputs | Promise<Outputs>;
}

export interface PropertyBackend {
  /** The name shown in reports (`reference`, `onnx`, ...). */
  readonly name: string;
  /**
   * Compiles a function whose inputs are a property's generated values and whose outputs are
   * bool scalars (`where_i`, `assert_i`) and, for counterexamples and differential testing,
   * tensors of any dtype. Throwing rejects the property on this backend (reported as an error).
   */
  compile(fn: IrFunction): CompiledProperty | Promise<CompiledProperty>;
  /** Releases what the backend holds (sessions, devices); called once after the last run. */
  dispose?(): void | Promise<void>;
}

/** How a backend is found by name. `create` throws BackendUnavailable when it cannot run here. */
export interface BackendProvider {
  readonly name: string;
  /** One line for help texts. */
  readonly description: string;
  create(): PropertyBackend | Promise<PropertyBackend>;
}

/** A known backend that cannot run in this build or on this machine. */
export class BackendUnavailable extends Error {
  constructor(
    readonly backend: string,
    readonly reason: string,
  ) {
    super(`backend \`${backend}\` is not available: ${reason}`);
    this.name = "BackendUnavailable";
  }
}

/** A backend name nobody registered. */
export class UnknownBackend extends Error {
  constructor(
    readonly backend: string,
    readonly known: readonly string[],
  ) {
    super(`unknown backend \`${backend}\`; known backends: ${known.map((k) => `\`${k}\``).join(", ")}`);
    this.name = "UnknownBackend";
  }
}

/** The reference interpreter (runtime/interp.ts); `float64` interprets f32 in f64. */
export class ReferenceBackend implements PropertyBackend {
  readonly name: string;
  constructor(private readonly opts: { readonly float64?: boolean; readonly name?: string } = {}) {
    this.name = opts.name ?? "reference";
  }
  compile(fn: IrFunction): CompiledProperty {
    const float64 = this.opts.float64 === true;
    return { run: (inputs) => interpret(fn, inputs, { float64 }) };
  }
}

const providers = new Map<string, BackendProvider>();

/** Adds (or replaces) the provider of a backend name. */
export function registerPropertyBackend(provider: BackendProvider): void {
  providers.set(provider.name, provider);
}

/** The registered names, in registration order. */
export function propertyBackendNames(): string[] {
  return [...providers.keys()];
}

export function propertyBackendProvider(name: string): BackendProvider | undefined {
  return providers.get(name);
}

/**
 * The backend called `name`. Throws UnknownBackend or BackendUnavailable (also when its provider
 * fails in another way, e.g. a runtime whose native library does not load here).
 */
export async function openPropertyBackend(name: string): Promise<PropertyBackend> {
  const p = providers.get(name);
  if (p === undefined) throw new UnknownBackend(name, propertyBackendNames());
  try {
    return await p.create();
  } catch (err) {
    if (err instanceof BackendUnavailable) throw err;
    const why = err instanceof Error ? (err.message.split("\n")[0] ?? "").trim() : String(err);
    throw new BackendUnavailable(name, `it could not be started: ${why || "unknown failure"}`);
  }
}

function notYet(name: string, description: string, reason: string): BackendProvider {
  return {
    name,
    description,
    create() {
      throw new BackendUnavailable(name, reason);
    },
  };
}

registerPropertyBackend({ name: "reference", description: "the reference interpreter (always available)", create: () => new ReferenceBackend() });
registerPropertyBackend({
  name: "onnx",
  description: "ONNX Runtime on the CPU (runtime/onnx/)",
  create: async () => new (await import("../onnx/property-backend.js")).OnnxPropertyBackend(),
});
registerPropertyBackend(notYet("webgpu", "WebGPU", "there is no WebGPU runtime in this build yet; use `--backend reference`"));
