// Writing a loss plot to disk (atomically, like every runtime writer).

import { writeFileAtomic } from "../io/atomic-write.js";
import { lossPlotSvg, type LossPlotOptions, type PlotSeries } from "./svg.js";

/** Render `series` with lossPlotSvg and write the SVG to `path`. Throws DataFileError. */
export function writeLossPlot(path: string, series: PlotSeries[], opts: LossPlotOptions = {}): void {
  writeFileAtomic(path, lossPlotSvg(series, opts));
}
