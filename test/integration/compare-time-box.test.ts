import { describe, expect, it } from 'vitest';
import { keys, NEW_JOB_PREFIX, OLD_JOB_PREFIX } from '../../electron/core/keys';
import { compareNewToOld, compareOldToNew } from '../../electron/core/migration/compare-batch';
import { runScript, scripts } from '../../electron/core/scripts';
import { sampleJob, useRedis } from '../helpers/core';

/** The compare scripts stop once their time budget is spent; the caller sends the rest again. */
describe('time-boxed compare calls', () => {
  const env = useRedis();

  async function plant(n: number) {
    const core = env.core();
    await core.invoke('setFlag', { value: 'on', actor_id: 'ops' });
    const jobs = Array.from({ length: n }, (_, i) => sampleJob({ job_id: `tb-${i}` }));
    await core.invoke('enqueueMany', { jobs });
    await env.redis.hset(keys.newJob('ws-1', `tb-${n - 1}`), 'status', 'running');
    await env.redis.del(keys.oldJob(`tb-${n - 2}`));
    return core;
  }

  it('a call over budget returns early, saying how far it got', async () => {
    const core = await plant(40);
    const oldKeys = Array.from({ length: 40 }, (_, i) => keys.oldJob(`tb-${i}`));
    // A budget of 1 microsecond runs out at the first time check, read once the jobs done add up
    // to 16 units of work (one per job, one per 4 KiB read): after at most 15 small jobs.
    const reply = (await runScript(core.redis, scripts.compareOldToNew, oldKeys, [
      NEW_JOB_PREFIX,
      OLD_JOB_PREFIX,
      1,
    ])) as Array<string | number>;
    expect(Number(reply[1])).toBeGreaterThanOrEqual(1);
    expect(Number(reply[1])).toBeLessThanOrEqual(15);
    const unboxed = (await runScript(core.redis, scripts.compareOldToNew, oldKeys, [
      NEW_JOB_PREFIX,
      OLD_JOB_PREFIX,
      0,
    ])) as Array<string | number>;
    expect(Number(unboxed[1])).toBe(40);
  });

  it('the wrappers finish every key whatever the budget cut', async () => {
    const core = await plant(300);
    const oldKeys = Array.from({ length: 300 }, (_, i) => keys.oldJob(`tb-${i}`));
    const oldToNew = await compareOldToNew(core.redis, oldKeys);
    expect(oldToNew.count).toBe(298);
    expect(oldToNew.findings.map((f) => `${f.code}:${f.job_id}`).sort()).toEqual([
      'gone:tb-298',
      'mismatch:tb-299',
    ]);
    const newKeys = Array.from({ length: 300 }, (_, i) => keys.newJob('ws-1', `tb-${i}`));
    const newToOld = await compareNewToOld(core.redis, newKeys);
    expect(newToOld.count).toBe(300);
    expect(newToOld.findings.map((f) => `${f.code}:${f.job_id}`)).toEqual([
      'missing_in_old:tb-298',
    ]);
  });
});
