// `lip compile FILE --target ir` through the real CLI.

import { beforeAll, describe, expect, test } from "vitest";
import { assertBuilt, lip, tempTree } from "./run-lip.js";

beforeAll(assertBuilt);

describe("lip compile --target ir", () => {
  test("prints the quickstart's training step", () => {
    const r = lip(["compile", "examples/quickstart.lip", "--target", "ir"]);
    expect(r.stderr).toBe("");
    expect(r.status).toBe(0);
    expect(r.stdout).toMatch(/^fn quickstart\.step\(param h1\.w:f32\[2,64\], /);
    expect(r.stdout).toContain("batch x:f32[128,2]");
    expect(r.stdout).toContain("matmul x h1.w");
    expect(r.stdout).toMatch(/return h1\.w\.next=%\d+.*loss=%\d+/s);
  });

  test("prints the init and inference functions", () => {
    const r = lip(["compile", "examples/quickstart.lip", "--function", "all", "--stage", "lowered"]);
    expect(r.status).toBe(0);
    for (const name of ["quickstart.data", "quickstart.init", "quickstart.step", "quickstart.infer"]) expect(r.stdout).toContain(`fn ${name}(`);
  });

  test("a file with several experiments needs --experiment", () => {
    const r = lip(["compile", "examples/custom_optimizer.lip"]);
    expect(r.status).toBe(1);
    expect(r.stderr).toMatch(/several experiments .*--experiment/);
    const ok = lip(["compile", "examples/custom_optimizer.lip", "--experiment", "spirals_signum"]);
    expect(ok.status).toBe(0);
    expect(ok.stdout).toMatch(/^fn spirals_signum\.step\(/);
  });

  test("an unknown experiment, a file with errors, and a missing file", () => {
    const bad = lip(["compile", "examples/quickstart.lip", "--experiment", "nope"]);
    expect(bad.status).toBe(1);
    expect(bad.stderr).toContain("no experiment named `nope`");
    const dir = tempTree({ "broken.lip": "fn f(x: f32[3]) -> f32[4] = x\n" });
    const broken = lip(["compile", `${dir}/broken.lip`]);
    expect(broken.status).toBe(1);
    expect(broken.stderr).toContain("error[LIP3006]");
    const missing = lip(["compile", "nope.lip"]);
    expect(missing.status).toBe(2);
  });
});
