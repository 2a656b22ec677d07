import { describe, expect, it } from 'vitest';
import type { QueueCore } from '../../electron/core/core';
import { keys } from '../../electron/core/keys';
import { sampleJob, useRedis, dualWriteOnSettled } from '../helpers/core';
import { snapshot, changedKeys } from '../helpers/redis-snapshot';

/** docs/repair.md on a real Redis: repair and backfill, compare-and-set, a concurrent worker. */
describe('repair and backfill', () => {
  const env = useRedis();

  async function enqueueMany(core: QueueCore, n: number, prefix: string, ws = 'ws-1') {
    for (let i = 0; i < n; i += 1000) {
      const jobs = Array.from({ length: Math.min(1000, n - i) }, (_, j) =>
        sampleJob({ workspace_id: ws, job_id: `${prefix}-${i + j}` }),
      );
      await core.invoke('enqueueMany', { jobs });
    }
  }

  async function plant(core: QueueCore) {
    await core.invoke('setFlag', { value: 'off', actor_id: 'ops' });
    await enqueueMany(core, 5, 'early');
    await dualWriteOnSettled(core);
    await enqueueMany(core, 50, 'ok');
    const r = env.redis;
    await r.hset(keys.newJob('ws-1', 'ok-1'), 'status', 'running', 'stray', 'x');
    await r.del(keys.newJob('ws-1', 'ok-2'));
    await r.del(keys.oldJob('ok-3'));
    await r.rename(keys.newJob('ws-1', 'ok-4'), keys.newJob('ws-9', 'ok-4'));
    await r.set(keys.idempotency('ws-1', 'req-ghost'), 'ghost-job');
  }

  async function sameCopies(jobId: string, ws = 'ws-1') {
    const [old, copy] = await Promise.all([
      env.redis.hgetall(keys.oldJob(jobId)),
      env.redis.hgetall(keys.newJob(ws, jobId)),
    ]);
    return { old, copy };
  }

  it('a dry run shows the plan and writes nothing', async () => {
    const core = env.core();
    await plant(core);
    const report = await core.invoke('divergenceCheck', {});
    const before = await snapshot(env.redis);
    const plan = await core.invoke('repair', {
      report_id: report.id,
      dry_run: true,
      actor_id: 'ops',
    });
    expect(changedKeys(before, await snapshot(env.redis))).toEqual([]);
    expect(plan.dry_run).toBe(true);
    expect(plan.applied).toBe(0);
    const byJob = Object.fromEntries(plan.planned.map((p) => [p.job_id, p]));
    expect(byJob['ok-1']?.action).toBe('copy old -> new (status, stray)');
    expect(byJob['ok-2']?.category).toBe('missing_in_new');
    const ok3 = plan.planned.filter((p) => p.job_id === 'ok-3').map((p) => p.action);
    // Its queue entry is not planned apart: restoring the old hash is what the entry needs.
    expect(ok3).toEqual(['create the old copy from the new']);
    expect(byJob['ok-4']?.action).toMatch(/move the new copy from ws-9 to ws-1/);
    expect(byJob['ghost-job']?.category).toBe('orphan_idempotency_key');
    expect(plan.planned.filter((p) => p.category === 'awaiting_backfill')).toHaveLength(5);
  });

  it('repairs every fixable divergence from the old schema and leaves the check clean; audited', async () => {
    const core = env.core();
    await plant(core);
    const result = await core.invoke(
      'repair',
      { dry_run: false, actor_id: 'ops' },
      { actor: 'ops' },
    );
    expect(result.skipped).toEqual([]);
    expect(result.applied).toBe(result.planned_count);
    const after = await core.invoke('divergenceCheck', {});
    // ok-3's queue entry points to its restored old hash again: nothing is left.
    expect(after.counts).toEqual(Object.fromEntries(Object.keys(after.counts).map((c) => [c, 0])));
    const ok1 = await sameCopies('ok-1');
    expect(ok1.copy).toEqual(ok1.old);
    expect(ok1.copy.stray).toBeUndefined();
    expect(await env.redis.exists(keys.newJob('ws-9', 'ok-4'))).toBe(0);
    expect(await env.redis.zscore(keys.workspaceIndex('ws-9'), 'ok-4')).toBeNull();
    expect(await env.redis.exists(keys.oldJob('ok-3'))).toBe(1);
    expect(await env.redis.exists(keys.idempotency('ws-1', 'req-ghost'))).toBe(0);
    const audit = await core.invoke('audit', { limit: 10 });
    expect(audit.some((e) => e.operation === 'repair' && e.actor === 'ops')).toBe(true);
  });

  it('skips a fix when a copy changed since the check, keeping the newer write', async () => {
    const core = env.core();
    await plant(core);
    const report = await core.invoke('divergenceCheck', {});
    // A worker moves both copies of ok-1 on after the check saw them differ.
    await env.redis.hset(keys.newJob('ws-1', 'ok-1'), 'status', 'completed');
    await env.redis.hset(keys.oldJob('ok-1'), 'status', 'completed', 'result', '{"n":1}');
    const result = await core.invoke('repair', {
      report_id: report.id,
      categories: ['mismatch'],
      dry_run: false,
      actor_id: 'ops',
    });
    expect(result.applied).toBe(0);
    expect(result.skipped).toEqual([{ job_id: 'ok-1', reason: 'changed since the check' }]);
    expect(await env.redis.hget(keys.newJob('ws-1', 'ok-1'), 'status')).toBe('completed');
  });

  it('backfill copies only the jobs missing in new', async () => {
    const core = env.core();
    await plant(core);
    const result = await core.invoke('repair', { backfill: true, dry_run: false, actor_id: 'ops' });
    expect(result.applied).toBe(6);
    expect(new Set(result.planned.map((p) => p.category))).toEqual(
      new Set(['missing_in_new', 'awaiting_backfill']),
    );
    for (const id of ['early-0', 'early-4', 'ok-2']) {
      const { old, copy } = await sameCopies(id);
      expect(copy).toEqual(old);
    }
    expect(await env.redis.hget(keys.newJob('ws-1', 'ok-1'), 'status')).toBe('running');
    expect(await env.redis.exists(keys.oldJob('ok-3'))).toBe(0);
  });

  /** A worker taking jobs off the queue and moving each to running, then completed. */
  function startWorker(worker: QueueCore) {
    const last = new Map<string, string>();
    let busy = true;
    let updates = 0;
    const done = (async () => {
      while (busy || updates < 2000) {
        const id = await worker.redis.lpop(keys.queue);
        if (!id) break;
        for (const status of ['running', 'completed'] as const) {
          await worker.invoke('updateStatus', { job_id: id, status, workspace_id: 'ws-1' });
          last.set(id, status);
          updates++;
        }
      }
    })();
    return {
      last,
      updates: () => updates,
      async stop() {
        busy = false;
        await done;
      },
    };
  }

  /** Both copies of every job: the old one has the worker's last status, and a copy is never behind it. */
  async function expectNothingLost(
    n: number,
    prefix: string,
    last: Map<string, string>,
    skipped: Set<string>,
  ) {
    for (let i = 0; i < n; i += 1000) {
      const pipeline = env.redis.pipeline();
      for (let j = i; j < i + 1000; j++) {
        pipeline.hgetall(keys.oldJob(`${prefix}-${j}`));
        pipeline.hgetall(keys.newJob('ws-1', `${prefix}-${j}`));
      }
      const replies = (await pipeline.exec())!.map(([, v]) => v as Record<string, string>);
      for (let j = 0; j < 1000; j++) {
        const id = `${prefix}-${i + j}`;
        const [old, copy] = [replies[2 * j]!, replies[2 * j + 1]!];
        expect(old.status).toBe(last.get(id) ?? 'pending');
        if (Object.keys(copy).length === 0) continue; // backfill skipped it: no copy yet
        expect(copy.status).toBe(old.status);
        if (!skipped.has(id)) expect(copy).toEqual(old);
      }
    }
  }

  it('with a worker updating statuses during a backfill, no update is lost and no copy is older than its source', async () => {
    const N = 20_000;
    const core = env.core();
    const worker = env.core();
    await core.invoke('setFlag', { value: 'off', actor_id: 'ops' });
    await enqueueMany(core, N, 'w');
    await core.invoke('setFlag', { value: 'on', actor_id: 'ops' });
    const report = await core.invoke('divergenceCheck', {});
    expect(report.counts.awaiting_backfill).toBe(N);

    const race = startWorker(worker);
    const result = await core.invoke('repair', {
      report_id: report.id,
      backfill: true,
      dry_run: false,
      actor_id: 'ops',
    });
    await race.stop();

    expect(race.updates()).toBeGreaterThan(0);
    expect(result.applied + result.skipped_count!).toBe(N);
    expect(result.skipped.every((s) => s.reason === 'changed since the check')).toBe(true);
    await expectNothingLost(N, 'w', race.last, new Set(result.skipped.map((s) => s.job_id)));
    // What the worker raced past is picked up by the next backfill.
    const again = await core.invoke('repair', { backfill: true, dry_run: false, actor_id: 'ops' });
    expect(again.applied).toBe(result.skipped_count);
    const clean = await core.invoke('divergenceCheck', {});
    expect(clean.counts.awaiting_backfill + clean.counts.mismatch).toBe(0);
    expect(clean.in_sync).toBe(N);
  }, 120_000);

  it('with a worker updating statuses during a repair of 100,000 mismatched jobs, no update is lost and no copy is older than its source', async () => {
    const N = 100_000;
    const core = env.core();
    const worker = env.core();
    await core.invoke('setFlag', { value: 'on', actor_id: 'ops' });
    await enqueueMany(core, N, 'm');
    // Another writer left every new copy with a stale actor.
    for (let i = 0; i < N; i += 5000) {
      const pipeline = env.redis.pipeline();
      for (let j = i; j < i + 5000; j++)
        pipeline.hset(keys.newJob('ws-1', `m-${j}`), 'actor_id', 'stale-writer');
      await pipeline.exec();
    }
    const report = await core.invoke('divergenceCheck', {});
    expect(report.counts.mismatch).toBe(N);

    const race = startWorker(worker);
    const result = await core.invoke('repair', {
      report_id: report.id,
      dry_run: false,
      actor_id: 'ops',
    });
    await race.stop();

    expect(race.updates()).toBeGreaterThan(0);
    expect(result.applied + result.skipped_count!).toBe(N);
    expect(result.skipped_count).toBeGreaterThan(0);
    expect(result.skipped.every((s) => s.reason === 'changed since the check')).toBe(true);
    const skipped = new Set(result.skipped.map((s) => s.job_id));
    expect(skipped.size).toBe(result.skipped_count);
    await expectNothingLost(N, 'm', race.last, skipped);
    // The jobs the worker raced past are fixed by the next repair; then both schemas agree.
    const again = await core.invoke('repair', { dry_run: false, actor_id: 'ops' });
    expect(again.applied).toBe(result.skipped_count);
    const clean = await core.invoke('divergenceCheck', {});
    expect(clean.counts.mismatch).toBe(0);
    expect(clean.in_sync).toBe(N);
  }, 300_000);
});
