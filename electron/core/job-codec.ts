import type { Job } from '../../shared/contract';

const STRING_FIELDS = [
  'job_id',
  'status',
  'action_provider',
  'action_name',
  'workspace_id',
  'actor_id',
  'enqueued_at',
  'started_at',
  'finished_at',
  'retried_at',
  'retried_by',
] as const;
const JSON_FIELDS = ['params', 'result'] as const;
const KNOWN = new Set<string>([...STRING_FIELDS, ...JSON_FIELDS, 'attempts']);

/** Reads a job hash written by any producer; unknown fields are kept, bad JSON is kept raw. */
export function decodeJob(hash: Record<string, string>, fallbackId: string): Job {
  const job: Job = { job_id: hash.job_id ?? fallbackId, status: hash.status ?? '', extra: {} };
  for (const field of STRING_FIELDS) {
    const value = hash[field];
    if (value !== undefined && field !== 'job_id' && field !== 'status') job[field] = value;
  }
  for (const field of JSON_FIELDS) {
    const raw = hash[field];
    if (raw === undefined) continue;
    if (raw === '') {
      job[field] = null;
      continue;
    }
    try {
      job[field] = JSON.parse(raw);
    } catch {
      job.invalid_json = { ...job.invalid_json, [field]: raw };
    }
  }
  if (hash.attempts !== undefined) {
    const n = Number(hash.attempts);
    if (Number.isFinite(n)) job.attempts = n;
    else job.extra.attempts = hash.attempts;
  }
  for (const [field, value] of Object.entries(hash)) {
    if (!KNOWN.has(field)) job.extra[field] = value;
  }
  return job;
}

/** Two copies are compared by the one rule of equality.ts; re-exported for the readers of jobs. */
export { differingFields } from './equality';

/**
 * Deep equality of values already parsed, insensitive to object key order. Parsing has rounded big
 * numbers through doubles, so two copies' raw fields are compared by equality.ts, never by this.
 */
export function jsonEqual(a: unknown, b: unknown): boolean {
  if (a === b) return true;
  if (typeof a !== 'object' || typeof b !== 'object' || a === null || b === null) return false;
  if (Array.isArray(a) !== Array.isArray(b)) return false;
  if (Array.isArray(a) && Array.isArray(b)) {
    return a.length === b.length && a.every((item, i) => jsonEqual(item, b[i]));
  }
  const ka = Object.keys(a);
  const kb = Object.keys(b);
  if (ka.length !== kb.length) return false;
  const bo = b as Record<string, unknown>;
  return ka.every(
    (k) => Object.hasOwn(bo, k) && jsonEqual((a as Record<string, unknown>)[k], bo[k]),
  );
}
