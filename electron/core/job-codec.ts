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

/** Fields whose values differ between two raw hashes; JSON fields are compared as values, not bytes. */
export function differingFields(a: Record<string, string>, b: Record<string, string>): string[] {
  const fields = new Set([...Object.keys(a), ...Object.keys(b)]);
  const differing: string[] = [];
  for (const field of fields) {
    if (!sameFieldValue(field, a[field], b[field])) differing.push(field);
  }
  return differing.sort();
}

function sameFieldValue(field: string, a: string | undefined, b: string | undefined): boolean {
  if (a === b) return true;
  if (a === undefined || b === undefined) return false;
  if (!(JSON_FIELDS as readonly string[]).includes(field)) return false;
  try {
    return jsonEqual(JSON.parse(a), JSON.parse(b));
  } catch {
    return false;
  }
}

/** Deep equality of parsed JSON values, insensitive to object key order. */
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
