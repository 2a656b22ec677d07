import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { keys } from '../../electron/core/keys';
import { STAGING_TTL_MS } from '../../electron/core/migration/repair-large';
import { dualWriteOnSettled, useRedis } from '../helpers/core';
import {
  checkAndRepair,
  jobHash,
  manyFields,
  plantJob,
  stagingLeft,
  stateOf,
  type Planted,
} from './repair-jobs';

const root = fileURLToPath(new URL('../..', import.meta.url));
const bin = fileURLToPath(new URL('../../bin/queuescope.mjs', import.meta.url));

/**
 * docs/repair.md: whatever fails midway (Redis out of memory, a lost reply, the process killed),
 * every job keeps each copy it had, in its old or its new state, and the result says what went in.
 */
describe('repair under real faults', () => {
  const env = useRedis();

  /** n small jobs missing their new copy, each ~4 KiB, and `large` 10,000-field mismatches. */
  async function plantMany(n: number, large = 0): Promise<Planted[]> {
    const jobs: Planted[] = [];
    const params = JSON.stringify({ pad: 'p'.repeat(4000) });
    for (let i = 0; i < n; i++)
      jobs.push(
        await plantJob(env.redis, `s-${i}`, 'ws-1', jobHash(`s-${i}`, 'ws-1', { params }), {}),
      );
    for (let i = 0; i < large; i++) {
      const wide = jobHash(`l-${i}`, 'ws-1', manyFields(10_000, 'f', 60));
      jobs.push(await plantJob(env.redis, `l-${i}`, 'ws-1', wide, { ...wide, status: 'running' }));
    }
    return jobs;
  }

  async function expectEveryJobWhole(jobs: Planted[]): Promise<number> {
    let after = 0;
    for (const job of jobs) {
      const state = await stateOf(env.redis, job);
      expect(['before', 'after'], state).toContain(state);
      if (state === 'after') after++;
    }
    return after;
  }

  /** Runs `work` under a maxmemory limit (noeviction, the default policy), lifted after. */
  async function withMaxmemory<T>(bytes: number, work: () => Promise<T>): Promise<T> {
    await env.redis.config('SET', 'maxmemory', String(bytes));
    try {
      return await work();
    } finally {
      await env.redis.config('SET', 'maxmemory', '0');
    }
  }

  async function usedMemory(): Promise<number> {
    const info = await env.redis.info('memory');
    return Number(/used_memory:(\d+)/.exec(info)![1]);
  }

  it('out of memory midway: stops, reports the fixes applied, and every job has its copies', async () => {
    const core = env.core();
    await dualWriteOnSettled(core);
    const jobs = await plantMany(300);
    const report = await core.invoke('divergenceCheck', {});
    // Room for about a third of the new copies.
    const result = await withMaxmemory((await usedMemory()) + 500_000, () =>
      core.invoke('repair', { report_id: report.id, dry_run: false, actor_id: 'ops' }),
    );
    expect(result.stopped).toMatchObject({
      error: { code: 'INTERNAL', details: { redis_error: 'OOM' } },
    });
    expect(result.stopped!.error.message).not.toMatch(/nothing was written/);
    expect(result.applied).toBeGreaterThan(0);
    expect(result.applied).toBeLessThan(300);
    // Exactly the jobs counted as applied have their new copy; none lost or half-made.
    expect(await expectEveryJobWhole(jobs)).toBe(result.applied);
    const again = await checkAndRepair(core);
    expect(again.result.applied).toBe(300 - result.applied);
    expect(await expectEveryJobWhole(jobs)).toBe(300);
  });

  it('out of memory while staging a large job: nothing of the job changes and no staging key stays', async () => {
    const core = env.core();
    await dualWriteOnSettled(core);
    const jobs = await plantMany(0, 1);
    const report = await core.invoke('divergenceCheck', {});
    const result = await withMaxmemory((await usedMemory()) + 300_000, () =>
      core.invoke('repair', { report_id: report.id, dry_run: false, actor_id: 'ops' }),
    );
    expect(result).toMatchObject({
      applied: 0,
      stopped: { job_id: 'l-0', error: { details: { redis_error: 'OOM' } } },
    });
    expect(await expectEveryJobWhole(jobs)).toBe(0);
    expect(await stagingLeft(env.redis, jobs)).toEqual([]);
  });

  it('a lost reply is reported for its job as outcome unknown, never as failed or skipped', async () => {
    const core = env.core({ connection: { url: env.server.url, commandTimeoutMs: 300 } });
    await dualWriteOnSettled(core);
    const jobs = await plantMany(800);
    const report = await core.invoke('divergenceCheck', {});
    let paused: Promise<unknown> | null = null;
    const result = await core.invoke(
      'repair',
      { report_id: report.id, dry_run: false, actor_id: 'ops' },
      {
        // After the first page of fixes Redis holds every write for 1.5 s: the fixes sent then run
        // late, after the client gave up waiting for their replies.
        onProgress: (p) => {
          if (p.phase === 'repair' && !paused) paused = env.redis.client('PAUSE', '1500', 'WRITE');
        },
      },
    );
    await paused;
    expect(result.unknown_count).toBeGreaterThan(0);
    for (const u of result.unknown!)
      expect(u.error).toMatchObject({ code: 'REDIS_UNAVAILABLE', details: { outcome: 'unknown' } });
    expect(result.stopped?.error.details).toMatchObject({ outcome: 'unknown' });
    const unknown = new Set(result.unknown!.map((u) => u.job_id));
    expect(result.skipped.filter((s) => unknown.has(s.job_id))).toEqual([]);
    await new Promise((r) => setTimeout(r, 1800)); // the held writes have run
    // Every job is whole; the ones counted applied are in their new state, the unknown in either.
    const after = await expectEveryJobWhole(jobs);
    expect(after).toBeGreaterThanOrEqual(result.applied);
    expect(after).toBeLessThanOrEqual(result.applied + result.unknown_count!);
  });

  it('the repairing process killed during a large job: every job keeps both copies, and a second repair finishes', async () => {
    const core = env.core();
    await dualWriteOnSettled(core);
    const jobs = await plantMany(50, 6);
    const child = spawn(process.execPath, [bin, '--json', 'repair', '--actor', 'ops'], {
      cwd: root,
      env: { ...process.env, REDIS_URL: env.server.url },
      stdio: 'ignore',
    });
    const exited = new Promise((r) => child.once('exit', r));
    const staging = jobs
      .filter((j) => j.jobId.startsWith('l-'))
      .map((j) => keys.repairStaging(j.jobId));
    // Kill it while it is staging a large job's copy.
    const deadline = Date.now() + 60_000;
    while (!(await env.redis.exists(...staging)) && Date.now() < deadline)
      await new Promise((r) => setTimeout(r, 1));
    child.kill('SIGKILL');
    await exited;
    await new Promise((r) => setTimeout(r, 100)); // what it had sent is done
    const left = await stagingLeft(env.redis, jobs);
    expect(left.length).toBeGreaterThan(0);
    for (const key of left) {
      const ttl = await env.redis.pttl(key);
      expect(ttl).toBeGreaterThan(0);
      expect(ttl).toBeLessThanOrEqual(STAGING_TTL_MS);
    }
    const largeAfter = await expectEveryJobWhole(jobs.filter((j) => j.jobId.startsWith('l-')));
    expect(largeAfter).toBeLessThan(6);
    await expectEveryJobWhole(jobs);

    const { result } = await checkAndRepair(core);
    expect(result.stopped).toBeUndefined();
    expect(await expectEveryJobWhole(jobs)).toBe(jobs.length);
    expect(await stagingLeft(env.redis, jobs)).toEqual([]);
  }, 120_000);
});
