import { describe, expect, it } from 'vitest';
import type { DivergenceReport } from '../../shared/contract';
import type { QueueCore } from '../../electron/core/core';
import type { CoreContext } from '../../electron/core/context';
import { keys } from '../../electron/core/keys';
import { divergenceCheck } from '../../electron/core/migration/divergence-check';
import type { CheckOptions } from '../../electron/core/migration/check-state';
import { contextOf, dualWriteOnSettled, sampleJob, useRedis } from '../helpers/core';
import { reportSignature } from '../helpers/report-signature';

/**
 * docs/guarantees.md, "Divergence check": a check interrupted any way — cancelled, its connection
 * killed, Redis restarted — and resumed gives the report a fresh check gives.
 */
const OPTS: Partial<CheckOptions> = {
  scanCount: 40,
  inFlight: 4,
  recheckPauseMs: 0,
  checkpointEveryMs: 0,
};

/** 2,000 jobs in two workspaces, a divergence of each job-level kind, some never indexed. */
async function plant(core: QueueCore, redis: QueueCore['redis']): Promise<void> {
  await dualWriteOnSettled(core);
  for (const ws of ['ws-1', 'ws-2'])
    for (let i = 0; i < 1000; i += 500)
      await core.invoke('enqueueMany', {
        jobs: Array.from({ length: 500 }, (_, j) =>
          sampleJob({ workspace_id: ws, job_id: `${ws}-${i + j}` }),
        ),
      });
  for (let i = 0; i < 40; i++) {
    await redis.hset(keys.newJob('ws-1', `ws-1-${i}`), 'status', 'running');
    await redis.del(keys.newJob('ws-2', `ws-2-${i}`));
  }
  await redis.hset(keys.oldJob('foreign-1'), {
    job_id: 'foreign-1',
    workspace_id: 'ws-3',
    status: 'failed',
  });
  await redis.hset(keys.newJob('ws-3', 'foreign-2'), { job_id: 'foreign-2', workspace_id: 'ws-3' });
  await redis.rpush(keys.queue, 'ghost');
}

/** Runs a check that gets `interrupt` called once it has read `after` keys. */
async function interrupted(
  ctx: CoreContext,
  after: number,
  interrupt: (abort: AbortController) => void,
): Promise<DivergenceReport | Error> {
  const abort = new AbortController();
  let fired = false;
  return divergenceCheck(
    ctx,
    {},
    {
      signal: abort.signal,
      onProgress: (p) => {
        if (!fired && p.done >= after) {
          fired = true;
          interrupt(abort);
        }
      },
    },
    { ...OPTS },
  ).catch((error: Error) => error);
}

describe('resuming a divergence check', () => {
  const env = useRedis();

  it('after a cancel with steps read ahead, counts every key once (the same report as a fresh check)', async () => {
    const core = env.core();
    await plant(core, env.redis);
    const ctx = contextOf(core);
    const fresh = await divergenceCheck(ctx, {}, {}, OPTS);
    const cancelled = await interrupted(ctx, 1500, (abort) => abort.abort());
    expect(cancelled).toMatchObject({ state: 'cancelled' });
    const resumed = await divergenceCheck(ctx, { resume: true }, {}, OPTS);
    expect(resumed).toMatchObject({ id: (cancelled as DivergenceReport).id, resumed: true });
    expect(reportSignature(resumed)).toEqual(reportSignature(fresh));
  });

  it('after its connection was killed mid-walk, resumes to the same report as a fresh check', async () => {
    const core = env.core();
    await plant(core, env.redis);
    const ctx = contextOf(core);
    const fresh = await divergenceCheck(ctx, {}, {}, OPTS);
    const failed = await interrupted(ctx, 1500, () => {
      void env.redis.call('CLIENT', 'KILL', 'TYPE', 'normal', 'SKIPME', 'yes');
    });
    expect(failed).toBeInstanceOf(Error);
    const resumed = await divergenceCheck(ctx, { resume: true }, {}, OPTS);
    expect(resumed.resumed).toBe(true);
    expect(reportSignature(resumed)).toEqual(reportSignature(fresh));
  });

  it('resumes the check named by its report id, and refuses one that cannot be resumed', async () => {
    const core = env.core();
    await plant(core, env.redis);
    const ctx = contextOf(core);
    const cancelled = (await interrupted(ctx, 1500, (abort) => abort.abort())) as DivergenceReport;
    await expect(
      divergenceCheck(ctx, { resume: true, report_id: 'no-such-report' }, {}, OPTS),
    ).rejects.toMatchObject({ code: 'NOT_FOUND' });
    const resumed = await divergenceCheck(ctx, { resume: true, report_id: cancelled.id }, {}, OPTS);
    expect(resumed).toMatchObject({ id: cancelled.id, state: 'completed' });
    await expect(
      divergenceCheck(ctx, { resume: true, report_id: cancelled.id }, {}, OPTS),
    ).rejects.toMatchObject({ code: 'NOT_FOUND' });
  });
});

describe('resuming a divergence check after Redis restarted', () => {
  const env = useRedis({ appendonly: true });

  it('walks every key again (a SCAN cursor means nothing to the new process) and counts nothing twice', async () => {
    const core = env.core();
    await plant(core, env.redis);
    const ctx = contextOf(core);
    const fresh = await divergenceCheck(ctx, {}, {}, OPTS);
    const failed = await interrupted(ctx, 1500, () => void env.server.kill());
    expect(failed).toBeInstanceOf(Error);
    await env.server.restart();
    await core.redis.ping();
    const resumed = await divergenceCheck(ctx, { resume: true }, {}, OPTS);
    expect(resumed).toMatchObject({ resumed: true, walk_restarted: true, state: 'completed' });
    expect(reportSignature(resumed)).toEqual(reportSignature(fresh));
  });
});
