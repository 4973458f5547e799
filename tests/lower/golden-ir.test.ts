// Golden IR text of every example's training steps, as lowered and after the pass pipeline
// (which runs with the verifier after every pass). A change to these files must be explained in
// its commit. Bless with UPDATE_GOLDEN=1.

import { existsSync, readdirSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, test } from "vitest";
import { checkFiles } from "../../compiler/driver.js";
import { experimentNames, lowerCheckedExperiment } from "../../compiler/lower/index.js";
import { printFunction } from "../../compiler/ir/print.js";
import { runPipeline } from "../../compiler/passes/pipeline.js";
import { verifyFunction } from "../../compiler/ir/verify.js";

const goldenDir = join(import.meta.dirname, "..", "golden", "ir");
const update = process.env.UPDATE_GOLDEN === "1";

function golden(name: string, text: string): void {
  const path = join(goldenDir, name);
  if (update || !existsSync(path)) {
    if (!update) throw new Error(`missing golden file ${path}; run with UPDATE_GOLDEN=1`);
    writeFileSync(path, text);
  }
  expect(text).toBe(readFileSync(path, "utf8"));
}

const examples = readdirSync("examples").filter((f) => f.endsWith(".lip")).sort();

describe("golden IR of the examples' training steps", () => {
  for (const file of examples) {
    const r = checkFiles([`examples/${file}`]);
    for (const name of experimentNames(r)) {
      test(`${file}: ${name}`, () => {
        const c = lowerCheckedExperiment(r, name, { seed: 0 });
        if ("error" in c) throw new Error(c.error);
        verifyFunction(c.step);
        const optimized = runPipeline(c.step, { verify: true });
        golden(`${name}.step.ir`, printFunction(c.step));
        golden(`${name}.step.opt.ir`, printFunction(optimized));
      });
    }
  }
});

test("`lip compile examples/quickstart.lip --target ir` prints the pinned optimized step", async () => {
  const { lip, assertBuilt } = await import("../cli/run-lip.js");
  assertBuilt();
  const r = lip(["compile", "examples/quickstart.lip", "--target", "ir"]);
  expect(r.status).toBe(0);
  expect(r.stdout).toBe(readFileSync(join(goldenDir, "quickstart.step.opt.ir"), "utf8"));
});
