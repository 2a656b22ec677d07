import { describe, expect, it } from 'vitest';
import { contract, CORE_OPERATION_NAMES, type OperationName } from '../../shared/contract';
import { keys } from '../../electron/core/keys';
import { sampleJob, useRedis, dualWriteOnSettled } from '../helpers/core';

/** An input for every read of the contract that the check below does not call itself. */
const READ_INPUTS: Partial<Record<OperationName, unknown>> = {
  getJob: { job_id: 'job-1' },
  inspectJob: { job_id: 'job-1', workspace_id: 'ws-1' },
  listWorkspaces: {},
  listJobs: { workspace_id: 'ws-1', status: 'running' },
  getFlag: {},
  connectionInfo: {},
  divergenceReports: {},
  metrics: { window: '24h' },
  metricsPrometheus: {},
  audit: { limit: 50 },
  overview: {},
  findJob: { query: 'job-1' },
  queuePage: { offset: 0, limit: 50, job_id: 'job-1' },
};
const READS = CORE_OPERATION_NAMES.filter((name) => !contract[name].writes);

/**
 * A read-only connection under a Redis user that may only read: the console's reads, the
 * workspace counts and the divergence check all work, and nothing at all is written to Redis.
 */
describe('read-only connection under a read-only ACL user', () => {
  const env = useRedis();

  async function readOnlyUserUrl(): Promise<string> {
    await env.redis.acl(
      'SETUSER',
      'auditor',
      'on',
      '>auditor-pw',
      '~*',
      '&*',
      '+@read',
      '+@connection',
      '+evalsha',
      '+eval',
      '+script|load',
      '+info',
      '+time',
      '-@write',
    );
    return env.server.url.replace('redis://', 'redis://auditor:auditor-pw@');
  }

  async function plant() {
    const writer = env.core();
    await dualWriteOnSettled(writer);
    for (let i = 0; i < 3000; i += 1000)
      await writer.invoke('enqueueMany', {
        jobs: Array.from({ length: 1000 }, (_, j) => sampleJob({ job_id: `job-${i + j}` })),
      });
    await env.redis.hset(keys.newJob('ws-1', 'job-1'), 'status', 'running');
    await env.redis.del(keys.newJob('ws-1', 'job-2'));
    return writer;
  }

  it('runs the divergence check, lists its report beside those kept in Redis, and writes nothing', async () => {
    const writer = await plant();
    const kept = await writer.invoke('divergenceCheck', {});
    const readOnly = env.core({ readOnly: true, connection: { url: await readOnlyUserUrl() } });
    const before = await env.redis.dbsize();
    const keysBefore = (await env.redis.scan('0', 'MATCH', 'ai:qs:div:*', 'COUNT', 10_000))[1]
      .sort()
      .join();

    const report = await readOnly.invoke('divergenceCheck', {});
    expect(report.state).toBe('completed');
    expect(report.counts).toMatchObject({ mismatch: 1, missing_in_new: 1 });
    expect(report.in_sync).toBe(2998);
    const history = await readOnly.invoke('divergenceReports', {});
    expect(history.map((r) => r.id)).toEqual([report.id, kept.id]);
    const full = await readOnly.invoke('divergenceReport', { id: report.id });
    expect(full!.items.map((i) => `${i.category}:${i.job_id}`).sort()).toEqual([
      'mismatch:job-1',
      'missing_in_new:job-2',
    ]);
    const [ws] = await readOnly.invoke('listWorkspaces', {});
    expect(ws).toMatchObject({ workspace_id: 'ws-1', divergent: 2 });

    expect(await env.redis.dbsize()).toBe(before);
    const keysAfter = (await env.redis.scan('0', 'MATCH', 'ai:qs:div:*', 'COUNT', 10_000))[1]
      .sort()
      .join();
    expect(keysAfter).toBe(keysBefore);
    // The writable console does not see the read-only one's report: it was never written.
    expect((await writer.invoke('divergenceReports', {})).map((r) => r.id)).toEqual([kept.id]);
  });

  it('a cancelled read-only check resumes from the checkpoint it kept in memory', async () => {
    await plant();
    const readOnly = env.core({ readOnly: true, connection: { url: await readOnlyUserUrl() } });
    const controller = new AbortController();
    const cancelled = await readOnly.invoke(
      'divergenceCheck',
      {},
      {
        signal: controller.signal,
        onProgress: (p) => {
          if (p.done > 0) controller.abort();
        },
      },
    );
    expect(cancelled.state).toBe('cancelled');
    const resumed = await readOnly.invoke('divergenceCheck', { resume: true });
    expect(resumed).toMatchObject({ id: cancelled.id, state: 'completed' });
    expect(resumed.counts).toMatchObject({ mismatch: 1, missing_in_new: 1 });
    expect(resumed.in_sync).toBe(2998);
  });

  it.each(READS.filter((name) => name in READ_INPUTS))(
    '%s answers and writes nothing',
    async (name) => {
      await plant();
      const readOnly = env.core({ readOnly: true, connection: { url: await readOnlyUserUrl() } });
      const before = await env.redis.dbsize();
      await env.redis.config('RESETSTAT');
      await readOnly.invoke(name, READ_INPUTS[name]);
      expect(await env.redis.dbsize()).toBe(before);
      const stats = await env.redis.info('commandstats');
      // Refused (ACL) or failed commands: a write attempted anywhere on the way shows up here.
      const refused = [
        ...stats.matchAll(/cmdstat_([^:]+):.*rejected_calls=(\d+),failed_calls=(\d+)/g),
      ]
        .filter(([, , rejected, failed]) => Number(rejected) + Number(failed) > 0)
        .map(([, cmd]) => cmd);
      expect(refused).toEqual([]);
    },
  );

  it('every read of the contract is covered here', () => {
    const covered = new Set([...Object.keys(READ_INPUTS), 'divergenceCheck', 'divergenceReport']);
    expect(READS.filter((name) => !covered.has(name))).toEqual([]);
  });
});
