// Every example's training step on WebGPU (fused WGSL kernels on Dawn; SwiftShader in CI) and on
// the reference interpreter, from the same initial values and batches: the losses agree within
// 1e-4 relative at every one of 50 steps (each backend feeding back its own outputs). The tiny
// transformer, the slowest, has a file of its own (webgpu-vs-reference-transformer.test.ts).

import { readdirSync } from "node:fs";
import { agreementTests } from "./webgpu-agreement.js";

agreementTests(readdirSync("examples").filter((f) => f.endsWith(".lip") && f !== "tiny_transformer.lip").sort());
