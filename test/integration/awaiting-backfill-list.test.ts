import { describe, expect, it } from 'vitest';
import { keys } from '../../electron/core/keys';
import { dualWriteOnSettled, sampleJob, useRedis } from '../helpers/core';

const env = useRedis();

/** docs/guarantees.md "One clock for the flag": the jobs list and the check use one vocabulary. */
describe('jobs list sync state for jobs without a new copy', () => {
  it('says "awaiting backfill" where the check does, and "missing in new" only where the check does', async () => {
    const core = env.core();
    await core.invoke('enqueue', sampleJob({ workspace_id: 'ws-a', job_id: 'before-flag' }));
    await dualWriteOnSettled(core);
    await core.invoke('enqueue', sampleJob({ workspace_id: 'ws-a', job_id: 'lost-copy' }));
    await core.invoke('enqueue', sampleJob({ workspace_id: 'ws-a', job_id: 'both-copies' }));
    await env.redis.del(keys.newJob('ws-a', 'lost-copy'));

    const page = await core.invoke('listJobs', { workspace_id: 'ws-a' });
    const sync = Object.fromEntries(page.rows.map((r) => [r.job_id, r.sync]));
    expect(sync).toEqual({
      'before-flag': { state: 'awaiting_backfill' },
      'lost-copy': { state: 'missing_in_new' },
      'both-copies': { state: 'in_sync' },
    });

    const report = await core.invoke('divergenceCheck', { workspace_id: 'ws-a' });
    const full = await core.invoke('divergenceReport', { id: report.id });
    const byJob = Object.fromEntries(full!.items.map((i) => [i.job_id, i.category]));
    expect(byJob).toEqual({ 'before-flag': 'awaiting_backfill', 'lost-copy': 'missing_in_new' });
    expect(report.counts.awaiting_backfill).toBe(1);
    expect(report.counts.missing_in_new).toBe(1);

    // The job drawer's inspection says the same.
    const inspect = (id: string) => core.invoke('inspectJob', { job_id: id, workspace_id: 'ws-a' });
    expect(await inspect('before-flag')).toMatchObject({ new: null, awaiting_backfill: true });
    expect((await inspect('lost-copy')).awaiting_backfill).toBeUndefined();
    expect((await inspect('both-copies')).awaiting_backfill).toBeUndefined();
  });

  it('with no flag history, a flag that is off now means awaiting backfill', async () => {
    const core = env.core();
    await core.invoke('enqueue', sampleJob({ workspace_id: 'ws-b', job_id: 'old-only' }));
    const page = await core.invoke('listJobs', { workspace_id: 'ws-b' });
    expect(page.rows[0]!.sync).toEqual({ state: 'awaiting_backfill' });
  });
});
