import { minuteOf } from '../../electron/core/keys';
import { keys } from '../../electron/core/keys';

/** What the builder needs of a client: single-key commands, which a Cluster client routes. */
export interface KeyWriter {
  hset(key: string, fields: Record<string, string>): Promise<unknown>;
  zadd(key: string, score: number, member: string): Promise<unknown>;
  sadd(key: string, member: string): Promise<unknown>;
  rpush(key: string, ...values: string[]): Promise<unknown>;
  set(key: string, value: string): Promise<unknown>;
  xadd(key: string, id: string, ...fields: string[]): Promise<unknown>;
}

const WORKSPACES = ['acme', 'globex', 'initech'];
const STATUSES = ['pending', 'running', 'completed', 'failed', 'archived'];
const ACTIONS = [
  ['openai', 'summarize'],
  ['anthropic', 'Classify'],
  ['local', 'embed'],
];

/**
 * The same keyspace, key by key, on a standalone server and on a cluster: jobs of three
 * workspaces in both schemas (some only old, some only new, some differing, some foreign and
 * unindexed), the queue, the flag and its history, metric buckets of the last minutes, totals
 * and audit entries with fixed ids (docs/topologies.md "Cluster writes": the flag history sits beside
 * the flag on a cluster). Deterministic: every answer read from it can be compared.
 */
export async function buildKeyspace(
  redis: KeyWriter,
  now = Date.now(),
  /** Where the topology keeps the flag history: beside the flag on a cluster. */
  flagHistory: string = keys.flagHistory,
): Promise<void> {
  const base = Date.parse('2026-01-05T10:00:00.000Z');
  const writes: Array<Promise<unknown>> = [];
  for (let n = 0; n < 180; n++) {
    const ws = WORKSPACES[n % 3]!;
    const id = `job-${String(n).padStart(4, '0')}${n % 7 === 0 ? '-Special' : ''}`;
    const [provider, name] = ACTIONS[n % 3]!;
    const enqueuedAt = new Date(base + n * 1000).toISOString();
    const job = {
      job_id: id,
      workspace_id: ws,
      status: STATUSES[n % 5]!,
      action_provider: provider!,
      action_name: name!,
      params: JSON.stringify({ n }),
      actor_id: n % 4 === 0 ? 'Alice' : 'bob',
      result: n % 5 === 3 ? JSON.stringify({ error: 'boom', message: `failed ${n}` }) : '',
      enqueued_at: enqueuedAt,
      attempts: String(n % 3),
    };
    const shape = n % 10;
    if (shape !== 9) writes.push(redis.hset(keys.oldJob(id), job));
    if (shape !== 8) {
      const newer = shape === 7 ? { ...job, status: 'completed', attempts: '9' } : job;
      writes.push(redis.hset(keys.newJob(ws, id), newer));
    }
    // Jobs of other producers, in no index: found by findJob's walk and by the indexer.
    if (shape !== 6) writes.push(redis.zadd(keys.workspaceIndex(ws), base + n * 1000, id));
    if (n % 4 === 0) writes.push(redis.rpush(keys.queue, id));
  }
  for (const ws of WORKSPACES) writes.push(redis.sadd(keys.workspaces, ws));
  writes.push(redis.rpush(keys.queue, 'job-gone'));
  writes.push(redis.set(keys.flag, 'on'));
  writes.push(redis.zadd(flagHistory, base - 60_000, `on:${base - 60_000}`));
  for (let m = 1; m <= 40; m++) {
    const bucket = keys.metricsBucket(minuteOf(now) - m * 60_000);
    writes.push(
      redis.hset(bucket, {
        [`${WORKSPACES[m % 3]}|succeeded`]: String(m * 3),
        [`${WORKSPACES[(m + 1) % 3]}|failed`]: String(m % 4),
        queue_depth: String(100 + m),
      }),
    );
  }
  writes.push(redis.hset(keys.metricsTotal, { 'acme|succeeded': '812', 'acme|failed': '9' }));
  for (let a = 1; a <= 12; a++) {
    writes.push(
      redis.xadd(
        keys.audit,
        `${base + a * 1000}-0`,
        ...['time', new Date(base + a * 1000).toISOString(), 'actor', a % 2 ? 'ops' : 'dev'],
        ...['operation', a % 3 ? 'retry' : 'setFlag', 'target', `job-${a}`, 'outcome', 'ok'],
      ),
    );
  }
  await Promise.all(writes);
}

/** Inputs of each read operation that the parity test asks both servers. */
export const READ_INPUTS: Array<[string, Record<string, unknown>]> = [
  ['listWorkspaces', {}],
  ['listJobs', { workspace_id: 'acme', limit: 25 }],
  ['listJobs', { workspace_id: 'acme', limit: 25, cursor: '25' }],
  ['listJobs', { workspace_id: 'globex', status: 'failed', limit: 5 }],
  ['listJobs', { workspace_id: 'globex', status: 'completed', limit: 7, cursor: '10' }],
  ['listJobs', { workspace_id: 'initech', action: 'CLASS', limit: 10 }],
  ['listJobs', { workspace_id: 'acme', actor: 'ali', status: 'pending', limit: 10 }],
  ['listJobs', { workspace_id: 'acme', job_id_prefix: 'job-00', limit: 50 }],
  ['metricsPrometheus', {}],
  ['audit', { limit: 5 }],
  ['audit', { limit: 20, operation: 'retry', actor: 'ops' }],
  ['findJob', { query: 'job-0042' }],
  ['findJob', { query: 'special', limit: 100 }],
  ['findJob', { query: 'job-017', budget_ms: 30_000 }],
  ['queuePage', { offset: 0, limit: 10 }],
  ['queuePage', { offset: 40, limit: 10, job_id: 'job-0100' }],
];
