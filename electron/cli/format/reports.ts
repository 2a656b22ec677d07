import type {
  DivergenceCategory,
  DivergenceReport,
  MetricsReport,
  RepairResult,
  StatusCounts,
  WorkspaceSummary,
} from '../../../shared/contract';
import { DIVERGENCE_CATEGORIES } from '../../../shared/contract';
import { percent, table } from './table';

const STATUS_COLUMNS = ['pending', 'running', 'completed', 'failed', 'other'] as const;

export function workspacesText(list: WorkspaceSummary[]): string {
  if (list.length === 0) return 'No workspaces yet. Enqueue a job, or run `queuescope demo`.';
  const counts = (c: StatusCounts) => STATUS_COLUMNS.map((s) => String(c[s]));
  const rows = list.flatMap((w) => [
    [w.workspace_id, 'old', ...counts(w.old), w.divergent === undefined ? '' : String(w.divergent)],
    ['', 'new', ...counts(w.new), ''],
  ]);
  return table(
    ['WORKSPACE', 'SCHEMA', ...STATUS_COLUMNS.map((s) => s.toUpperCase()), 'DIVERGENT'],
    rows,
  );
}

/** Rows a human table shows before it refers to --json for the rest. */
const MAX_ROWS = 50;

function more(total: number, truncated: boolean): string[] {
  if (total > MAX_ROWS) return [`… and ${total - MAX_ROWS} more; --json lists them all.`];
  return truncated ? ['(the report keeps a capped list; the counts above are complete)'] : [];
}

const SPARK = '▁▂▃▄▅▆▇█';

function sparkline(values: number[]): string {
  const max = Math.max(0, ...values);
  if (max === 0) return '';
  return values.map((v) => SPARK[Math.min(7, Math.floor((v / max) * 7.999))]).join('');
}

export function metricsText(m: MetricsReport): string {
  const attempts = m.succeeded + m.failed;
  const lines = [
    `Dual-write attempts, last ${m.window}${m.workspace_id ? `, workspace ${m.workspace_id}` : ', all workspaces'}:`,
    `  succeeded ${m.succeeded}, failed ${m.failed}, failure rate ${percent(m.failure_rate)}${attempts === 0 ? ' (no attempts: the flag may be off)' : ''}`,
    `  queue depth (ai:queue:pending): ${m.queue_depth}`,
  ];
  const spark = sparkline(m.points.map((p) => p.succeeded + p.failed));
  if (spark) lines.push(`  per minute: ${spark}`);
  if (m.by_workspace.length) {
    lines.push(
      '',
      table(
        ['WORKSPACE', 'SUCCEEDED', 'FAILED', 'FAILURE RATE'],
        m.by_workspace.map((w) => {
          const total = w.succeeded + w.failed;
          return [
            w.workspace_id,
            String(w.succeeded),
            String(w.failed),
            percent(total ? w.failed / total : 0),
          ];
        }),
      ),
    );
  }
  return lines.join('\n');
}

const CATEGORY_TEXT: Record<DivergenceCategory, string> = {
  missing_in_new: 'missing in new',
  awaiting_backfill: 'awaiting backfill (enqueued while the flag was off; not a divergence)',
  missing_in_old: 'missing in old',
  mismatch: 'fields differ',
  workspace_mismatch: 'new copy under another workspace',
  orphan_queue_entry: 'queue entries without a job',
  orphan_idempotency_key: 'idempotency keys without a job',
};

/**
 * Categories that count as divergence; jobs awaiting backfill are legitimate
 * (docs/guarantees.md, "Divergence check").
 */
export const DIVERGENT_CATEGORIES = DIVERGENCE_CATEGORIES.filter((c) => c !== 'awaiting_backfill');

export function divergentCount(report: DivergenceReport): number {
  return DIVERGENT_CATEGORIES.reduce((n, c) => n + (report.counts[c] ?? 0), 0);
}

export function divergenceText(r: DivergenceReport): string {
  const found = divergentCount(r);
  const lines = [
    `Divergence check ${r.id} (${r.workspace_id ? `workspace ${r.workspace_id}` : 'all workspaces'}): ${r.state}, ${r.scanned} jobs compared, ${r.in_sync} in sync.`,
  ];
  for (const c of DIVERGENCE_CATEGORIES) {
    if (r.counts[c]) lines.push(`  ${String(r.counts[c]).padStart(7)}  ${CATEGORY_TEXT[c]}`);
  }
  if (r.settled_on_recheck)
    lines.push(`  ${r.settled_on_recheck} suspects were equal on a second read (live writes).`);
  if (r.near_flip)
    lines.push(
      `  ${r.near_flip} of those awaiting backfill went in within ${r.flag_skew_ms ?? 0} ms of a flag flip (the producer clock skew allowed): the flag may have been on.`,
    );
  if (r.walk_restarted)
    lines.push(
      '  Redis restarted (or failed over) since the check was interrupted: it walked every key again.',
    );
  else if (r.resumed) lines.push('  Resumed from its checkpoint.');
  const divergent = r.items.filter((i) => i.category !== 'awaiting_backfill');
  if (divergent.length) {
    lines.push(
      '',
      table(
        ['CATEGORY', 'WORKSPACE', 'JOB ID', 'DETAIL'],
        divergent
          .slice(0, MAX_ROWS)
          .map((i) => [
            i.category,
            i.workspace_id ?? '-',
            i.job_id,
            i.fields?.join(', ') ??
              (i.old_workspace ? `old copy says ${i.old_workspace}` : (i.key ?? '')),
          ]),
      ),
    );
    lines.push(...more(divergent.length, r.truncated));
  }
  if (r.counts.awaiting_backfill) {
    lines.push(
      '',
      `${r.counts.awaiting_backfill} jobs await backfill (listed with --json); \`queuescope repair --backfill\` copies them to the new schema.`,
    );
  }
  lines.push(
    '',
    found
      ? `${found} divergent. Preview the fixes with \`queuescope repair --dry-run\`.`
      : 'In sync.',
  );
  return lines.join('\n');
}

export function repairText(r: RepairResult): string {
  const lines: string[] = [];
  if (r.planned.length) {
    lines.push(
      table(
        ['CATEGORY', 'WORKSPACE', 'JOB ID', r.dry_run ? 'WOULD' : 'ACTION'],
        r.planned
          .slice(0, MAX_ROWS)
          .map((p) => [p.category, p.workspace_id ?? '-', p.job_id, p.action]),
      ),
      ...more(r.planned.length, false),
      '',
    );
  }
  if (r.dry_run) {
    lines.push(`Dry run: ${r.planned.length} fixes planned, nothing written.`);
  } else {
    lines.push(`${r.applied} of ${r.planned.length} fixes applied, ${r.skipped.length} skipped.`);
  }
  for (const s of r.skipped) lines.push(`  skipped ${s.job_id}: ${s.reason}`);
  if (r.unknown_count)
    lines.push(
      `${r.unknown_count} fixes lost their reply after they were sent and may or may not be applied; run a divergence check to see.`,
    );
  if (r.stopped)
    lines.push(
      `Stopped${r.stopped.job_id ? ` at ${r.stopped.job_id}` : ''}: ${r.stopped.error.message} The ${r.applied} fixes applied are kept; run a check and repair again to finish.`,
    );
  return lines.join('\n');
}
