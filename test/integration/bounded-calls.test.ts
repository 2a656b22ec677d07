import { describe, expect, it } from 'vitest';
import type { DivergenceReport } from '../../shared/contract';
import { keys } from '../../electron/core/keys';
import { dualWriteOnSettled, useRedis } from '../helpers/core';

/**
 * docs/guarantees.md, "Bounded calls": whatever one job weighs (1 MiB of params, 10,000 fields),
 * no call of the divergence check holds Redis for 5 ms. Heavy jobs are found by size first and
 * compared in bounded steps, with the same equality rule and the same fingerprints.
 */
describe('the divergence check over heavy jobs', () => {
  const env = useRedis({
    args: ['--slowlog-log-slower-than', '5000', '--slowlog-max-len', '1000'],
  });

  const ENQUEUED_AT = new Date(Date.now() + 60_000).toISOString();

  /**
   * Runs a check until one leaves no SLOWLOG entry, at most three times: a host that descheduled Redis
   * mid-command can log any command once; a call that is really too long logs every time.
   */
  async function checkUnderSlowlog(run: () => Promise<DivergenceReport>) {
    const logged: string[][] = [];
    for (let attempt = 0; attempt < 3; attempt++) {
      await env.redis.slowlog('RESET');
      const report = await run();
      const slow = (await env.redis.slowlog('GET', 100)) as Array<
        [number, number, number, string[]]
      >;
      logged.push(slow.map((entry) => `${entry[2]} µs: ${entry[3].slice(0, 2).join(' ')}`));
      if (slow.length === 0) return { report, logged };
    }
    return { report: null, logged };
  }

  function job(id: string, ws: string, params: string, extra: Record<string, string> = {}) {
    return {
      job_id: id,
      workspace_id: ws,
      status: 'pending',
      action_provider: 'p',
      action_name: 'a',
      actor_id: 'u',
      params,
      result: '',
      enqueued_at: ENQUEUED_AT,
      ...extra,
    };
  }

  async function plantHeavyJobs(): Promise<void> {
    const r = env.redis;
    const mib = `{"blob":"${'x'.repeat(1024 * 1024)}","n":1}`;
    // Python's spelling of the same 1 MiB object: equal by value, not by bytes.
    const mibPython = `{"blob": "${'x'.repeat(1024 * 1024)}", "n": 1.0}`;
    const fields = Object.fromEntries(Array.from({ length: 10_000 }, (_, i) => [`f${i}`, `v${i}`]));
    await r.hset(keys.oldJob('mib-same'), job('mib-same', 'ws-1', mib));
    await r.hset(keys.newJob('ws-1', 'mib-same'), job('mib-same', 'ws-1', mibPython));
    await r.hset(keys.oldJob('mib-diff'), job('mib-diff', 'ws-1', mib));
    await r.hset(
      keys.newJob('ws-1', 'mib-diff'),
      job('mib-diff', 'ws-1', mib.replace('"n":1', '"n":2')),
    );
    const wide = job('wide-same', 'ws-1', '{}', fields);
    await r.hset(keys.oldJob('wide-same'), wide);
    await r.hset(keys.newJob('ws-1', 'wide-same'), wide);
    await r.hset(keys.oldJob('wide-diff'), { ...wide, job_id: 'wide-diff' });
    await r.hset(keys.newJob('ws-1', 'wide-diff'), {
      ...wide,
      job_id: 'wide-diff',
      f9999: 'changed',
    });
    await r.hset(keys.newJob('ws-2', 'mib-new-only'), job('mib-new-only', 'ws-2', mib));
    await r.hset(keys.oldJob('wide-moved'), { ...wide, job_id: 'wide-moved' });
    await r.hset(keys.newJob('ws-9', 'wide-moved'), { ...wide, job_id: 'wide-moved' });
    await r.hset(keys.oldJob('mib-old-only'), job('mib-old-only', 'ws-1', mib));
  }

  it('reports each heavy job exactly, and Redis logs no call of 5 ms or more', async () => {
    const core = env.core();
    await dualWriteOnSettled(core);
    await plantHeavyJobs();
    const { report: checked, logged } = await checkUnderSlowlog(() =>
      core.invoke('divergenceCheck', {}),
    );
    expect(checked, `every run logged a slow call: ${JSON.stringify(logged)}`).not.toBeNull();
    const report = checked!;

    const byJob = Object.fromEntries(report.items.map((i) => [i.job_id, i]));
    expect(report.in_sync).toBe(2);
    expect(byJob['mib-diff']).toMatchObject({ category: 'mismatch', fields: ['params'] });
    expect(byJob['wide-diff']).toMatchObject({ category: 'mismatch', fields: ['f9999'] });
    expect(byJob['mib-new-only']).toMatchObject({
      category: 'missing_in_old',
      workspace_id: 'ws-2',
    });
    expect(byJob['wide-moved']).toMatchObject({
      category: 'workspace_mismatch',
      old_workspace: 'ws-1',
    });
    expect(byJob['mib-old-only']).toMatchObject({ category: 'missing_in_new' });
    // The fingerprints computed in bounded steps are the ones the repair compares (fingerprint.lua).
    for (const item of report.items) {
      expect(item.old_fingerprint).not.toBe('?');
      expect(item.new_fingerprint).not.toBe('?');
    }
    expect(Object.keys(byJob).sort()).toEqual(
      ['mib-diff', 'mib-new-only', 'mib-old-only', 'wide-diff', 'wide-moved'].sort(),
    );
  });

  it('a scoped check over the same jobs is bounded too, and repair then makes them equal', async () => {
    const core = env.core();
    await dualWriteOnSettled(core);
    await plantHeavyJobs();
    const { report: checked, logged } = await checkUnderSlowlog(() =>
      core.invoke('divergenceCheck', { workspace_id: 'ws-1' }),
    );
    expect(checked, `every run logged a slow call: ${JSON.stringify(logged)}`).not.toBeNull();
    const scoped = checked!;
    expect(scoped.counts).toMatchObject({ mismatch: 2, missing_in_new: 1, workspace_mismatch: 1 });
    const repaired = await core.invoke('repair', {
      report_id: scoped.id,
      dry_run: false,
      actor_id: 'ops',
    });
    expect(repaired.skipped).toEqual([]);
    const again = await core.invoke('divergenceCheck', { workspace_id: 'ws-1' });
    expect(again.items).toEqual([]);
    expect(again.in_sync).toBe(6);
  });
});
