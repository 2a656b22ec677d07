import pLimit from 'p-limit';
import type {
  ApiError,
  DivergenceCategory,
  DivergenceItem,
  DivergenceReport,
  RepairResult,
} from '../../../shared/contract';
import type { CallContext, CoreContext } from '../context';
import { toApiError } from '../error-mapping';
import { NotFoundError } from '../errors';
import { keys } from '../keys';
import { combineConfirmations, isConfirmed, type Confirmation } from '../redis/durability';
import { unconfirmedError } from '../unconfirmed';
import { checkStore } from './check-store';
import type { CheckOptions } from './check-state';
import { divergenceCheck, type CheckInput } from './divergence-check';
import { ProgressMeter } from './progress';
import { reportItems } from './report-store';
import { applyFix } from './repair-fix';
import { RepairMarks } from './repair-marks';
import { skippedFor, type FixOutcome } from './repair-outcome';

export interface RepairInput {
  workspace_id?: string | undefined;
  report_id?: string | undefined;
  categories?: DivergenceCategory[] | undefined;
  backfill?: boolean | undefined;
  dry_run: boolean;
}

/**
 * How a repair checks and fixes: on one server the divergence check and the repair scripts; a
 * Redis Cluster passes its own (docs/topologies.md "Repair on a cluster").
 */
export interface RepairVia {
  check: (ctx: CoreContext, input: CheckInput, call: CallContext) => Promise<DivergenceReport>;
  applyFix: (ctx: CoreContext, item: DivergenceItem) => Promise<FixOutcome>;
}

const ONE_SERVER: RepairVia = {
  check: (ctx, input, call) => divergenceCheck(ctx, input, call),
  applyFix,
};

/** Lines of the plan and of the skipped list carried in the result; counts stay exact. */
const LIST_CAP = 1000;
/** Compare-and-set calls kept in flight. */
const IN_FLIGHT = 16;
export const BACKFILL_CATEGORIES: DivergenceCategory[] = ['missing_in_new', 'awaiting_backfill'];

interface Fix {
  item: DivergenceItem;
  action: string;
  /** Why it cannot be fixed automatically, when it cannot. */
  manual?: string;
}

function planFix(item: DivergenceItem): Fix {
  switch (item.category) {
    case 'mismatch':
      return item.key
        ? { item, action: 'none', manual: `wrong type: ${item.key}; fix that key by hand` }
        : { item, action: `copy old -> new (${(item.fields ?? []).join(', ')})` };
    case 'missing_in_new':
    case 'awaiting_backfill':
      return { item, action: `create the new copy in ${item.workspace_id ?? '?'} from the old` };
    case 'missing_in_old':
      return { item, action: 'create the old copy from the new' };
    case 'workspace_mismatch':
      return {
        item,
        action: `move the new copy from ${item.workspace_id ?? '?'} to ${item.old_workspace ?? '?'} (the old hash's workspace)`,
      };
    case 'orphan_idempotency_key':
      return { item, action: `delete ${item.key ?? 'the idempotency key'}` };
    case 'orphan_queue_entry':
      return {
        item,
        action: 'none',
        manual: 'queue entries are left for workers, which drop ids whose job is gone',
      };
  }
}

/** The error the repair stopped on (a fix's, or the report's), saying what is kept and what to do. */
function stoppedError(error: unknown, jobId: string | null): ApiError {
  const api = toApiError(error);
  const said = error instanceof Error ? error.message : String(error);
  const advice =
    api.details?.redis_error === 'OOM'
      ? 'Free memory or raise maxmemory, then run a divergence check and repair again to finish.'
      : 'Run a divergence check and repair again to finish once Redis answers.';
  const where = jobId === null ? 'while reading the report' : `at job ${jobId}`;
  const thatJob = jobId === null ? '' : " That job's copies are as they were;";
  return {
    code: api.code,
    message: `Repair stopped ${where}: ${said}.${thatJob} the fixes counted as applied are written and kept, the ones after were not tried. ${advice}`,
    details: { ...api.details, ...(jobId === null ? {} : { job_id: jobId }) },
  };
}

/** Counts one fix's outcome; a fix that failed or whose reply was lost stops the repair. */
function record(result: RepairResult, jobId: string, outcome: FixOutcome): void {
  switch (outcome.kind) {
    case 'applied':
      result.applied++;
      return;
    case 'skipped':
      result.skipped_count!++;
      if (result.skipped.length < LIST_CAP)
        result.skipped.push({ job_id: jobId, reason: outcome.reason });
      return;
    case 'unknown':
      result.unknown ??= [];
      result.unknown_count = (result.unknown_count ?? 0) + 1;
      if (result.unknown.length < LIST_CAP)
        result.unknown.push({ job_id: jobId, error: outcome.error });
      result.stopped ??= { job_id: jobId, error: outcome.error };
      return;
    case 'failed':
      result.stopped ??= { job_id: jobId, error: stoppedError(outcome.error, jobId) };
  }
}

/**
 * Applies a page of fixes, IN_FLIGHT at a time. Once one fails or loses its reply no further fix
 * starts: Redis is out of memory or unreachable, and the result says what went in before. Returns
 * the confirmation of the commits its fixes made on connections of their own.
 */
async function applyPage(
  ctx: CoreContext,
  fixes: Fix[],
  result: RepairResult,
  marks: RepairMarks,
  via: RepairVia,
): Promise<Confirmation | null> {
  const limit = pLimit(IN_FLIGHT);
  const commits = await Promise.all(
    fixes.map((fix) =>
      limit(async () => {
        if (result.stopped) return undefined;
        const outcome = fix.manual ? skippedFor(fix.manual) : await via.applyFix(ctx, fix.item);
        record(result, fix.item.job_id, outcome);
        marks.add(fix.item, outcome);
        return outcome.commit;
      }),
    ),
  );
  return combineConfirmations(commits);
}

/**
 * Repair (docs/repair.md): makes both copies equal from the old schema, one compare-and-set per
 * job, from a kept report or from a fresh check; a dry run only plans. Backfill is repair of
 * missing_in_new.
 */
export async function repair(
  ctx: CoreContext,
  input: RepairInput,
  call: CallContext,
  checkOptions: Partial<CheckOptions> = {},
  via: RepairVia = ONE_SERVER,
): Promise<RepairResult> {
  const fresh = input.report_id ? null : await freshReport(ctx, input, call, checkOptions, via);
  const reportId = input.report_id ?? fresh!.id;
  if (!(await checkStore(ctx).exists(keys.divergenceReport(reportId))))
    throw new NotFoundError(
      `No divergence report ${reportId} is kept (reports beyond the last ones are dropped). Run a divergence check and repair from it, or omit report_id.`,
      { report_id: reportId },
    );
  const wanted = new Set(
    input.backfill
      ? BACKFILL_CATEGORIES
      : (input.categories ??
          BACKFILL_CATEGORIES.concat([
            'mismatch',
            'missing_in_old',
            'workspace_mismatch',
            'orphan_idempotency_key',
            'orphan_queue_entry',
          ])),
  );
  const result: RepairResult = {
    dry_run: input.dry_run,
    planned: [],
    applied: 0,
    skipped: [],
    report_id: reportId,
    skipped_count: 0,
    planned_count: 0,
  };
  // A cancelled or failed check saw only part of the keyspace: repair nothing from it.
  if (fresh && fresh.state !== 'completed') return result;
  const meter = new ProgressMeter(call, 0);
  const marks = new RepairMarks(ctx, reportId);
  let commits: Confirmation | null = null;
  let done = 0;
  try {
    for await (const page of reportItems(ctx, reportId)) {
      const fixes = page
        .filter((item) => wanted.has(item.category))
        .filter((item) => !input.workspace_id || item.workspace_id === input.workspace_id)
        .map(planFix);
      for (const fix of fixes) {
        result.planned_count!++;
        const byCategory = (result.planned_by_category ??= {});
        byCategory[fix.item.category] = (byCategory[fix.item.category] ?? 0) + 1;
        if (result.planned.length < LIST_CAP)
          result.planned.push({
            job_id: fix.item.job_id,
            workspace_id: fix.item.workspace_id,
            category: fix.item.category,
            action: fix.action,
          });
      }
      if (input.dry_run) {
        for (const fix of fixes) if (fix.manual) result.skipped_count!++;
      } else {
        commits = combineConfirmations([commits, await applyPage(ctx, fixes, result, marks, via)]);
        await marks.flush();
      }
      done += fixes.length;
      meter.update(input.dry_run ? 'plan' : 'repair', done, null);
      if (call.signal?.aborted || result.stopped) break;
    }
  } catch (error) {
    // Fixes went in before the report could not be read on: report them rather than fail whole.
    if (input.dry_run || done === 0) throw error;
    result.stopped = { job_id: null, error: stoppedError(error, null) };
  }
  meter.update('done', done, done);
  // A fix committed on a WATCH connection of its own was confirmed there, not by the WAIT the call
  // ends with on the pooled connection (docs/topologies.md "Acknowledged means durable"): one it
  // did not confirm makes the repair unconfirmed, its fixes applied all the same.
  if (!isConfirmed(commits)) throw unconfirmedError('repair', input, result, commits!);
  return result;
}

async function freshReport(
  ctx: CoreContext,
  input: RepairInput,
  call: CallContext,
  checkOptions: Partial<CheckOptions>,
  via: RepairVia,
): Promise<DivergenceReport> {
  const checkCall: CallContext = {
    ...(call.signal ? { signal: call.signal } : {}),
    ...(call.onProgress
      ? { onProgress: (p) => call.onProgress?.({ ...p, phase: `check: ${p.phase}` }) }
      : {}),
  };
  if (via !== ONE_SERVER) return via.check(ctx, { workspace_id: input.workspace_id }, checkCall);
  return divergenceCheck(ctx, { workspace_id: input.workspace_id }, checkCall, checkOptions);
}
