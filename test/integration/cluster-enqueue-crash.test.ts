import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import type { Cluster } from 'ioredis';
import type { QueueCore } from '../../electron/core/core';
import { keys } from '../../electron/core/keys';
import {
  ENQUEUE_STEPS,
  SimulatedCrash,
  enqueueOnCluster,
  intentFromFields,
  rollForward,
  type EnqueueStep,
} from '../../electron/core/cluster/enqueue-protocol';
import {
  DEFAULT_LEASE_MS,
  SWEEP_EVERY_MS,
  startIntentSweep,
  sweepIntents,
} from '../../electron/core/cluster/enqueue-cluster';
import { clusterEnqueueKeys } from '../../electron/core/cluster/slot-tags';
import { sampleJob } from '../helpers/core';
import type { RedisCluster } from '../helpers/redis-cluster';
import {
  LEASE_MS,
  intentsOnMasters,
  preparedJob,
  protocolEnv,
  queuedTimes,
  sleep,
  useClusterEnqueueFixture,
} from '../helpers/cluster-enqueue';

/**
 * docs/topologies.md "Cluster enqueue", recovery: a call stopped after each of its steps (the
 * crash of its process stops the sequence there), a real SIGKILL of the command line, a stalled
 * writer, a rollback; each finished or rolled back, never a job twice.
 */
let cluster: RedisCluster;
let core: QueueCore;
let direct: Cluster;
const fixture = useClusterEnqueueFixture();
beforeAll(() => {
  ({ cluster, core, direct } = fixture);
});

const env = (crashAfter?: EnqueueStep) => protocolEnv(direct, crashAfter);
const job = preparedJob;
const queued = (jobId: string) => queuedTimes(direct, jobId);
const intentsLeft = () => intentsOnMasters(direct);
const setFlag = (value: 'on' | 'off') => direct.set(keys.flag, value);

describe('Cluster enqueue: crashes and recovery (docs/topologies.md "Cluster enqueue")', () => {
  it.each(ENQUEUE_STEPS)(
    'a call that crashed after step "%s" is finished by a retry with its request id, once, answering the original id',
    async (step) => {
      await setFlag('on');
      const ws = `ws-crash-${step}`;
      const crashed = job({ workspace_id: ws, client_request_id: `crash-${step}` });
      await expect(enqueueOnCluster(env(step), crashed)).rejects.toBeInstanceOf(SimulatedCrash);

      // The retry (another job id, as a new process would generate) waits out the lease, takes
      // the intent over with a new epoch and finishes the crashed call.
      const retry = await enqueueOnCluster(
        env(),
        job({ workspace_id: ws, client_request_id: `crash-${step}` }),
      );
      expect(retry).toEqual({ outcome: 'duplicate', job_id: crashed.jobId });
      expect(await direct.hget(keys.oldJob(crashed.jobId), 'status')).toBe('pending');
      expect(await direct.exists(keys.newJob(ws, crashed.jobId))).toBe(1);
      expect(await queued(crashed.jobId)).toBe(1);
      expect(await direct.zrange(keys.workspaceIndex(ws), '0', '-1')).toEqual([crashed.jobId]);
      expect(Number(await direct.hget(keys.metricsTotal, `${ws}|succeeded`))).toBeLessThanOrEqual(
        1,
      );
      expect(await intentsLeft()).toBe(0);
    },
  );

  it.each(ENQUEUE_STEPS)(
    'a call without a request id that crashed after step "%s" is finished by the sweep once its lease ends',
    async (step) => {
      await setFlag('on');
      const ws = `ws-sweep-${step}`;
      const crashed = job({ workspace_id: ws });
      await expect(enqueueOnCluster(env(step), crashed)).rejects.toBeInstanceOf(SimulatedCrash);

      const early = await sweepIntents(env());
      expect(early.completed).toBe(0);
      await sleep(LEASE_MS + 20);
      const swept = await sweepIntents(env());
      expect(swept.completed).toBe(step === 'commit' ? 0 : 1);
      expect(await queued(crashed.jobId)).toBe(1);
      expect(await direct.exists(keys.newJob(ws, crashed.jobId))).toBe(1);
      expect(await direct.zrange(keys.workspaceIndex(ws), '0', '-1')).toEqual([crashed.jobId]);
      expect(await intentsLeft()).toBe(0);
      // The same job id again is a conflict: the job exists once.
      await expect(
        enqueueOnCluster(env(), job({ workspace_id: ws, job_id: crashed.jobId })),
      ).rejects.toMatchObject({ code: 'CONFLICT' });
    },
  );

  it('the periodic sweep the hosts run finishes a crashed call within a lease and a period', async () => {
    await setFlag('off');
    const crashed = job({ workspace_id: 'ws-periodic' });
    await expect(enqueueOnCluster(env('new'), crashed)).rejects.toBeInstanceOf(SimulatedCrash);
    expect(await queued(crashed.jobId)).toBe(0);
    const crashedAt = Date.now();
    const stop = startIntentSweep(env(), 50);
    // Finished: queued, and the intent dropped, which the sweep does after the queue push.
    const finished = async () => (await queued(crashed.jobId)) === 1 && (await intentsLeft()) === 0;
    try {
      while (!(await finished()) && Date.now() - crashedAt < 5000) await sleep(20);
    } finally {
      stop();
    }
    // A lease and a period, and room for a loaded host to run the sweep itself.
    expect(Date.now() - crashedAt).toBeLessThan(LEASE_MS + 50 + 2500);
    expect(await queued(crashed.jobId)).toBe(1);
    expect(await intentsLeft()).toBe(0);
  });

  it('a host that starts the background indexer on a cluster runs that sweep (every 10 s)', async () => {
    await setFlag('off');
    const crashed = job({ workspace_id: 'ws-host' });
    await expect(enqueueOnCluster(env('push'), crashed)).rejects.toBeInstanceOf(SimulatedCrash);
    const startedAt = Date.now();
    const indexer = core.startBackgroundIndexer({ stepMs: 5, retryMs: 5 });
    expect(indexer).not.toBeNull();
    while ((await intentsLeft()) > 0 && Date.now() - startedAt < SWEEP_EVERY_MS + 3000) {
      await sleep(100);
    }
    expect(await intentsLeft()).toBe(0);
    expect(await direct.zrange(keys.workspaceIndex('ws-host'), '0', '-1')).toEqual([crashed.jobId]);
    expect(await queued(crashed.jobId)).toBe(1);
  }, 20_000);

  it('a stalled call whose intent was taken over commits nothing when it resumes: the job stays once', async () => {
    await setFlag('on');
    const stalled = job({ workspace_id: 'ws-stall', client_request_id: 'stall-1' });
    await expect(enqueueOnCluster(env('old'), stalled)).rejects.toBeInstanceOf(SimulatedCrash);
    const intentKey = clusterEnqueueKeys.requestIntent(keys.idempotency('ws-stall', 'stall-1'));
    const asStalled = intentFromFields(
      intentKey,
      Object.entries(await direct.hgetall(intentKey)).flat(),
    );
    expect(asStalled).toMatchObject({ epoch: '1', jobId: stalled.jobId });

    const retry = await enqueueOnCluster(
      env(),
      job({ workspace_id: 'ws-stall', client_request_id: 'stall-1' }),
    );
    expect(retry).toEqual({ outcome: 'duplicate', job_id: stalled.jobId });
    // The stalled writer wakes up with epoch 1: its steps replay harmlessly, its commit is refused.
    expect(await rollForward(env(), asStalled)).toBe(false);
    expect(await queued(stalled.jobId)).toBe(1);
    expect(await direct.get(keys.idempotency('ws-stall', 'stall-1'))).toBe(stalled.jobId);
    expect(await direct.hget(keys.metricsTotal, 'ws-stall|succeeded')).toBe('1');
    expect(await intentsLeft()).toBe(0);
  });
  it('a crashed call whose copy turns out to be another job is rolled back: the retry enqueues afresh', async () => {
    await setFlag('off');
    const crashed = job({ workspace_id: 'ws-rb', client_request_id: 'rb-1', job_id: 'rb-job' });
    await expect(enqueueOnCluster(env('intent'), crashed)).rejects.toBeInstanceOf(SimulatedCrash);
    // Another producer writes that job id before recovery runs.
    await direct.hset(keys.oldJob('rb-job'), {
      job_id: 'rb-job',
      status: 'running',
      actor_id: 'other',
    });
    await sleep(LEASE_MS + 20);
    const swept = await sweepIntents(env());
    expect(swept.rolled_back).toBe(1);
    expect(await direct.exists(keys.idempotency('ws-rb', 'rb-1'))).toBe(0);
    expect(await direct.hget(keys.oldJob('rb-job'), 'actor_id')).toBe('other');
    expect(await queued('rb-job')).toBe(0);
    const retry = await enqueueOnCluster(
      env(),
      job({ workspace_id: 'ws-rb', client_request_id: 'rb-1' }),
    );
    expect(retry.outcome).toBe('enqueued');
    expect(await intentsLeft()).toBe(0);
  });

  const CLI = join(__dirname, '../../dist-electron/cli.mjs');

  it.skipIf(!existsSync(CLI))(
    'a real crash (needs npm run build:main): the command line SIGKILLed mid-way through a bulk enqueue; the sweep and a retry of the file leave each request id one job, queued once',
    async () => {
      await setFlag('on');
      const total = 2000;
      const jobs = Array.from({ length: total }, (_, i) =>
        sampleJob({ workspace_id: 'ws-kill', client_request_id: `kill-${i}` }),
      );
      const dir = mkdtempSync(join(tmpdir(), 'qs-kill-'));
      const file = join(dir, 'jobs.ndjson');
      writeFileSync(file, jobs.map((j) => JSON.stringify(j)).join('\n') + '\n');
      try {
        const child = spawn(process.execPath, [CLI, 'enqueue', '--ndjson', file], {
          env: { ...process.env, REDIS_URL: cluster.url, QUEUESCOPE_OPERATOR: 'ops' },
          stdio: 'ignore',
        });
        const exited = new Promise((resolve) => child.once('exit', resolve));
        const started = Date.now();
        while ((await direct.zcard(keys.workspaceIndex('ws-kill'))) < 100) {
          if (Date.now() - started > 20_000) throw new Error('the command line enqueued nothing');
          await sleep(5);
        }
        child.kill('SIGKILL');
        await exited;
        const inFlight = await intentsLeft();
        expect(inFlight).toBeGreaterThan(0);

        // Past the crashed calls' lease, one sweep finishes every one of them.
        await sleep(DEFAULT_LEASE_MS + 100);
        const swept = await sweepIntents(env());
        expect(swept.completed + swept.rolled_back).toBe(inFlight);
        expect(await intentsLeft()).toBe(0);

        // The operator runs the file again: every request id answers, none is enqueued twice.
        const ids = new Set<string>();
        for (let start = 0; start < total; start += 1000) {
          const { results } = await core.invoke('enqueueMany', {
            jobs: jobs.slice(start, start + 1000),
          });
          for (const r of results) {
            expect(r.outcome).not.toBe('error');
            ids.add((r as { job_id: string }).job_id);
          }
        }
        expect(ids.size).toBe(total);
        const queue = await direct.lrange(keys.queue, 0, -1);
        const counts = new Map<string, number>();
        for (const q of queue) if (ids.has(q)) counts.set(q, (counts.get(q) ?? 0) + 1);
        expect(counts.size).toBe(total);
        expect([...counts.values()].every((n) => n === 1)).toBe(true);
        expect(await direct.zcard(keys.workspaceIndex('ws-kill'))).toBe(total);
        console.log(`SIGKILL: ${inFlight} calls in flight, sweep ${JSON.stringify(swept)}`);
      } finally {
        rmSync(dir, { recursive: true, force: true });
      }
    },
    45_000,
  );
});
