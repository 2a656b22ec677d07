import { describe, expect, it } from 'vitest';
import type { QueueCore } from '../../electron/core/core';
import { keys } from '../../electron/core/keys';
import { dualWriteOnSettled, sampleJob, useRedis } from '../helpers/core';

const env = useRedis();

/** Jobs in ws-1: ok-1 mismatched, ok-2 missing in new, ok-3 gone from the queue's point of view. */
async function plant(core: QueueCore) {
  await dualWriteOnSettled(core);
  for (const id of ['ok-1', 'ok-2', 'ok-3', 'ok-4'])
    await core.invoke('enqueue', sampleJob({ workspace_id: 'ws-1', job_id: id }));
  await env.redis.hset(keys.newJob('ws-1', 'ok-1'), 'status', 'running');
  await env.redis.hset(keys.newJob('ws-1', 'ok-4'), 'status', 'running');
  await env.redis.del(keys.newJob('ws-1', 'ok-2'));
  await env.redis.rpush(keys.queue, 'ghost-job');
}

const marks = async (core: QueueCore, reportId: string) => {
  const report = await core.invoke('divergenceReport', { id: reportId });
  return Object.fromEntries(
    report!.items.map((i) => [`${i.category}:${i.job_id}`, i.repair?.outcome ?? null]),
  );
};

/** docs/repair.md "What a report shows after a repair", "Repair by category", "Audit". */
describe('a report after a repair', () => {
  it('marks each item the repair tried: applied, or skipped with why; other categories untouched', async () => {
    const core = env.core();
    await plant(core);
    const report = await core.invoke('divergenceCheck', {});
    // A worker moves ok-4 on after the check: its fix must be skipped, not overwrite the worker.
    await env.redis.hset(keys.oldJob('ok-4'), 'status', 'completed');

    const result = await core.invoke(
      'repair',
      {
        report_id: report.id,
        categories: ['mismatch', 'missing_in_new'],
        dry_run: false,
        actor_id: 'j',
      },
      { actor: 'ops-kim' },
    );
    expect(result.planned.map((p) => p.category).sort()).toEqual([
      'mismatch',
      'mismatch',
      'missing_in_new',
    ]);
    expect(result.applied).toBe(2);
    expect(result.skipped.map((s) => s.job_id)).toEqual(['ok-4']);

    expect(await marks(core, report.id)).toEqual({
      'mismatch:ok-1': 'applied',
      'mismatch:ok-4': 'skipped',
      'missing_in_new:ok-2': 'applied',
      'orphan_queue_entry:ghost-job': null,
    });
    const full = await core.invoke('divergenceReport', { id: report.id });
    expect(full!.items.find((i) => i.job_id === 'ok-4')!.repair).toMatchObject({
      outcome: 'skipped',
      reason: 'changed since the check',
    });

    const [, fields] = (await env.redis.xrevrange(keys.audit, '+', '-', 'COUNT', 1))[0]!;
    const entry = Object.fromEntries(
      fields.flatMap((v, i) => (i % 2 ? [] : [[v, fields[i + 1]]])),
    ) as Record<string, string>;
    expect(entry).toMatchObject({
      actor: 'ops-kim',
      operation: 'repair',
      target: `all workspaces (report ${report.id})`,
      outcome: 'ok',
      details: `repair; not a dry run; scope: all workspaces; categories: mismatch, missing_in_new; report: ${report.id}; planned 3, applied 2, skipped 1, unknown 0`,
    });
  });

  it('a dry run marks nothing', async () => {
    const core = env.core();
    await plant(core);
    const report = await core.invoke('divergenceCheck', {});
    await core.invoke('repair', { report_id: report.id, dry_run: true, actor_id: 'j' });
    expect(Object.values(await marks(core, report.id)).every((m) => m === null)).toBe(true);
    expect(await env.redis.exists(keys.divergenceRepaired(report.id))).toBe(0);
  });
});

describe('the workspaces list ≠ badge', () => {
  it('follows the newest check covering each workspace, a scoped clean re-check included', async () => {
    const core = env.core();
    await plant(core);
    await core.invoke('enqueue', sampleJob({ workspace_id: 'ws-2', job_id: 'other' }));
    await env.redis.hset(keys.newJob('ws-2', 'other'), 'status', 'failed');
    const whole = await core.invoke('divergenceCheck', {});
    const divergent = async () =>
      Object.fromEntries(
        (await core.invoke('listWorkspaces', {})).map((w) => [w.workspace_id, w.divergent]),
      );
    expect(await divergent()).toEqual({ 'ws-1': 3, 'ws-2': 1 });

    await core.invoke('repair', { report_id: whole.id, dry_run: false, actor_id: 'j' });
    await core.invoke('divergenceCheck', { workspace_id: 'ws-1' });
    expect(await divergent()).toEqual({ 'ws-1': 0, 'ws-2': 1 });
  });
});
