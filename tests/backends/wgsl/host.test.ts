// compiler/backends/wgsl/host.ts: the values of the step counter alone move to the host. For
// every example's training step the split must compute exactly what the step does: the host
// function, then the device function on its `host.<k>` values, give bit-identical outputs
// (both run on the interpreter here; the kernels are checked against it elsewhere). And a
// serialized function (compiler/ir/serialize.ts), loaded again, is the same function.

import { readdirSync } from "node:fs";
import { describe, expect, test } from "vitest";
import { checkFiles, checkSource } from "../../../compiler/driver.js";
import { printFunction } from "../../../compiler/ir/function.js";
import { functionNodes } from "../../../compiler/ir/graph.js";
import { Op } from "../../../compiler/ir/ops.js";
import { deserializeFunction, serializeFunction } from "../../../compiler/ir/serialize.js";
import { experimentNames, lowerCheckedExperiment, type CompiledExperiment } from "../../../compiler/lower/index.js";
import { runPipeline } from "../../../compiler/passes/pipeline.js";
import { HOST_MAX_ELEMENTS, splitHost } from "../../../compiler/backends/wgsl/host.js";
import { Batches } from "../../../runtime/batches.js";
import { interpret } from "../../../runtime/interp.js";
import { dataFields } from "../../../runtime/run/data.js";
import { scalar } from "../../../runtime/tensor.js";
import { WebGpuBackend } from "../../../runtime/webgpu/backend.js";
import { expectLossesAgree } from "../agree.js";
import { gpuProblem } from "./helpers.js";

const steps: [string, CompiledExperiment][] = [];
for (const file of readdirSync("examples").filter((f) => f.endsWith(".lip")).sort()) {
  const r = checkFiles([`examples/${file}`]);
  for (const name of experimentNames(r)) {
    const c = lowerCheckedExperiment(r, name, { seed: 0 });
    if (!("error" in c)) steps.push([`${file}: ${name}`, c]);
  }
}

describe("host values of every example's training step", () => {
  test.each(steps)("%s: host then device equals the step, bit for bit", (_name, c) => {
    const fn = runPipeline(c.step);
    const { device, host } = splitHost(fn);
    expect(host, "every example has a schedule or an optimizer on the step counter").not.toBeNull();
    const hostFn = deserializeFunction(host!);
    expect(hostFn.inputs.map((i) => i.name)).toEqual(["step"]);
    for (const o of hostFn.outputs) expect(o.node.shape.reduce((a, d) => a * d, 1)).toBeLessThanOrEqual(HOST_MAX_ELEMENTS);
    // nothing on the device depends on the step counter through a small computed value any more
    const slots = interpret(c.init, {});
    const batch = new Batches(dataFields(c.data, 0), c.batchSize, c.shuffle, 0).at(7);
    const inputs = { ...slots, step: scalar(7, "i32"), ...batch };
    const want = interpret(fn, inputs);
    const hostValues = interpret(hostFn, { step: inputs.step });
    const deviceInputs = Object.fromEntries(device.inputs.map((i) => [i.name, inputs[i.name as keyof typeof inputs] ?? hostValues[i.name]!]));
    const got = { ...interpret(device, deviceInputs), ...hostValues };
    for (const o of fn.outputs) expect(Array.from(got[o.name]!.data), o.name).toEqual(Array.from(want[o.name]!.data));
  });

  test.each(steps)("%s: a serialized host function loads as the same function", (_name, c) => {
    const { host } = splitHost(runPipeline(c.step));
    const once = deserializeFunction(JSON.parse(JSON.stringify(host)));
    expect(printFunction(deserializeFunction(serializeFunction(once)))).toBe(printFunction(once));
    expect(functionNodes(once).some((n) => n.op === Op.Input && n.shape.length === 0)).toBe(true);
  });
});

// A state whose next value depends on the step counter alone: the host could compute it, but the
// next step reads it from the device's slot buffer, so the kernels must write it.
const stepState = `use std.nn { dense }
use std.loss { cross_entropy }
use std.optim { sgd }
use std.data { two_moons }
data moons = two_moons(n: 256, noise: 0.1, seed: 1)
model m(x: f32[B, 2]) -> f32[B, 2] { dense(x, 2) }
experiment warm {
  model m
  data moons, batch: 32, shuffle: true
  steps 10
  state ramp = 0.0
  ramp <- 0.25 * cos(0.1 * f32(step))
  loss cross_entropy(out, y) * (1 + ramp)
  optimizer sgd(lr: 0.1)
}
`;

describe("a slot's next value stays on the device", () => {
  const c = lowerCheckedExperiment(checkSource(stepState, "warm.lip"), "warm", { seed: 0 });
  test("splitHost keeps `ramp.next` a device output, computed from host values", () => {
    if ("error" in c) throw new Error(c.error);
    const { device, host } = splitHost(runPipeline(c.step));
    expect(device.outputs.map((o) => o.name)).toContain("ramp.next");
    expect(deserializeFunction(host!).outputs.map((o) => o.name)).not.toContain("ramp.next");
  });
  test("WebGPU and the interpreter agree for 8 steps", async () => {
    if ((await gpuProblem()) !== null) return;
    if ("error" in c) throw new Error(c.error);
    await expectLossesAgree(c, await WebGpuBackend.create(c), 8);
  });
});
