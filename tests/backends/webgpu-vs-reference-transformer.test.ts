// The tiny transformer's 50 steps on WebGPU against the reference interpreter (see
// webgpu-vs-reference.test.ts): in a file of its own so that it runs beside the other examples.

import { agreementTests } from "./webgpu-agreement.js";

agreementTests(["tiny_transformer.lip"]);
