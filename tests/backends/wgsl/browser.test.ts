// The browser entry point (runtime/webgpu/browser.ts) in headless Chromium: the quickstart's
// plan, compiled here and handed to the page as JSON, runs two training steps on the page's
// navigator.gpu (SwiftShader) and agrees with the interpreter. Skips without Chromium, except in
// CI (which installs Debian's `chromium`).

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
import { ReferenceTrainer } from "../../../runtime/reference-trainer.js";
import { scalar, type Tensor } from "../../../runtime/tensor.js";

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

test("the quickstart plan runs in Chromium's WebGPU and agrees with the interpreter", async () => {
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

  const ref = new ReferenceTrainer(c);
  const batches = [0, 1].map((s) => Object.fromEntries(Object.entries({ step: scalar(s, "i32"), ...ref.batches.at(s) }).map(([k, v]) => [k, plain(v)])));
  const slots = Object.fromEntries(Object.entries(ref.slots).map(([k, v]) => [k, plain(v)]));
  const losses = await page.evaluate(
    async ({ plan, slots, batches }) => {
      const lip = (globalThis as unknown as { lip: typeof import("../../../runtime/webgpu/browser.js") }).lip;
      const program = await lip.load(plan);
      program.setSlots(slots);
      const out: { adapter: string; loss: number[] } = { adapter: program.adapter, loss: [] };
      for (const b of batches) out.loss.push((await program.step(b)).loss!.data[0]!);
      return out;
    },
    { plan, slots, batches },
  );
  expect(errors).toEqual([]);
  expect(losses.adapter).toMatch(/swiftshader/i);
  for (let s = 0; s < 2; s++) {
    const want = ref.step().loss;
    expect(Math.abs(losses.loss[s]! - want) / Math.abs(want), `step ${s}`).toBeLessThan(1e-4);
  }
});
