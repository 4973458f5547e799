// The browser entry point (runtime/webgpu/browser.ts) in headless Chromium: the quickstart's
// plan, compiled here and handed to the page as JSON, trains 20 steps on the page's
// navigator.gpu (SwiftShader) from the same first values and batches as Node's WebGPU backend
// (Dawn) and the interpreter, and shows the same losses. Skips without Chromium, except in CI
// (which installs Debian's `chromium`).

import { existsSync, mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, expect, test } from "vitest";
import { build } from "esbuild";
import { chromium, type Browser } from "playwright-core";
import { checkFiles } from "../../../compiler/driver.js";
import { lowerCheckedExperiment } from "../../../compiler/lower/index.js";
import { runPipeline } from "../../../compiler/passes/pipeline.js";
import { compile } from "../../../compiler/backends/wgsl/plan.js";
import { Batches } from "../../../runtime/batches.js";
import { ReferenceBackend } from "../../../runtime/run/backend.js";
import { dataFields } from "../../../runtime/run/data.js";
import { WebGpuBackend } from "../../../runtime/webgpu/backend.js";
import { scalar, type Tensor } from "../../../runtime/tensor.js";

const STEPS = 20;

const CHROMIUM = process.env.CHROMIUM ?? "/usr/bin/chromium";
let browser: Browser | null = null;

beforeAll(async () => {
  if (!existsSync(CHROMIUM)) {
    if (process.env.CI) throw new Error(`${CHROMIUM} is missing: apt-get install chromium`);
    console.warn(`skipping the Chromium WebGPU test: no ${CHROMIUM}`);
    return;
  }
  browser = await chromium.launch({ executablePath: CHROMIUM, args: ["--no-sandbox", "--enable-unsafe-webgpu", "--enable-features=Vulkan", "--use-webgpu-adapter=swiftshader"] });
});

afterAll(async () => {
  await browser?.close();
});

const plain = (t: Tensor) => ({ dtype: t.dtype, shape: t.shape, data: Array.from(t.data) });

test("the quickstart trains 20 steps in Chromium's WebGPU with the losses of Node (Dawn) and of the interpreter", async () => {
  if (!browser) return;
  const c = lowerCheckedExperiment(checkFiles(["examples/quickstart.lip"]), undefined, { seed: 0 });
  if ("error" in c) throw new Error(c.error);
  const plan = compile(runPipeline(c.step));
  const bundle = await build({ entryPoints: ["runtime/webgpu/browser.ts"], bundle: true, format: "iife", globalName: "lip", platform: "browser", external: ["webgpu", "node:*"], write: false, logLevel: "silent" });
  // a file:// page is a secure context, where navigator.gpu exists
  const dir = mkdtempSync(join(tmpdir(), "lip-browser-"));
  writeFileSync(join(dir, "lip.js"), bundle.outputFiles[0]!.text);
  writeFileSync(join(dir, "index.html"), `<!doctype html><script src="lip.js"></script>`);
  const page = await browser.newPage();
  const errors: string[] = [];
  page.on("pageerror", (e) => errors.push(e.message));
  await page.goto(`file://${join(dir, "index.html")}`);

  // the same first values and batches for the page, for Dawn in Node and for the interpreter
  const ref = new ReferenceBackend(c);
  const initial = ref.initial();
  const batches = new Batches(dataFields(c.data, 0), c.batchSize, c.shuffle, 0);
  const inputs = Array.from({ length: STEPS }, (_, s) => ({ step: scalar(s, "i32"), ...batches.at(s) }));
  const page_ = await page.evaluate(
    async ({ plan, slots, inputs }) => {
      const lip = (globalThis as unknown as { lip: typeof import("../../../runtime/webgpu/browser.js") }).lip;
      const program = await lip.load(plan);
      program.setSlots(slots);
      const out: { adapter: string; loss: number[] } = { adapter: program.adapter, loss: [] };
      for (const b of inputs) out.loss.push((await program.step(b)).loss!.data[0]!);
      return out;
    },
    { plan, slots: Object.fromEntries(Object.entries(initial).map(([k, v]) => [k, plain(v)])), inputs: inputs.map((b) => Object.fromEntries(Object.entries(b).map(([k, v]) => [k, plain(v)]))) },
  );
  expect(errors).toEqual([]);
  expect(page_.adapter).toMatch(/swiftshader/i);
  expect(page_.loss).toHaveLength(STEPS);

  const node = await WebGpuBackend.create(c);
  let slotsNode = initial;
  let slotsRef = initial;
  for (let s = 0; s < STEPS; s++) {
    const a = await node.step(slotsNode, s, batches.at(s));
    const r = ref.step(slotsRef, s, batches.at(s));
    slotsNode = Object.fromEntries(Object.keys(initial).map((k) => [k, a[`${k}.next`]!]));
    slotsRef = Object.fromEntries(Object.keys(initial).map((k) => [k, r[`${k}.next`]!]));
    const [inPage, inNode, want] = [page_.loss[s]!, a.loss!.data[0]!, r.loss!.data[0]!];
    // one plan on one SwiftShader, through two builds of Dawn and Tint: the same float32 results
    expect(Math.abs(inPage - inNode) / Math.abs(inNode), `step ${s}: page ${inPage}, node ${inNode}`).toBeLessThan(1e-6);
    expect(Math.abs(inPage - want) / Math.abs(want), `step ${s}: page ${inPage}, interpreter ${want}`).toBeLessThan(1e-4);
  }
  node.destroy();
}, 300_000);
