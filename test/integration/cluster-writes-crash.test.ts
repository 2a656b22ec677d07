import { beforeAll, describe, expect, it } from 'vitest';
import type { Cluster } from 'ioredis';
import type { QueueCore } from '../../electron/core/core';
import { keys } from '../../electron/core/keys';
import { updateStatusCluster } from '../../electron/core/cluster/writes/update-status';
import { retryCluster } from '../../electron/core/cluster/writes/retry';
import { removeFromQueueCluster } from '../../electron/core/cluster/writes/remove-from-queue';
import { runCli } from '../helpers/cli';
import { clusterRemovalClaim } from '../../electron/core/cluster/slot-tags';
import { sampleJob } from '../helpers/core';
import {
  copies,
  hookedContext,
  ownerOf,
  pause,
  plantJob,
  queuedTimes,
  replicasOf,
  splitJobId,
  useClusterWritesFixture,
} from '../helpers/cluster-writes';

/**
 * docs/topologies.md "Cluster writes" (a call stopped between its steps, and what the next call
 * does) and "Acknowledged means durable" (WAIT on each master a call wrote to), on a real
 * 3-master, 3-replica cluster.
 */
let core: QueueCore;
let direct: Cluster;
const fixture = useClusterWritesFixture();
beforeAll(() => {
  ({ core, direct } = fixture);
});

const WS = 'ws-a';
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
const CAS = 'qs_cluster_copy_cas_v1';

/** A context whose call stops (as a killed process would) right after the nth copy step. */
function crashAfterCopyStep(nth: number) {
  return hookedContext(direct, async (command, n) => {
    if (command === CAS && n === nth) throw new Error(`stopped after copy step ${nth}`);
  });
}

describe('Cluster writes stopped between steps (docs/topologies.md "Cluster writes")', () => {
  it('updateStatus: the next call finishes the new copy the stopped call left behind', async () => {
    const id = splitJobId(direct, WS, 'us');
    await plantJob(direct, WS, id);
    await direct.del(keys.queue);
    await expect(
      updateStatusCluster(crashAfterCopyStep(1), {
        job_id: id,
        status: 'running',
        workspace_id: WS,
      }),
    ).rejects.toThrow(/stopped after copy step 1/);
    let both = await copies(direct, WS, id);
    expect([both.old.status, both.new.status]).toEqual(['running', 'pending']);

    const job = await core.invoke('updateStatus', {
      job_id: id,
      status: 'running',
      workspace_id: WS,
    });
    expect(job.warning).toMatch(/left half done, and this call finished it/);
    both = await copies(direct, WS, id);
    expect(both.new).toEqual(both.old);
    // Nothing is left to finish: the same move is refused as on one server.
    await expect(
      core.invoke('updateStatus', { job_id: id, status: 'running', workspace_id: WS }),
    ).rejects.toMatchObject({ code: 'CONFLICT' });
  });

  it('updateStatus back to pending: a requeue stopped before its push is pushed by the next call, once', async () => {
    const id = splitJobId(direct, WS, 'rq');
    await plantJob(direct, WS, id, { status: 'running', started_at: 's1' });
    await expect(
      updateStatusCluster(crashAfterCopyStep(2), {
        job_id: id,
        status: 'pending',
        workspace_id: WS,
      }),
    ).rejects.toThrow(/stopped/);
    expect(await queuedTimes(direct, id)).toBe(0);
    const job = await core.invoke('updateStatus', {
      job_id: id,
      status: 'pending',
      workspace_id: WS,
    });
    expect(job.warning).toMatch(/pushed it back on the queue/);
    expect(await queuedTimes(direct, id)).toBe(1);
    await expect(
      core.invoke('updateStatus', { job_id: id, status: 'pending', workspace_id: WS }),
    ).rejects.toMatchObject({ code: 'CONFLICT' });
    expect(await queuedTimes(direct, id)).toBe(1);
  });

  it('retry: stopped after either copy step, the next retry finishes it and queues the attempt once', async () => {
    for (const nth of [1, 2]) {
      const id = splitJobId(direct, WS, `rt${nth}`);
      await plantJob(direct, WS, id, { status: 'failed', attempts: '1', finished_at: 'f' });
      await expect(retryCluster(crashAfterCopyStep(nth), id, WS, 'ops')).rejects.toThrow(/stopped/);
      expect(await queuedTimes(direct, id)).toBe(0);
      const job = await core.invoke('retry', { job_id: id, workspace_id: WS, actor_id: 'ops2' });
      expect(job).toMatchObject({ status: 'pending', attempts: 2, retried_by: 'ops' });
      expect(job.warning).toMatch(/left half done; this call finished it/);
      const both = await copies(direct, WS, id);
      expect(both.new).toEqual(both.old);
      expect(await queuedTimes(direct, id)).toBe(1);
      await expect(
        core.invoke('retry', { job_id: id, workspace_id: WS, actor_id: 'ops' }),
      ).rejects.toMatchObject({ code: 'CONFLICT', details: { current_status: 'pending' } });
      expect(await queuedTimes(direct, id)).toBe(1);
    }
  });

  it('removeFromQueue: stopped after marking the copies, the next call after its claim ran out takes the entry out', async () => {
    const id = splitJobId(direct, WS, 'rm');
    await plantJob(direct, WS, id);
    await expect(
      removeFromQueueCluster(crashAfterCopyStep(2), {
        job_id: id,
        reason: 'poison',
        actor_id: 'ops',
      }),
    ).rejects.toThrow(/stopped/);
    expect((await copies(direct, WS, id)).new.status).toBe('failed');
    expect(await queuedTimes(direct, id)).toBe(1);
    const input = { job_id: id, reason: 'poison', actor_id: 'ops' };
    // The stopped call's claim on the entries holds them for its lease (30 s).
    await expect(core.invoke('removeFromQueue', input)).rejects.toMatchObject({
      code: 'CONFLICT',
      details: { reason: 'removal_in_progress' },
    });
    await direct.pexpire(clusterRemovalClaim(keys.queue, id), 1); // the lease runs out
    while (await direct.exists(clusterRemovalClaim(keys.queue, id))) await sleep(5);
    const out = await core.invoke('removeFromQueue', {
      job_id: id,
      reason: 'poison',
      actor_id: 'ops',
    });
    expect(out).toMatchObject({ removed: 1, status_before: 'failed', status_after: 'failed' });
    expect(await queuedTimes(direct, id)).toBe(0);
  });
});

describe('Acknowledged means durable on a cluster (docs/topologies.md "Acknowledged means durable")', () => {
  /** Runs `during` while the replicas of the master holding `key` are stopped. */
  async function withReplicaPaused<T>(key: string, during: () => Promise<T>): Promise<T> {
    const replicas = await replicasOf(fixture.cluster, direct, key);
    expect(replicas.length).toBeGreaterThan(0);
    const resumes = await Promise.all(replicas.map((node) => pause(node)));
    try {
      return await during();
    } finally {
      for (const resume of resumes) await resume();
      await fixture.cluster.waitHealthy(30_000);
    }
  }

  it('a write whose master has no replica confirming in time is unconfirmed (exit 6), and confirmed once the replica is back', async () => {
    const id = splitJobId(direct, WS, 'w');
    await plantJob(direct, WS, id);
    await direct.del(keys.queue);
    const error = await withReplicaPaused(keys.newJob(WS, id), () =>
      core.invoke('updateStatus', { job_id: id, status: 'running', workspace_id: WS }).then(
        () => null,
        (e: unknown) => e,
      ),
    );
    expect(error).toMatchObject({
      code: 'REDIS_UNAVAILABLE',
      details: {
        outcome: 'unconfirmed',
        operation: 'updateStatus',
        job_id: id,
        replicas_acknowledged: 0,
      },
    });
    // Applied on the masters, only not vouched for.
    expect((await copies(direct, WS, id)).new.status).toBe('running');
    await expect(
      core.invoke('updateStatus', { job_id: id, status: 'completed', workspace_id: WS }),
    ).resolves.toMatchObject({ status: 'completed' });
  });

  it('an enqueue and a flag change wait on their masters: unconfirmed while a replica is away', async () => {
    const job = sampleJob({ workspace_id: WS, client_request_id: 'req-1' });
    const enqueued = await withReplicaPaused(keys.queue, () =>
      core.invoke('enqueue', job).then(
        () => null,
        (e: unknown) => e,
      ),
    );
    expect(enqueued).toMatchObject({
      code: 'REDIS_UNAVAILABLE',
      details: { outcome: 'unconfirmed' },
    });
    // The retry with the same request id answers the job it wrote, now confirmed.
    await expect(core.invoke('enqueue', job)).resolves.toMatchObject({ outcome: 'duplicate' });
    const flag = await withReplicaPaused(keys.flag, () =>
      core.invoke('setFlag', { value: 'on', actor_id: 'ops' }).then(
        () => null,
        (e: unknown) => e,
      ),
    );
    expect(flag).toMatchObject({ details: { outcome: 'unconfirmed', operation: 'setFlag' } });
  });

  it('a master the call did not write to is not waited on', async () => {
    // A job whose old copy and the queue share no master with a third one, whose replica stops.
    const masters = new Set((await fixture.cluster.masters()).map((m) => `127.0.0.1:${m.port}`));
    let id = '';
    for (let n = 0; !id; n++) {
      const candidate = `solo-${n}`;
      if (ownerOf(direct, keys.oldJob(candidate)) !== ownerOf(direct, keys.queue)) id = candidate;
    }
    masters.delete(ownerOf(direct, keys.oldJob(id)));
    masters.delete(ownerOf(direct, keys.queue));
    const other = [...masters][0]!;
    let elsewhere = '';
    for (let n = 0; !elsewhere; n++) if (ownerOf(direct, `k${n}`) === other) elsewhere = `k${n}`;
    await plantJob(direct, WS, id);
    await direct.del(keys.newJob(WS, id));
    const job = await withReplicaPaused(elsewhere, () =>
      core.invoke('updateStatus', { job_id: id, status: 'running' }),
    );
    expect(job).toMatchObject({ status: 'running' });
  });

  it('the command line exits 6 for an unconfirmed cluster write, and 0 when the retry finds it', async () => {
    const cli = (...argv: string[]) =>
      runCli(
        {
          REDIS_URL: fixture.cluster.url,
          QUEUESCOPE_OPERATOR: 'ops',
          QUEUESCOPE_WAIT_TIMEOUT_MS: '300',
        },
        argv,
      );
    const args = ['--json', 'enqueue', '--workspace', WS, '--provider', 'p', '--action', 'a'];
    const first = await withReplicaPaused(keys.queue, () =>
      cli(...args, '--actor', 'u', '--request-id', 'cli-1'),
    );
    expect(first.code).toBe(6);
    const error = JSON.parse(first.err) as { details: { outcome: string; job_id: string } };
    expect(error.details.outcome).toBe('unconfirmed');
    const again = await cli(...args, '--actor', 'u', '--request-id', 'cli-1');
    expect(again.code).toBe(0);
    expect(JSON.parse(again.out)).toEqual({ outcome: 'duplicate', job_id: error.details.job_id });
  });
});
