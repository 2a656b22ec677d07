import type { Cluster } from 'ioredis';
import type { JobRow } from '../../../shared/contract';
import { INTENT_TTL_MS } from './enqueue-protocol';
import { mastersOf, sendRouted } from './scatter';
import { INTENT_PREFIX } from './slot-tags';

/** Keys per SCAN step of the intent walk. */
const SCAN_COUNT = 1000;

/**
 * The job ids of every enqueue in flight on the cluster: one intent per call, found with SCAN on
 * every master (docs/topologies.md "Cluster enqueue"). An intent keyed by job id names it; one
 * keyed by request id holds it in its `job_id` field.
 */
export async function jobsInFlight(cluster: Cluster): Promise<Set<string>> {
  const ids = new Set<string>();
  for (const { node } of await mastersOf(cluster)) {
    let cursor = '0';
    do {
      const [next, found] = await node.scan(
        cursor,
        'MATCH',
        `${INTENT_PREFIX}*`,
        'COUNT',
        SCAN_COUNT,
      );
      cursor = next;
      const named = await Promise.all(
        found.map((key) => {
          const byJob = /^[^}]*\}:j:(.*)$/s.exec(key.slice(INTENT_PREFIX.length));
          return byJob
            ? byJob[1]!
            : (sendRouted(cluster, 'hget', [key, 'job_id']) as Promise<string | null>);
        }),
      );
      for (const id of named) if (id) ids.add(id);
    } while (cursor !== '0');
  }
  return ids;
}

/**
 * Whether a job could still have an intent: the copy a cluster enqueue wrote carries the call's
 * start as `enqueued_at`, and no intent outlives INTENT_TTL_MS.
 */
function mayBeInFlight(row: JobRow, now: number): boolean {
  const started = Date.parse(row.enqueued_at ?? '');
  return Number.isFinite(started) && started > now - INTENT_TTL_MS;
}

/**
 * Rows missing a copy whose enqueue is still in flight are shown as such, not as divergent
 * (docs/topologies.md "Cluster reads"). The intents are looked for (a SCAN of each master) only
 * when a row misses a copy and was enqueued recently enough to have one. A call may have
 * committed between the rows' read and the intents' (its intent goes only once both copies are
 * written), so a row with no intent left is read again: what it shows then holds without one.
 */
export async function markInFlight(
  cluster: Cluster,
  rows: JobRow[],
  readAgain: (ids: string[]) => Promise<JobRow[]>,
): Promise<void> {
  const now = Date.now();
  const missing = rows.flatMap((row, at) =>
    (row.sync.state === 'missing_in_new' || row.sync.state === 'missing_in_old') &&
    mayBeInFlight(row, now)
      ? [at]
      : [],
  );
  if (missing.length === 0) return;
  const inFlight = await jobsInFlight(cluster);
  const settled: number[] = [];
  for (const at of missing) {
    if (inFlight.has(rows[at]!.job_id)) rows[at]!.sync = { state: 'in_flight' };
    else settled.push(at);
  }
  if (settled.length === 0) return;
  const again = await readAgain(settled.map((at) => rows[at]!.job_id));
  settled.forEach((at, i) => (rows[at] = again[i]!));
}
