// Progress of a run: on a terminal, one line redrawn in place (a bar, steps/s, loss, lr and
// metrics); otherwise (a pipe, a CI log) a plain line every `every` steps. Writes are throttled
// on a terminal so that drawing never costs a noticeable part of a step.

export interface ProgressSink {
  write(text: string): void;
  readonly isTTY: boolean;
}

export function formatNumber(x: number): string {
  if (!Number.isFinite(x)) return String(x);
  const a = Math.abs(x);
  if (a !== 0 && (a < 1e-3 || a >= 1e5)) return x.toExponential(2);
  return x.toPrecision(4);
}

export class Progress {
  private lastDraw = 0;
  private readonly start = performance.now();
  private readonly every: number;

  constructor(
    private readonly sink: ProgressSink,
    private readonly total: number,
    private readonly first = 0,
  ) {
    this.every = Math.max(1, Math.round(total / 20));
  }

  /** Steps per second since the start (or the resume point). */
  rate(step: number): number {
    const s = (performance.now() - this.start) / 1000;
    return s > 0 ? (step + 1 - this.first) / s : 0;
  }

  update(step: number, values: Record<string, number>): void {
    const done = step + 1;
    const fields = () => Object.entries(values).map(([k, v]) => `${k} ${formatNumber(v)}`).join("  ");
    if (this.sink.isTTY) {
      const now = performance.now();
      if (now - this.lastDraw < 100 && done < this.total) return;
      this.lastDraw = now;
      const width = 24;
      const filled = Math.round((done / this.total) * width);
      const bar = "=".repeat(Math.max(0, filled - 1)) + (filled > 0 ? ">" : "") + " ".repeat(width - filled);
      this.sink.write(`\r\x1b[2Kstep ${done}/${this.total} [${bar}] ${this.rate(step).toFixed(1)} steps/s  ${fields()}`);
      if (done === this.total) this.sink.write("\n");
      return;
    }
    if (done % this.every === 0 || done === this.total || step === this.first) {
      this.sink.write(`step ${done}/${this.total}  ${this.rate(step).toFixed(1)} steps/s  ${fields()}\n`);
    }
  }

  /** A line that interrupts the bar (an evaluation result, a checkpoint). */
  note(text: string): void {
    this.sink.write(this.sink.isTTY ? `\r\x1b[2K${text}\n` : `${text}\n`);
  }
}
