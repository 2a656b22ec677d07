import type { ApiError, EnqueueManyItem } from '../../shared/contract';
import { RedisUnavailableError } from './errors';
import type { Confirmation } from './redis/durability';

/**
 * Writes whose loss in a failover is harmless, so they are not held to a replica's confirmation:
 * reports and index entries derived from the jobs, which the next run makes again.
 */
const DERIVED_WRITES = new Set(['divergenceCheck', 'indexStep']);

export function needsConfirmation(operation: string): boolean {
  return !DERIVED_WRITES.has(operation);
}

function why(c: Confirmation): string {
  return c.connectionChanged
    ? 'the connection to Redis changed before a replica confirmed it'
    : `${c.acknowledged} of ${c.required} replica${c.required === 1 ? '' : 's'} confirmed it within ${c.timeoutMs} ms`;
}

function details(operation: string, c: Confirmation, extra: Record<string, unknown> = {}) {
  return {
    outcome: 'unconfirmed',
    operation,
    replicas_required: c.required,
    replicas_acknowledged: c.acknowledged,
    timeout_ms: c.timeoutMs,
    ...extra,
  };
}

interface WriteFacts {
  job_id?: string;
  client_request_id?: string;
}

function enqueueMessage(c: Confirmation, facts: WriteFacts): string {
  const head = `Job ${facts.job_id} was written to the primary, but ${why(c)}, so a failover now could lose it: it is not reported as enqueued.`;
  return facts.client_request_id
    ? `${head} Retry with the same client_request_id (${facts.client_request_id}): if the job survived, the retry answers duplicate with its id; if it was lost, the retry enqueues it, once.`
    : `${head} Look job ${facts.job_id} up (get it) before enqueueing again: without a client_request_id a retry would enqueue a second job.`;
}

/**
 * The error of a write Redis applied on the primary that no replica confirmed in time
 * (docs/topologies.md): not a failure, not a success. Exit code 6 on the command line.
 */
export function unconfirmedError(
  operation: string,
  input: unknown,
  output: unknown,
  c: Confirmation,
): RedisUnavailableError {
  const i = (input ?? {}) as WriteFacts;
  const o = (output ?? {}) as WriteFacts;
  const jobId = o.job_id ?? i.job_id;
  if (operation === 'enqueue') {
    const facts = { job_id: jobId, client_request_id: i.client_request_id };
    return new RedisUnavailableError(
      enqueueMessage(c, facts),
      details(operation, c, { job_id: jobId }),
    );
  }
  if (operation === 'repair') {
    // The fixes stay applied (and marked so on the report): only their survival is not vouched for.
    const applied = (output as { applied?: number } | null)?.applied ?? 0;
    return new RedisUnavailableError(
      `The repair applied ${applied} fix${applied === 1 ? '' : 'es'} on the primary, but ${why(c)}, so a failover now could undo ${applied === 1 ? 'it' : 'them'}. The report's repair marks say which were applied; run a divergence check before repairing again: it finds whatever a failover undid.`,
      details(operation, c, { applied }),
    );
  }
  const what = jobId ? `The change to job ${jobId}` : `The ${operation} write`;
  return new RedisUnavailableError(
    `${what} was applied on the primary, but ${why(c)}, so a failover now could undo it. Read ${jobId ? 'the job' : 'the state'} back before doing it again; if it is missing, redo it.`,
    details(operation, c, jobId ? { job_id: jobId } : {}),
  );
}

/** The error item of one enqueueMany job whose writes no replica confirmed in time. */
export function unconfirmedItem(
  job: unknown,
  index: number,
  jobId: string,
  c: Confirmation,
): EnqueueManyItem {
  const input = (job ?? {}) as WriteFacts;
  const error: ApiError = {
    code: 'REDIS_UNAVAILABLE',
    message: `jobs[${index}]: ${enqueueMessage(c, { job_id: jobId, client_request_id: input.client_request_id })}`,
    details: details('enqueueMany', c, { job_id: jobId, index }),
  };
  return { outcome: 'error', error };
}

/** enqueueMany answers per job: each job it enqueued becomes an unconfirmed error of its own. */
export function unconfirmedItems(
  jobs: unknown[],
  results: EnqueueManyItem[],
  c: Confirmation,
): EnqueueManyItem[] {
  return results.map((item, index) =>
    item.outcome === 'enqueued' ? unconfirmedItem(jobs[index], index, item.job_id, c) : item,
  );
}
