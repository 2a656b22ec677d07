import type uPlot from 'uplot';
import { formatTime } from './Time';

/**
 * Time ticks of a chart's x axis in the console's one date format (docs/console.md "Dates"), cut to
 * what the range needs: `14:05` within a day, `03-10 14:05` beyond.
 */
export function timeTicks(_u: uPlot, splits: number[]): string[] {
  const span = (splits.at(-1) ?? 0) - (splits[0] ?? 0);
  return splits.map((s) => formatTime(s * 1000).slice(span > 86_400 ? 5 : 11, 16));
}

/** The x of the legend in the one date format, `shiftSec` before the value (a step's start). */
export function timeLegend(shiftSec = 0): uPlot.Series {
  return { value: (_u, v) => (v == null ? '—' : formatTime((v - shiftSec) * 1000)) };
}
