// The typed module of `lip compile --target wgsl --emit ts` (compiler/backends/wgsl/emit-ts.ts):
// it typechecks under strict TypeScript as a user of the package sees it (`lip/webgpu` through
// package.json "exports", @webgpu/types), for a web app (bundler resolution, DOM) and for Node
// (NodeNext); bundled with esbuild for a browser and loaded in Node, it trains the quickstart on
// Dawn with exactly the losses of WebGpuBackend (the same plan); params() gives every parameter
// with its shape; a bad batch is refused before anything runs. The quickstart's module is pinned
// as a golden file (bless with UPDATE_GOLDEN=1).

import { spawnSync } from "node:child_process";
import { existsSync, mkdirSync, mkdtempSync, readFileSync, symlinkSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { pathToFileURL } from "node:url";
import { build, type Plugin } from "esbuild";
import { beforeAll, describe, expect, test } from "vitest";
import { checkFiles } from "../../../compiler/driver.js";
import { lowerCheckedExperiment, type CompiledExperiment } from "../../../compiler/lower/index.js";
import { runPipeline } from "../../../compiler/passes/pipeline.js";
import { compile, type Plan } from "../../../compiler/backends/wgsl/plan.js";
import { DEFAULT_RUNTIME_IMPORT, emitTsModule, moduleSpec, type EmittedFile } from "../../../compiler/backends/wgsl/emit-ts.js";
import { Batches } from "../../../runtime/batches.js";
import { interpret } from "../../../runtime/interp.js";
import { dataFields } from "../../../runtime/run/data.js";
import type { Tensor } from "../../../runtime/tensor.js";
import { WebGpuBackend } from "../../../runtime/webgpu/backend.js";
import { getDevice } from "../../../runtime/webgpu/device.js";
import { gpuProblem } from "./helpers.js";

const repoRoot = resolve(import.meta.dirname, "..", "..", "..");
const goldenPath = join(repoRoot, "tests", "golden", "wgsl", "quickstart.module.ts.txt");

function lower(path: string): CompiledExperiment {
  const c = lowerCheckedExperiment(checkFiles([path]), undefined, { seed: 0 });
  if ("error" in c) throw new Error(c.error);
  return c;
}

interface Emitted {
  readonly compiled: CompiledExperiment;
  readonly plan: Plan;
  readonly files: EmittedFile[];
}

async function emit(path: string): Promise<Emitted> {
  const compiled = lower(path);
  const plan = compile(runPipeline(compiled.step));
  const files = await emitTsModule(plan, moduleSpec(compiled, { source: path, seed: 0 }), interpret(compiled.init, {}));
  return { compiled, plan, files };
}

/** A folder that sees this repository as the installed package `lip`, and @webgpu/types. */
function userProject(): string {
  const dir = mkdtempSync(join(tmpdir(), "lip-emit-ts-"));
  mkdirSync(join(dir, "node_modules", "@webgpu"), { recursive: true });
  symlinkSync(repoRoot, join(dir, "node_modules", "lip"), "dir");
  symlinkSync(join(repoRoot, "node_modules", "@webgpu", "types"), join(dir, "node_modules", "@webgpu", "types"), "dir");
  writeFileSync(join(dir, "package.json"), JSON.stringify({ name: "app", private: true, type: "module" }));
  return dir;
}

function writeFiles(dir: string, files: readonly EmittedFile[]): void {
  for (const f of files) writeFileSync(join(dir, f.path), f.text);
}

/** Strict, and then some: what a careful user's tsconfig may turn on. */
const STRICT = {
  strict: true,
  noEmit: true,
  skipLibCheck: true,
  noUnusedLocals: true,
  noUnusedParameters: true,
  noImplicitReturns: true,
  noImplicitOverride: true,
  noUncheckedIndexedAccess: true,
  exactOptionalPropertyTypes: true,
  noPropertyAccessFromIndexSignature: true,
  verbatimModuleSyntax: true,
  isolatedModules: true,
  forceConsistentCasingInFileNames: true,
};

function tsc(dir: string, name: string, compilerOptions: Record<string, unknown>, files: readonly string[]): { status: number | null; output: string } {
  writeFileSync(join(dir, name), JSON.stringify({ compilerOptions: { ...STRICT, ...compilerOptions }, files }, null, 1));
  const r = spawnSync(process.execPath, [join(repoRoot, "node_modules", "typescript", "bin", "tsc"), "-p", join(dir, name)], { cwd: dir, encoding: "utf8", timeout: 120_000 });
  return { status: r.status, output: r.stdout + r.stderr };
}

/** esbuild resolves `lip/webgpu` to the runtime's source (not dist/, which may be older). */
const runtimeFromSource: Plugin = {
  name: "lip-webgpu-source",
  setup(b) {
    b.onResolve({ filter: /^lip\/webgpu$/ }, () => ({ path: join(repoRoot, "runtime", "webgpu", "index.ts") }));
  },
};

/** The generated module bundled for a browser, then imported here. */
async function load(dir: string, entry: string): Promise<Record<string, unknown>> {
  const out = join(dir, `${entry}.bundle.mjs`);
  await build({ entryPoints: [join(dir, entry)], bundle: true, format: "esm", platform: "browser", outfile: out, plugins: [runtimeFromSource], logLevel: "silent" });
  return (await import(/* @vite-ignore */ pathToFileURL(out).href)) as Record<string, unknown>;
}

describe("the TypeScript module of --emit ts", () => {
  let quickstart: Emitted;
  beforeAll(async () => {
    quickstart = await emit("examples/quickstart.lip");
  });

  test("two files, <experiment>.ts importing the runtime from lip/webgpu, and <experiment>.assets.ts", () => {
    expect(quickstart.files.map((f) => f.path)).toEqual(["quickstart.ts", "quickstart.assets.ts"]);
    const main = quickstart.files[0]!.text;
    expect(main.startsWith(`/// <reference types="@webgpu/types" />\n`)).toBe(true);
    expect(main).toContain(`import { WebGpuProgram, type Tensor } from "${DEFAULT_RUNTIME_IMPORT}";`);
    expect(main).toContain(`export type ParamName = "h1.w" | "h1.b" | "h2.w" | "h2.b" | "dense_3.w" | "dense_3.b";`);
    expect(main).toMatch(/\/\*\* f32\[128, 2\]: 256 values \*\/\n\s+readonly x: Float32Array;/);
    expect(main).toMatch(/\/\*\* i32\[128\]: 128 values \*\/\n\s+readonly y: Int32Array;/);
    expect(main).toMatch(/readonly loss: number;[^]*readonly accuracy: number;/);
    expect(main).not.toMatch(/readonly lr: number/); // a stream, not a metric
  });

  test("golden: the quickstart's module", () => {
    const text = quickstart.files[0]!.text;
    if (process.env.UPDATE_GOLDEN === "1") writeFileSync(goldenPath, text);
    if (!existsSync(goldenPath)) throw new Error(`missing golden file ${goldenPath}; run with UPDATE_GOLDEN=1`);
    expect(text).toBe(readFileSync(goldenPath, "utf8"));
  });

  test("another import specifier for the runtime", async () => {
    const c = quickstart.compiled;
    const files = await emitTsModule(quickstart.plan, moduleSpec(c), interpret(c.init, {}), { runtimeImport: "../dist/runtime/webgpu/index.js" });
    for (const f of files) expect(f.text).toContain(`from "../dist/runtime/webgpu/index.js";`);
  });

  test("typechecks under strict TypeScript through the package's exports: quickstart, lipschitz, tiny_transformer", async () => {
    const types = join(repoRoot, "dist", "types", "runtime", "webgpu", "index.d.ts");
    if (!existsSync(types)) throw new Error(`${types} is missing: run \`npm run build\` (or \`npm test\`, which builds first)`);
    const dir = userProject();
    const others = await Promise.all(["examples/lipschitz.lip", "examples/tiny_transformer.lip"].map(emit));
    for (const e of [quickstart, ...others]) writeFiles(dir, e.files);
    const names = [quickstart, ...others].map((e) => `${e.compiled.name}.ts`);
    expect(names).toEqual(["quickstart.ts", "lipschitz_sine.ts", "tiny_transformer.ts"]);
    // a web app: bundler resolution, the DOM's lib; the module's own /// <reference> brings @webgpu/types
    const app = [`import * as q from "./quickstart.js";`, `const t = await q.init({} as GPUDevice);`, `const r: { loss: number; accuracy: number } = await t.step({ x: new Float32Array(256), y: new Int32Array(128) });`, `const p: Float32Array = (await q.params())["h1.w"].data;`, `const s: readonly [2, 64] = (await t.params())["h1.w"].shape;`, `const k: q.ParamName[] = ["h2.b"];`, `export { r, p, s, k };`, ""].join("\n");
    writeFileSync(join(dir, "app.ts"), app);
    const web = tsc(dir, "tsconfig.web.json", { target: "es2022", module: "esnext", moduleResolution: "bundler", lib: ["es2022", "dom"], types: [] }, [...names, "app.ts"]);
    expect(web.output).toBe("");
    expect(web.status).toBe(0);
    // the same with the TypeScript that ts-morph carries (an older compiler than the project's)
    const { Project } = await import("ts-morph");
    const older = new Project({ tsConfigFilePath: join(dir, "tsconfig.web.json") });
    expect(older.formatDiagnosticsWithColorAndContext(older.getPreEmitDiagnostics())).toBe("");
    // Node: NodeNext resolution, no DOM
    const node = tsc(dir, "tsconfig.node.json", { target: "es2022", module: "nodenext", moduleResolution: "nodenext", lib: ["es2022"], types: [] }, names);
    expect(node.output).toBe("");
    expect(node.status).toBe(0);
    // and a wrong batch does not compile
    writeFileSync(join(dir, "bad.ts"), `import { step } from "./quickstart.js";\nawait step({ x: new Float32Array(256), y: new Float32Array(128) });\nawait step({ x: new Float32Array(256) });\n`);
    const bad = tsc(dir, "tsconfig.bad.json", { target: "es2022", module: "esnext", moduleResolution: "bundler", lib: ["es2022", "dom"], types: [] }, ["quickstart.ts", "bad.ts"]);
    expect(bad.status).not.toBe(0);
    expect(bad.output).toMatch(/bad\.ts\(2,.*'Float32Array.*' is not assignable to type 'Int32Array/);
    expect(bad.output).toMatch(/bad\.ts\(3,.*Property 'y' is missing/);
  }, 180_000);

  test("the assets hold the plan and the initial values exactly (NaN, infinities and -0 included)", async () => {
    const dir = userProject();
    const c = quickstart.compiled;
    const odd: Plan = { ...quickstart.plan, literals: [...quickstart.plan.literals, { value: quickstart.plan.values[0]!, data: [NaN, Infinity, -Infinity, -0, 1.5] }] };
    writeFiles(dir, await emitTsModule(odd, moduleSpec(c), interpret(c.init, {})));
    const assets = await load(dir, "quickstart.assets.ts");
    expect(assets.plan).toEqual(odd);
    expect(Object.is((assets.plan as Plan).literals.at(-1)!.data[3], -0)).toBe(true);
    const initial = (assets.initialValues as () => Record<string, Tensor>)();
    const want = interpret(c.init, {});
    expect(Object.keys(initial).sort()).toEqual(c.slots.map((s) => s.name).sort());
    for (const s of c.slots) {
      expect(initial[s.name]!.shape, s.name).toEqual(want[s.name]!.shape);
      expect(Array.from(initial[s.name]!.data), s.name).toEqual(Array.from(want[s.name]!.data));
    }
  });

  describe("on a WebGPU device", () => {
    let skip = false;
    beforeAll(async () => {
      skip = (await gpuProblem()) !== null;
    });

    test("5 quickstart steps: the losses of WebGpuBackend; params() gives every parameter with its shape", async () => {
      if (skip) return;
      const dir = userProject();
      writeFiles(dir, quickstart.files);
      const mod = (await load(dir, "quickstart.ts")) as {
        init(device: GPUDevice): Promise<{ steps: number; step(b: Record<string, unknown>): Promise<Record<string, number>>; params(): Promise<Record<string, { shape: number[]; data: Float32Array }>>; destroy(): void }>;
        step(b: Record<string, unknown>): Promise<Record<string, number>>;
        params(): Promise<Record<string, { shape: number[]; data: Float32Array }>>;
        paramNames: readonly string[];
      };
      const c = quickstart.compiled;
      const { device } = await getDevice();
      const trainer = await mod.init(device);
      const backend = await WebGpuBackend.create(c);
      try {
        const batches = new Batches(dataFields(c.data, 0), c.batchSize, c.shuffle, 0);
        // a bad batch is refused before it runs, and does not count as a step
        const first = batches.at(0);
        await expect(async () => trainer.step({ x: first.x!.data, y: first.y!.data.subarray(1) })).rejects.toThrow("quickstart: batch field `y` has 127 values; expected 128 (i32[128], row-major)");
        await expect(async () => trainer.step({ x: first.x!.data })).rejects.toThrow("quickstart: batch field `y` must be an Int32Array (i32[128]); got undefined");
        await expect(async () => trainer.step({ x: Array.from(first.x!.data), y: first.y!.data })).rejects.toThrow(/batch field `x` must be a Float32Array \(f32\[128, 2\]\); got Array/);
        expect(trainer.steps).toBe(0);

        let slots: Record<string, Tensor> = backend.initial();
        for (let step = 0; step < 5; step++) {
          const batch = batches.at(step);
          // the module's own step(), half of the time: the same trainer, the last init's
          const got = step % 2 ? await mod.step({ x: batch.x!.data, y: batch.y!.data }) : await trainer.step({ x: batch.x!.data, y: batch.y!.data });
          const want = await backend.step(slots, step, batch);
          slots = Object.fromEntries(c.slots.map((s) => [s.name, want[`${s.name}.next`]!]));
          expect(Object.keys(got).sort()).toEqual(["accuracy", "loss"]);
          const loss = want.loss!.data[0]!;
          expect(Math.abs(got.loss! - loss) / Math.abs(loss), `step ${step}: module ${got.loss}, backend ${loss}`).toBeLessThanOrEqual(1e-6);
          expect(got.accuracy).toBe(want.accuracy!.data[0]);
        }
        expect(trainer.steps).toBe(5);

        const params = await mod.params();
        const names = c.slots.filter((s) => s.kind === "param").map((s) => s.name);
        expect(Object.keys(params)).toEqual(names);
        expect(mod.paramNames).toEqual(names);
        const onDevice = await backend.slots();
        for (const n of names) {
          expect(params[n]!.shape, n).toEqual(onDevice[n]!.shape);
          expect(params[n]!.data).toBeInstanceOf(Float32Array);
          expect(Array.from(params[n]!.data), n).toEqual(Array.from(onDevice[n]!.data));
        }
      } finally {
        trainer.destroy();
        backend.destroy();
      }
      await expect(async () => mod.step({})).rejects.toThrow("quickstart: call init(device) before step or params");
    });
  });
});
