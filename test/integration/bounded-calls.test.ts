import { describe, expect, it } from 'vitest';
import type { DivergenceReport } from '../../shared/contract';
import { keys } from '../../electron/core/keys';
import { dualWriteOnSettled, useRedis } from '../helpers/core';

/**
 * docs/guarantees.md, "Bounded calls": whatever one job weighs (1 MiB of params, 10,000 fields),
 * every call of the divergence check does bounded work. Heavy jobs are found by size first and
 * compared in bounded steps, with the same equality rule and the same fingerprints.
 */
describe('the divergence check over heavy jobs', () => {
  // Every call is logged (SLOWLOG with no threshold), scripts' own calls included.
  const env = useRedis({
    args: ['--slowlog-log-slower-than', '0', '--slowlog-max-len', '100000'],
  });

  const ENQUEUED_AT = new Date(Date.now() + 60_000).toISOString();

  /** Commands whose work grows with the whole value of the key they name. */
  const WHOLE_VALUE = new Set(['HGETALL', 'HKEYS', 'HVALS', 'DUMP', 'COPY', 'SORT']);
  /** Every job planted here is heavy: over the limits of a comparison in one call. */
  const isHeavy = (key: string) => /^ai:jobs?:.*\b(?:mib|wide)-/.test(key);

  /**
   * Runs a check with every Redis call logged, and holds each to bounded work: fields read in
   * steps of at most 250, never a whole heavy hash in one call (a single value, such as 1 MiB of
   * params, is read in the one call Redis allows). How long the calls took is the host's as much
   * as the check's: the slowest is printed, not judged.
   */
  async function checkUnderSlowlog(run: () => Promise<DivergenceReport>) {
    await env.redis.slowlog('RESET');
    const report = await run();
    const calls = (await env.redis.slowlog('GET', 100000)) as Array<
      [number, number, number, string[]]
    >;
    let heavyCalls = 0;
    for (const [, , , argv] of calls) {
      const name = String(argv[0]).toUpperCase();
      const key = String(argv[1]);
      const what = argv.slice(0, 6).join(' ');
      if (isHeavy(key)) heavyCalls += 1;
      expect(WHOLE_VALUE.has(name) && isHeavy(key), what).toBe(false);
      if (name === 'HSCAN') {
        const count = argv.findIndex((a) => String(a).toUpperCase() === 'COUNT');
        expect(count, what).toBeGreaterThan(0);
        expect(Number(argv[count + 1]), what).toBeLessThanOrEqual(250);
      }
    }
    expect(heavyCalls).toBeGreaterThan(0);
    const slowest = calls.reduce((a, b) => (b[2] > a[2] ? b : a));
    console.info(
      `check of heavy jobs: ${calls.length} calls, slowest ${slowest[2]} µs (${slowest[3].slice(0, 2).join(' ')})`,
    );
    return report;
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

  it('reports each heavy job exactly, every Redis call of it bounded work', async () => {
    const core = env.core();
    await dualWriteOnSettled(core);
    await plantHeavyJobs();
    const report = await checkUnderSlowlog(() => core.invoke('divergenceCheck', {}));

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
    const scoped = await checkUnderSlowlog(() =>
      core.invoke('divergenceCheck', { workspace_id: 'ws-1' }),
    );
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
