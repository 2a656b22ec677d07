import { beforeAll, describe, expect, it } from 'vitest';
import type { Cluster } from 'ioredis';
import type { QueueCore } from '../../electron/core/core';
import { keys } from '../../electron/core/keys';
import { clusterFlagHistory } from '../../electron/core/cluster/slot-tags';
import { updateStatusCluster } from '../../electron/core/cluster/writes/update-status';
import { retryCluster } from '../../electron/core/cluster/writes/retry';
import { removeFromQueueCluster } from '../../electron/core/cluster/writes/remove-from-queue';
import { noteExternalFlagChange } from '../../electron/core/migration/external-flag';
import {
  copies,
  hookedContext,
  ownerOf,
  plantJob,
  queuedTimes,
  splitJobId,
  useClusterWritesFixture,
} from '../helpers/cluster-writes';

/**
 * docs/topologies.md "Cluster writes": updateStatus, retry, removeFromQueue and setFlag on a real
 * 3-master cluster, each copy changed compare-and-set in its own slot. Crashes between steps and
 * unconfirmed writes: cluster-writes-crash.test.ts.
 */
let core: QueueCore;
let direct: Cluster;
const fixture = useClusterWritesFixture();
beforeAll(() => {
  ({ core, direct } = fixture);
});

const WS = 'ws-a';
const ops = { actor: 'ops' };

describe('Cluster writes (docs/topologies.md "Cluster writes")', () => {
  it('updateStatus moves both copies, on two masters, to the same fields, and a requeue is pushed once', async () => {
    await direct.set(keys.flag, 'on');
    const id = splitJobId(direct, WS, 'us');
    expect(ownerOf(direct, keys.oldJob(id))).not.toBe(ownerOf(direct, keys.newJob(WS, id)));
    await plantJob(direct, WS, id);
    await direct.lpop(keys.queue); // a worker took it

    const running = await core.invoke('updateStatus', {
      job_id: id,
      status: 'running',
      workspace_id: WS,
    });
    expect(running).toMatchObject({ job_id: id, status: 'running' });
    let both = await copies(direct, WS, id);
    expect(both.old.status).toBe('running');
    expect(both.new).toEqual(both.old);

    await core.invoke('updateStatus', { job_id: id, status: 'pending', workspace_id: WS });
    expect(await queuedTimes(direct, id)).toBe(1);
    await direct.lpop(keys.queue);
    await core.invoke('updateStatus', { job_id: id, status: 'running', workspace_id: WS });
    const done = await core.invoke('updateStatus', {
      job_id: id,
      status: 'completed',
      workspace_id: WS,
      result: { ok: true },
    });
    expect(done).toMatchObject({ status: 'completed', result: { ok: true } });
    both = await copies(direct, WS, id);
    expect(both.new).toEqual(both.old);
    expect(both.old.finished_at).toBeTruthy();
    // Refusals as on one server: a move the rules forbid, a missing workspace while the flag is on.
    await expect(
      core.invoke('updateStatus', { job_id: id, status: 'running', workspace_id: WS }),
    ).rejects.toMatchObject({ code: 'CONFLICT', details: { current_status: 'completed' } });
    await expect(
      core.invoke('updateStatus', { job_id: id, status: 'failed' }),
    ).rejects.toMatchObject({
      code: 'VALIDATION',
      details: { field: 'workspace_id' },
    });
    await expect(
      core.invoke('updateStatus', { job_id: 'nope', status: 'running', workspace_id: WS }),
    ).rejects.toMatchObject({ code: 'NOT_FOUND' });
    expect(await direct.exists(keys.oldJob('nope'))).toBe(0);
    expect(await direct.exists(keys.newJob(WS, 'nope'))).toBe(0);
  });

  it('retry requeues a failed job in both copies once, and a second retry is refused', async () => {
    const id = splitJobId(direct, WS, 'rt');
    await plantJob(direct, WS, id, {
      status: 'failed',
      attempts: '1',
      finished_at: 'x',
      result: '{"e":1}',
    });
    const job = await core.invoke('retry', { job_id: id, workspace_id: WS, actor_id: 'ops' }, ops);
    expect(job).toMatchObject({ status: 'pending', attempts: 2, retried_by: 'ops' });
    const both = await copies(direct, WS, id);
    expect(both.new).toEqual(both.old);
    expect(both.old).not.toHaveProperty('finished_at');
    expect(await queuedTimes(direct, id)).toBe(1);
    await expect(
      core.invoke('retry', { job_id: id, workspace_id: WS, actor_id: 'ops' }),
    ).rejects.toMatchObject({ code: 'CONFLICT', details: { current_status: 'pending' } });
    expect(await queuedTimes(direct, id)).toBe(1);
    // The retry is audited through the Cluster client, on whichever master holds the stream.
    const entries = await direct.xrevrange(keys.audit, '+', '-', 'COUNT', 5);
    expect(entries.some(([, f]) => f.includes('retry'))).toBe(true);
  });

  it('removeFromQueue takes every entry out and marks a pending job failed in both copies', async () => {
    const id = splitJobId(direct, WS, 'rq');
    await plantJob(direct, WS, id);
    await direct.rpush(keys.queue, 'other', id);
    const out = await core.invoke(
      'removeFromQueue',
      { job_id: id, reason: 'poison', actor_id: 'ops' },
      ops,
    );
    expect(out).toMatchObject({
      job_id: id,
      workspace_id: WS,
      removed: 2,
      status_before: 'pending',
      status_after: 'failed',
      beyond_reach: 0,
    });
    const both = await copies(direct, WS, id);
    expect(both.old.status).toBe('failed');
    expect(JSON.parse(both.old.result!)).toMatchObject({
      error: 'removed_from_queue',
      reason: 'poison',
    });
    expect(both.new).toEqual(both.old);
    expect(await direct.lrange(keys.queue, 0, -1)).toEqual(['other']);
    await expect(
      core.invoke('removeFromQueue', { job_id: id, reason: 'again', actor_id: 'ops' }),
    ).rejects.toMatchObject({ code: 'NOT_FOUND' });
  });

  it('a wrong workspace is refused by every write with nothing written', async () => {
    const id = splitJobId(direct, WS, 'wr');
    // Failed, so each operation would otherwise go ahead; a copy of it also sits under ws-b.
    await plantJob(direct, WS, id, { status: 'failed' });
    await plantJob(direct, 'ws-b', id, { status: 'failed', workspace_id: WS });
    await direct.rpush(keys.queue, id);
    const before = await Promise.all([copies(direct, WS, id), copies(direct, 'ws-b', id)]);
    const queue = await direct.lrange(keys.queue, 0, -1);
    const wrong = {
      code: 'VALIDATION',
      details: { field: 'workspace_id', given: 'ws-b', job_workspace: WS },
    };
    await expect(
      core.invoke('updateStatus', { job_id: id, status: 'completed', workspace_id: 'ws-b' }),
    ).rejects.toMatchObject(wrong);
    await expect(
      core.invoke('retry', { job_id: id, workspace_id: 'ws-b', actor_id: 'ops' }),
    ).rejects.toMatchObject(wrong);
    await expect(
      core.invoke('removeFromQueue', {
        job_id: id,
        workspace_id: 'ws-b',
        reason: 'x',
        actor_id: 'ops',
      }),
    ).rejects.toMatchObject(wrong);
    const after = await Promise.all([copies(direct, WS, id), copies(direct, 'ws-b', id)]);
    expect(after).toEqual(before);
    expect(await direct.lrange(keys.queue, 0, -1)).toEqual(queue);
  });

  it('a key of another type is refused by every write before anything is written', async () => {
    const id = splitJobId(direct, WS, 'wt');
    await plantJob(direct, WS, id, { status: 'failed' });
    await direct.del(keys.newJob(WS, id));
    await direct.rpush(keys.newJob(WS, id), 'not a hash');
    await direct.set(keys.queue, 'not a list');
    const wrong = (key: string) => ({
      code: 'INTERNAL',
      details: { redis_error: 'WRONGTYPE', key },
    });
    await expect(
      core.invoke('updateStatus', { job_id: id, status: 'pending', workspace_id: WS, force: true }),
    ).rejects.toMatchObject(wrong(keys.newJob(WS, id)));
    await expect(
      core.invoke('retry', { job_id: id, workspace_id: WS, actor_id: 'ops' }),
    ).rejects.toMatchObject(wrong(keys.newJob(WS, id)));
    await direct.del(keys.newJob(WS, id));
    await expect(
      core.invoke('retry', { job_id: id, workspace_id: WS, actor_id: 'ops' }),
    ).rejects.toMatchObject(wrong(keys.queue));
    await expect(
      core.invoke('removeFromQueue', { job_id: id, reason: 'x', actor_id: 'ops' }),
    ).rejects.toMatchObject(wrong(keys.queue));
    await direct.hset(keys.oldJob(id), 'status', 'running');
    await expect(
      core.invoke('updateStatus', { job_id: id, status: 'pending' }),
    ).rejects.toMatchObject(wrong(keys.queue));
    expect(await direct.hget(keys.oldJob(id), 'status')).toBe('running');
    expect(await direct.get(keys.queue)).toBe('not a list');
  });

  it('a worker that changes a copy between the read and the write is never overwritten: the call is refused, nothing of it stays', async () => {
    const id = splitJobId(direct, WS, 'cas');
    await plantJob(direct, WS, id, { status: 'running', started_at: 's0' });
    // After the old copy took the change, a worker moves the new copy on before the second step.
    const ctx = hookedContext(direct, async (command, nth) => {
      if (command === 'qs_cluster_copy_cas_v1' && nth === 1)
        await direct.hset(keys.newJob(WS, id), 'status', 'completed', 'finished_at', 'w1');
    });
    await expect(
      updateStatusCluster(ctx, { job_id: id, status: 'failed', workspace_id: WS }),
    ).rejects.toMatchObject({
      code: 'CONFLICT',
      details: { reason: 'changed_meanwhile', current_status: 'completed' },
    });
    const both = await copies(direct, WS, id);
    // The old copy is put back as it was; the worker's change to the new copy stands.
    expect(both.old).toMatchObject({ status: 'running', started_at: 's0' });
    expect(both.old).not.toHaveProperty('finished_at');
    expect(both.new).toMatchObject({ status: 'completed', finished_at: 'w1' });

    // A change of the first copy itself refuses the first step: nothing is written at all.
    await plantJob(direct, WS, id, { status: 'failed', attempts: '3' });
    await direct.del(keys.queue);
    const first = hookedContext(direct, async () => undefined);
    // Once both copies are read, just before the first write goes out.
    let raceDone = false;
    const raced = new Proxy(first.redis, {
      get(target, prop, receiver) {
        const value = Reflect.get(target, prop, receiver) as (...a: unknown[]) => unknown;
        if (prop !== 'qs_cluster_copy_cas_v1') return value;
        return async (...args: unknown[]) => {
          if (!raceDone) await direct.hset(keys.oldJob(id), 'status', 'pending');
          raceDone = true;
          return value(...args);
        };
      },
    });
    await expect(retryCluster({ ...first, redis: raced }, id, WS, 'ops')).rejects.toMatchObject({
      code: 'CONFLICT',
      details: { reason: 'changed_meanwhile' },
    });
    expect((await copies(direct, WS, id)).new).toMatchObject({ status: 'failed', attempts: '3' });
    expect(await direct.llen(keys.queue)).toBe(0);
  });

  it("a second call that finishes the first one's change in between does not make the first undo it", async () => {
    const id = splitJobId(direct, WS, 'twice');
    await plantJob(direct, WS, id);
    await direct.del(keys.queue);
    let second: Promise<unknown> = Promise.resolve();
    const ctx = hookedContext(direct, async (command, nth) => {
      if (command !== 'qs_cluster_copy_cas_v1' || nth !== 1) return;
      second = core.invoke('updateStatus', { job_id: id, status: 'running', workspace_id: WS });
      await second;
    });
    await expect(
      updateStatusCluster(ctx, { job_id: id, status: 'running', workspace_id: WS }),
    ).resolves.toMatchObject({ status: 'running' });
    await expect(second).resolves.toMatchObject({ warning: expect.stringMatching(/finished it/) });
    const both = await copies(direct, WS, id);
    expect(both.old.status).toBe('running');
    expect(both.new).toEqual(both.old);
  });

  it('removeFromQueue puts the marks back when a worker took the id between the marking and the removal', async () => {
    const id = splitJobId(direct, WS, 'took');
    await plantJob(direct, WS, id);
    const ctx = hookedContext(direct, async (command, nth) => {
      if (command === 'qs_cluster_copy_cas_v1' && nth === 2) await direct.lrem(keys.queue, 0, id);
    });
    await expect(
      removeFromQueueCluster(ctx, { job_id: id, reason: 'poison', actor_id: 'ops' }),
    ).rejects.toMatchObject({ code: 'NOT_FOUND' });
    const both = await copies(direct, WS, id);
    expect(both.old).toMatchObject({ status: 'pending', result: '' });
    expect(both.old).not.toHaveProperty('finished_at');
    expect(both.new).toEqual(both.old);
  });

  it('two removals of one job at once: one takes it out and marks it failed, the other is refused, and the job is never left pending off the queue', async () => {
    const id = splitJobId(direct, WS, 'two');
    await plantJob(direct, WS, id);
    let other: Promise<unknown> = Promise.resolve();
    const ctx = hookedContext(direct, async (command, nth) => {
      if (command !== 'qs_cluster_copy_cas_v1' || nth !== 2) return;
      other = core.invoke('removeFromQueue', { job_id: id, reason: 'b', actor_id: 'ops' });
      await other.catch(() => undefined);
    });
    await expect(
      removeFromQueueCluster(ctx, { job_id: id, reason: 'a', actor_id: 'ops' }),
    ).resolves.toMatchObject({ removed: 1, status_after: 'failed' });
    await expect(other).rejects.toMatchObject({
      code: 'CONFLICT',
      details: { reason: 'removal_in_progress' },
    });
    const both = await copies(direct, WS, id);
    expect(both.old.status).toBe('failed');
    expect(both.new).toEqual(both.old);
    expect(await queuedTimes(direct, id)).toBe(0);
  });

  it("setFlag sets the flag and records the change beside it, on the flag node's clock, and is audited", async () => {
    const state = await core.invoke('setFlag', { value: 'on', actor_id: 'ops' }, ops);
    expect(state).toEqual({ new_schema: 'on', source: 'redis' });
    expect(await direct.get(keys.flag)).toBe('on');
    const history = clusterFlagHistory(keys.flag);
    expect(ownerOf(direct, history)).toBe(ownerOf(direct, keys.flag));
    const [member, score] = await direct.zrange(history, '0', '-1', 'WITHSCORES');
    expect(member).toBe(`on:${score}`);
    // Stamped by the flag's own node, within the time this test has been running.
    const [sec] = await direct.time();
    expect(Math.abs(Number(score) - Number(sec) * 1000)).toBeLessThan(60_000);
    expect(await direct.exists(keys.flagHistory)).toBe(0);
    await expect(core.invoke('getFlag', {})).resolves.toEqual({
      new_schema: 'on',
      source: 'redis',
    });
    const entries = await direct.xrevrange(keys.audit, '+', '-', 'COUNT', 1);
    expect(entries[0]![1]).toEqual(
      expect.arrayContaining(['operation', 'setFlag', 'actor', 'ops']),
    );
  });
});

describe('A flag flipped outside Queuescope on a cluster (docs/topologies.md "Cluster writes")', () => {
  it("is recorded once in the history beside the flag, on its node's clock, and audited once", async () => {
    await core.invoke('setFlag', { value: 'off', actor_id: 'ops' });
    await direct.set(keys.flag, 'on'); // redis-cli, another tool
    const [first, second] = await Promise.all([
      noteExternalFlagChange(core, 'host-1'),
      noteExternalFlagChange(core, 'host-2'),
    ]);
    expect([first.recorded, second.recorded].sort()).toEqual([false, true]);
    const at = (first.recorded ? first : second).at!;
    expect(await direct.zrange(clusterFlagHistory(keys.flag), '0', '-1')).toEqual([
      expect.stringMatching(/^off:/),
      `on:${at}`,
    ]);
    const audited = await direct.xrange(keys.audit, '-', '+');
    const external = audited.filter(([, f]) => f.some((v) => v.startsWith('external (seen by')));
    expect(external).toHaveLength(1);
    expect(external[0]![1]).toEqual(expect.arrayContaining(['target', 'new_schema=on']));
    // The overview dates the flag from that history.
    const overview = await core.invoke('overview', {});
    expect(overview.flag).toMatchObject({ value: 'on', since: at });
  });
});
