import { describe, expect, it, vi } from 'vitest';
import type { QueueCore } from '../../electron/core/core';
import { keys } from '../../electron/core/keys';
import { dualWriteOnSettled, sampleJob, useRedis } from '../helpers/core';

/** Listing at scale: from the per-workspace index and kept counts, never a keyspace walk. */
describe('listing from the index', () => {
  const env = useRedis();

  async function seed(core: QueueCore, n: number, ws = 'ws-1') {
    // Past the flip's millisecond: a job enqueued in it could count as awaiting backfill.
    await dualWriteOnSettled(core);
    for (let i = 0; i < n; i += 1000) {
      const jobs = Array.from({ length: Math.min(1000, n - i) }, (_, j) =>
        sampleJob({ workspace_id: ws, job_id: `${ws}-job-${String(i + j).padStart(5, '0')}` }),
      );
      await core.invoke('enqueueMany', { jobs });
    }
  }

  it('pages a status filter through the whole workspace without gaps or repeats', async () => {
    const core = env.core();
    await seed(core, 2300);
    const running = new Set<string>();
    for (let i = 0; i < 2300; i += 7) {
      const id = `ws-1-job-${String(i).padStart(5, '0')}`;
      await core.invoke('updateStatus', { job_id: id, status: 'running', workspace_id: 'ws-1' });
      running.add(id);
    }
    const seen: string[] = [];
    let cursor: string | undefined;
    let pages = 0;
    do {
      const page = await core.invoke('listJobs', {
        workspace_id: 'ws-1',
        status: 'running',
        limit: 40,
        ...(cursor ? { cursor } : {}),
      });
      expect(page.rows.length).toBeLessThanOrEqual(40);
      for (const row of page.rows) expect(row.old_status).toBe('running');
      seen.push(...page.rows.map((r) => r.job_id));
      cursor = page.next_cursor ?? undefined;
      pages++;
    } while (cursor && pages < 100);
    expect(seen.length).toBe(running.size);
    expect(new Set(seen)).toEqual(running);
    // Newest first: ids were enqueued in order.
    expect(seen).toEqual([...seen].sort().reverse());
  });

  it('pages without filters read exactly the page, newest first', async () => {
    const core = env.core();
    await seed(core, 250);
    const first = await core.invoke('listJobs', { workspace_id: 'ws-1', limit: 100 });
    expect(first.total).toBe(250);
    expect(first.rows[0]!.job_id).toBe('ws-1-job-00249');
    expect(first.next_cursor).toBe('100');
    const last = await core.invoke('listJobs', { workspace_id: 'ws-1', limit: 100, cursor: '200' });
    expect(last.rows.map((r) => r.job_id)).toHaveLength(50);
    expect(last.next_cursor).toBeNull();
  });

  /** Lists until no workspace is still being counted in the background. */
  async function countedList(core: QueueCore) {
    return vi.waitFor(
      async () => {
        const list = await core.invoke('listWorkspaces', {});
        if (list.some((w) => w.counting)) throw new Error('still counting');
        return list;
      },
      { timeout: 60_000, interval: 50 },
    );
  }

  /** Script calls (EVAL and EVALSHA) Redis has answered so far. */
  async function scriptCalls(): Promise<number> {
    const info = await env.redis.info('commandstats');
    let calls = 0;
    for (const m of info.matchAll(/cmdstat_(?:eval|evalsha):calls=(\d+)/g)) calls += Number(m[1]);
    return calls;
  }

  it('lists a big workspace without counts at once, marked counting, and counts it once in the background', async () => {
    const core = env.core();
    await seed(core, 1500, 'ws-big');
    await countedList(core); // still small: counted on the read, which also loads the count script
    await core.invoke('enqueueMany', {
      jobs: Array.from({ length: 1000 }, (_, j) =>
        sampleJob({ workspace_id: 'ws-big', job_id: `ws-big-late-${String(j).padStart(4, '0')}` }),
      ),
    });
    await env.redis.del(keys.workspaceCounts('ws-big')); // 2500 jobs now, and no kept counts
    await env.redis.config('RESETSTAT');
    // Asked three times at once before any count is kept: each answers without waiting.
    const lists = await Promise.all([1, 2, 3].map(() => core.invoke('listWorkspaces', {})));
    for (const list of lists) {
      expect(list).toEqual([
        {
          workspace_id: 'ws-big',
          old: { pending: 0, running: 0, completed: 0, failed: 0, other: 0 },
          new: { pending: 0, running: 0, completed: 0, failed: 0, other: 0 },
          counting: true,
        },
      ]);
    }
    const later = await countedList(core);
    expect(later).toEqual([
      {
        workspace_id: 'ws-big',
        old: { pending: 2500, running: 0, completed: 0, failed: 0, other: 0 },
        new: { pending: 2500, running: 0, completed: 0, failed: 0, other: 0 },
      },
    ]);
    expect(await env.redis.exists(keys.workspaceCounts('ws-big'))).toBe(1);
    // One walk of the big index (13 slices of 200), however often the listing asked meanwhile.
    expect(await scriptCalls()).toBe(13);
  });

  it('serves stale counts of a big workspace at once and refreshes them in the background', async () => {
    const core = env.core();
    await seed(core, 2500, 'ws-big');
    await countedList(core);
    // 1000 more jobs: the kept counts no longer match the index.
    await core.invoke('enqueueMany', {
      jobs: Array.from({ length: 1000 }, (_, j) =>
        sampleJob({ workspace_id: 'ws-big', job_id: `ws-big-late-${String(j).padStart(4, '0')}` }),
      ),
    });
    const [stale] = await core.invoke('listWorkspaces', {});
    expect(stale).toEqual({
      workspace_id: 'ws-big',
      old: { pending: 2500, running: 0, completed: 0, failed: 0, other: 0 },
      new: { pending: 2500, running: 0, completed: 0, failed: 0, other: 0 },
    });
    await vi.waitFor(
      async () => {
        const [fresh] = await core.invoke('listWorkspaces', {});
        expect(fresh).toEqual({
          workspace_id: 'ws-big',
          old: { pending: 3500, running: 0, completed: 0, failed: 0, other: 0 },
          new: { pending: 3500, running: 0, completed: 0, failed: 0, other: 0 },
        });
      },
      { timeout: 60_000, interval: 50 },
    );
  });

  it('a background recount that fails surfaces its error on the next listing, not "counting" for ever', async () => {
    const core = env.core();
    await seed(core, 2500, 'ws-big');
    await env.redis.del(keys.workspaceCounts('ws-big'));
    // Redis full: reads still answer, the recount cannot keep its counts.
    await env.redis.config('SET', 'maxmemory', '1');
    try {
      const [first] = await core.invoke('listWorkspaces', {});
      expect(first).toMatchObject({ workspace_id: 'ws-big', counting: true });
      await vi.waitFor(
        async () => {
          await expect(core.invoke('listWorkspaces', {})).rejects.toThrow(/maxmemory|OOM/);
        },
        { timeout: 30_000, interval: 50 },
      );
    } finally {
      await env.redis.config('SET', 'maxmemory', '0');
    }
    const [counted] = await countedList(core);
    expect(counted).toMatchObject({ old: { pending: 2500 }, new: { pending: 2500 } });
  });

  it('many small workspaces: counts what fits a listing at once, the rest in the background', async () => {
    const core = env.core();
    for (const ws of ['ws-a', 'ws-b', 'ws-c', 'ws-d']) await seed(core, 1500, ws);
    const first = await core.invoke('listWorkspaces', {});
    // 6,000 ids in all: two workspaces fit the 4,000-id budget, two are counted in the background.
    expect(first.filter((w) => w.counting).length).toBe(2);
    expect(first.filter((w) => !w.counting).every((w) => w.old.pending === 1500)).toBe(true);
    const later = await countedList(core);
    expect(later.map((w) => w.old.pending)).toEqual([1500, 1500, 1500, 1500]);
    // Once all are counted, a listing recounts only what fits its budget (8 slices of 200 ids
    // per workspace of 1,500); the other two are served from their fresh kept counts.
    await env.redis.config('RESETSTAT');
    await core.invoke('listWorkspaces', {});
    expect(await scriptCalls()).toBe(2 * 8);
  });

  it('a read-only connection lists counts without writing anything to Redis', async () => {
    await seed(env.core(), 2500, 'ws-big'); // above the size recounted on every read
    await env.redis.del(keys.workspaceCounts('ws-big'));
    const readOnly = env.core({ readOnly: true });
    const dbsize = await env.redis.dbsize();
    const [first] = await readOnly.invoke('listWorkspaces', {});
    expect(first).toMatchObject({ workspace_id: 'ws-big', counting: true });
    const [counted] = await countedList(readOnly);
    expect(counted).toMatchObject({
      workspace_id: 'ws-big',
      old: { pending: 2500 },
      new: { pending: 2500 },
    });
    const [again] = await readOnly.invoke('listWorkspaces', {});
    expect(again).toEqual(counted);
    expect(await env.redis.dbsize()).toBe(dbsize);
    expect(await env.redis.exists(keys.workspaceCounts('ws-big'))).toBe(0);
  });

  it('counts statuses per schema from kept counts, and names divergent jobs from the last check', async () => {
    const core = env.core();
    await seed(core, 30, 'ws-a');
    await seed(core, 5, 'ws-b');
    await core.invoke('updateStatus', {
      job_id: 'ws-a-job-00001',
      status: 'running',
      workspace_id: 'ws-a',
    });
    await env.redis.del(keys.newJob('ws-a', 'ws-a-job-00002'));
    const before = await core.invoke('listWorkspaces', {});
    expect(before).toEqual([
      {
        workspace_id: 'ws-a',
        old: { pending: 29, running: 1, completed: 0, failed: 0, other: 0 },
        new: { pending: 28, running: 1, completed: 0, failed: 0, other: 0 },
      },
      {
        workspace_id: 'ws-b',
        old: { pending: 5, running: 0, completed: 0, failed: 0, other: 0 },
        new: { pending: 5, running: 0, completed: 0, failed: 0, other: 0 },
      },
    ]);
    expect(await env.redis.exists(keys.workspaceCounts('ws-a'))).toBe(1);
    await core.invoke('divergenceCheck', {});
    const after = await core.invoke('listWorkspaces', {});
    expect(after.map((w) => [w.workspace_id, w.divergent])).toEqual([
      ['ws-a', 1],
      ['ws-b', 0],
    ]);
  });

  it("files other producers' jobs by the background index step, a bounded step at a time", async () => {
    const core = env.core();
    await seed(core, 10);
    // Another producer writes both copies itself, never touching our index.
    for (let i = 0; i < 3000; i++) {
      const fields = {
        job_id: `f-${i}`,
        status: 'pending',
        workspace_id: 'ws-foreign',
        enqueued_at: new Date(1_700_000_000_000 + i).toISOString(),
      };
      await env.redis.hset(keys.oldJob(`f-${i}`), fields);
      if (i % 2) await env.redis.hset(keys.newJob('ws-foreign', `f-${i}`), fields);
    }
    const unseen = await core.invoke('listJobs', { workspace_id: 'ws-foreign' });
    expect(unseen.total).toBe(0);
    let steps = 0;
    let indexed = 0;
    for (;;) {
      const step = await core.invoke('indexStep', { steps: 1 });
      expect(step.scanned).toBeLessThan(3000);
      indexed += step.indexed;
      steps++;
      if (step.pass_complete) break;
    }
    expect(steps).toBeGreaterThan(1);
    expect(indexed).toBe(3000);
    const page = await core.invoke('listJobs', { workspace_id: 'ws-foreign', limit: 5 });
    expect(page.total).toBe(3000);
    expect(page.rows.map((r) => r.job_id)).toEqual([
      'f-2999',
      'f-2998',
      'f-2997',
      'f-2996',
      'f-2995',
    ]);
    expect((await core.invoke('listWorkspaces', {})).map((w) => w.workspace_id)).toContain(
      'ws-foreign',
    );
    // A second pass finds nothing new to file.
    let again = 0;
    for (;;) {
      const step = await core.invoke('indexStep', { steps: 10 });
      again += step.indexed;
      if (step.pass_complete) break;
    }
    expect(again).toBe(0);
  });
});
