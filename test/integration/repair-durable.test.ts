import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { QueueCore } from '../../electron/core/core';
import { keys } from '../../electron/core/keys';
import { divergenceCheck } from '../../electron/core/migration/divergence-check';
import { contextOf } from '../helpers/core';
import { hookedClient } from '../helpers/hooked-client';
import { startRedisServer, type RedisServer } from '../helpers/redis-server';
import { jobHash } from './repair-jobs';

/**
 * docs/repair.md and docs/topologies.md "Acknowledged means durable": a job too big for one short
 * call is committed on a WATCH connection of its own, so its commit must be on the replica before
 * the repair is reported done, though the core's connection wrote nothing after it. Before Redis
 * 7.2 the core connection's failed write of the marks moved its offset past the commit by chance;
 * from 7.2 on only that connection's own writes do, and this test tells the two apart.
 */
let primary: RedisServer;
let replica: RedisServer;
const OPTS = { recheckPauseMs: 0, checkpointEveryMs: 0 };
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

beforeAll(async () => {
  // A replica's full sync otherwise waits 5 s for more replicas to share it.
  primary = await startRedisServer({ args: ['--repl-diskless-sync-delay', '0'] });
  replica = await startRedisServer({ args: ['--replicaof', '127.0.0.1', String(primary.port)] });
  const client = replica.client();
  for (const deadline = Date.now() + 10_000; Date.now() < deadline; await sleep(50))
    if ((await client.info('replication')).includes('master_link_status:up')) return;
  throw new Error('the replica did not sync');
});

afterAll(async () => {
  await Promise.all([primary, replica].map((s) => s?.stop()));
});

describe('a large job repaired on its own WATCH connection (docs/repair.md)', () => {
  it('is unconfirmed while the replica has not confirmed the commit, and the fix counts as applied', async () => {
    const redis = primary.client();
    const id = 'big-1';
    // Over the one-call limit (32 KiB): repaired in bounded steps, committed under WATCH.
    const hash = jobHash(id, 'ws-1', { params: JSON.stringify({ pad: 'p'.repeat(40 * 1024) }) });
    await redis.hset(keys.oldJob(id), hash);
    await redis.hset(keys.newJob('ws-1', id), { ...hash, status: 'running' });

    const main = primary.client();
    let armed = false;
    const core = new QueueCore({
      redis: hookedClient(main, 'qs_', async (command) => {
        // The staging transaction, the core connection's last write before the commit: once the
        // replica has it, the replica stops.
        if (!armed || command !== 'multi') return;
        armed = false;
        expect(await main.wait(1, 5000)).toBe(1);
        replica.pause();
      }),
      defaultFlag: 'off',
      flagSkewMs: 0,
      waitTimeoutMs: 400,
    });
    const report = await divergenceCheck(contextOf(core), {}, {}, OPTS);
    expect(report.items.map((i) => [i.job_id, i.category])).toEqual([[id, 'mismatch']]);
    // The report's marks cannot be written (best effort): nothing follows the commit on the core's
    // connection.
    await redis.set(keys.divergenceRepaired(report.id), 'not a hash');

    armed = true;
    const error = await core
      .invoke('repair', { report_id: report.id, dry_run: false, actor_id: 'ops' })
      .then(
        () => null,
        (e: unknown) => e,
      )
      .finally(() => replica.resume());

    expect(armed).toBe(false);
    expect(error).toMatchObject({
      code: 'REDIS_UNAVAILABLE',
      details: {
        outcome: 'unconfirmed',
        operation: 'repair',
        replicas_acknowledged: 0,
        applied: 1,
      },
    });
    // Applied on the primary, only not vouched for.
    expect(await redis.hgetall(keys.newJob('ws-1', id))).toEqual(
      await redis.hgetall(keys.oldJob(id)),
    );
    await core.close();
  }, 60_000);
});
