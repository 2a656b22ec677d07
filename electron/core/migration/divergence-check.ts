import type { DivergenceReport } from '../../../shared/contract';
import type { CallContext, CoreContext } from '../context';
import { NotFoundError, ValidationError } from '../errors';
import { keys } from '../keys';
import { readFlag } from '../jobs/read-job';
import type { FlagTimeline } from './classify';
import { readFlagHistory } from './flags';
import {
  abandon,
  DEFAULT_CHECK_OPTIONS,
  loadCheckpoint,
  newReport,
  redisRunId,
  trimToCheckpoint,
  workingLists,
  type CheckOptions,
  type Checkpoint,
} from './check-state';
import { checkStore } from './check-store';
import { DivergenceRun } from './divergence-run';
import { fileReport } from './report-store';
import { estimateTotal } from './progress';

export interface CheckInput {
  workspace_id?: string | undefined;
  resume?: boolean | undefined;
  /** With resume: the interrupted check to continue (default: the scope's latest). */
  report_id?: string | undefined;
}

/**
 * The divergence check: both directions, orphans, re-checked suspects; resumable and
 * cancellable. A scoped check reports exactly the whole check's items that concern its workspace
 * (docs/guarantees.md, "Divergence check").
 */
export async function divergenceCheck(
  ctx: CoreContext,
  input: CheckInput,
  call: CallContext,
  options: Partial<CheckOptions> = {},
): Promise<DivergenceReport> {
  const opts = { ...DEFAULT_CHECK_OPTIONS, ...options };
  const skewMs = options.flagSkewMs ?? ctx.config.flagSkewMs;
  const [history, flag, scope, runId] = await Promise.all([
    readFlagHistory(ctx),
    readFlag(ctx),
    scopeOf(ctx, input),
    redisRunId(ctx),
  ]);
  const timeline: FlagTimeline = { history, current: flag.value, skewMs };
  const saved = await savedCheckpoint(ctx, scope, input);
  let cp: Checkpoint;
  if (saved && input.resume && saved.run_id === runId) {
    cp = saved;
    await trimToCheckpoint(ctx, cp);
    cp.report.state = 'running';
    cp.report.resumed = true;
  } else if (saved && input.resume) {
    cp = await restartWalk(ctx, saved, runId);
  } else {
    if (saved) await abandon(ctx, saved);
    const report = newReport(scope === '*' ? null : scope);
    report.estimated_total = await estimateTotal(ctx);
    cp = freshCheckpoint(report, runId);
    await fileReport(ctx, report);
  }
  cp.report.flag_skew_ms = skewMs;
  return new DivergenceRun(ctx, cp, timeline, call, opts).run();
}

function freshCheckpoint(report: DivergenceReport, runId: string): Checkpoint {
  return { report, phase: 'scan', cursor: '0', round: 0, moved: [], run_id: runId };
}

/**
 * The scope's checkpoint, if any; a resume that names a report refuses one of another report.
 * The check on a cluster loads it the same way (cluster/divergence/check.ts).
 */
export async function savedCheckpoint(
  ctx: CoreContext,
  scope: string,
  input: CheckInput,
): Promise<Checkpoint | null> {
  const saved = await loadCheckpoint(ctx, scope);
  if (input.report_id && saved?.report.id !== input.report_id)
    throw new NotFoundError(
      `Check ${input.report_id} cannot be resumed: it finished, or a newer check of the same scope replaced it. Run a new check.`,
      { report_id: input.report_id },
    );
  return saved;
}

/** The scope to check or resume: the workspace given, or the one of the report to resume. */
export async function scopeOf(ctx: CoreContext, input: CheckInput): Promise<string> {
  if (!input.report_id) return input.workspace_id ?? '*';
  if (!input.resume)
    throw new ValidationError('report_id names a check to resume; pass resume too.', {
      field: 'report_id',
    });
  const text = await checkStore(ctx).get(keys.divergenceReport(input.report_id));
  if (!text)
    throw new NotFoundError(`No divergence report ${input.report_id} is kept.`, {
      report_id: input.report_id,
    });
  const scope = (JSON.parse(text) as DivergenceReport).workspace_id ?? '*';
  if (input.workspace_id && input.workspace_id !== scope)
    throw new ValidationError(
      `Check ${input.report_id} was of ${scope === '*' ? 'every workspace' : `workspace ${scope}`}, not ${input.workspace_id}.`,
      { field: 'workspace_id' },
    );
  return scope;
}

/**
 * Another Redis process answers (a restart or a failover) since the checkpoint: its SCAN cursor
 * means nothing there, so the same report walks again from the start with nothing counted.
 */
async function restartWalk(
  ctx: CoreContext,
  saved: Checkpoint,
  runId: string,
): Promise<Checkpoint> {
  await checkStore(ctx).del(...workingLists(saved.report.id));
  const report = { ...newReport(saved.report.workspace_id), id: saved.report.id };
  report.started_at = saved.report.started_at;
  report.estimated_total = await estimateTotal(ctx);
  report.resumed = true;
  report.walk_restarted = true;
  return freshCheckpoint(report, runId);
}
