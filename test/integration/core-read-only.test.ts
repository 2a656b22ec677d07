import { describe, expect, it } from 'vitest';
import { contract, CORE_OPERATION_NAMES, type OperationName } from '../../shared/contract';
import { QueueCore } from '../../electron/core/core';
import { freePort } from '../helpers/redis-server';
import { sampleJob, useRedis } from '../helpers/core';

/** A valid input for every write operation; a write added to the contract without one fails below. */
const WRITE_INPUTS: Partial<Record<OperationName, unknown>> = {
  enqueue: sampleJob({ client_request_id: 'r-1' }),
  enqueueMany: { jobs: [sampleJob()] },
  updateStatus: { job_id: 'job-1', status: 'running', workspace_id: 'ws-1' },
  retry: { job_id: 'job-1', workspace_id: 'ws-1', actor_id: 'ops' },
  setFlag: { value: 'on', actor_id: 'ops' },
  repair: { actor_id: 'ops', dry_run: true },
  indexStep: { steps: 1 },
  removeFromQueue: { job_id: 'job-1', reason: 'poison', actor_id: 'ops' },
};
const WRITES = CORE_OPERATION_NAMES.filter((name) => contract[name].writes);

/**
 * docs/operations.md, "Errors": a read-only core refuses every write with READ_ONLY before it
 * touches Redis.
 */
describe('read-only core', () => {
  const env = useRedis();

  it('has a sample input for every write operation of the contract', () => {
    expect(WRITES.filter((name) => !(name in WRITE_INPUTS))).toEqual([]);
  });

  it.each(WRITES)(
    '%s is refused with READ_ONLY even when nothing listens at the address',
    async (name) => {
      const core = new QueueCore({
        readOnly: true,
        connection: { url: `redis://127.0.0.1:${await freePort()}` },
      });
      try {
        await expect(core.invoke(name, WRITE_INPUTS[name], { actor: 'ops' })).rejects.toMatchObject(
          {
            code: 'READ_ONLY',
            details: { operation: name },
          },
        );
      } finally {
        await core.close();
      }
    },
  );

  it.each(WRITES)(
    '%s is refused against a live Redis and writes nothing, not even an audit entry',
    async (name) => {
      const core = env.core({ readOnly: true });
      await expect(core.invoke(name, WRITE_INPUTS[name], { actor: 'ops' })).rejects.toMatchObject({
        code: 'READ_ONLY',
      });
      expect(await env.redis.dbsize()).toBe(0);
    },
  );

  it('still answers reads', async () => {
    await env.core().invoke('enqueue', sampleJob({ job_id: 'job-1' }));
    const core = env.core({ readOnly: true });
    expect(await core.invoke('getJob', { job_id: 'job-1' })).toMatchObject({ source: 'old' });
    expect(await core.invoke('getFlag', {})).toEqual({ new_schema: 'off', source: 'env' });
  });
});
