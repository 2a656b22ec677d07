import type { FlagValue, MetricsReport } from '../../../shared/contract';

/** When dual-write was off within a chart's x range, and each flag change in it (epoch seconds). */
export interface FlagPeriods {
  off: Array<[fromSec: number, toSec: number]>;
  changes: Array<{ at: number; value: FlagValue }>;
}

/**
 * The flag over [fromSec, toSec] from a metrics report's flag (its value at the window's start and
 * its changes): the spans it was off, shaded on the charts, and the changes, drawn as lines.
 */
export function flagPeriods(
  flag: MetricsReport['flag'],
  fromSec: number,
  toSec: number,
): FlagPeriods {
  if (!flag) return { off: [], changes: [] };
  const changes = flag.changes
    .map((c) => ({ at: c.at / 1000, value: c.value }))
    .filter((c) => c.at >= fromSec && c.at <= toSec);
  const off: FlagPeriods['off'] = [];
  let state = flag.at_start;
  let since = fromSec;
  for (const change of changes) {
    if (state === 'off' && change.at > since) off.push([since, change.at]);
    state = change.value;
    since = change.at;
  }
  if (state === 'off' && toSec > since) off.push([since, toSec]);
  return { off, changes };
}
