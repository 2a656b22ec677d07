import { beforeAll, describe, expect, it } from 'vitest';
import type { Cluster } from 'ioredis';
import { QueueCore } from '../../electron/core/core';
import { keys } from '../../electron/core/keys';
import { sampleJob } from '../helpers/core';
import type { RedisCluster } from '../helpers/redis-cluster';
import {
  intentsOnMasters,
  keysOnMasters,
  queuedTimes,
  sleep,
  queueMaster,
  useClusterEnqueueFixture,
} from '../helpers/cluster-enqueue';

/**
 * docs/topologies.md "Cluster enqueue": enqueue and enqueueMany on a real 3-master cluster keep
 * the single-server guarantees through a cross-slot protocol with an intent, a commit and recovery.
 * Crashes and recovery: cluster-enqueue-crash.test.ts.
 */
let cluster: RedisCluster;
let core: QueueCore;
let direct: Cluster;
const fixture = useClusterEnqueueFixture();
beforeAll(() => {
  ({ cluster, core, direct } = fixture);
});

const queued = (jobId: string) => queuedTimes(direct, jobId);
const keyCount = () => keysOnMasters(direct);
const intentsLeft = () => intentsOnMasters(direct);
const setFlag = (value: 'on' | 'off') => direct.set(keys.flag, value);

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
  it("a failover of the queue's master during a burst: every request id retried until answered gives one job, queued once", async () => {
    await setFlag('on');
    const owner = await queueMaster(cluster);
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
        if (i === 50) failover = cluster.failover(owner).finally(() => (failoverDone = true));
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
});
