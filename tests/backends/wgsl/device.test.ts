// Device acquisition: the message when no adapter exists says what to install and how to run
// without WebGPU; the same path serves a browser's navigator.gpu and Dawn's GPU object.

import { expect, test } from "vitest";
import { fromGpu, NoGpuError } from "../../../runtime/webgpu/device.js";
import { gpuProblem } from "./helpers.js";

test("no adapter: a NoGpuError naming the packages and --backend reference", async () => {
  const none = { requestAdapter: async () => null } as unknown as GPU;
  const err = await fromGpu(none, "browser").catch((e: unknown) => e);
  expect(err).toBeInstanceOf(NoGpuError);
  expect((err as Error).message).toMatch(/apt-get install libvulkan1 chromium/);
  expect((err as Error).message).toMatch(/--backend reference/);
});

test("with CI set, WebGPU must be available (SwiftShader on the CI machine)", async () => {
  const problem = await gpuProblem();
  if (process.env.CI) expect(problem).toBeNull();
});
