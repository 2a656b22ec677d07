import { beforeAll, describe, expect, it } from 'vitest';
import type { Cluster } from 'ioredis';
import type { RepairResult } from '../../shared/contract';
import { clusterContext } from '../../electron/core/cluster-guard';
import { divergenceCheckCluster } from '../../electron/core/cluster/divergence/check';
import { refreshSlots } from '../../electron/core/cluster/node-view';
import type { CoreContext } from '../../electron/core/context';
import type { QueueCore } from '../../electron/core/core';
import { keys } from '../../electron/core/keys';
import { divergenceCheck } from '../../electron/core/migration/divergence-check';
import { repair } from '../../electron/core/migration/repair';
import { contextOf, useRedis } from '../helpers/core';
import { fullSignature, masterOfSlots, plantKeyspace } from '../helpers/cluster-divergence';
import { ownerOf, useClusterWritesFixture } from '../helpers/cluster-writes';

/**
 * docs/topologies.md "Repair on a cluster": repair from the reports the cluster's divergence check
 * makes, each copy replaced compare-and-set in its own slot, on a real 3-master cluster, against
 * the same repair of the same keyspace on one server.
 */
let core: QueueCore;
let direct: Cluster;
let clusterCtx: CoreContext;
const fixture = useClusterWritesFixture();
const standalone = useRedis();
const OPTS = { recheckPauseMs: 0, checkpointEveryMs: 0 };
const ops = { actor: 'ops' };

beforeAll(() => {
  ({ core, direct } = fixture);
  clusterCtx = clusterContext(contextOf(core));
});

const checkOnCluster = () => divergenceCheckCluster(clusterCtx, {}, {}, OPTS);

/** What a repair did, without the report ids, which differ between the two servers. */
function outcome(result: RepairResult) {
  return {
    applied: result.applied,
    skipped: result.skipped.map((s) => `${s.job_id}: ${s.reason}`).sort(),
    planned_by_category: result.planned_by_category,
    stopped: result.stopped ?? null,
  };
}

describe('Repair on a cluster (docs/topologies.md "Repair on a cluster")', () => {
  it('fixes what the cluster check reports as one server fixes the same keyspace, and the next check finds only what repair leaves alone', async () => {
    await refreshSlots(direct);
    const planted = await plantKeyspace(direct, masterOfSlots(direct));
    await plantKeyspace(standalone.redis, masterOfSlots(direct));
    const report = await checkOnCluster();
    expect(report.state).toBe('completed');

    const one = standalone.core();
    const oneCtx = contextOf(one);
    const oneReport = await divergenceCheck(oneCtx, {}, {}, OPTS);
    expect(fullSignature(report)).toEqual(fullSignature(oneReport));

    const fixed = await core.invoke(
      'repair',
      { report_id: report.id, dry_run: false, actor_id: 'ops' },
      ops,
    );
    const oneFixed = await repair(oneCtx, { report_id: oneReport.id, dry_run: false }, {});
    expect(outcome(fixed)).toEqual(outcome(oneFixed));
    expect(fixed.applied).toBeGreaterThan(20);

    const after = await checkOnCluster();
    const oneAfter = await divergenceCheck(oneCtx, {}, {}, OPTS);
    expect(fullSignature(after)).toEqual(fullSignature(oneAfter));
    // Only the wrong-typed copies are left, for a person.
    expect(after.counts.mismatch).toBe(planted.wrongOld.length + planted.wrongNew.length);
    // The large job (1,200 fields) was copied through a staging key beside its new copy.
    expect(await direct.hget(keys.newJob('ws-a', 'large-1'), 'f7')).toBe('v7');
    // Nothing staged is left behind.
    for (const node of direct.nodes('master'))
      expect(await node.keys('ai:qs:repair:stage:*')).toEqual([]);
  }, 120_000);

  it('skips a pair whose copy changed since the check, and never overwrites the change', async () => {
    await refreshSlots(direct);
    const planted = await plantKeyspace(direct, masterOfSlots(direct));
    const report = await checkOnCluster();
    const [newChanged, oldChanged, ...others] = planted.mismatch;
    const ws = (id: string) =>
      report.items.find((i) => i.job_id === id && i.category === 'mismatch')!.workspace_id!;
    // A worker moves one job's new copy on, and another job's old copy, after the check.
    await direct.hset(keys.newJob(ws(newChanged!), newChanged!), 'status', 'failed');
    await direct.hset(keys.oldJob(oldChanged!), 'status', 'failed');
    expect(ownerOf(direct, keys.oldJob(oldChanged!))).toBeTruthy();

    const fixed = await core.invoke('repair', {
      report_id: report.id,
      categories: ['mismatch'],
      dry_run: false,
      actor_id: 'ops',
    });
    expect(fixed.skipped).toEqual(
      expect.arrayContaining([
        { job_id: newChanged, reason: 'changed since the check' },
        { job_id: oldChanged, reason: 'changed since the check' },
      ]),
    );
    expect(await direct.hget(keys.newJob(ws(newChanged!), newChanged!), 'status')).toBe('failed');
    expect(await direct.hget(keys.newJob(ws(oldChanged!), oldChanged!), 'status')).toBe('running');
    for (const id of others) {
      expect(await direct.hgetall(keys.newJob(ws(id), id))).toEqual(
        await direct.hgetall(keys.oldJob(id)),
      );
    }
  }, 120_000);

  it('without a report, runs the cluster check first and repairs from it', async () => {
    await refreshSlots(direct);
    const planted = await plantKeyspace(direct, masterOfSlots(direct));
    const fixed = await core.invoke('repair', { backfill: true, dry_run: false, actor_id: 'ops' });
    expect(fixed.applied).toBe(planted.missingNew.length + planted.awaiting.length);
    for (const id of planted.missingNew) {
      const ws = await direct.hget(keys.oldJob(id), 'workspace_id');
      expect(await direct.exists(keys.newJob(ws!, id))).toBe(1);
    }
  }, 120_000);
});
