// Bad data during `lip run`: a missing file, a file that is not safetensors, and a tensor whose
// shape differs from what the program declares each give one clear message naming the file
// (and the field, or the source position), exit 1, no stack trace.

import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { beforeAll, describe, expect, test } from "vitest";
import { writeSafetensors } from "../../runtime/io/safetensors.js";
import { writeNpy } from "../../runtime/io/npy.js";
import { tensor } from "../../runtime/tensor.js";
import { assertBuilt, lip } from "../cli/run-lip.js";

beforeAll(assertBuilt);

const program = (data: string) => `use std.nn { dense }
use std.loss { cross_entropy }
use std.optim { sgd }
${data}
model m(x: f32[B, 2]) -> f32[B, 3] = dense(x, 3)
experiment e {
  model m
  data d, batch: 4
  steps 2
  loss cross_entropy(out, y)
  optimizer sgd(lr: 0.1)
}
`;

function setup(data: string, files: Record<string, (dir: string) => void> = {}) {
  const dir = mkdtempSync(join(tmpdir(), "lip-data-"));
  for (const make of Object.values(files)) make(dir);
  writeFileSync(join(dir, "e.lip"), program(data));
  return dir;
}

describe("bad data files", () => {
  test("a missing file", () => {
    const dir = setup('data d = load("train.safetensors")');
    const r = lip(["run", join(dir, "e.lip"), "--out", join(dir, "out")]);
    expect(r.status).toBe(1);
    expect(r.stderr).toBe(`error: ${join(dir, "train.safetensors")}: no such file\n`);
  });

  test("a file that is not safetensors", () => {
    const dir = setup('data d = load("train.safetensors")', { f: (d) => writeFileSync(join(d, "train.safetensors"), "hello, world") });
    const r = lip(["run", join(dir, "e.lip"), "--out", join(dir, "out")]);
    expect(r.status).toBe(1);
    expect(r.stderr).toMatch(new RegExp(`^error: ${join(dir, "train.safetensors").replace(/[.]/g, "\\.")}: not a safetensors file \\(the header length, \\d+ bytes, is beyond the end of the file, which has 12 bytes\\)\\n$`));
  });

  test("a safetensors field whose shape differs from the model's: caught by the checker from the file's header", () => {
    const dir = setup('data d = load("train.safetensors")', {
      f: (d) =>
        writeSafetensors(join(d, "train.safetensors"), {
          x: tensor("f32", [8, 3], new Array(24).fill(0.5)),
          y: tensor("i32", [8], [0, 1, 2, 0, 1, 2, 0, 1]),
        }),
    });
    const r = lip(["run", join(dir, "e.lip"), "--out", join(dir, "out"), "--color", "never"]);
    expect(r.status).toBe(1);
    expect(r.stderr).toContain("error[LIP3007]: wrong argument `x` for model `m`: expected size 2, found 3");
    expect(r.stderr).toMatch(/e\.lip:7:9/);
  });

  test("an .npy field whose shape differs from the model's: also caught from the file's header", () => {
    const dir = setup('data d = {x: npy("x.npy"), y: npy("y.npy")}', {
      f: (d) => {
        writeNpy(join(d, "x.npy"), tensor("f32", [8, 3], new Array(24).fill(0.5)));
        writeNpy(join(d, "y.npy"), tensor("i32", [8], [0, 1, 2, 0, 1, 2, 0, 1]));
      },
    });
    const r = lip(["run", join(dir, "e.lip"), "--out", join(dir, "out"), "--color", "never"]);
    expect(r.status).toBe(1);
    expect(r.stderr).toContain("error[LIP3007]: wrong argument `x` for model `m`: expected size 2, found 3");
    expect(r.stderr).not.toMatch(/at .*\.js:\d+/); // no stack trace
  });

  test("a CSV with an unknown column names the file, the line and a suggestion", () => {
    const dir = setup("data d = csv(\"iris.csv\", x: [sepal_length, sepal_widht], y: species)", {
      f: (d) => writeFileSync(join(d, "iris.csv"), "sepal_length,sepal_width,species\n5.1,3.5,setosa\n4.9,3.0,setosa\n6.2,2.9,versicolor\n5.9,3.0,virginica\n"),
    });
    const r = lip(["run", join(dir, "e.lip"), "--out", join(dir, "out")]);
    expect(r.status).toBe(1);
    expect(r.stderr).toBe(`error: ${join(dir, "iris.csv")}:1: no column "sepal_widht" (did you mean "sepal_width"?)\n`);
  });

  test("a CSV that fits trains", () => {
    const dir = setup("data d = csv(\"iris.csv\", x: [sepal_length, sepal_width], y: species)", {
      f: (d) => writeFileSync(join(d, "iris.csv"), "sepal_length,sepal_width,species\n5.1,3.5,setosa\n4.9,3.0,setosa\n6.2,2.9,versicolor\n5.9,3.0,virginica\n"),
    });
    const r = lip(["run", join(dir, "e.lip"), "--out", join(dir, "out"), "--quiet"]);
    expect(r.stderr).toBe("");
    expect(r.status).toBe(0);
  });
});
