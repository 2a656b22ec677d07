import pLimit from 'p-limit';
import type {
  DivergenceCategory,
  DivergenceItem,
  DivergenceReport,
  RepairResult,
} from '../../../shared/contract';
import type { CallContext, CoreContext } from '../context';
import { NotFoundError } from '../errors';
import { keys } from '../keys';
import { checkStore } from './check-store';
import { orderKeys, runScript, scripts } from '../scripts';
import type { CheckOptions } from './check-state';
import { divergenceCheck } from './divergence-check';
import { ProgressMeter } from './progress';
import { reportItems } from './report-store';

export interface RepairInput {
  workspace_id?: string | undefined;
  report_id?: string | undefined;
  categories?: DivergenceCategory[] | undefined;
  backfill?: boolean | undefined;
  dry_run: boolean;
}

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

function scoreOf(item: DivergenceItem): number {
  const ms = Date.parse(item.enqueued_at ?? '');
  return Number.isFinite(ms) ? ms : Date.now();
}

/** Applies one fix with its compare-and-set script; returns the skip reason, or null when applied. */
async function applyFix(ctx: CoreContext, fix: Fix): Promise<string | null> {
  const { item } = fix;
  if (fix.manual) return fix.manual;
  if (item.category === 'orphan_idempotency_key') {
    const keyList = orderKeys(scripts.dropOrphanIdempotency, {
      idempotency: item.key ?? '',
      old: keys.oldJob(item.job_id),
      new: keys.newJob(item.workspace_id ?? '', item.job_id),
    });
    const [ok, reason] = (await runScript(ctx.redis, scripts.dropOrphanIdempotency, keyList, [
      item.job_id,
    ])) as [number, string?];
    return ok === 1 ? null : (reason ?? 'changed');
  }
  const move = item.category === 'workspace_mismatch';
  const home = move ? (item.old_workspace ?? '') : (item.workspace_id ?? '');
  const keyList = orderKeys(scripts.repairJob, {
    old: keys.oldJob(item.job_id),
    new: keys.newJob(home, item.job_id),
    index: keys.workspaceIndex(home),
    stray: move ? keys.newJob(item.workspace_id ?? '', item.job_id) : '',
    strayIndex: move ? keys.workspaceIndex(item.workspace_id ?? '') : '',
  });
  const action = move ? 'move' : item.category === 'missing_in_old' ? 'new_to_old' : 'old_to_new';
  const [ok, reason] = (await runScript(ctx.redis, scripts.repairJob, keyList, [
    action,
    item.old_fingerprint ?? '',
    item.new_fingerprint ?? '',
    scoreOf(item),
    item.job_id,
  ])) as [number, string?];
  return ok === 1
    ? null
    : `${reason ?? 'changed'}${reason === 'changed' ? ' since the check' : ''}`;
}

/**
 * SPEC 3 repair: makes both copies equal from the old schema, one compare-and-set per job, from a
 * kept report or from a fresh check; a dry run only plans. Backfill is repair of missing_in_new.
 */
export async function repair(
  ctx: CoreContext,
  input: RepairInput,
  call: CallContext,
  checkOptions: Partial<CheckOptions> = {},
): Promise<RepairResult> {
  const fresh = input.report_id ? null : await freshReport(ctx, input, call, checkOptions);
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
  let done = 0;
  for await (const page of reportItems(ctx, reportId)) {
    const fixes = page
      .filter((item) => wanted.has(item.category))
      .filter((item) => !input.workspace_id || item.workspace_id === input.workspace_id)
      .map(planFix);
    for (const fix of fixes) {
      result.planned_count!++;
      if (result.planned.length < LIST_CAP)
        result.planned.push({
          job_id: fix.item.job_id,
          workspace_id: fix.item.workspace_id,
          category: fix.item.category,
          action: fix.action,
        });
    }
    if (!input.dry_run) {
      const limit = pLimit(IN_FLIGHT);
      const outcomes = await Promise.all(fixes.map((fix) => limit(() => applyFix(ctx, fix))));
      outcomes.forEach((reason, i) => {
        if (reason === null) return void result.applied++;
        result.skipped_count!++;
        if (result.skipped.length < LIST_CAP)
          result.skipped.push({ job_id: fixes[i]!.item.job_id, reason });
      });
    } else {
      for (const fix of fixes) if (fix.manual) result.skipped_count!++;
    }
    done += fixes.length;
    meter.update(input.dry_run ? 'plan' : 'repair', done, null);
    if (call.signal?.aborted) break;
  }
  meter.update('done', done, done);
  return result;
}

async function freshReport(
  ctx: CoreContext,
  input: RepairInput,
  call: CallContext,
  checkOptions: Partial<CheckOptions>,
): Promise<DivergenceReport> {
  const checkCall: CallContext = {
    ...(call.signal ? { signal: call.signal } : {}),
    ...(call.onProgress
      ? { onProgress: (p) => call.onProgress?.({ ...p, phase: `check: ${p.phase}` }) }
      : {}),
  };
  return divergenceCheck(ctx, { workspace_id: input.workspace_id }, checkCall, checkOptions);
}
