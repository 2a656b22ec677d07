import { describe, expect, it } from 'vitest';
import type { QueueCore } from '../../electron/core/core';
import { keys } from '../../electron/core/keys';
import { sampleJob, useRedis } from '../helpers/core';
import { allKeys } from '../helpers/redis-snapshot';

const JOBS = 5000;
const IN_FLIGHT = 64;
const KILL_AFTER = 1500;

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** A well-behaved producer: retries a call that failed because Redis did not answer, until it succeeds. */
async function enqueueUntilDone(
  core: QueueCore,
  n: number,
  stats: { retries: number; duplicates: number },
): Promise<string> {
  for (;;) {
    try {
      const out = await core.invoke(
        'enqueue',
        sampleJob({ client_request_id: `req-${n}`, params: { n } }),
      );
      // A duplicate here means an earlier attempt did run but its answer was lost in the crash.
      if (out.outcome === 'duplicate') stats.duplicates++;
      return out.job_id;
    } catch (error) {
      if ((error as { code?: string }).code !== 'REDIS_UNAVAILABLE') throw error;
      stats.retries++;
      await sleep(50);
    }
  }
}

/**
 * docs/operations.md, "enqueue", step 2 under a crash: Redis is SIGKILLed (AOF on, fsync always)
 * in the middle of a burst and restarted; every producer retries with its own client_request_id
 * until it succeeds.
 */
describe('SIGKILL and restart in the middle of a burst of enqueues', () => {
  const env = useRedis({ appendonly: true });

  it(
    `ends with exactly ${JOBS} jobs, each in both schemas and once in the queue`,
    { timeout: 120_000 },
    async () => {
      await env.redis.set(keys.flag, 'on');
      const core = env.core();
      const stats = { retries: 0, duplicates: 0 };
      const ids: string[] = new Array(JOBS);
      let next = 0;
      let done = 0;
      let crash: Promise<void> | null = null;
      const worker = async () => {
        while (next < JOBS) {
          const n = next++;
          ids[n] = await enqueueUntilDone(core, n, stats);
          if (++done === KILL_AFTER) {
            crash = (async () => {
              await env.server.kill('SIGKILL');
              await sleep(1000); // long enough for producers to retry against a dead server
              await env.server.restart();
            })();
          }
        }
      };
      await Promise.all(Array.from({ length: IN_FLIGHT }, worker));
      await crash;

      expect(stats.retries).toBeGreaterThan(0); // the crash did land inside the burst
      expect(new Set(ids).size).toBe(JOBS);
      const queue = await env.redis.lrange(keys.queue, 0, -1);
      expect(queue.length).toBe(JOBS);
      expect(new Set(queue)).toEqual(new Set(ids));

      const old = await allKeys(env.redis, 'ai:jobs:*');
      const fresh = await allKeys(env.redis, 'ai:job:*');
      const idem = await allKeys(env.redis, 'ai:idempotency:*');
      expect(old).toEqual(ids.map((id) => keys.oldJob(id)).sort());
      expect(fresh).toEqual(ids.map((id) => keys.newJob('ws-1', id)).sort());
      expect(idem.length).toBe(JOBS);
      for (let n = 0; n < JOBS; n += 1) {
        expect(await env.redis.get(keys.idempotency('ws-1', `req-${n}`))).toBe(ids[n]);
      }
      for (const id of ids.slice(0, 200)) {
        expect(await env.redis.hgetall(keys.newJob('ws-1', id))).toEqual(
          await env.redis.hgetall(keys.oldJob(id)),
        );
      }
      expect(await env.redis.zcard(keys.workspaceIndex('ws-1'))).toBe(JOBS);
      // The succeeded counter is part of the same atomic write, so it survived the crash with the jobs.
      expect(await env.redis.hget(keys.metricsTotal, 'ws-1|succeeded')).toBe(String(JOBS));

      const everything = await allKeys(env.redis);
      const known = new Set([
        ...old,
        ...fresh,
        ...idem,
        keys.queue,
        keys.flag,
        keys.workspaces,
        keys.workspaceIndex('ws-1'),
        keys.metricsTotal,
      ]);
      const stray = everything.filter((k) => !known.has(k) && !/^ai:qs:dw:\d+$/.test(k));
      expect(stray).toEqual([]);
      console.info(
        `crash burst: ${JOBS} calls, ${stats.retries} retried calls (${stats.duplicates} answered duplicate), ${old.length} old + ${fresh.length} new hashes, ` +
          `${queue.length} queue entries, ${everything.length} keys in all, ` +
          `failed attempts counted ${await env.redis.hget(keys.metricsTotal, 'ws-1|failed')}`,
      );
    },
  );
});
