/**
 * The keyspace `bench:migration` measures: N synthetic jobs in both schemas across 100 workspaces,
 * written straight into Redis by load-jobs.lua (Queuescope did not write them), then the planted
 * divergences a check must find exactly.
 */
import type { Redis } from 'ioredis';
import { keys } from '../../electron/core/keys';
import { runInFlight } from './bench-kit';
import loadJobsLua from './load-jobs.lua?raw';

export const WORKSPACES = 100;
const LOAD_BATCH = 500;
const EARLY = '2026-01-01T00:00:00.000Z';
export const FLAG_ON_MS = Date.parse('2026-02-01T00:00:00.000Z');
const LATE = '2026-03-01T00:00:00.000Z';

/** The first jobs were enqueued while the flag was off: old only, awaiting backfill. */
export const awaitingOf = (jobs: number) => Math.floor(jobs / 20);
/** How many jobs of each planted kind (mismatch, missing new, missing old, ...). */
export const perKindOf = (jobs: number) => Math.max(10, Math.floor(jobs / 1250));

/**
 * The jobs' shape: 'bench' (params of ~100 bytes, so each job is a Redis hash table) or 'issue'
 * (issue 15's ~60-byte params: every value fits a listpack, one compact hash per job).
 */
export type DataShape = 'bench' | 'issue';

/** Job i's params as Python spells them (spaces after ',' and ':'): equal as values to load-jobs.lua's. */
function pythonParamsOf(i: number, shape: DataShape): string {
  return shape === 'issue'
    ? `{"to": "u${i}@example.com", "subject": "Weekly", "n": ${i}}`
    : `{"to": "user${i}@example.com", "subject": "Weekly report", "body": "Numbers for the week, attached", "n": ${i}}`;
}

export const wsOf = (i: number) => `ws-${i % WORKSPACES}`;
export const idOf = (i: number) => `bench-${i}`;

/** Writes jobs [from, to) of a keyspace of `jobs`; the first awaitingOf(jobs) have no new copy. */
export async function load(
  redis: Redis,
  jobs: number,
  from: number,
  to: number,
  shape: DataShape = 'bench',
): Promise<void> {
  const awaiting = awaitingOf(jobs);
  const calls = Math.ceil((to - from) / LOAD_BATCH);
  await runInFlight(calls, 4, async (c) => {
    const first = from + c * LOAD_BATCH;
    const count = Math.min(LOAD_BATCH, to - first);
    const early = first < awaiting;
    const n = early ? Math.min(count, awaiting - first) : count;
    await redis.eval(
      loadJobsLua,
      0,
      first,
      n,
      WORKSPACES,
      early ? EARLY : LATE,
      early ? 0 : FLAG_ON_MS + 1,
      early ? '0' : '1',
      20,
      shape,
    );
    if (n < count)
      await redis.eval(
        loadJobsLua,
        0,
        first + n,
        count - n,
        WORKSPACES,
        LATE,
        FLAG_ON_MS + 1,
        '1',
        20,
        shape,
      );
  });
}

/** Plants divergences among the dual-written jobs; returns the exact set a check must report. */
export async function plant(
  redis: Redis,
  jobs: number,
  shape: DataShape = 'bench',
): Promise<Set<string>> {
  const awaiting = awaitingOf(jobs);
  const expected = new Set<string>();
  for (let i = 0; i < awaiting; i++) expected.add(`awaiting_backfill:${idOf(i)}`);
  const perKind = perKindOf(jobs);
  const pipeline = redis.pipeline();
  for (let k = 0; k < perKind * 5; k++) {
    let i = awaiting + 1 + 13 * k;
    if (i % 20 === 0) i++; // queued jobs are left alone, so a missing old hash makes no orphan entry
    const id = idOf(i);
    const ws = wsOf(i);
    switch (k % 5) {
      case 0:
        pipeline.hset(keys.newJob(ws, id), 'status', 'running');
        expected.add(`mismatch:${id}`);
        break;
      case 1:
        pipeline.del(keys.newJob(ws, id));
        expected.add(`missing_in_new:${id}`);
        break;
      case 2:
        pipeline.del(keys.oldJob(id));
        expected.add(`missing_in_old:${id}`);
        break;
      case 3:
        pipeline.rename(keys.newJob(ws, id), keys.newJob(wsOf(i + 1), id));
        expected.add(`workspace_mismatch:${id}`);
        break;
      case 4: // the same params as Python writes them: equal as values, so in sync
        pipeline.hset(keys.newJob(ws, id), 'params', pythonParamsOf(i, shape));
        break;
    }
  }
  const ghosts = Math.max(10, Math.floor(jobs / 3000));
  for (let k = 0; k < ghosts; k++) {
    pipeline.rpush(keys.queue, `ghost-q-${k}`);
    expected.add(`orphan_queue_entry:ghost-q-${k}`);
    pipeline.set(keys.idempotency(wsOf(k), `ghost-req-${k}`), `ghost-idem-${k}`, 'EX', 86400);
    expected.add(`orphan_idempotency_key:ghost-idem-${k}`);
  }
  for (let i = awaiting; i < jobs; i += 100)
    pipeline.set(keys.idempotency(wsOf(i), `req-${i}`), idOf(i), 'EX', 86400);
  await pipeline.exec();
  return expected;
}
