import { afterEach, describe, expect, it, vi } from 'vitest';
import type { BackgroundIndexer } from '../../electron/core/migration/background-indexer';
import { keys } from '../../electron/core/keys';
import { registerScripts, runScript, scripts } from '../../electron/core/scripts';
import { sampleJob, useRedis } from '../helpers/core';

/** The hosts' background indexer: other producers' jobs reach the listings without a cron job. */
describe('background indexer', () => {
  const env = useRedis();
  const running: BackgroundIndexer[] = [];
  afterEach(async () => {
    await Promise.all(running.splice(0).map((i) => i.stop()));
  });

  const fast = { stepMs: 5, restMs: 20, scanCount: 200, retryMs: 20 };

  async function commandCalls(): Promise<Record<string, number>> {
    const info = await env.redis.info('commandstats');
    return Object.fromEntries(
      [...info.matchAll(/cmdstat_([a-z|]+):calls=(\d+)/g)].map((m) => [m[1]!, Number(m[2])]),
    );
  }

  async function passes(indexer: BackgroundIndexer, atLeast: number) {
    await vi.waitFor(() => expect(indexer.status().passes).toBeGreaterThanOrEqual(atLeast), {
      timeout: 30_000,
      interval: 10,
    });
  }

  async function writeForeignJob(id: string, ws: string, bothSchemas: boolean) {
    const fields = {
      job_id: id,
      status: 'pending',
      workspace_id: ws,
      enqueued_at: new Date(1_700_000_000_000).toISOString(),
    };
    await env.redis.hset(keys.oldJob(id), fields);
    if (bothSchemas) await env.redis.hset(keys.newJob(ws, id), fields);
    await env.redis.rpush(keys.queue, id);
  }

  it('files a job another producer wrote, in a workspace it never saw, while the host runs', async () => {
    const core = env.core();
    await core.invoke('enqueue', sampleJob({ job_id: 'ours-1' }));
    await env.redis.set(keys.oldJob('wrong-typed'), 'not a hash'); // skipped, not fatal
    const indexer = core.startBackgroundIndexer(fast)!;
    running.push(indexer);
    await passes(indexer, 1);
    await writeForeignJob('theirs-1', 'ws-foreign', false);
    await writeForeignJob('theirs-2', 'ws-foreign', true);
    await vi.waitFor(
      async () => {
        const page = await core.invoke('listJobs', { workspace_id: 'ws-foreign' });
        expect(page.rows.map((r) => r.job_id).sort()).toEqual(['theirs-1', 'theirs-2']);
      },
      { timeout: 30_000, interval: 20 },
    );
    expect((await core.invoke('listWorkspaces', {})).map((w) => w.workspace_id)).toEqual([
      'ws-1',
      'ws-foreign',
    ]);
    expect(indexer.status()).toMatchObject({ indexed: 2, lastError: null });
  });

  it('a pass over an indexed keyspace reads no job: only SCAN steps', async () => {
    const core = env.core();
    await core.invoke('setFlag', { value: 'on', actor_id: 'ops' });
    for (let i = 0; i < 3000; i += 1000) {
      await core.invoke('enqueueMany', {
        jobs: Array.from({ length: 1000 }, (_, j) =>
          sampleJob({ workspace_id: `ws-${j % 7}`, job_id: `job-${i + j}` }),
        ),
      });
    }
    const indexer = core.startBackgroundIndexer(fast)!;
    running.push(indexer);
    await passes(indexer, 1);
    const before = await commandCalls();
    const done = indexer.status().passes;
    await passes(indexer, done + 2);
    const after = await commandCalls();
    const used = Object.keys(after).filter((c) => after[c] !== before[c] && c !== 'info');
    // 6,000 job keys (two schemas) in SCAN steps of 200: no HMGET, HGET or ZADD.
    expect(used).toEqual(['scan']);
    expect(after.scan! - before.scan!).toBeGreaterThanOrEqual(2 * 25);
    expect(indexer.status()).toMatchObject({ indexed: 0, jobsRead: 0 });
  });

  it('keeps going after Redis goes away and comes back', async () => {
    const core = env.core();
    const indexer = core.startBackgroundIndexer(fast)!;
    running.push(indexer);
    await passes(indexer, 1);
    await env.server.kill();
    await vi.waitFor(() => expect(indexer.status().lastError).not.toBeNull(), {
      timeout: 30_000,
      interval: 20,
    });
    await env.server.restart();
    await writeForeignJob('after-outage', 'ws-late', false);
    await vi.waitFor(
      async () => {
        const page = await core.invoke('listJobs', { workspace_id: 'ws-late' });
        expect(page.rows.map((r) => r.job_id)).toEqual(['after-outage']);
      },
      { timeout: 30_000, interval: 20 },
    );
    expect(indexer.status().lastError).toBeNull();
  });

  it('a read-only connection runs no indexer', async () => {
    const readOnly = env.core({ readOnly: true });
    expect(readOnly.startBackgroundIndexer(fast)).toBeNull();
  });

  it('sends nothing once stopped', async () => {
    const core = env.core();
    const indexer = core.startBackgroundIndexer({ ...fast, restMs: 0, stepMs: 0 })!;
    await passes(indexer, 3);
    await indexer.stop();
    const before = (await commandCalls()).scan;
    await new Promise((r) => setTimeout(r, 100));
    expect((await commandCalls()).scan).toBe(before);
    expect(indexer.status().running).toBe(false);
  });

  it('files a job only while the key it read still exists, so an index never names a gone job', async () => {
    const redis = env.redis;
    registerScripts(redis);
    await writeForeignJob('still-here', 'ws-x', false);
    const reply = await runScript(
      redis,
      scripts.fileJobs,
      [
        keys.workspaces,
        keys.oldJob('still-here'),
        keys.workspaceIndex('ws-x'),
        keys.oldJob('deleted-since-read'),
        keys.workspaceIndex('ws-y'),
      ],
      ['still-here', 1_700_000_000_000, 'ws-x', 'deleted-since-read', 1_700_000_000_001, 'ws-y'],
    );
    expect(reply).toEqual([1, -1]);
    expect(await redis.zrange(keys.workspaceIndex('ws-x'), '0', '-1')).toEqual(['still-here']);
    expect(await redis.exists(keys.workspaceIndex('ws-y'))).toBe(0);
    expect(await redis.smembers(keys.workspaces)).toEqual(['ws-x']);
  });
});
