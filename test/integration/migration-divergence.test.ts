import { describe, expect, it } from 'vitest';
import type { DivergenceReport } from '../../shared/contract';
import type { QueueCore } from '../../electron/core/core';
import { keys } from '../../electron/core/keys';
import { divergenceCheck } from '../../electron/core/migration/divergence-check';
import { contextOf, sampleJob, useRedis, dualWriteOnSettled } from '../helpers/core';

/**
 * docs/guarantees.md, "Divergence check", on a real Redis: every category, re-check, cancel and
 * resume.
 */
describe('divergence check', () => {
  const env = useRedis();

  async function enqueueMany(core: QueueCore, n: number, prefix: string, ws = 'ws-1') {
    for (let i = 0; i < n; i += 500) {
      const jobs = Array.from({ length: Math.min(500, n - i) }, (_, j) =>
        sampleJob({ workspace_id: ws, job_id: `${prefix}-${i + j}` }),
      );
      await core.invoke('enqueueMany', { jobs });
    }
  }

  /** A Redis holding one job of every category, and many in sync. */
  async function plantEveryCategory(core: QueueCore) {
    await core.invoke('setFlag', { value: 'off', actor_id: 'ops' });
    await core.invoke('enqueue', sampleJob({ job_id: 'before-flag' }));
    await dualWriteOnSettled(core);
    await enqueueMany(core, 120, 'ok');
    await enqueueMany(core, 30, 'other', 'ws-2');
    const r = env.redis;
    await r.hset(keys.newJob('ws-1', 'ok-1'), 'status', 'running');
    await r.del(keys.newJob('ws-1', 'ok-2'));
    await r.del(keys.oldJob('ok-3'));
    await r.rename(keys.newJob('ws-1', 'ok-4'), keys.newJob('ws-9', 'ok-4'));
    // The same params serialised by Python: equal as JSON values, so in sync.
    await r.hset(keys.newJob('ws-1', 'ok-5'), 'params', '{"to": "a@example.com"}');
    await r.rpush(keys.queue, 'ghost-in-queue');
    await r.set(keys.idempotency('ws-1', 'req-ghost'), 'ghost-job');
  }

  it('classifies every category, both directions, and counts jobs enqueued while the flag was off apart', async () => {
    const core = env.core();
    await plantEveryCategory(core);
    const report = await core.invoke('divergenceCheck', {});
    expect(report.state).toBe('completed');
    expect(report.counts).toEqual({
      missing_in_new: 1,
      awaiting_backfill: 1,
      missing_in_old: 1,
      mismatch: 1,
      workspace_mismatch: 1,
      // ghost-in-queue only: ok-3's entry is reported once, as missing in old.
      orphan_queue_entry: 1,
      orphan_idempotency_key: 1,
    });
    // 150 old hashes (ok-3's is gone): ok-1 mismatched, ok-2 and before-flag missing in new, ok-4 moved.
    expect(report.in_sync).toBe(150 - 4);
    const byCategory = Object.fromEntries(report.items.map((i) => [i.category, i]));
    expect(byCategory.mismatch).toMatchObject({ job_id: 'ok-1', fields: ['status'] });
    expect(byCategory.missing_in_new).toMatchObject({ job_id: 'ok-2', workspace_id: 'ws-1' });
    expect(byCategory.awaiting_backfill).toMatchObject({ job_id: 'before-flag' });
    expect(byCategory.missing_in_old).toMatchObject({ job_id: 'ok-3', workspace_id: 'ws-1' });
    expect(byCategory.workspace_mismatch).toMatchObject({
      job_id: 'ok-4',
      workspace_id: 'ws-9',
      old_workspace: 'ws-1',
    });
    expect(
      report.items.filter((i) => i.category === 'orphan_queue_entry').map((i) => i.job_id),
    ).toEqual(['ghost-in-queue']);
    expect(byCategory.orphan_idempotency_key).toMatchObject({
      job_id: 'ghost-job',
      key: keys.idempotency('ws-1', 'req-ghost'),
    });
    expect(report.by_workspace).toEqual({ 'ws-1': 3, 'ws-9': 1 });
  });

  it('keeps reports in a bounded history with their items', async () => {
    const core = env.core();
    await plantEveryCategory(core);
    const first = await core.invoke('divergenceCheck', {});
    await env.redis.hset(keys.newJob('ws-1', 'ok-1'), 'status', 'pending');
    const second = await core.invoke('divergenceCheck', {});
    const history = await core.invoke('divergenceReports', { limit: 10 });
    expect(history.map((r) => r.id)).toEqual([second.id, first.id]);
    expect(history.every((r) => r.items.length === 0)).toBe(true);
    expect(history[0]!.counts.mismatch).toBe(0);
    const kept = await core.invoke('divergenceReport', { id: first.id });
    expect(kept?.items.map((i) => i.category).sort()).toEqual(
      [...first.items.map((i) => i.category)].sort(),
    );
    expect(await core.invoke('divergenceReport', { id: 'no-such-report' })).toBeNull();
  });

  it('a live write between the reads settles on re-check and is not reported', async () => {
    const core = env.core();
    await core.invoke('setFlag', { value: 'on', actor_id: 'ops' });
    await enqueueMany(core, 50, 'live');
    // A producer that writes the two copies one after the other: the check sees the first write only.
    await env.redis.hset(keys.oldJob('live-7'), 'status', 'running');
    const phases: string[] = [];
    const report = await core.invoke(
      'divergenceCheck',
      {},
      {
        onProgress: (p) => {
          if (p.phase === 'recheck' && !phases.includes('recheck'))
            // Same connection as the check, so this lands before the re-check reads.
            void core.redis.hset(keys.newJob('ws-1', 'live-7'), 'status', 'running');
          phases.push(p.phase);
        },
      },
    );
    expect(report.settled_on_recheck).toBe(1);
    expect(report.counts.mismatch).toBe(0);
    expect(report.in_sync).toBe(50);
    expect(report.items).toEqual([]);
  });

  it('a divergence that persists through every round is reported', async () => {
    const core = env.core();
    await core.invoke('setFlag', { value: 'on', actor_id: 'ops' });
    await enqueueMany(core, 20, 'stuck');
    await env.redis.hset(keys.oldJob('stuck-3'), 'status', 'running');
    const report = await core.invoke('divergenceCheck', {});
    expect(report.settled_on_recheck).toBe(0);
    expect(report.counts.mismatch).toBe(1);
    expect(report.recheck_rounds).toBeGreaterThan(0);
  });

  it('streams progress, can be cancelled, and resumes from its saved cursor to the same result', async () => {
    const core = env.core();
    await core.invoke('setFlag', { value: 'on', actor_id: 'ops' });
    await enqueueMany(core, 3000, 'many');
    for (const i of [10, 1500, 2999])
      await env.redis.hset(keys.newJob('ws-1', `many-${i}`), 'status', 'x');
    const ctx = contextOf(core);
    const full = await divergenceCheck(ctx, {}, {}, { scanCount: 100, recheckPauseMs: 0 });

    const abort = new AbortController();
    const seen: number[] = [];
    const cancelled = await divergenceCheck(
      ctx,
      {},
      {
        signal: abort.signal,
        onProgress: (p) => {
          seen.push(p.done);
          expect(p.total).toBeGreaterThan(0);
          if (p.phase === 'scan') abort.abort();
        },
      },
      { scanCount: 100, recheckPauseMs: 0 },
    );
    expect(cancelled.state).toBe('cancelled');
    expect(cancelled.scanned).toBeGreaterThan(0);
    expect(cancelled.scanned).toBeLessThan(full.scanned);
    expect(await env.redis.exists(keys.divergenceCheckpoint('*'))).toBe(1);

    const resumed: DivergenceReport = await core.invoke('divergenceCheck', { resume: true });
    expect(resumed.id).toBe(cancelled.id);
    expect(resumed.resumed).toBe(true);
    expect(resumed.state).toBe('completed');
    expect(resumed.counts).toEqual(full.counts);
    expect(resumed.in_sync).toBe(full.in_sync);
    expect(resumed.counts.mismatch).toBe(3);
    expect(await env.redis.exists(keys.divergenceCheckpoint('*'))).toBe(0);
    expect(seen.length).toBeGreaterThan(0);
  });

  it('checks one workspace by walking every key, even a copy under a workspace nothing registered', async () => {
    const core = env.core();
    await plantEveryCategory(core);
    const report = await core.invoke('divergenceCheck', { workspace_id: 'ws-2' });
    expect(report.workspace_id).toBe('ws-2');
    expect(report.in_sync).toBe(30);
    expect(Object.values(report.counts).reduce((a, b) => a + b, 0)).toBe(0);
    // ok-4's copy is filed under ws-9, which no index or registry knows: the walk still meets it.
    const ws1 = await core.invoke('divergenceCheck', { workspace_id: 'ws-1' });
    expect(ws1.counts.mismatch).toBe(1);
    expect(ws1.counts.missing_in_new).toBe(1);
    expect(ws1.counts.workspace_mismatch).toBe(1);
    expect(ws1.items.find((i) => i.category === 'workspace_mismatch')).toMatchObject({
      job_id: 'ok-4',
      workspace_id: 'ws-9',
      old_workspace: 'ws-1',
    });
    expect(ws1.counts.awaiting_backfill).toBe(1);
    expect(ws1.counts.missing_in_old).toBe(1);
    expect(ws1.counts.orphan_idempotency_key).toBe(1);
    // The copy concerns ws-9 too: a check of ws-9 reports the same item.
    const ws9 = await core.invoke('divergenceCheck', { workspace_id: 'ws-9' });
    // It reads every key, so its progress is measured against the whole keyspace.
    const whole = await core.invoke('divergenceCheck', {});
    expect(ws9.estimated_total).toBe(whole.estimated_total);
    expect(ws9.items.map((i) => [i.category, i.job_id])).toEqual([['workspace_mismatch', 'ok-4']]);
  });

  it('spares a copy found in place its new -> old read, and still reports a second copy of its job under another workspace', async () => {
    const core = env.core();
    await core.invoke('setFlag', { value: 'on', actor_id: 'ops' });
    await enqueueMany(core, 20_000, 'many');
    const extra = Array.from({ length: 20 }, (_, i) => `many-${i * 997}`);
    for (const id of extra) await env.redis.copy(keys.newJob('ws-1', id), keys.newJob('ws-7', id));
    const orphaned = Array.from({ length: 20 }, (_, i) => `many-${i * 991 + 1}`);
    for (const id of orphaned) await env.redis.del(keys.oldJob(id));
    await env.redis.config('RESETSTAT');
    const report = await core.invoke('divergenceCheck', {});
    const hgetCalls = Number(
      /cmdstat_hget:calls=(\d+)/.exec(await env.redis.info('commandstats'))?.[1],
    );
    const ids = (category: string) =>
      report.items
        .filter((i) => i.category === category)
        .map((i) => i.job_id)
        .sort();
    expect(ids('workspace_mismatch')).toEqual([...extra].sort());
    expect(ids('missing_in_old')).toEqual([...orphaned].sort());
    expect(report.in_sync).toBe(20_000 - 20);
    // Each new -> old read is one HGET of the old hash's workspace; 20,020 new keys were walked.
    expect(hgetCalls).toBeLessThan(18_000);
  });

  it('a job awaiting backfill whose one copy is filed under another workspace is reported once, as a workspace mismatch', async () => {
    const core = env.core();
    await core.invoke('setFlag', { value: 'off', actor_id: 'ops' });
    await core.invoke('enqueue', sampleJob({ job_id: 'early-moved' }));
    await core.invoke('enqueue', sampleJob({ job_id: 'early-waiting' }));
    await dualWriteOnSettled(core);
    await enqueueMany(core, 50, 'late');
    const old = await env.redis.hgetall(keys.oldJob('early-moved'));
    await env.redis.hset(keys.newJob('ws-5', 'early-moved'), old);
    const report = await core.invoke('divergenceCheck', {});
    expect(report.items.map((i) => [i.category, i.job_id]).sort()).toEqual([
      ['awaiting_backfill', 'early-waiting'],
      ['workspace_mismatch', 'early-moved'],
    ]);
    expect(report.counts.awaiting_backfill).toBe(1);
  });

  it('never writes a job key and runs on a read-only core', async () => {
    const writer = env.core();
    await plantEveryCategory(writer);
    const before = await env.redis.hgetall(keys.newJob('ws-1', 'ok-1'));
    const reader = env.core({ readOnly: true });
    const report = await reader.invoke('divergenceCheck', {});
    expect(report.counts.mismatch).toBe(1);
    expect(await env.redis.hgetall(keys.newJob('ws-1', 'ok-1'))).toEqual(before);
  });
});
