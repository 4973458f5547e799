// The loss plot: well-formed XML (our checker and Python's expat parser), the series and their
// legend, log scaling, nice ticks, non-finite points skipped, empty series, escaping.

import { spawnSync } from "node:child_process";
import { existsSync, mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, test } from "vitest";
import { esc, formatNumber, linearTicks, logTicks, lossPlotSvg, type PlotSeries } from "../../../runtime/plot/svg.js";
import { writeLossPlot } from "../../../runtime/plot/write.js";
import { checkXml } from "./xml.js";

const PYTHON = "/usr/bin/python3";
const hasPython = existsSync(PYTHON);

function curve(n: number, f: (i: number) => number, every = 1): [number, number][] {
  return Array.from({ length: n }, (_, i) => [i * every, f(i * every)]);
}
const train: PlotSeries = { name: "train", points: curve(200, (s) => 2.3 * Math.exp(-s / 50) + 0.1) };
const evalS: PlotSeries = { name: "eval", points: curve(11, (s) => 2.4 * Math.exp(-s / 60) + 0.15, 20) };

function wellFormed(svg: string) {
  const r = checkXml(svg);
  expect(r.errors).toEqual([]);
  expect(r.elements[0]).toBe("svg");
  return r;
}

/** The d attribute of each series path. */
function paths(svg: string): string[] {
  return svg
    .split("\n")
    .filter((l) => l.startsWith("<g><title>"))
    .map((l) => {
      const at = l.indexOf(' d="');
      return at < 0 ? "" : l.slice(at + 4, l.indexOf('"', at + 4));
    });
}

describe("lossPlotSvg", () => {
  test("training and eval curves: well-formed, both series drawn and in the legend", () => {
    const svg = lossPlotSvg([train, evalS], { title: "quickstart", yLabel: "cross-entropy" });
    const { texts } = wellFormed(svg);
    expect(svg.startsWith('<svg xmlns="http://www.w3.org/2000/svg"')).toBe(true);
    expect(texts).toContain("train");
    expect(texts).toContain("eval");
    expect(texts).toContain("quickstart");
    expect(texts).toContain("cross-entropy");
    expect(texts).toContain("step");
    const [p1, p2] = paths(svg);
    expect(p1!.split("L")).toHaveLength(200);
    expect(p2!.split("L")).toHaveLength(11);
    expect(svg).not.toContain("NaN");
    expect(svg).not.toContain("Infinity");
  });

  test("x ticks are nice numbers covering the steps; y ticks cover the values", () => {
    const { texts } = wellFormed(lossPlotSvg([train]));
    for (const tick of ["0", "50", "100", "150", "200"]) expect(texts).toContain(tick);
    for (const tick of ["0", "0.5", "1", "1.5", "2", "2.5"]) expect(texts).toContain(tick);
  });

  test("NaN and infinite points are skipped and break the line; no NaN in the output", () => {
    const s: PlotSeries = { name: "diverging", points: [[0, 1], [1, 0.8], [2, NaN], [3, 0.7], [4, 0.6], [5, Infinity], [6, 0.5], [NaN, 0.4]] };
    const svg = lossPlotSvg([s]);
    wellFormed(svg);
    expect(svg).not.toMatch(/NaN|Infinity/);
    const d = paths(svg)[0]!;
    expect(d.split("M")).toHaveLength(3); // two runs of two or more points
    expect(svg).toContain("<circle"); // the point at step 6 alone
  });

  test("log scale when the values span more than two decades, or when asked", () => {
    const wide: PlotSeries = { name: "loss", points: curve(100, (s) => 10 * 0.9 ** s) };
    const svg = lossPlotSvg([wide]);
    const { texts } = wellFormed(svg);
    expect(texts).toContain("loss (log scale)");
    for (const tick of ["1e-4", "0.001", "0.01", "0.1", "1", "10"]) expect(texts).toContain(tick);
    expect(checkXml(lossPlotSvg([train])).texts).toContain("loss");
    expect(checkXml(lossPlotSvg([train], { logY: true })).texts).toContain("loss (log scale)");
    expect(checkXml(lossPlotSvg([wide], { logY: false })).texts).toContain("loss");
  });

  test("on a log axis, values <= 0 are skipped; with any negative value it is not automatic", () => {
    const s: PlotSeries = { name: "s", points: [[0, 1000], [1, 0], [2, 1], [3, -1], [4, 0.01]] };
    expect(checkXml(lossPlotSvg([s])).texts).not.toContain("loss (log scale)");
    const svg = lossPlotSvg([s], { logY: true });
    wellFormed(svg);
    expect(svg).not.toContain("NaN");
    expect(svg.match(/<circle/g)).toHaveLength(3);
  });

  test("an empty series is in the legend, marked; no data at all draws empty axes", () => {
    const svg = lossPlotSvg([train, { name: "eval", points: [] }]);
    expect(wellFormed(svg).texts).toContain("eval (no data)");
    const empty = lossPlotSvg([{ name: "train", points: [] }]);
    const { texts } = wellFormed(empty);
    expect(texts).toContain("no data");
    expect(texts).toContain("train (no data)");
    expect(empty).not.toContain("NaN");
    expect(wellFormed(lossPlotSvg([])).texts).toContain("no data");
    expect(lossPlotSvg([{ name: "x", points: [[1, NaN]] }])).not.toContain("NaN");
  });

  test("a single point, and a flat line", () => {
    const one = lossPlotSvg([{ name: "one", points: [[5, 2]] }]);
    wellFormed(one);
    expect(one).toContain("<circle");
    const flat = lossPlotSvg([{ name: "flat", points: curve(10, () => 0.5) }]);
    wellFormed(flat);
    expect(flat).not.toContain("NaN");
  });

  test("text is escaped: names, title and labels with markup characters", () => {
    const svg = lossPlotSvg([{ name: `a<b & "c" 'd'`, points: [[0, 1], [1, 2]] }], { title: "</svg><script>", yLabel: "x & y" });
    const { texts } = wellFormed(svg);
    expect(texts).toContain(`a<b & "c" 'd'`);
    expect(texts).toContain("</svg><script>");
    expect(svg).not.toContain("<script>");
    expect(esc("\u0001ok\ud800")).toBe("\ufffdok\ufffd");
  });

  test("deterministic", () => {
    expect(lossPlotSvg([train, evalS])).toBe(lossPlotSvg([train, evalS]));
  });

  test.skipIf(!hasPython)("Python's XML parser accepts it", () => {
    const svg = lossPlotSvg([train, evalS, { name: "<&>", points: [[0, NaN]] }], { title: "t & t" });
    const r = spawnSync(PYTHON, ["-c", "import sys, xml.etree.ElementTree as ET; root = ET.fromstring(sys.stdin.read()); print(root.tag, len(list(root.iter())))"], { input: svg, encoding: "utf8" });
    expect(r.stderr).toBe("");
    expect(r.stdout.startsWith("{http://www.w3.org/2000/svg}svg ")).toBe(true);
  });
});

describe("writeLossPlot", () => {
  test("writes the same SVG to a file", () => {
    const dir = mkdtempSync(join(tmpdir(), "lip-plot-"));
    try {
      const path = join(dir, "loss.svg");
      writeLossPlot(path, [train, evalS], { title: "run" });
      expect(readFileSync(path, "utf8")).toBe(lossPlotSvg([train, evalS], { title: "run" }));
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

describe("ticks and labels", () => {
  test("linear ticks: 1, 2, 5 steps extended to cover the range", () => {
    expect(linearTicks(0, 1, 5)).toEqual({ lo: 0, hi: 1, ticks: [0, 0.2, 0.4, 0.6, 0.8, 1] });
    expect(linearTicks(0.13, 2.31, 5).ticks).toEqual([0, 0.5, 1, 1.5, 2, 2.5]);
    expect(linearTicks(0, 9999, 6).ticks).toEqual([0, 2000, 4000, 6000, 8000, 10000]);
    expect(linearTicks(-3, 3, 6).ticks).toEqual([-3, -2, -1, 0, 1, 2, 3]);
    expect(linearTicks(0.3, 0.3, 4).ticks).toEqual([0.27, 0.28, 0.29, 0.3, 0.31, 0.32, 0.33]); // a flat line: +-10%
  });

  test("log ticks: decades, with 2 and 5 when the span is short", () => {
    expect(logTicks(0.001, 10).ticks).toEqual([0.001, 0.01, 0.1, 1, 10]);
    expect(logTicks(0.3, 4).ticks).toEqual([0.1, 0.2, 0.5, 1, 2, 5, 10]);
    expect(logTicks(1e-20, 1).ticks).toEqual([1e-20, 1e-17, 1e-14, 1e-11, 1e-8, 1e-5, 0.01, 10]); // every third decade
    expect(logTicks(1e-20, 1).hi).toBe(10);
  });

  test("numbers: plain decimals, exponents for extremes", () => {
    expect([0, 0.1 + 0.2, 1500, -2.5, 1e-5, 2.5e6, 1e-4, 0.001, 999999].map(formatNumber)).toEqual(["0", "0.3", "1500", "-2.5", "1e-5", "2.5e6", "1e-4", "0.001", "999999"]);
  });
});
