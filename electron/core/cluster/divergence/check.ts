import type { DivergenceReport } from '../../../../shared/contract';
import type { CallContext, CoreContext } from '../../context';
import { readFlag } from '../../jobs/read-job';
import {
  abandon,
  DEFAULT_CHECK_OPTIONS,
  newReport,
  trimToCheckpoint,
  type Checkpoint,
} from '../../migration/check-state';
import { savedCheckpoint, scopeOf, type CheckInput } from '../../migration/divergence-check';
import { readFlagHistory } from '../../migration/flags';
import { estimateTotal } from '../../migration/progress';
import { fileReport } from '../../migration/report-store';
import { readerContext } from '../reader';
import { ClusterDivergenceRun, type ClusterCheckOptions } from './run';

/**
 * What a cluster checkpoint records instead of a server's run_id: its position is a hash slot,
 * which means the same on every node, so a resume after a failover or a resharding continues
 * where it stopped (docs/topologies.md "Walking a cluster").
 */
export const SLOT_POSITION = 'cluster-slots';

/**
 * The divergence check on a Redis Cluster: the same input, report, scope and resume as on one
 * server (divergence-check.ts), walking every master by hash slot (docs/topologies.md "Divergence
 * check on a cluster"). `ctx` is the core's context over the Cluster client.
 */
export async function divergenceCheckCluster(
  ctx: CoreContext,
  input: CheckInput,
  call: CallContext,
  options: Partial<ClusterCheckOptions> = {},
): Promise<DivergenceReport> {
  const opts = { ...DEFAULT_CHECK_OPTIONS, ...options };
  const skewMs = options.flagSkewMs ?? ctx.config.flagSkewMs;
  const [history, flag, scope] = await Promise.all([
    readFlagHistory(ctx),
    readFlag(ctx),
    scopeOf(ctx, input),
  ]);
  const saved = await savedCheckpoint(ctx, scope, input);
  let cp: Checkpoint;
  if (saved && input.resume && saved.run_id === SLOT_POSITION) {
    cp = saved;
    await trimToCheckpoint(ctx, cp);
    cp.report.state = 'running';
    cp.report.resumed = true;
  } else {
    if (saved) await abandon(ctx, saved);
    const report = newReport(scope === '*' ? null : scope);
    report.estimated_total = await estimateTotal(readerContext(ctx));
    cp = { report, phase: 'scan', cursor: '0', round: 0, moved: [], run_id: SLOT_POSITION };
    await fileReport(ctx, report);
  }
  cp.report.flag_skew_ms = skewMs;
  const timeline = { history, current: flag.value, skewMs };
  return new ClusterDivergenceRun(ctx, cp, timeline, call, opts).run();
}
