// `lip compile FILE --target wgsl --emit ts`: a typed TypeScript module, written with ts-morph,
// that trains an experiment on a WebGPU device through the plan of its training step. Two files:
//
//   <experiment>.ts         the API: `init(device)`, `step(batch)`, `params()`, a `Trainer` with
//                           the same methods, and the types, all generated from the plan: a `Batch`
//                           interface (one typed array per batch input, its dtype and shape in a
//                           doc comment, its length checked when a step runs), a `StepResult` (the
//                           loss and the metrics, as numbers), a `ParamName` union and `Params`.
//   <experiment>.assets.ts  the data: the plan (what plan.json holds) and the first value of every
//                           parameter and optimizer state, as base64 of little-endian 32-bit
//                           words. The compiler evaluates the experiment's init function (the
//                           reference interpreter, the seed of the compile) when it writes them.
//
// Everything the module needs is in those two files, imported like any module: nothing is fetched
// or read at run time, so the same files work in a browser bundle (any bundler) and in Node.
// The runtime comes from this package, `lip/webgpu` (package.json "exports"; `runtimeImport`
// overrides it, e.g. with a relative path to dist/runtime/webgpu/index.js).
//
// ts-morph (and the TypeScript compiler it carries) is loaded only here, by a dynamic import, so
// that `lip check` and the other commands never load it.

import type { CompiledExperiment } from "../../lower/index.js";
import type { InputKind } from "../../ir/ops.js";
import { numel } from "../../ir/shape.js";
import type { Tensor } from "../../../runtime/tensor.js";
import type { Plan, PlanValue } from "./plan.js";

/** The specifier the generated module imports the runtime from, unless told otherwise. */
export const DEFAULT_RUNTIME_IMPORT = "lip/webgpu";

/** What the module exposes, besides what the plan says: where each input comes from, what a step returns. */
export interface ModuleSpec {
  /** The experiment: names the files (`<name>.ts`) and prefixes the module's error messages. */
  readonly name: string;
  /** The kind of each input of the step function the plan was compiled from, by name. */
  readonly inputKinds: Readonly<Record<string, InputKind>>;
  /** The scalar outputs `step` returns as numbers (the loss, then the metrics), with a doc line each. */
  readonly results: readonly { readonly name: string; readonly doc: string }[];
  /** For the header: the .lip file and the seed of the initial values. */
  readonly source?: string;
  readonly seed?: number;
}

export interface EmitTsOptions {
  /** Where the module imports `WebGpuProgram` from (default `lip/webgpu`). */
  readonly runtimeImport?: string;
}

export interface EmittedFile {
  /** The file name, relative to the output folder. */
  readonly path: string;
  readonly text: string;
}

/** A plan the module cannot drive (an input it has no value for, a missing initial value). */
export class EmitTsError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "EmitTsError";
  }
}

/**
 * The spec of an experiment's module. The results are the loss and the metrics that the step
 * function returns as scalars: every output of the step function comes back from
 * `WebGpuProgram.step`, whether the kernels compute it or the runtime does on the host.
 */
export function moduleSpec(compiled: CompiledExperiment, opts: { source?: string; seed?: number } = {}): ModuleSpec {
  const inputKinds: Record<string, InputKind> = {};
  for (const i of compiled.step.inputs) inputKinds[i.name] = (i.node.arg as { kind: InputKind }).kind;
  const outputs = new Map(compiled.step.outputs.map((o) => [o.name, o.node]));
  const wanted = [{ name: "loss", doc: "the loss" }, ...compiled.metrics.map((m) => ({ name: m, doc: `metric \`${m}\`` }))];
  const results = wanted.filter((r) => {
    const node = outputs.get(r.name);
    return node !== undefined && numel(node.shape) === 1;
  });
  return { name: compiled.name, inputKinds, results, ...opts };
}

type DTypeName = PlanValue["dtype"];

const ARRAY_OF: Record<DTypeName, string> = { f32: "Float32Array", i32: "Int32Array", bool: "Uint8Array" };

const shapeOf = (v: PlanValue): readonly number[] => v.shape ?? [v.count];
const typeText = (v: PlanValue): string => `${v.dtype}[${shapeOf(v).join(", ")}]`;
const IDENTIFIER = /^[A-Za-z_$][A-Za-z0-9_$]*$/;
/** A property name as written in a type or an object literal. */
const prop = (name: string): string => (IDENTIFIER.test(name) ? name : JSON.stringify(name));

/** The inputs of the plan, by where their values come from. */
function classify(plan: Plan, spec: ModuleSpec): { batch: PlanValue[]; slots: PlanValue[]; params: PlanValue[] } {
  const batch: PlanValue[] = [];
  const slots: PlanValue[] = [];
  for (const v of plan.inputs) {
    const kind = spec.inputKinds[v.name];
    // an input the step function does not have (`host.<k>`) is one the runtime computes itself
    if (kind === undefined || kind === "step") continue;
    if (kind === "batch") batch.push(v);
    else if (kind === "param" || kind === "state") slots.push(v);
    else throw new EmitTsError(`the step has an input \`${v.name}\` of kind ${kind}, which the generated module has no value for`);
  }
  return { batch, slots, params: slots.filter((v) => spec.inputKinds[v.name] === "param") };
}

/** The generated files: `<name>.ts` (the API) and `<name>.assets.ts` (the plan and initial values). */
export async function emitTsModule(plan: Plan, spec: ModuleSpec, initial: Readonly<Record<string, Tensor>>, opts: EmitTsOptions = {}): Promise<EmittedFile[]> {
  const tm = await import("ts-morph");
  const { Project, IndentationText, QuoteKind, NewLineKind } = tm;
  const project = new Project({
    useInMemoryFileSystem: true,
    manipulationSettings: { indentationText: IndentationText.TwoSpaces, quoteKind: QuoteKind.Double, newLineKind: NewLineKind.LineFeed, useTrailingCommas: true },
  });
  const parts = classify(plan, spec);
  const runtime = opts.runtimeImport ?? DEFAULT_RUNTIME_IMPORT;
  const main = mainModule(tm, project, spec, parts, runtime);
  const assets = assetsModule(tm, project, plan, spec, parts.slots, initial, runtime);
  for (const f of [main.file, assets.file]) f.formatText({ indentSize: 2, convertTabsToSpaces: true, ensureNewLineAtEndOfFile: true });
  // the headers go in last, as text: ts-morph puts imports first, and `/// <reference>` must lead
  return [
    { path: main.file.getBaseName(), text: main.header + main.file.getFullText() },
    { path: assets.file.getBaseName(), text: assets.header + assets.file.getFullText() },
  ];
}

type TsMorph = typeof import("ts-morph");
type TsProject = import("ts-morph").Project;
type TsFile = import("ts-morph").SourceFile;

function generatedBy(spec: ModuleSpec): string {
  const source = spec.source ?? `${spec.name}.lip`;
  return `Generated by \`lip compile ${source} --target wgsl --emit ts\`${spec.seed ? ` (--seed ${spec.seed})` : ""}; do not edit, compile again.`;
}

function mainModule(tm: TsMorph, project: TsProject, spec: ModuleSpec, parts: ReturnType<typeof classify>, runtime: string): { header: string; file: TsFile } {
  const { name } = spec;
  const assets = `./${name}.assets.js`;
  const example = parts.params[0]?.name;
  const header = [
    `/// <reference types="@webgpu/types" />`,
    `// ${name}: the training step of the Lip experiment \`${name}\` on a WebGPU device, as a typed module.`,
    `// ${generatedBy(spec)}`,
    `//`,
    `// Files: this module; ${name}.assets.ts, its data (the plan, as in plan.json, and the initial`,
    `// values); plan.json and the .wgsl files, the same kernels for reading or for other loaders.`,
    `//`,
    `// Initial values: the compiler ran the experiment's init function and wrote the first value of`,
    `// every parameter and optimizer state into ${name}.assets.ts (base64 of little-endian 32-bit`,
    `// words). Nothing is fetched or read at run time: the module works as it is in a browser bundle`,
    `// (any bundler) and in Node.`,
    `//`,
    `// Runtime: \`WebGpuProgram\` from "${runtime}"${runtime === DEFAULT_RUNTIME_IMPORT ? " (the lip package's \"exports\"; its types need @webgpu/types)" : ""}.`,
    `//`,
    `// Use:`,
    `//   const adapter = await navigator.gpu.requestAdapter();       // in Node: getDevice() from "lip/webgpu/device"`,
    `//   const trainer = await init(await adapter!.requestDevice());  // uploads the initial values`,
    `//   const result = await trainer.step(batch);                    // ${spec.results.map((r) => r.name).join(", ") || "no results"}; the step counter is kept here`,
    ...(example !== undefined ? [`//   const p = await trainer.params();                            // p[${JSON.stringify(example)}].data, .shape`] : []),
    `// or the module's own \`step(batch)\` and \`params()\`, which use the trainer of the last \`init\`.`,
    ``,
    ``,
  ].join("\n");
  const f = project.createSourceFile(`${name}.ts`, "", { overwrite: true });

  f.addImportDeclaration({ moduleSpecifier: runtime, namedImports: ["WebGpuProgram", { name: "Tensor", isTypeOnly: true }] });
  f.addImportDeclaration({ moduleSpecifier: assets, namedImports: ["initialValues", "plan"] });

  f.addInterface({
    name: "Batch",
    isExported: true,
    docs: ["One batch: a typed array per batch input of the step, row-major, of exactly the length shown."],
    properties: parts.batch.map((v) => ({ name: prop(v.name), type: ARRAY_OF[v.dtype], isReadonly: true, docs: [`${typeText(v)}: ${v.count} values`] })),
  });
  f.addInterface({
    name: "StepResult",
    isExported: true,
    docs: ["What one step returns: the loss and the metrics, as numbers."],
    properties: spec.results.map((r) => ({ name: prop(r.name), type: "number", isReadonly: true, docs: [r.doc] })),
  });
  f.addTypeAlias({
    name: "ParamName",
    isExported: true,
    docs: ["The names of the parameters."],
    type: parts.params.length ? parts.params.map((v) => JSON.stringify(v.name)).join(" | ") : "never",
  });
  f.addInterface({
    name: "HostTensor",
    isExported: true,
    docs: ["A value read back from the device: row-major data and its shape."],
    typeParameters: [
      { name: "D", constraint: "Float32Array | Int32Array | Uint8Array" },
      { name: "S", constraint: "readonly number[]" },
    ],
    properties: [
      { name: "shape", type: "S", isReadonly: true },
      { name: "data", type: "D", isReadonly: true },
    ],
  });
  const paramArrays = [...new Set(parts.params.map((v) => ARRAY_OF[v.dtype]))];
  f.addInterface({
    name: "Params",
    isExported: true,
    docs: ["Every parameter's value: a record keyed by `ParamName`."],
    extends: [`Record<ParamName, HostTensor<${paramArrays.join(" | ") || "never"}, readonly number[]>>`],
    properties: parts.params.map((v) => ({ name: prop(v.name), type: `HostTensor<${ARRAY_OF[v.dtype]}, readonly [${shapeOf(v).join(", ")}]>`, isReadonly: true, docs: [typeText(v)] })),
  });
  f.addInterface({
    name: "Trainer",
    isExported: true,
    docs: ["The experiment on one device: parameters and optimizer state stay there between steps."],
    properties: [{ name: "steps", type: "number", isReadonly: true, docs: ["How many steps have run: the step number the next `step` uses."] }],
    methods: [
      { name: "step", parameters: [{ name: "batch", type: "Batch" }], returnType: "Promise<StepResult>", docs: ["Runs one training step on `batch` and counts it. Rejects, without running or counting, if a field is missing or has the wrong type or length."] },
      { name: "params", returnType: "Promise<Params>", docs: ["The parameters' current values, read back from the device after the steps so far."] },
      { name: "destroy", returnType: "void", docs: ["Frees the device buffers."] },
    ],
  });

  f.addVariableStatement({
    declarationKind: tm.VariableDeclarationKind.Const,
    isExported: true,
    docs: ["The batch inputs: dtype and shape (row-major)."],
    declarations: [
      {
        name: "batchFields",
        initializer: (w) => {
          tm.Writers.object(Object.fromEntries(parts.batch.map((v) => [prop(v.name), `{ dtype: ${JSON.stringify(v.dtype)}, shape: [${shapeOf(v).join(", ")}] }`])))(w);
          w.write(" as const");
        },
      },
    ],
  });
  f.addVariableStatement({
    declarationKind: tm.VariableDeclarationKind.Const,
    isExported: true,
    leadingTrivia: (w) => w.blankLine(),
    docs: ["The parameters, in the plan's order."],
    declarations: [{ name: "paramNames", type: "readonly ParamName[]", initializer: `[${parts.params.map((v) => JSON.stringify(v.name)).join(", ")}]` }],
  });

  f.addFunction({
    name: "init",
    isExported: true,
    isAsync: true,
    docs: ["Creates the program on `device` (buffers, pipelines) and uploads the initial parameter and optimizer-state values. The module's `step` and `params` use the trainer of the last call."],
    parameters: [{ name: "device", type: "GPUDevice" }],
    returnType: "Promise<Trainer>",
    statements: ["const program = await WebGpuProgram.create(device, plan);", "program.setSlots(initialValues());", "current = new ProgramTrainer(program);", "return current;"],
  });
  f.addFunction({
    name: "step",
    isExported: true,
    isAsync: true,
    docs: ["One training step of the trainer made by the last `init`."],
    parameters: [{ name: "batch", type: "Batch" }],
    returnType: "Promise<StepResult>",
    statements: ["return active().step(batch);"],
  });
  f.addFunction({
    name: "params",
    isExported: true,
    isAsync: true,
    docs: ["The current parameter values of the trainer made by the last `init`."],
    returnType: "Promise<Params>",
    statements: ["return active().params();"],
  });
  f.addVariableStatement({ declarationKind: tm.VariableDeclarationKind.Let, declarations: [{ name: "current", type: "ProgramTrainer | undefined" }] });
  f.addFunction({
    name: "active",
    returnType: "ProgramTrainer",
    statements: [`if (current === undefined) throw new Error(${JSON.stringify(`${name}: call init(device) before step or params`)});`, "return current;"],
  });

  f.addClass({
    name: "ProgramTrainer",
    implements: ["Trainer"],
    properties: [
      { name: "program", type: "WebGpuProgram", isReadonly: true, scope: tm.Scope.Private },
      { name: "count", type: "number", initializer: "0", scope: tm.Scope.Private },
      { name: "last", type: "Promise<unknown>", initializer: "Promise.resolve()", scope: tm.Scope.Private },
    ],
    ctors: [{ parameters: [{ name: "program", type: "WebGpuProgram" }], statements: ["this.program = program;"] }],
    getAccessors: [{ name: "steps", returnType: "number", statements: ["return this.count;"] }],
    methods: [
      {
        name: "step",
        isAsync: true,
        parameters: [{ name: "batch", type: "Batch" }],
        returnType: "Promise<StepResult>",
        statements: [
          ...parts.batch.map((v) => `checkField(batch, ${JSON.stringify(v.name)}, ${ARRAY_OF[v.dtype]}, ${v.count}, ${JSON.stringify(typeText(v))});`),
          (w) => {
            w.writeLine("const inputs: Record<string, Tensor> = {");
            w.indent(() => {
              w.writeLine(`step: { dtype: "i32", shape: [], data: Int32Array.of(this.count) },`);
              for (const v of parts.batch) w.writeLine(`${prop(v.name)}: { dtype: ${JSON.stringify(v.dtype)}, shape: [${shapeOf(v).join(", ")}], data: batch${IDENTIFIER.test(v.name) ? `.${v.name}` : `[${JSON.stringify(v.name)}]`} },`);
            });
            w.writeLine("};");
          },
          "this.count++;",
          (w) => {
            w.writeLine("const run = this.program.step(inputs, { readSlots: false }).then((out): StepResult => ({");
            w.indent(() => {
              for (const r of spec.results) w.writeLine(`${prop(r.name)}: scalar(out, ${JSON.stringify(r.name)}),`);
            });
            w.writeLine("}));");
          },
          "this.last = run.catch(() => undefined);",
          "return run;",
        ],
      },
      {
        name: "params",
        isAsync: true,
        returnType: "Promise<Params>",
        statements: [
          "await this.last;",
          `const slots = await this.program.readSlots();`,
          (w) => {
            w.writeLine("return {");
            w.indent(() => {
              for (const v of parts.params) w.writeLine(`${prop(v.name)}: { shape: [${shapeOf(v).join(", ")}], data: tensorOf(slots, ${JSON.stringify(v.name)}).data as ${ARRAY_OF[v.dtype]} },`);
            });
            w.writeLine("};");
          },
        ],
      },
      { name: "destroy", returnType: "void", statements: ["this.program.destroy();", "if (current === this) current = undefined;"] },
    ],
  });

  f.addFunction({
    name: "checkField",
    docs: ["Throws unless `batch[name]` is a `kind` of `count` values."],
    parameters: [
      { name: "batch", type: "Batch" },
      { name: "name", type: "string" },
      { name: "kind", type: "Float32ArrayConstructor | Int32ArrayConstructor | Uint8ArrayConstructor" },
      { name: "count", type: "number" },
      { name: "type", type: "string" },
    ],
    returnType: "void",
    statements: [
      "const value: unknown = (batch as unknown as Record<string, unknown>)[name];",
      "if (!(value instanceof kind)) {",
      `  const got = value === undefined || value === null ? String(value) : ((value as object).constructor?.name ?? typeof value);`,
      `  throw new TypeError(\`${name}: batch field \\\`\${name}\\\` must be \${/^[AEIOU]/.test(kind.name) ? "an" : "a"} \${kind.name} (\${type}); got \${got}\`);`,
      "}",
      `if (value.length !== count) throw new RangeError(\`${name}: batch field \\\`\${name}\\\` has \${value.length} values; expected \${count} (\${type}, row-major)\`);`,
    ],
  });
  f.addFunction({
    name: "tensorOf",
    parameters: [
      { name: "values", type: "Record<string, Tensor>" },
      { name: "name", type: "string" },
    ],
    returnType: "Tensor",
    statements: ["const t = values[name];", `if (t === undefined) throw new Error(\`${name}: the device returned no value \\\`\${name}\\\`\`);`, "return t;"],
  });
  f.addFunction({
    name: "scalar",
    parameters: [
      { name: "values", type: "Record<string, Tensor>" },
      { name: "name", type: "string" },
    ],
    returnType: "number",
    statements: ["return Number(tensorOf(values, name).data[0]);"],
  });
  return { header, file: f };
}

/** `{ a: ..., "b.c": ... }` from entries whose values are already source text. */
function objectLiteral(entries: readonly (readonly [string, string])[]): string {
  if (entries.length === 0) return "{}";
  return `{\n${entries.map(([k, v]) => `  ${prop(k)}: ${v},`).join("\n")}\n}`;
}

function assetsModule(tm: TsMorph, project: TsProject, plan: Plan, spec: ModuleSpec, slots: readonly PlanValue[], initial: Readonly<Record<string, Tensor>>, runtime: string): { header: string; file: TsFile } {
  const { name } = spec;
  const header = [
    `// ${name}.assets: the data of ${name}.ts.`,
    `// ${generatedBy(spec)}`,
    `//   plan           the WebGPU plan of the training step (what plan.json holds)`,
    `//   initialValues  the first value of every parameter and optimizer state, computed by the`,
    `//                  compiler (the experiment's init function${spec.seed !== undefined ? `, seed ${spec.seed}` : ""}) and stored as base64 of`,
    `//                  little-endian 32-bit words: f32 bits, i32, bool as 0 or 1`,
    ``,
    ``,
  ].join("\n");
  const f = project.createSourceFile(`${name}.assets.ts`, "", { overwrite: true });
  f.addImportDeclaration({ moduleSpecifier: runtime, isTypeOnly: true, namedImports: ["Plan", "Tensor"] });

  const entries = slots.map((v) => {
    const t = initial[v.name];
    if (t === undefined) throw new EmitTsError(`no initial value for \`${v.name}\``);
    if (t.data.length !== v.count) throw new EmitTsError(`the initial value of \`${v.name}\` has ${t.data.length} values; the plan expects ${v.count}`);
    return [v.name, `{ dtype: ${JSON.stringify(v.dtype)}, shape: [${shapeOf(v).join(", ")}], base64: ${JSON.stringify(wordsBase64(v.dtype, t.data))} }`] as const;
  });
  f.addVariableStatement({
    declarationKind: tm.VariableDeclarationKind.Const,
    isExported: true,
    leadingTrivia: (w) => w.blankLine(),
    docs: ["The plan (plan.json). A cast, not an annotation: the plan's IR fragments use string enums, which a literal cannot name."],
    declarations: [{ name: "plan", initializer: (w) => void w.write(`${literal(plan, 0)} as unknown as Plan`) }],
  });
  f.addVariableStatement({
    declarationKind: tm.VariableDeclarationKind.Const,
    leadingTrivia: (w) => w.blankLine(),
    docs: ["The first value of each slot, by name: its dtype, its shape, and its values as base64 of little-endian 32-bit words."],
    declarations: [{ name: "initial", type: `Readonly<Record<string, { readonly dtype: "f32" | "i32" | "bool"; readonly shape: readonly number[]; readonly base64: string }>>`, initializer: (w) => void w.write(objectLiteral(entries)) }],
  });
  f.addFunction({
    name: "initialValues",
    isExported: true,
    docs: ["The initial values, decoded: fresh arrays on every call."],
    returnType: "Record<string, Tensor>",
    statements: [
      "const out: Record<string, Tensor> = {};",
      "for (const [name, { dtype, shape, base64 }] of Object.entries(initial)) {",
      "  const bytes = decodeBase64(base64);",
      "  const words = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);",
      "  const n = bytes.byteLength / 4;",
      "  const data = dtype === \"f32\" ? new Float32Array(n) : dtype === \"i32\" ? new Int32Array(n) : new Uint8Array(n);",
      "  for (let i = 0; i < n; i++) data[i] = dtype === \"f32\" ? words.getFloat32(4 * i, true) : words.getInt32(4 * i, true);",
      "  out[name] = { dtype, shape: [...shape], data };",
      "}",
      "return out;",
    ],
  });
  f.addFunction({
    name: "decodeBase64",
    docs: ["Base64 to bytes, without `atob` or `Buffer` (the same in a browser and in Node)."],
    parameters: [{ name: "text", type: "string" }],
    returnType: "Uint8Array",
    statements: [
      `const alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";`,
      "const digit = new Uint8Array(128);",
      "for (let i = 0; i < 64; i++) digit[alphabet.charCodeAt(i)] = i;",
      `const pad = text.endsWith("==") ? 2 : text.endsWith("=") ? 1 : 0;`,
      "const out = new Uint8Array((text.length / 4) * 3 - pad);",
      "for (let i = 0, o = 0; i < text.length; i += 4) {",
      "  const word = (digit[text.charCodeAt(i)]! << 18) | (digit[text.charCodeAt(i + 1)]! << 12) | (digit[text.charCodeAt(i + 2)]! << 6) | digit[text.charCodeAt(i + 3)]!;",
      "  if (o < out.length) out[o++] = word >>> 16;",
      "  if (o < out.length) out[o++] = (word >>> 8) & 255;",
      "  if (o < out.length) out[o++] = word & 255;",
      "}",
      "return out;",
    ],
  });
  return { header, file: f };
}

/** Values as little-endian 32-bit words (f32 bits; i32; bool as 0/1), in base64. */
function wordsBase64(dtype: DTypeName, data: ArrayLike<number>): string {
  const view = new DataView(new ArrayBuffer(4 * data.length));
  for (let i = 0; i < data.length; i++) {
    if (dtype === "f32") view.setFloat32(4 * i, data[i]!, true);
    else view.setInt32(4 * i, dtype === "bool" ? (data[i] ? 1 : 0) : data[i]!, true);
  }
  return Buffer.from(view.buffer).toString("base64");
}

/**
 * A JSON-like value as a JavaScript literal. Unlike JSON, numbers that JSON cannot spell (NaN,
 * the infinities, -0) stay what they are. The top level has one key a line; arrays of objects
 * just below it one element a line; deeper values are written on one line.
 */
function literal(value: unknown, depth: number): string {
  if (typeof value === "number") {
    if (Number.isNaN(value)) return "NaN";
    if (!Number.isFinite(value)) return value > 0 ? "Infinity" : "-Infinity";
    return Object.is(value, -0) ? "-0" : String(value);
  }
  if (typeof value === "string") return JSON.stringify(value);
  if (value === null || typeof value === "boolean") return String(value);
  const indent = "  ".repeat(depth + 1);
  const close = "  ".repeat(depth);
  if (Array.isArray(value)) {
    const items = value.map((v) => literal(v, depth + 1));
    return depth === 1 && value.some((v) => typeof v === "object" && v !== null) ? `[\n${items.map((s) => `${indent}${s},`).join("\n")}\n${close}]` : `[${items.join(", ")}]`;
  }
  if (typeof value === "object") {
    const entries = Object.entries(value as Record<string, unknown>).filter(([, v]) => v !== undefined);
    const items = entries.map(([k, v]) => `${JSON.stringify(k)}: ${literal(v, depth + 1)}`);
    return depth === 0 ? `{\n${items.map((s) => `${indent}${s},`).join("\n")}\n${close}}` : `{ ${items.join(", ")} }`;
  }
  throw new EmitTsError(`the plan holds a value of type ${typeof value}, which a module cannot spell`);
}
