import type { Cluster, Redis } from 'ioredis';
import type { DivergenceItem, DivergenceReport } from '../../shared/contract';
import { keys } from '../../electron/core/keys';
import { slotOf, tagBeside, tagOfSlot } from '../../electron/core/cluster/slot-tags';

/**
 * One keyspace with every divergence the check reports, written the same way to one server and to
 * a cluster, each category's jobs on every master of the cluster (docs/guarantees.md "Divergence
 * check", docs/topologies.md "Divergence check on a cluster").
 */

export const FLAG_ON_MS = Date.parse('2026-02-01T00:00:00.000Z');
const EARLY = '2026-01-01T00:00:00.000Z';
const LATE = '2026-03-01T00:00:00.000Z';
const WORKSPACES = ['ws-a', 'ws-b', 'ws-c'];
/**
 * Slots 0 to HOT_SLOTS - 1 hold 40 jobs each (both copies, by a hash tag in the job id), so a
 * resharding that moves them moves many keys while the walk reads them.
 */
export const HOT_SLOTS = 30;

type Writer = Redis | Cluster;

function job(id: string, ws: string, at = LATE): Record<string, string> {
  return {
    job_id: id,
    workspace_id: ws,
    status: 'completed',
    action_provider: 'google',
    action_name: 'gmail.send',
    params: `{"to":"${id}@example.com","n":[1,2,3]}`,
    actor_id: 'user-1',
    enqueued_at: at,
  };
}

/** The master (by slot range of the layout given) a key lives on. */
export type MasterOf = (key: string) => string;

/** The master of each slot as the cluster client sees it now. */
export function masterOfSlots(cluster: Cluster): MasterOf {
  return (key) => cluster.slots[slotOf(key)]![0]!;
}

/** `perMaster` ids of a category whose deciding key (`keyOf`) lies on each of the masters. */
function spread(
  category: string,
  keyOf: (id: string) => string,
  masterOf: MasterOf,
  perMaster = 2,
): string[] {
  const byMaster = new Map<string, string[]>();
  for (
    let n = 0;
    byMaster.size < 3 || [...byMaster.values()].some((l) => l.length < perMaster);
    n++
  ) {
    const id = `${category}-${n}`;
    const list = byMaster.get(masterOf(keyOf(id))) ?? [];
    if (list.length < perMaster) list.push(id);
    byMaster.set(masterOf(keyOf(id)), list);
    if (n > 10_000) throw new Error(`no spread of ${category} over three masters`);
  }
  return [...byMaster.values()].flat();
}

/** The planted jobs of each category, by id. */
export interface Planted {
  mismatch: string[];
  missingNew: string[];
  awaiting: string[];
  missingOld: string[];
  orphanQueue: string[];
  orphanIdem: string[];
  wrongOld: string[];
  wrongNew: string[];
  moved: string[];
}

/** Writes the keyspace: 300 jobs in sync, and each category's jobs spread over the masters. */
export async function plantKeyspace(w: Writer, masterOf: MasterOf): Promise<Planted> {
  const ws = (id: string) => WORKSPACES[Number(id.split('-').pop()) % 3]!;
  const oldKey = (id: string) => keys.oldJob(id);
  const newKey = (id: string) => keys.newJob(ws(id), id);
  const p: Planted = {
    mismatch: spread('mismatch', oldKey, masterOf),
    missingNew: spread('missing-new', oldKey, masterOf),
    awaiting: spread('awaiting', oldKey, masterOf),
    missingOld: spread('missing-old', newKey, masterOf),
    orphanQueue: spread('orphan-queue', oldKey, masterOf),
    orphanIdem: spread('orphan-idem', (id) => keys.idempotency(ws(id), `r-${id}`), masterOf),
    wrongOld: spread('wrong-old', oldKey, masterOf),
    wrongNew: spread('wrong-new', newKey, masterOf),
    moved: spread('moved', newKey, masterOf),
  };
  await w.set(keys.flag, 'on');
  // The history sits beside the flag on a cluster (docs/topologies.md "Cluster writes").
  for (const history of [keys.flagHistory, `ai:qs:flag:history:${tagBeside(keys.flag)}`])
    await w.zadd(history, FLAG_ON_MS, `on:${FLAG_ON_MS}`);
  const writes: Array<Promise<unknown>> = [];
  for (let i = 0; i < 300; i++) {
    const id = `sync-${i}`;
    const fields = job(id, ws(id));
    writes.push(w.hset(oldKey(id), fields), w.hset(newKey(id), fields));
    // The same JSON written by another serialiser is equal (docs/guarantees.md "Equality").
    if (i % 50 === 0)
      writes.push(
        w.hset(newKey(id), 'params', ` { "n": [1, 2.0, 3e0], "to": "${id}@example.com" }`),
      );
    writes.push(w.set(keys.idempotency(ws(id), `r-${id}`), id), w.rpush(keys.queue, id));
  }
  for (const id of p.mismatch) {
    writes.push(w.hset(oldKey(id), job(id, ws(id))));
    writes.push(w.hset(newKey(id), { ...job(id, ws(id)), status: 'running' }));
  }
  for (const id of p.missingNew) writes.push(w.hset(oldKey(id), job(id, ws(id))));
  for (const id of p.awaiting) writes.push(w.hset(oldKey(id), job(id, ws(id), EARLY)));
  for (const id of p.missingOld) writes.push(w.hset(newKey(id), job(id, ws(id))));
  for (const id of p.orphanQueue) writes.push(w.rpush(keys.queue, id));
  for (const id of p.orphanIdem) writes.push(w.set(keys.idempotency(ws(id), `r-${id}`), id));
  for (const id of p.wrongOld) writes.push(w.set(oldKey(id), 'not a hash'));
  for (const id of p.wrongNew) {
    writes.push(w.hset(oldKey(id), job(id, ws(id))));
    writes.push(w.rpush(newKey(id), 'not a hash'));
  }
  for (const id of p.moved) {
    // Filed under another workspace than its old hash names, its own copy absent.
    writes.push(w.hset(oldKey(id), job(id, 'ws-other')), w.hset(newKey(id), job(id, 'ws-other')));
  }
  for (let slot = 0; slot < HOT_SLOTS; slot++) {
    for (let n = 0; n < 40; n++) {
      const id = `hot-{${tagOfSlot(slot)}}-${n}`;
      const fields = job(id, 'ws-a');
      if (n === 0) p.mismatch.push(id);
      writes.push(w.hset(oldKey(id), fields));
      writes.push(
        w.hset(keys.newJob('ws-a', id), n === 0 ? { ...fields, status: 'failed' } : fields),
      );
    }
  }
  // A job too big for one bounded call, its copies differing in one field (large-job.ts).
  const big: Record<string, string> = job('large-1', 'ws-a');
  for (let f = 0; f < 1200; f++) big[`f${f}`] = `v${f}`;
  writes.push(w.hset(oldKey('large-1'), big));
  writes.push(w.hset(keys.newJob('ws-a', 'large-1'), { ...big, f7: 'changed' }));
  await Promise.all(writes);
  return p;
}

function canonical(item: DivergenceItem): string {
  const { repair: _repair, ...rest } = item;
  return JSON.stringify(
    Object.fromEntries(Object.entries(rest).sort(([a], [b]) => (a < b ? -1 : 1))),
  );
}

/** Everything two checks of one keyspace must agree on, items whole (fingerprints included). */
export function fullSignature(report: DivergenceReport) {
  return {
    state: report.state,
    in_sync: report.in_sync,
    counts: report.counts,
    pairs_compared: report.pairs_compared,
    settled_on_recheck: report.settled_on_recheck,
    by_workspace: report.by_workspace,
    truncated: report.truncated,
    items: report.items.map(canonical).sort(),
  };
}
