// Loss curves as a self-contained SVG line chart: training and eval loss against the step.
//
// Axes get "nice" ticks (1, 2 or 5 times a power of ten) with light grid lines; the y axis is
// logarithmic when asked (`logY: true`), or, unless `logY: false`, when the values are all
// positive and span more than two decades. Non-finite points (and, on a log axis, values <= 0)
// are skipped and break the line; a point with no neighbour is drawn as a dot; a series with no
// points still gets a legend entry, marked "(no data)". Text is XML-escaped, so the output is
// well-formed XML whatever the series names and title are. Output is deterministic.

export interface PlotSeries {
  name: string;
  /** [step, value] pairs, in step order. */
  points: [number, number][];
}

export interface LossPlotOptions {
  title?: string;
  /** Default "loss". */
  yLabel?: string;
  /** Default "step". */
  xLabel?: string;
  /** true: log scale; false: linear; default: log when the values span more than two decades. */
  logY?: boolean;
  /** Default 720 by 420. */
  width?: number;
  height?: number;
}

// Tableau 10: distinct, colour-blind-friendly hues.
const PALETTE = ["#4e79a7", "#f28e2b", "#e15759", "#76b7b2", "#59a14f", "#edc948", "#b07aa1", "#ff9da7", "#9c755f", "#bab0ac"];
const FONT = "system-ui, -apple-system, 'Segoe UI', Helvetica, Arial, sans-serif";
const CHAR_WIDTH = 6.6; // an estimate of the average glyph width at 12px, for the legend box

/** An SVG document plotting `series`. */
export function lossPlotSvg(series: PlotSeries[], opts: LossPlotOptions = {}): string {
  const width = opts.width ?? 720;
  const height = opts.height ?? 420;
  const title = opts.title;
  const left = 72;
  const right = 24;
  const top = title !== undefined && title !== "" ? 44 : 20;
  const bottom = 52;
  const plotW = width - left - right;
  const plotH = height - top - bottom;

  const allY: number[] = [];
  const allX: number[] = [];
  for (const s of series) {
    for (const [x, y] of s.points) {
      if (Number.isFinite(x) && Number.isFinite(y)) {
        allX.push(x);
        allY.push(y);
      }
    }
  }
  const positive = allY.filter((y) => y > 0);
  const log = opts.logY ?? (positive.length > 0 && positive.length === allY.length && max(positive) / min(positive) > 100);
  const shownY = log ? positive : allY;
  const shown = (x: number, y: number) => Number.isFinite(x) && Number.isFinite(y) && (!log || y > 0);
  const shownX = series.flatMap((s) => s.points.filter(([x, y]) => shown(x, y)).map(([x]) => x));
  const empty = shownY.length === 0;

  const xAxis = linearTicks(shownX.length ? min(shownX) : 0, shownX.length ? max(shownX) : 1, Math.max(2, Math.round(plotW / 110)));
  const yAxis = log ? logTicks(min(shownY), max(shownY)) : linearTicks(shownY.length ? min(shownY) : 0, shownY.length ? max(shownY) : 1, Math.max(2, Math.round(plotH / 60)));
  const t = (y: number) => (log ? Math.log10(y) : y);
  const sx = (x: number) => left + ((x - xAxis.lo) / (xAxis.hi - xAxis.lo)) * plotW;
  const sy = (y: number) => top + plotH - ((t(y) - t(yAxis.lo)) / (t(yAxis.hi) - t(yAxis.lo))) * plotH;

  const out: string[] = [];
  out.push(`<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}" viewBox="0 0 ${width} ${height}" font-family="${esc(FONT)}" font-size="12">`);
  out.push(`<title>${esc(title || "loss")}</title>`);
  out.push(`<rect x="0" y="0" width="${width}" height="${height}" fill="#ffffff"/>`);
  if (title) out.push(`<text x="${n(width / 2)}" y="26" text-anchor="middle" font-size="15" font-weight="600" fill="#222222">${esc(title)}</text>`);

  // grid and tick labels
  const grid: string[] = [];
  const labels: string[] = [];
  for (const v of xAxis.ticks) {
    const x = n(sx(v));
    grid.push(`<line x1="${x}" y1="${n(top)}" x2="${x}" y2="${n(top + plotH)}"/>`);
    labels.push(`<text x="${x}" y="${n(top + plotH + 18)}" text-anchor="middle">${esc(formatNumber(v))}</text>`);
  }
  for (const v of yAxis.ticks) {
    const y = n(sy(v));
    grid.push(`<line x1="${n(left)}" y1="${y}" x2="${n(left + plotW)}" y2="${y}"/>`);
    labels.push(`<text x="${n(left - 8)}" y="${y}" text-anchor="end" dominant-baseline="middle">${esc(formatNumber(v))}</text>`);
  }
  out.push(`<g stroke="#e6e6e6" stroke-width="1">${grid.join("")}</g>`);
  out.push(`<g fill="#555555">${labels.join("")}</g>`);
  out.push(`<path d="M${n(left)},${n(top)}V${n(top + plotH)}H${n(left + plotW)}" fill="none" stroke="#333333" stroke-width="1"/>`);
  out.push(`<text x="${n(left + plotW / 2)}" y="${n(height - 12)}" text-anchor="middle" fill="#333333">${esc(opts.xLabel ?? "step")}</text>`);
  const yLabel = (opts.yLabel ?? "loss") + (log ? " (log scale)" : "");
  out.push(`<text transform="translate(18 ${n(top + plotH / 2)}) rotate(-90)" text-anchor="middle" fill="#333333">${esc(yLabel)}</text>`);
  if (empty) out.push(`<text x="${n(left + plotW / 2)}" y="${n(top + plotH / 2)}" text-anchor="middle" dominant-baseline="middle" fill="#999999" font-size="14">no data</text>`);

  // the curves
  series.forEach((s, i) => {
    const color = PALETTE[i % PALETTE.length]!;
    const runs: [number, number][][] = [];
    let run: [number, number][] = [];
    for (const [x, y] of s.points) {
      if (!shown(x, y)) {
        if (run.length) runs.push(run);
        run = [];
        continue;
      }
      const p: [number, number] = [n(sx(x)), n(sy(y))];
      const last = run[run.length - 1];
      if (!last || last[0] !== p[0] || last[1] !== p[1]) run.push(p); // drop repeats of the same pixel
    }
    if (run.length) runs.push(run);
    const d = runs.filter((r) => r.length > 1).map((r) => "M" + r.map(([x, y]) => `${x},${y}`).join("L")).join("");
    const dots = runs.filter((r) => r.length === 1).map((r) => `<circle cx="${r[0]![0]}" cy="${r[0]![1]}" r="2.5" fill="${color}"/>`);
    out.push(`<g><title>${esc(s.name)}</title>${d ? `<path d="${d}" fill="none" stroke="${color}" stroke-width="1.75" stroke-linejoin="round" stroke-linecap="round"/>` : ""}${dots.join("")}</g>`);
  });

  // legend, top right inside the plot
  if (series.length > 0) {
    const entries = series.map((s) => (s.points.some(([x, y]) => shown(x, y)) ? s.name : `${s.name} (no data)`));
    const boxW = Math.ceil(34 + CHAR_WIDTH * Math.max(...entries.map((e) => e.length)));
    const boxH = 10 + 18 * entries.length;
    const bx = left + plotW - boxW - 8;
    const by = top + 8;
    const rows = entries.map((e, i) => {
      const y = by + 14 + 18 * i;
      const color = PALETTE[i % PALETTE.length]!;
      return `<line x1="${n(bx + 8)}" y1="${n(y)}" x2="${n(bx + 26)}" y2="${n(y)}" stroke="${color}" stroke-width="2.5"/><text x="${n(bx + 32)}" y="${n(y)}" dominant-baseline="middle" fill="#222222">${esc(e)}</text>`;
    });
    out.push(`<g><rect x="${n(bx)}" y="${n(by)}" width="${boxW}" height="${boxH}" rx="3" fill="#ffffff" fill-opacity="0.85" stroke="#cccccc"/>${rows.join("")}</g>`);
  }
  out.push("</svg>");
  return out.join("\n") + "\n";
}

interface Axis {
  lo: number;
  hi: number;
  ticks: number[];
}

/** A domain covering [lo, hi] extended to multiples of a nice step, with about `count` ticks. */
export function linearTicks(lo: number, hi: number, count: number): Axis {
  if (lo === hi) {
    const pad = lo === 0 ? 1 : Math.abs(lo) * 0.1;
    lo -= pad;
    hi += pad;
  }
  const step = niceStep((hi - lo) / count);
  const a = Math.floor(lo / step + 1e-9);
  const b = Math.ceil(hi / step - 1e-9);
  const ticks: number[] = [];
  for (let i = a; i <= b; i++) ticks.push(clean(i * step));
  return { lo: clean(a * step), hi: clean(b * step), ticks };
}

/** Whole decades covering [lo, hi] (lo > 0); ticks at 1, 2, 5 per decade when there are at most two. */
export function logTicks(lo: number, hi: number): Axis {
  let a = Math.floor(Math.log10(lo) + 1e-12);
  let b = Math.ceil(Math.log10(hi) - 1e-12);
  if (a === b) {
    a -= lo === 10 ** a ? 1 : 0;
    b = a + 1;
  }
  const ticks: number[] = [];
  if (b - a <= 2) {
    for (let k = a; k <= b; k++) for (const m of k < b ? [1, 2, 5] : [1]) ticks.push(clean(m * 10 ** k));
  } else {
    const every = Math.ceil((b - a) / 8);
    b = a + Math.ceil((b - a) / every) * every;
    for (let k = a; k <= b; k += every) ticks.push(clean(10 ** k));
  }
  return { lo: clean(10 ** a), hi: clean(10 ** b), ticks };
}

/** 1, 2 or 5 times a power of ten, near `raw`. */
function niceStep(raw: number): number {
  const mag = 10 ** Math.floor(Math.log10(raw));
  const f = raw / mag;
  return (f < 1.5 ? 1 : f < 3 ? 2 : f < 7 ? 5 : 10) * mag;
}

/** Float noise removed: 0.30000000000000004 -> 0.3. */
function clean(v: number): number {
  return Number(v.toPrecision(12));
}

/** A tick label: plain decimals, or `1e-5` / `2.5e6` for very small or large magnitudes. */
export function formatNumber(v: number): string {
  const c = clean(v);
  if (c === 0) return "0";
  const a = Math.abs(c);
  if (a >= 1e6 || a < 1e-3) return c.toExponential().replace("e+", "e");
  return String(c);
}

/** SVG coordinates: two decimals are plenty. */
function n(v: number): number {
  const r = Math.round(v * 100) / 100;
  return r === 0 ? 0 : r;
}

function min(xs: number[]): number {
  let m = Infinity;
  for (const x of xs) if (x < m) m = x;
  return m;
}

function max(xs: number[]): number {
  let m = -Infinity;
  for (const x of xs) if (x > m) m = x;
  return m;
}

/** Text safe in XML content and attribute values; characters XML 1.0 forbids become U+FFFD. */
export function esc(s: string): string {
  let out = "";
  for (const ch of s) {
    const c = ch.codePointAt(0)!;
    if (ch === "&") out += "&amp;";
    else if (ch === "<") out += "&lt;";
    else if (ch === ">") out += "&gt;";
    else if (ch === '"') out += "&quot;";
    else if (ch === "'") out += "&apos;";
    else if ((c < 0x20 && c !== 0x9 && c !== 0xa && c !== 0xd) || (c >= 0xd800 && c <= 0xdfff) || c === 0xfffe || c === 0xffff) out += "\ufffd";
    else out += ch;
  }
  return out;
}
