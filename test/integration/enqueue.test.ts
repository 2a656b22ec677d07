import type { Redis } from 'ioredis';
import { describe, expect, it } from 'vitest';
import { JOBS_PER_CALL, PARAMS_CHARS_PER_CALL, SEND_AT } from '../../electron/core/jobs/enqueue';
import { keys } from '../../electron/core/keys';
import { scripts } from '../../electron/core/scripts';
import { sampleJob, useRedis } from '../helpers/core';

const UUID_V7 = /^[0-9a-f]{8}-[0-9a-f]{4}-7[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/;

/** Script calls Redis ran since the last CONFIG RESETSTAT (EVALSHA plus the first EVAL). */
async function scriptCalls(redis: Redis): Promise<number> {
  const info = await redis.info('commandstats');
  return [...info.matchAll(/cmdstat_(?:evalsha|eval):calls=(\d+)/g)].reduce(
    (n, m) => n + Number(m[1]),
    0,
  );
}

describe('enqueue', () => {
  const env = useRedis();

  it('writes the old hash only while the flag is off', async () => {
    const core = env.core();
    const out = await core.invoke('enqueue', sampleJob({ job_id: 'job-1' }));
    expect(out).toEqual({ outcome: 'enqueued', job_id: 'job-1' });
    expect(await env.redis.hgetall('ai:jobs:job-1')).toMatchObject({
      job_id: 'job-1',
      status: 'pending',
      workspace_id: 'ws-1',
      params: '{"to":"a@example.com"}',
      result: '',
    });
    expect(await env.redis.exists('ai:job:ws-1:job-1')).toBe(0);
    expect(await env.redis.lrange('ai:queue:pending', 0, -1)).toEqual(['job-1']);
  });

  it('dual-writes when the flag is on in Redis and counts a succeeded attempt', async () => {
    const core = env.core();
    await env.redis.set('ai:flags:new_schema', 'on');
    await core.invoke('enqueue', sampleJob({ job_id: 'job-2' }));
    expect(await env.redis.hgetall('ai:job:ws-1:job-2')).toEqual(
      await env.redis.hgetall('ai:jobs:job-2'),
    );
    const report = await core.invoke('metrics', { window: '15m' });
    expect(report.succeeded).toBe(1);
    expect(report.failed).toBe(0);
  });

  it('returns the first job id for a duplicate request id and writes nothing else', async () => {
    const core = env.core();
    const first = await core.invoke('enqueue', sampleJob({ client_request_id: 'req-1' }));
    const second = await core.invoke(
      'enqueue',
      sampleJob({ client_request_id: 'req-1', job_id: 'other' }),
    );
    expect(second).toEqual({ outcome: 'duplicate', job_id: first.job_id });
    expect(await env.redis.exists('ai:jobs:other')).toBe(0);
    expect(await env.redis.llen('ai:queue:pending')).toBe(1);
    expect(await env.redis.ttl(`ai:idempotency:ws-1:req-1`)).toBeGreaterThan(86_000);
  });

  it('refuses an existing job id with CONFLICT', async () => {
    const core = env.core();
    await core.invoke('enqueue', sampleJob({ job_id: 'job-3' }));
    await expect(core.invoke('enqueue', sampleJob({ job_id: 'job-3' }))).rejects.toMatchObject({
      code: 'CONFLICT',
    });
    expect(await env.redis.llen('ai:queue:pending')).toBe(1);
  });

  it('gives each job of one batch its own outcome and writes nothing of the refused ones', async () => {
    const core = env.core({ defaultFlag: 'on' });
    await core.invoke('enqueue', sampleJob({ job_id: 'taken' }));
    await env.redis.set(keys.idempotency('ws-1', 'req-held'), 'first');
    await env.redis.lpush(keys.idempotency('ws-1', 'req-list'), 'x');
    await env.redis.set(keys.workspaceIndex('ws-broken'), 'not a zset');
    const { results } = await core.invoke('enqueueMany', {
      jobs: [
        sampleJob({ job_id: 'a', client_request_id: 'req-a' }),
        sampleJob({ job_id: 'b', client_request_id: 'req-a' }), // same request, same batch
        sampleJob({ job_id: 'taken' }),
        sampleJob({ job_id: 'c', client_request_id: 'req-held' }),
        sampleJob({ job_id: 'd', client_request_id: 'req-list' }),
        sampleJob({ job_id: 'e', workspace_id: 'ws-broken' }),
        sampleJob({ job_id: 'f', workspace_id: 'bad id' }),
        sampleJob({ job_id: 'a' }), // same id, same batch
        sampleJob({ job_id: 'g', workspace_id: 'ws-2' }),
      ],
    });
    expect(results.map((r) => (r.outcome === 'error' ? r.error.code : r.outcome))).toEqual([
      'enqueued',
      'duplicate',
      'CONFLICT',
      'duplicate',
      'INTERNAL',
      'INTERNAL',
      'VALIDATION',
      'CONFLICT',
      'enqueued',
    ]);
    expect(results[1]).toEqual({ outcome: 'duplicate', job_id: 'a' });
    expect(results[3]).toEqual({ outcome: 'duplicate', job_id: 'first' });
    expect(await env.redis.lrange(keys.queue, 0, -1)).toEqual(['taken', 'a', 'g']);
    for (const id of ['b', 'c', 'd', 'e', 'f']) {
      expect(await env.redis.exists(keys.oldJob(id))).toBe(0);
    }
    expect(await env.redis.exists(keys.newJob('ws-broken', 'e'))).toBe(0);
    expect(await env.redis.get(keys.workspaceIndex('ws-broken'))).toBe('not a zset');
    expect((await env.redis.zrange(keys.workspaceIndex('ws-1'), '0', '-1')).sort()).toEqual([
      'a',
      'taken',
    ]);
    expect((await env.redis.smembers(keys.workspaces)).sort()).toEqual(['ws-1', 'ws-2']);
    // Succeeded attempts are counted by the script itself; the two wrong-typed jobs count as failed
    // attempts (docs/operations.md, "enqueue"), flushed to Redis right after the call.
    const counted = { 'ws-1|succeeded': '2', 'ws-2|succeeded': '1' };
    const failed = { 'ws-1|failed': '1', 'ws-broken|failed': '1' };
    let total = await env.redis.hgetall(keys.metricsTotal);
    for (let i = 0; i < 100 && !total['ws-broken|failed']; i++) {
      await new Promise((r) => setTimeout(r, 20));
      total = await env.redis.hgetall(keys.metricsTotal);
    }
    expect(total).toEqual({ ...counted, ...failed });
  });

  it('dual-writes a new copy equal to the old one, field for field and in encoding, with no expiry, short or long params', async () => {
    const core = env.core({ defaultFlag: 'on' });
    // Params over 64 bytes take Redis's hash table encoding, shorter ones its compact listpack.
    const { results } = await core.invoke('enqueueMany', {
      jobs: [
        sampleJob({ params: { n: 1 } }),
        sampleJob({ params: { text: 'y'.repeat(200) }, client_request_id: 'req-long' }),
      ],
    });
    const encodings: string[] = [];
    for (const r of results) {
      if (r.outcome !== 'enqueued') throw new Error(JSON.stringify(r));
      const [oldKey, newKey] = [keys.oldJob(r.job_id), keys.newJob('ws-1', r.job_id)];
      expect(await env.redis.hgetall(newKey)).toEqual(await env.redis.hgetall(oldKey));
      const encoding = await env.redis.object('ENCODING', newKey);
      expect(encoding).toBe(await env.redis.object('ENCODING', oldKey));
      encodings.push(String(encoding));
      expect(await env.redis.ttl(newKey)).toBe(-1);
    }
    expect(encodings).toEqual(['listpack', 'hashtable']);
    expect(await env.redis.ttl(keys.idempotency('ws-1', 'req-long'))).toBeGreaterThan(0);
  });

  it('stamps every job with enqueued_at and the same instant as its index score', async () => {
    const core = env.core({ defaultFlag: 'on' });
    const before = Date.now();
    const { results } = await core.invoke('enqueueMany', {
      jobs: Array.from({ length: 300 }, (_, i) => sampleJob({ workspace_id: `ws-${i % 3}` })),
    });
    const after = Date.now();
    for (const [i, r] of results.entries()) {
      if (r.outcome !== 'enqueued') throw new Error(`job ${i}: ${JSON.stringify(r)}`);
      const ws = `ws-${i % 3}`;
      const hash = await env.redis.hgetall(keys.oldJob(r.job_id));
      expect(hash).toEqual(await env.redis.hgetall(keys.newJob(ws, r.job_id)));
      expect(hash.enqueued_at).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/);
      const at = Date.parse(hash.enqueued_at!);
      expect(at).toBeGreaterThanOrEqual(before);
      expect(at).toBeLessThanOrEqual(after);
      expect(Number(await env.redis.zscore(keys.workspaceIndex(ws), r.job_id))).toBe(at);
    }
  });

  it('generates distinct, time-ordered UUIDv7 ids, in the order the calls were made', async () => {
    const core = env.core();
    const out = await Promise.all(
      Array.from({ length: 2000 }, () => core.invoke('enqueue', sampleJob())),
    );
    const ids = out.map((o) => o.job_id);
    for (const id of ids) expect(id).toMatch(UUID_V7);
    expect(new Set(ids).size).toBe(ids.length);
    expect([...ids].sort()).toEqual(ids);
    // Concurrent calls of one core reach the queue in the order they were made.
    expect(await env.redis.lrange(keys.queue, 0, -1)).toEqual(ids);
  });

  it('gathers a burst into bounded calls, and cuts a full enqueueMany into JOBS_PER_CALL chunks', async () => {
    const core = env.core();
    await core.invoke('getFlag', {});
    await env.redis.config('RESETSTAT');
    await Promise.all(Array.from({ length: 1000 }, () => core.invoke('enqueue', sampleJob())));
    expect(await scriptCalls(env.redis)).toBe(Math.ceil(1000 / SEND_AT));

    await env.redis.config('RESETSTAT');
    const ids = Array.from({ length: 1000 }, (_, i) => `bulk-${i}`);
    const { results } = await core.invoke('enqueueMany', {
      jobs: ids.map((job_id) => sampleJob({ job_id })),
    });
    expect(results.every((r) => r.outcome === 'enqueued')).toBe(true);
    expect(await scriptCalls(env.redis)).toBe(Math.ceil(1000 / JOBS_PER_CALL));
    expect(await env.redis.lrange(keys.queue, 1000, -1)).toEqual(ids);
  });

  /** Calls the enqueue script straight, one job per id in workspace ws-1, as the header describes. */
  async function runScriptDirectly(
    ids: string[],
    values = (id: string) => [id, 'ws-1', 'p', 'a', '{}', 'u'],
  ) {
    const raw = env.server.client();
    raw.defineCommand('enqueueScript', { lua: scripts.enqueue.lua });
    const keyList = [
      keys.queue,
      keys.flag,
      keys.metricsBucket(0),
      keys.metricsTotal,
      keys.workspaces,
    ];
    const all: string[] = [];
    for (const id of ids) {
      keyList.push(keys.oldJob(id), keys.newJob('ws-1', id), keys.workspaceIndex('ws-1'), '');
      all.push(...values(id));
    }
    const argv = ['on', 60, 60, new Date(0).toISOString(), 0, JSON.stringify(all)];
    const call = (raw as unknown as Record<string, (...a: unknown[]) => Promise<string[]>>)
      .enqueueScript!;
    return call.call(raw, keyList.length, keyList, argv);
  }

  it('runs a batch larger than Lua can unpack at once whole (the script slices its lists)', async () => {
    const n = 4100; // 8200 ZADD arguments for one workspace: more than one unpack() can take
    const reply = await runScriptDirectly(Array.from({ length: n }, (_, i) => `big-${i}`));
    expect(reply).toEqual(['on', 'e'.repeat(n)]);
    expect(await env.redis.llen(keys.queue)).toBe(n);
    expect(await env.redis.zcard(keys.workspaceIndex('ws-1'))).toBe(n);
    expect(await env.redis.hget(keys.metricsTotal, 'ws-1|succeeded')).toBe(String(n));
  });

  it('refuses KEYS and values that disagree on the number of jobs, writing nothing', async () => {
    await expect(
      runScriptDirectly(['x', 'y'], (id) => (id === 'x' ? [id, 'ws-1', 'p', 'a', '{}'] : [])),
    ).rejects.toThrow(/expected 5 \+ 4n KEYS, 6 ARGV and 6n values/);
    expect(await env.redis.dbsize()).toBe(0);
  });

  it('stores text with a lone surrogate as U+FFFD without failing the other jobs of its call', async () => {
    const core = env.core();
    const { results } = await core.invoke('enqueueMany', {
      jobs: [
        sampleJob({ job_id: 'odd', action_name: 'send \ud800 now', params: { note: 'x\udc00' } }),
        sampleJob({ job_id: 'plain' }),
      ],
    });
    expect(results.map((r) => r.outcome)).toEqual(['enqueued', 'enqueued']);
    const hash = await env.redis.hgetall(keys.oldJob('odd'));
    expect(hash.action_name).toBe('send \ufffd now');
    expect(hash.params).toBe(JSON.stringify({ note: 'x\udc00' }));
    expect(await env.redis.exists(keys.oldJob('plain'))).toBe(1);
  });

  it('adds to a counter exactly as HINCRBY would, and restarts one that HINCRBY would refuse', async () => {
    const core = env.core({ defaultFlag: 'on' });
    const held = ['0', '41', '-3', '007', '0x10', '1e3', ' 5', '1.5', 'abc', '', '9'.repeat(20)];
    for (const [i, value] of held.entries()) {
      await env.redis.hset(keys.metricsTotal, `w${i}|succeeded`, value);
    }
    const { results } = await core.invoke('enqueueMany', {
      jobs: held.map((_, i) => sampleJob({ workspace_id: `w${i}` })),
    });
    expect(results.every((r) => r.outcome === 'enqueued')).toBe(true);
    for (const [i, value] of held.entries()) {
      await env.redis.hset('scratch', 'f', value);
      const expected = await env.redis.hincrby('scratch', 'f', 1).then(String, () => '1');
      expect([value, await env.redis.hget(keys.metricsTotal, `w${i}|succeeded`)]).toEqual([
        value,
        expected,
      ]);
    }
  });

  it('closes a call early once its params reach PARAMS_CHARS_PER_CALL', async () => {
    const core = env.core();
    await core.invoke('getFlag', {});
    const blob = 'x'.repeat(Math.ceil(PARAMS_CHARS_PER_CALL / 3));
    await env.redis.config('RESETSTAT');
    const { results } = await core.invoke('enqueueMany', {
      jobs: Array.from({ length: 10 }, () => sampleJob({ params: { blob } })),
    });
    expect(results.every((r) => r.outcome === 'enqueued')).toBe(true);
    expect(await scriptCalls(env.redis)).toBe(4); // 3 + 3 + 3 + 1
    await env.redis.config('RESETSTAT');
    await Promise.all(
      Array.from({ length: 10 }, () => core.invoke('enqueue', sampleJob({ params: { blob } }))),
    );
    expect(await scriptCalls(env.redis)).toBe(4);
  });
});
