import type { ApiError, AuditEntry } from '../../../shared/contract';
import type { CoreContext } from '../context';
import { keys } from '../keys';

export interface AuditRecord {
  /** The person operating Queuescope, as the door established it. */
  actor: string;
  /** The web host's OS user, beside the name its browser declared. */
  host_user?: string;
  operation: string;
  target: string;
  /**
   * "ok", "unknown" (the reply was lost after the write was sent), "unconfirmed" (applied, but no
   * replica had it in time), or "CODE: message".
   */
  outcome: string;
  details?: string;
}

/**
 * The outcome an audit entry records. A write whose reply was lost may have been
 * applied, so its entry says "unknown" rather than an error that would read as "not done".
 */
export function auditOutcome(outcome: 'ok' | ApiError): string {
  if (outcome === 'ok') return 'ok';
  if (outcome.details?.outcome === 'unknown') return 'unknown';
  // Applied on the primary, not confirmed by a replica in time (docs/topologies.md).
  if (outcome.details?.outcome === 'unconfirmed') return 'unconfirmed';
  return `${outcome.code}: ${outcome.message}`;
}

/** Appends one operator action to the capped audit stream. */
export async function appendAudit(ctx: CoreContext, record: AuditRecord): Promise<void> {
  const fields = [
    'time',
    new Date().toISOString(),
    'actor',
    record.actor,
    ...(record.host_user === undefined ? [] : ['host_user', record.host_user]),
    'operation',
    record.operation,
    'target',
    record.target,
    'outcome',
    record.outcome,
  ];
  if (record.details) fields.push('details', record.details);
  await ctx.redis.xadd(keys.audit, 'MAXLEN', '~', ctx.config.auditMaxLen, '*', ...fields);
}

/** Which entries readAudit returns: the newest `limit` that pass every filter given. */
export interface AuditQuery {
  limit: number;
  contains?: string | undefined;
  actor?: string | undefined;
  operation?: string | undefined;
  since_ms?: number | undefined;
}

function matches(entry: AuditEntry, query: AuditQuery, needle: string | undefined): boolean {
  if (query.actor !== undefined && entry.actor !== query.actor) return false;
  if (query.operation !== undefined && entry.operation !== query.operation) return false;
  return !needle || JSON.stringify(entry).toLowerCase().includes(needle);
}

export async function readAudit(ctx: CoreContext, query: AuditQuery): Promise<AuditEntry[]> {
  const needle = query.contains?.toLowerCase();
  // Stream ids are their append time in ms: a `since` bounds the walk inside Redis.
  const start = query.since_ms === undefined ? '-' : String(query.since_ms);
  const entries: AuditEntry[] = [];
  let end = '+';
  // Page backwards so a filter can still fill `limit` entries without reading the whole stream at once.
  while (entries.length < query.limit) {
    const page = await ctx.redis.xrevrange(keys.audit, end, start, 'COUNT', 500);
    for (const [id, flat] of page) {
      const entry = toEntry(id, flat);
      if (matches(entry, query, needle)) entries.push(entry);
      if (entries.length >= query.limit) break;
    }
    if (page.length < 500) break;
    end = `(${page[page.length - 1]![0]}`;
  }
  return entries;
}

function toEntry(id: string, flat: string[]): AuditEntry {
  const f: Record<string, string> = {};
  for (let i = 0; i + 1 < flat.length; i += 2) f[flat[i]!] = flat[i + 1]!;
  const entry: AuditEntry = {
    id,
    time: f.time ?? new Date(Number(id.split('-')[0])).toISOString(),
    actor: f.actor ?? '',
    operation: f.operation ?? '',
    target: f.target ?? '',
    outcome: f.outcome ?? '',
  };
  if (f.details) entry.details = f.details;
  if (f.host_user) entry.host_user = f.host_user;
  return entry;
}
