import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Cluster, type Redis } from 'ioredis';
import { QueueCore } from '../../electron/core/core';
import { keys } from '../../electron/core/keys';
import { registerScripts } from '../../electron/core/scripts';
import { prepareJob } from '../../electron/core/jobs/prepare-job';
import { enqueueInput } from '../../shared/contract';
import {
  ENQUEUE_STEPS,
  SimulatedCrash,
  enqueueOnCluster,
  intentFromFields,
  rollForward,
  type ClusterEnqueueEnv,
  type EnqueueStep,
} from '../../electron/core/cluster/enqueue-protocol';
import {
  DEFAULT_LEASE_MS,
  startIntentSweep,
  sweepIntents,
} from '../../electron/core/cluster/enqueue-cluster';
import { INTENT_PREFIX, clusterEnqueueKeys } from '../../electron/core/cluster/slot-tags';
import { sampleJob } from '../helpers/core';
import { startRedisCluster, type RedisCluster } from '../helpers/redis-cluster';

/**
 * docs/topologies.md "Cluster enqueue": enqueue and enqueueMany on a real 3-master cluster keep
 * the single-server guarantees through a cross-slot protocol with an intent, a commit and recovery.
 */
let cluster: RedisCluster;
let core: QueueCore;
let direct: Cluster;
const LEASE_MS = 150;

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

function env(crashAfter?: EnqueueStep): ClusterEnqueueEnv {
  return {
    cluster: direct,
    defaultFlag: 'off',
    idempotencyTtlSec: 3600,
    metricsRetentionSec: 3600,
    leaseMs: LEASE_MS,
    ...(crashAfter ? { crashAfter } : {}),
  };
}

function job(overrides: Record<string, unknown>) {
  return prepareJob(enqueueInput.parse(sampleJob(overrides)), 1024 * 1024);
}

/** How many times the queue holds the id. */
async function queued(jobId: string): Promise<number> {
  const at = (await direct.lpos(keys.queue, jobId, 'COUNT', 0)) as unknown as number[];
  return at.length;
}

/** Keys on every master: a refused call must leave this unchanged. */
async function keyCount(): Promise<number> {
  let n = 0;
  for (const node of direct.nodes('master') as Redis[]) n += await node.dbsize();
  return n;
}

async function intentsLeft(): Promise<number> {
  let n = 0;
  for (const node of direct.nodes('master') as Redis[]) {
    n += (await node.keys(`${INTENT_PREFIX}*`)).length;
  }
  return n;
}

async function setFlag(value: 'on' | 'off') {
  await direct.set(keys.flag, value);
}

beforeAll(async () => {
  cluster = await startRedisCluster();
  core = new QueueCore({ connection: { url: cluster.url } });
  direct = new Cluster([{ host: '127.0.0.1', port: cluster.nodes[0]!.port }]);
  registerScripts(direct as unknown as Redis);
}, 40_000);

afterAll(async () => {
  direct?.disconnect();
  await core?.close();
  await cluster?.stop();
});

describe('Cluster enqueue (docs/topologies.md "Cluster enqueue")', () => {
  it('writes both copies, the queue entry, the index and the counts when the flag is on; the old copy only when off', async () => {
    await setFlag('on');
    const on = await core.invoke('enqueue', sampleJob({ workspace_id: 'ws-on' }));
    expect(on.outcome).toBe('enqueued');
    expect(await direct.hgetall(keys.oldJob(on.job_id))).toMatchObject({
      job_id: on.job_id,
      status: 'pending',
      workspace_id: 'ws-on',
      params: '{"to":"a@example.com"}',
    });
    expect(await direct.hgetall(keys.newJob('ws-on', on.job_id))).toEqual(
      await direct.hgetall(keys.oldJob(on.job_id)),
    );
    expect(await queued(on.job_id)).toBe(1);
    expect(await direct.zscore(keys.workspaceIndex('ws-on'), on.job_id)).not.toBeNull();
    expect(await direct.sismember(keys.workspaces, 'ws-on')).toBe(1);
    expect(await direct.hget(keys.metricsTotal, 'ws-on|succeeded')).toBe('1');

    await setFlag('off');
    const off = await core.invoke('enqueue', sampleJob({ workspace_id: 'ws-off' }));
    expect(await direct.exists(keys.oldJob(off.job_id))).toBe(1);
    expect(await direct.exists(keys.newJob('ws-off', off.job_id))).toBe(0);
    expect(await queued(off.job_id)).toBe(1);
    expect(await direct.hget(keys.metricsTotal, 'ws-off|succeeded')).toBeNull();

    // The job reads back through the core, and nothing of the protocol stays behind.
    await expect(
      core.invoke('getJob', { job_id: on.job_id, workspace_id: 'ws-on' }),
    ).resolves.toMatchObject({ job: { job_id: on.job_id, status: 'pending' } });
    expect(await intentsLeft()).toBe(0);
  });

  it('an enqueue a person made is audited on whichever master holds the audit stream', async () => {
    // Through a node that does not hold the audit stream's slot: a plain XADD there is MOVED.
    let elsewhere: string | undefined;
    for (const node of cluster.nodes) {
      const moved = await node
        .client()
        .exists(keys.audit)
        .then(
          () => false,
          (e: Error) => /MOVED/.test(e.message),
        );
      if (moved) elsewhere ??= node.url;
    }
    const viaOther = new QueueCore({ connection: { url: elsewhere! } });
    try {
      const done = await viaOther.invoke('enqueue', sampleJob({ workspace_id: 'ws-audit' }), {
        actor: 'ops',
      });
      const entries = await direct.xrevrange(keys.audit, '+', '-', 'COUNT', 5);
      const fields = entries.map(([, f]) => f.join(' '));
      expect(fields.some((f) => f.includes('operation enqueue') && f.includes(done.job_id))).toBe(
        true,
      );
    } finally {
      await viaOther.close();
    }
  });

  it('a repeated client_request_id answers duplicate with the first job id', async () => {
    const first = await core.invoke('enqueue', sampleJob({ client_request_id: 'deploy-1' }));
    const again = await core.invoke('enqueue', sampleJob({ client_request_id: 'deploy-1' }));
    expect(first.outcome).toBe('enqueued');
    expect(again).toEqual({ outcome: 'duplicate', job_id: first.job_id });
    // With an explicit job id that now exists, the request id still answers first.
    const explicit = await core.invoke(
      'enqueue',
      sampleJob({ client_request_id: 'deploy-1', job_id: first.job_id }),
    );
    expect(explicit).toEqual({ outcome: 'duplicate', job_id: first.job_id });
  });

  it('100 concurrent calls with one request id: exactly one job and one queue entry', async () => {
    await setFlag('on');
    const before = await direct.llen(keys.queue);
    const replies = await Promise.all(
      Array.from({ length: 100 }, () =>
        core.invoke('enqueue', sampleJob({ workspace_id: 'ws-race', client_request_id: 'race-1' })),
      ),
    );
    const enqueued = replies.filter((r) => r.outcome === 'enqueued');
    expect(enqueued).toHaveLength(1);
    const id = enqueued[0]!.job_id;
    expect(replies.every((r) => r.job_id === id)).toBe(true);
    expect(await direct.llen(keys.queue)).toBe(before + 1);
    expect(await queued(id)).toBe(1);
    expect(await direct.zcard(keys.workspaceIndex('ws-race'))).toBe(1);
    expect(await direct.hget(keys.metricsTotal, 'ws-race|succeeded')).toBe('1');
  });

  it('a job id that exists is a CONFLICT with nothing written, in either schema', async () => {
    await setFlag('on');
    await direct.hset(keys.oldJob('taken-old'), { job_id: 'taken-old', status: 'done' });
    await direct.hset(keys.newJob('ws-1', 'taken-new'), { job_id: 'taken-new', status: 'done' });
    const before = await keyCount();
    for (const [id, key] of [
      ['taken-old', keys.oldJob('taken-old')],
      ['taken-new', keys.newJob('ws-1', 'taken-new')],
    ] as const) {
      await expect(
        core.invoke('enqueue', sampleJob({ job_id: id, client_request_id: `c-${id}` })),
      ).rejects.toMatchObject({ code: 'CONFLICT', details: { job_id: id, key } });
    }
    expect(await keyCount()).toBe(before);
    expect(await queued('taken-old')).toBe(0);
    expect(await direct.hget(keys.oldJob('taken-old'), 'status')).toBe('done');
    // The request ids stay free: nothing was reserved.
    expect(await direct.exists(keys.idempotency('ws-1', 'c-taken-old'))).toBe(0);
  });

  it('enqueueMany: one outcome per job, duplicates and conflicts among them', async () => {
    await setFlag('off');
    await direct.hset(keys.oldJob('many-taken'), { job_id: 'many-taken', status: 'done' });
    const { results } = await core.invoke('enqueueMany', {
      jobs: [
        sampleJob({ client_request_id: 'many-1' }),
        sampleJob({ client_request_id: 'many-1' }),
        sampleJob({ job_id: 'many-taken' }),
        { workspace_id: 'ws-1' },
        ...Array.from({ length: 40 }, () => sampleJob({ workspace_id: 'ws-many' })),
      ],
    });
    const [a, b, c, d, ...rest] = results;
    expect([a!.outcome, b!.outcome].sort()).toEqual(['duplicate', 'enqueued']);
    expect((a as { job_id: string }).job_id).toBe((b as { job_id: string }).job_id);
    expect(c).toMatchObject({ outcome: 'error', error: { code: 'CONFLICT' } });
    expect(d).toMatchObject({
      outcome: 'error',
      error: { code: 'VALIDATION', details: { index: 3 } },
    });
    expect(rest.every((r) => r.outcome === 'enqueued')).toBe(true);
    expect(await direct.zcard(keys.workspaceIndex('ws-many'))).toBe(40);
  });

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
    try {
      while ((await queued(crashed.jobId)) === 0 && Date.now() - crashedAt < 5000) await sleep(20);
    } finally {
      stop();
    }
    expect(Date.now() - crashedAt).toBeLessThan(LEASE_MS + 50 + 500);
    expect(await queued(crashed.jobId)).toBe(1);
    expect(await intentsLeft()).toBe(0);
  });

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

  it("a failover of the queue's master during a burst: every request id retried until answered gives one job, queued once", async () => {
    await setFlag('on');
    const masters = await cluster.masters();
    let queueMaster = masters[0]!;
    for (const m of masters) {
      const owns = await m
        .client()
        .exists(keys.queue)
        .then(
          () => true,
          () => false,
        );
      if (owns) queueMaster = m;
    }
    // The callers go on until the failover is over, at least 150 calls, paced so it falls mid-burst.
    const answers = new Map<string, string>();
    let failedAttempts = 0;
    let next = 0;
    let failover: Promise<unknown> | null = null;
    let failoverDone = false;
    let afterFailover = 0;
    const caller = async () => {
      while ((next < 150 || !failoverDone || afterFailover < 40) && next < 3000) {
        const i = next++;
        if (i === 50) failover = cluster.failover(queueMaster).finally(() => (failoverDone = true));
        if (failoverDone) afterFailover += 1;
        for (let attempt = 0; ; attempt++) {
          try {
            const r = await core.invoke(
              'enqueue',
              sampleJob({ workspace_id: 'ws-fo', client_request_id: `fo-${i}` }),
            );
            answers.set(`fo-${i}`, r.job_id);
            break;
          } catch (error) {
            failedAttempts += 1;
            if (attempt > 40) throw error;
            await sleep(100);
          }
        }
        await sleep(10);
      }
    };
    await Promise.all(Array.from({ length: 8 }, caller));
    await failover;
    const total = next;
    const ids = [...answers.values()];
    expect(answers.size).toBe(total);
    expect(new Set(ids).size).toBe(total);
    const queue = await direct.lrange(keys.queue, 0, -1);
    for (const id of ids) {
      expect(queue.filter((q) => q === id)).toHaveLength(1);
      expect(await direct.exists(keys.newJob('ws-fo', id))).toBe(1);
    }
    expect(await direct.zcard(keys.workspaceIndex('ws-fo'))).toBe(total);
    expect(await intentsLeft()).toBe(0);
    console.log(`failover burst: ${total} calls, ${failedAttempts} failed attempts retried`);
  }, 40_000);

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
    'a real crash: the command line SIGKILLed mid-way through a bulk enqueue; the sweep and a retry of the file leave each request id one job, queued once',
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
