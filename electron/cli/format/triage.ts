import type { FindJobResult, Overview, QueuePage } from '../../../shared/contract';
import { workspacesText } from './reports';
import { fieldList, percent, table, truncate } from './table';

function ago(ms: number, now: number): string {
  const s = Math.max(0, Math.round((now - ms) / 1000));
  if (s < 90) return `${s} s ago`;
  if (s < 90 * 60) return `${Math.round(s / 60)} min ago`;
  if (s < 36 * 3600) return `${Math.round(s / 3600)} h ago`;
  return `${Math.round(s / 86400)} d ago`;
}

export function overviewText(o: Overview): string {
  const now = o.read_at;
  const flag =
    o.flag.value === 'on' ? 'on (dual-write to the new schema)' : 'OFF (old schema only)';
  const since =
    o.flag.source === 'env'
      ? 'ai:flags:new_schema is absent; AI_JOBS_NEW_SCHEMA decides'
      : o.flag.since === null
        ? 'since: not recorded'
        : `since ${new Date(o.flag.since).toISOString()} (${ago(o.flag.since, now)})`;
  const check = o.last_check;
  const verdict = !check
    ? 'no check yet (queuescope divergence)'
    : check.state !== 'completed'
      ? `${check.state}, started ${ago(Date.parse(check.started_at), now)}`
      : `${check.divergent === 0 ? 'in sync' : `${check.divergent} divergent`}${check.awaiting_backfill ? `, ${check.awaiting_backfill} awaiting backfill` : ''} (${ago(Date.parse(check.finished_at ?? check.started_at), now)}${check.workspace_id ? `, workspace ${check.workspace_id}` : ''})`;
  const dw = o.dual_write;
  return [
    fieldList([
      ['dual-write flag', `${flag}; ${since}`],
      [
        'coverage',
        `${percent(o.coverage.share)} (${o.coverage.new_jobs} new copies for ${o.coverage.old_jobs} old-schema jobs)`,
      ],
      ['last check', verdict],
      [
        'dual-write, 15 min',
        `${percent(dw.failure_rate)} failed (${dw.failed} of ${dw.succeeded + dw.failed} attempts)`,
      ],
      ['queue depth', String(o.queue_depth)],
    ]),
    '',
    workspacesText(o.workspaces),
  ].join('\n');
}

export function findText(r: FindJobResult): string {
  if (r.matches.length === 0) {
    return `No job id contains "${r.query}" (searched ${r.complete ? 'every key' : `about ${r.scanned} of ${r.keyspace} keys`}).`;
  }
  const lines = [
    table(
      ['JOB ID', 'WORKSPACE', 'STATUS', 'COPIES'],
      r.matches.map((m) => [
        m.job_id,
        m.workspace_id ?? '-',
        m.status ?? '-',
        [m.in_old ? 'old' : '', m.new_in.length ? `new (${m.new_in.join(', ')})` : '']
          .filter(Boolean)
          .join(' + ') || '-',
      ]),
    ),
  ];
  if (r.exact) lines.push('', `Exact id: queuescope get ${r.query}`);
  else if (r.truncated)
    lines.push('', `More than ${r.matches.length} jobs match; give more of the id.`);
  else if (r.unique) lines.push('', 'The only job whose id contains it.');
  else if (!r.complete)
    lines.push('', `Searched about ${r.scanned} of ${r.keyspace} keys; others may match.`);
  return lines.join('\n');
}

export function queueText(q: QueuePage): string {
  const head = `ai:queue:pending holds ${q.total} entries; showing ${q.entries.length} from position ${q.offset + 1}.`;
  const where =
    q.job_position === undefined
      ? []
      : [
          q.job_position === null
            ? 'That job is not in the queue.'
            : `That job is at position ${q.job_position + 1}.`,
        ];
  if (q.entries.length === 0) return [head, ...where].join('\n');
  return [
    head,
    ...where,
    '',
    table(
      ['POS', 'JOB ID', 'WORKSPACE', 'STATUS', 'ACTION', 'ENQUEUED', 'ATTEMPTS'],
      q.entries.map((e) => [
        String(e.position + 1),
        e.job_id,
        e.workspace_id ?? '-',
        e.missing ? '(no job)' : (e.status ?? '-'),
        truncate(e.action, 32),
        e.enqueued_at ?? '',
        String(e.attempts),
      ]),
    ),
  ].join('\n');
}
