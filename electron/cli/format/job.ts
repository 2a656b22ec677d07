import type { Job, JobRow } from '../../../shared/contract';
import { JOB_FIELD_ORDER, syncText } from '../../../shared/contract';
import { MAX_CELL, table, truncate } from './table';

/** The stored text of one field of a decoded job, as close to the Redis hash as the decoder allows. */
export function fieldText(job: Job, field: string): string | undefined {
  if (job.invalid_json?.[field] !== undefined) return job.invalid_json[field];
  if (field in job.extra) return job.extra[field];
  const value = (job as unknown as Record<string, unknown>)[field];
  if (value === undefined) return undefined;
  if (value === null) return '';
  return typeof value === 'string' ? value : JSON.stringify(value);
}

function fieldsOf(...jobs: Array<Job | null>): string[] {
  const extras = new Set<string>();
  for (const job of jobs) {
    if (!job) continue;
    for (const k of Object.keys(job.extra)) extras.add(k);
    for (const k of Object.keys(job.invalid_json ?? {})) extras.add(k);
  }
  const known = new Set<string>(JOB_FIELD_ORDER);
  const present = (f: string) => jobs.some((j) => j && fieldText(j, f) !== undefined);
  return [...JOB_FIELD_ORDER.filter(present), ...[...extras].filter((f) => !known.has(f)).sort()];
}

/** Both copies of a job side by side; fields that differ are marked with ≠ in the first column. */
export function sideBySide(old: Job | null, neu: Job | null, differences: string[]): string {
  const differ = new Set(differences);
  const cell = (job: Job | null, field: string) =>
    job ? truncate(fieldText(job, field) ?? '(absent)') : '';
  const rows = fieldsOf(old, neu).map((field) => [
    differ.has(field) ? '≠' : ' ',
    field,
    cell(old, field),
    cell(neu, field),
  ]);
  const out = [
    table(
      [' ', 'FIELD', old ? 'OLD ai:jobs' : 'OLD (missing)', neu ? 'NEW ai:job' : 'NEW (missing)'],
      rows,
    ),
  ];
  if (old && neu) {
    out.push(
      differences.length
        ? `${differences.length} field${differences.length === 1 ? '' : 's'} differ: ${differences.join(', ')}`
        : 'The two copies are in sync.',
    );
  } else if (old || neu) {
    out.push(`Only the ${old ? 'old' : 'new'} copy exists.`);
  }
  if (rows.some((r) => r.slice(2).some((c) => c.length >= MAX_CELL))) {
    out.push('Long values are cut; --json prints them in full.');
  }
  return out.join('\n');
}

/** One copy of a job as field/value lines. */
export function singleJob(job: Job): string {
  const rows = fieldsOf(job).map((field) => [field, truncate(fieldText(job, field) ?? '')]);
  return table(['FIELD', 'VALUE'], rows);
}

export function jobRows(rows: JobRow[]): string {
  return table(
    ['JOB ID', 'ACTION', 'ACTOR', 'OLD', 'NEW', 'ENQUEUED', 'ATTEMPTS', 'SYNC', 'ERROR'],
    rows.map((r) => [
      r.job_id,
      truncate(r.action, 40),
      truncate(r.actor, 24),
      r.old_status ?? '-',
      r.new_status ?? '-',
      r.enqueued_at ?? '',
      String(r.attempts),
      syncText(r.sync),
      truncate(r.error ?? '', 48),
    ]),
  );
}
