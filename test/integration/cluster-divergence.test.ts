import { beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type { Cluster } from 'ioredis';
import type { DivergenceReport } from '../../shared/contract';
import { clusterContext } from '../../electron/core/cluster-guard';
import { divergenceCheckCluster } from '../../electron/core/cluster/divergence/check';
import type { ClusterCheckOptions } from '../../electron/core/cluster/divergence/run';
import { refreshSlots } from '../../electron/core/cluster/node-view';
import { enqueueOnCluster, SimulatedCrash } from '../../electron/core/cluster/enqueue-protocol';
import type { CoreContext } from '../../electron/core/context';
import { divergenceCheck } from '../../electron/core/migration/divergence-check';
import type { QueueCore } from '../../electron/core/core';
import { contextOf, useRedis } from '../helpers/core';
import {
  fullSignature,
  HOT_SLOTS,
  masterOfSlots,
  plantKeyspace,
  type Planted,
} from '../helpers/cluster-divergence';
import { preparedJob, protocolEnv, useClusterEnqueueFixture } from '../helpers/cluster-enqueue';
import type { RedisCluster } from '../helpers/redis-cluster';
import { runCli } from '../helpers/cli';
import { failoverUnderWalk, reshardUnderWalk } from '../helpers/cluster-reshard';

/**
 * docs/topologies.md "Divergence check on a cluster": on a real 3-master cluster the check finds
 * exactly what it finds on one server holding the same keys, quiet or with a failover or a
 * resharding under its walk; a job whose enqueue is in flight is not reported; a cancelled check
 * resumes to the same report.
 */
let cluster: RedisCluster;
let core: QueueCore;
let direct: Cluster;
let clusterCtx: CoreContext;
const fixture = useClusterEnqueueFixture();
const standalone = useRedis();
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
const OPTS = { recheckPauseMs: 0, checkpointEveryMs: 0 };

let planted: Planted;
let expected: ReturnType<typeof fullSignature>;

beforeAll(() => {
  ({ cluster, core, direct } = fixture);
  clusterCtx = clusterContext(contextOf(core));
});

beforeEach(async () => {
  for (const node of await cluster.masters()) await node.client().flushall();
  await refreshSlots(direct);
  planted = await plantKeyspace(direct, masterOfSlots(direct));
  await plantKeyspace(standalone.redis, masterOfSlots(direct));
  const one = await divergenceCheck(contextOf(standalone.core()), {}, {}, OPTS);
  expected = fullSignature(one);
}, 60_000);

/** Waits until every replica has replicated everything its master has (the planted keys). */
async function replicasCaughtUp(): Promise<void> {
  for (const master of await cluster.masters()) {
    for (;;) {
      const info = await master.client().info('replication');
      const offset = /master_repl_offset:(\d+)/.exec(info)?.[1];
      const replicas = [...info.matchAll(/^slave\d+:.*offset=(\d+)/gm)].map((m) => m[1]);
      if (replicas.length > 0 && replicas.every((r) => r === offset)) break;
      await sleep(20);
    }
  }
}

/** The command line against the cluster, as operator "ops". */
const cli = (...argv: string[]) =>
  runCli({ REDIS_URL: cluster.url, QUEUESCOPE_OPERATOR: 'ops' }, argv);

const checkOnCluster = (options: Partial<ClusterCheckOptions> = {}) =>
  divergenceCheckCluster(clusterCtx, {}, {}, { ...OPTS, ...options });

function expectEveryCategory(report: DivergenceReport): void {
  const jobs = (category: string) =>
    report.items
      .filter((i) => i.category === category)
      .map((i) => i.job_id)
      .sort();
  expect(jobs('mismatch')).toEqual(
    [...planted.mismatch, ...planted.wrongOld, ...planted.wrongNew, 'large-1'].sort(),
  );
  expect(jobs('missing_in_new')).toEqual([...planted.missingNew].sort());
  expect(jobs('awaiting_backfill')).toEqual([...planted.awaiting].sort());
  expect(jobs('missing_in_old')).toEqual([...planted.missingOld].sort());
  expect(jobs('orphan_queue_entry')).toEqual([...planted.orphanQueue].sort());
  expect(jobs('orphan_idempotency_key')).toEqual([...planted.orphanIdem].sort());
  expect(jobs('workspace_mismatch')).toEqual([...planted.moved].sort());
}

describe('the divergence check on a cluster (docs/topologies.md "Divergence check on a cluster")', () => {
  it('finds exactly the planted divergences on all three masters, the same report as one server with the same keys', async () => {
    const report = (await core.invoke('divergenceCheck', {})) as DivergenceReport;
    expect(report.state).toBe('completed');
    expectEveryCategory(report);
    expect(fullSignature(report)).toEqual(expected);
    // The kept report reads back through the cluster as on one server.
    const listed = (await core.invoke('divergenceReports', { limit: 5 })) as DivergenceReport[];
    expect(listed[0]!.id).toBe(report.id);
    const again = (await core.invoke('divergenceReport', { id: report.id })) as DivergenceReport;
    expect(fullSignature(again)).toEqual(expected);
  });

  it('a check scoped to one workspace reports exactly what the same scoped check reports on one server', async () => {
    const one = await divergenceCheck(
      contextOf(standalone.core()),
      { workspace_id: 'ws-b' },
      {},
      OPTS,
    );
    const scoped = await divergenceCheckCluster(clusterCtx, { workspace_id: 'ws-b' }, {}, OPTS);
    expect(scoped.workspace_id).toBe('ws-b');
    expect(scoped.items.length).toBeGreaterThan(0);
    expect(fullSignature(scoped)).toEqual(fullSignature(one));
  });

  it("the command line's divergence, reports and report answer on the cluster as on one server", async () => {
    const check = await cli('--json', 'divergence');
    expect(check.code).toBe(1); // diverged (README, "Command line")
    const report = JSON.parse(check.out) as DivergenceReport;
    expect(fullSignature(report)).toEqual(expected);
    const listed = JSON.parse((await cli('--json', 'reports')).out) as DivergenceReport[];
    expect(listed[0]!.id).toBe(report.id);
    const read = await cli('--json', 'report', report.id);
    expect(read.code).toBe(0);
    expect(fullSignature(JSON.parse(read.out) as DivergenceReport)).toEqual(expected);
  });

  it('does not report a job whose enqueue is in flight (its intent is live)', async () => {
    // Two calls stopped midway: one after its old copy (no new copy yet), one after its
    // reservation (an idempotency key naming a job with no copy yet).
    const midway = preparedJob({ workspace_id: 'ws-a', client_request_id: 'in-flight-1' });
    const reserved = preparedJob({ workspace_id: 'ws-b', client_request_id: 'in-flight-2' });
    await expect(enqueueOnCluster(protocolEnv(direct, 'old'), midway)).rejects.toBeInstanceOf(
      SimulatedCrash,
    );
    await expect(enqueueOnCluster(protocolEnv(direct, 'intent'), reserved)).rejects.toBeInstanceOf(
      SimulatedCrash,
    );
    const report = await checkOnCluster();
    const ids = report.items.map((i) => i.job_id);
    expect(ids).not.toContain(midway.jobId);
    expect(ids).not.toContain(reserved.jobId);
    expect(fullSignature(report)).toEqual(expected);
  });

  it('resumed after a cancel, counts every key once: the same report as an uninterrupted check', async () => {
    const abort = new AbortController();
    const cancelled = await divergenceCheckCluster(
      clusterCtx,
      {},
      {
        signal: abort.signal,
        onProgress: (p) => {
          if (p.done > 400) abort.abort();
        },
      },
      { ...OPTS, walk: { slotsPerBatch: 128 } },
    );
    expect(cancelled.state).toBe('cancelled');
    const resumed = await divergenceCheckCluster(clusterCtx, { resume: true }, {}, OPTS);
    expect(resumed.id).toBe(cancelled.id);
    expect(resumed.resumed).toBe(true);
    expect(fullSignature(resumed)).toEqual(expected);
  });

  it('finds exactly the planted divergences on all three masters through a CLUSTER FAILOVER during the check', async () => {
    const { beforeBatch, started } = failoverUnderWalk(cluster);
    const report = await checkOnCluster({ walk: { slotsPerBatch: 128, beforeBatch } });
    expect(started()).not.toBeNull();
    await started();
    expectEveryCategory(report);
    expect(fullSignature(report)).toEqual(expected);
  }, 120_000);

  it('finds exactly the planted divergences on all three masters when a master is killed during the check (resumed if it failed)', async () => {
    const masters = await cluster.masters();
    const victim = masters[masters.length - 1]!;
    let killed = false;
    try {
      let report = await checkOnCluster({
        walk: {
          slotsPerBatch: 128,
          beforeBatch: async (from) => {
            if (from > 2000 && !killed) {
              await replicasCaughtUp();
              killed = true;
              await victim.kill('SIGKILL');
            }
          },
        },
      }).catch((error: Error) => error);
      expect(killed).toBe(true);
      // A write of the check's own state to the dead master fails the check (docs/topologies.md
      // "Divergence check on a cluster"); once its replica has taken over, a resume finishes it.
      if (report instanceof Error) {
        await cluster.waitHealthy(60_000);
        report = await divergenceCheckCluster(clusterCtx, { resume: true }, {}, OPTS);
        expect(report.resumed).toBe(true);
      }
      expectEveryCategory(report);
      expect(fullSignature(report)).toEqual(expected);
    } finally {
      await victim.restart();
      await cluster.waitHealthy(60_000);
    }
  }, 180_000);

  it('finds exactly the planted divergences on all three masters while a resharding moves slots under the walk', async () => {
    // The resharding moves the lowest slots of slot 0's master first, one key per MIGRATE; the
    // walk's steps over them wait until their slots are being moved, so it reads them mid-move.
    const { done, beforeBatch, readWhileMigrating } = await reshardUnderWalk(
      await cluster.masters(),
      direct,
      HOT_SLOTS,
      4,
    );
    const report = await checkOnCluster({ walk: { slotsPerBatch: 4, beforeBatch } });
    await done;
    expect(readWhileMigrating()).toBeGreaterThan(0);
    expectEveryCategory(report);
    expect(fullSignature(report)).toEqual(expected);
    await cluster.waitHealthy();
  }, 180_000);
});
