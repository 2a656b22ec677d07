import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { Cluster, Redis } from 'ioredis';
import { clusterContext } from '../../electron/core/cluster-guard';
import { nodeName } from '../../electron/core/cluster/confirm-masters';
import { divergenceCheckCluster } from '../../electron/core/cluster/divergence/check';
import { refreshSlots } from '../../electron/core/cluster/node-view';
import type { ClusterServeEnv } from '../../electron/core/cluster/served/types';
import { WRITES_SERVED } from '../../electron/core/cluster/served/writes';
import type { QueueCore } from '../../electron/core/core';
import { keys } from '../../electron/core/keys';
import { markField } from '../../electron/core/migration/repair-marks';
import { contextOf } from '../helpers/core';
import {
  copies,
  hookedContext,
  ownerOf,
  pause,
  plantJob,
  replicasOf,
  useClusterWritesFixture,
} from '../helpers/cluster-writes';

/**
 * docs/topologies.md "Acknowledged means durable" and "Repair on a cluster": a repair's commit,
 * made on a WATCH connection of its own to the target's master, must be on a replica before the
 * repair is reported done, though the Cluster client's own connection to that master made no
 * write after it. On a real 3-master, 3-replica cluster. Before Redis 7.2 any command moves a
 * connection's offset, so the CLUSTER NODES the confirmation sends before each WAIT covered the
 * commit by chance; from 7.2 on only that connection's own writes do, and this test tells the two
 * apart.
 */
let core: QueueCore;
let direct: Cluster;
const fixture = useClusterWritesFixture();
const OPTS = { recheckPauseMs: 0, checkpointEveryMs: 0 };
let resumes: Array<() => Promise<void>> = [];

beforeAll(() => {
  ({ core, direct } = fixture);
});

afterEach(async () => {
  for (const resume of resumes) await resume();
  resumes = [];
  await fixture.cluster.waitHealthy(30_000);
});

const masterAt = (address: string): Redis =>
  (direct.nodes('master') as Redis[]).find((node) => nodeName(node) === address)!;

/**
 * One mismatched job per master, by the master of its new copy (the copy the repair replaces),
 * in a workspace whose index lives on another master: after the commit, the repair writes nothing
 * more on the target's master through the Cluster client.
 */
async function plantMismatchPerMaster(): Promise<Map<string, { ws: string; id: string }>> {
  const byMaster = new Map<string, { ws: string; id: string }>();
  for (let n = 0; byMaster.size < 3; n++) {
    const ws = `ws-d${n}`;
    const id = `dur-${n}`;
    const target = ownerOf(direct, keys.newJob(ws, id));
    if (byMaster.has(target) || ownerOf(direct, keys.workspaceIndex(ws)) === target) continue;
    byMaster.set(target, { ws, id });
    await plantJob(direct, ws, id, { status: 'completed' });
    await direct.hset(keys.newJob(ws, id), 'status', 'failed');
  }
  return byMaster;
}

describe('a repair committed on its own WATCH connection (docs/topologies.md "Acknowledged means durable")', () => {
  it('is unconfirmed while the target master has no replica confirming the commit, yet the fix counts as applied', async () => {
    await refreshSlots(direct);
    const planted = await plantMismatchPerMaster();
    const report = await divergenceCheckCluster(clusterContext(contextOf(core)), {}, {}, OPTS);
    // The report's repair marks are written after the commit: not on the target's master either.
    const marksAt = ownerOf(direct, keys.divergenceRepaired(report.id));
    const [target, { ws, id }] = [...planted].find(([address]) => address !== marksAt)!;
    const item = report.items.find((i) => i.job_id === id && i.category === 'mismatch')!;
    expect(item).toBeTruthy();
    const replicas = await replicasOf(fixture.cluster, direct, keys.newJob(ws, id));
    expect(replicas.length).toBeGreaterThan(0);

    const ctx = hookedContext(direct, async (command, nth) => {
      // The staging step, the repair's last write through the Cluster client on the target's
      // master before the commit: once the replica has it, the replica stops.
      if (command !== 'multi' || nth !== 1) return;
      expect(await masterAt(target).wait(1, 5000)).toBe(1);
      resumes = await Promise.all(replicas.map((node) => pause(node)));
    });
    const handlers = WRITES_SERVED.handlers({ ctx } as ClusterServeEnv);
    const error = await handlers.repair!(
      {
        report_id: report.id,
        workspace_id: ws,
        categories: ['mismatch'],
        dry_run: false,
        actor_id: 'ops',
      },
      {},
    ).then(
      () => null,
      (e: unknown) => e,
    );

    expect(resumes.length).toBeGreaterThan(0);
    expect(error).toMatchObject({
      code: 'REDIS_UNAVAILABLE',
      details: {
        outcome: 'unconfirmed',
        operation: 'repair',
        replicas_acknowledged: 0,
        applied: 1,
      },
    });
    // Applied on the master, only not vouched for: the copy is replaced and marked applied.
    const both = await copies(direct, ws, id);
    expect(both.new).toEqual(both.old);
    const mark = await direct.hget(keys.divergenceRepaired(report.id), markField(item));
    expect(JSON.parse(mark!)).toMatchObject({ outcome: 'applied' });
  }, 60_000);
});
