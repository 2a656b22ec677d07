import { describe, expect, it } from 'vitest';
import type { Redis } from 'ioredis';
import type { QueueCore } from '../../electron/core/core';
import { keys } from '../../electron/core/keys';
import { freePort } from '../helpers/redis-server';
import { sampleJob, useRedis } from '../helpers/core';

const unknown = { code: 'REDIS_UNAVAILABLE', details: { outcome: 'unknown' } };
const howToFindOut = /look the job up/i;

async function until(check: () => Promise<boolean>, what: string, timeoutMs = 5000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 20));
  }
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/**
 * Whether a script call was handed to the kernel on this connection and awaits its reply: it is
 * in ioredis's queue of sent commands and the socket holds nothing unwritten.
 */
function scriptInFlight(redis: Redis): boolean {
  const client = redis as unknown as {
    commandQueue: { toArray(): Array<{ command: { name: string } }> };
    stream: { writableLength: number };
  };
  return (
    client.stream.writableLength === 0 &&
    client.commandQueue
      .toArray()
      .some(({ command }) => command.name === 'evalsha' || command.name === 'eval')
  );
}

/** Errors and the audit trail: a write whose reply was lost is "unknown", never "not written". */
describe('honest outcomes', () => {
  // DEBUG SLEEP keeps the server busy so a command waits in flight; appendonly so a killed
  // server comes back with what it had.
  const env = useRedis({ appendonly: true, args: ['--enable-debug-command', 'local'] });
  const failed = {
    job_id: 'job-1',
    status: 'failed',
    workspace_id: 'ws-1',
    params: '{"to":"a"}',
    result: '{"error":"timeout"}',
    attempts: '1',
  };

  async function plantFailedJob(redis: Redis): Promise<void> {
    await redis.set(keys.flag, 'on');
    await redis.hset(keys.oldJob('job-1'), failed);
    await redis.hset(keys.newJob('ws-1', 'job-1'), failed);
  }

  /** A core whose commands time out quickly, warmed up so its connection is ready. */
  async function readyCore(commandTimeoutMs: number): Promise<QueueCore> {
    const core = env.core({ connection: { url: env.server.url, commandTimeoutMs } });
    await core.invoke('getFlag', {});
    return core;
  }

  async function lastAudit(core: QueueCore) {
    const [entry] = await core.invoke('audit', { limit: 1 });
    return entry;
  }

  it('a retry sent to a paused server is outcome unknown, in the error and the audit; resumed, it is applied', async () => {
    await plantFailedJob(env.redis);
    const core = await readyCore(500);
    // The command is written to the stopped server's socket: sent, and never answered in time.
    env.server.pause();
    let error: unknown;
    try {
      error = await core
        .invoke(
          'retry',
          { job_id: 'job-1', workspace_id: 'ws-1', actor_id: 'ops' },
          { actor: 'ops' },
        )
        .catch((e: unknown) => e);
    } finally {
      env.server.resume();
    }
    expect(error).toMatchObject(unknown);
    expect((error as Error).message).toMatch(howToFindOut);
    expect((error as Error).message).not.toMatch(/nothing was written/);

    await until(
      async () => (await env.redis.hget(keys.oldJob('job-1'), 'status')) === 'pending',
      'the retry to apply',
    );
    expect(await env.redis.hget(keys.newJob('ws-1', 'job-1'), 'status')).toBe('pending');
    expect(await env.redis.lrange(keys.queue, 0, -1)).toEqual(['job-1']);
    // The audit entry went out to the paused server too and landed once it resumed.
    await until(async () => (await lastAudit(core))?.operation === 'retry', 'the audit entry');
    expect(await lastAudit(core)).toMatchObject({
      operation: 'retry',
      target: 'ws-1/job-1',
      outcome: 'unknown',
    });
  });

  it('a status change whose connection is killed while it waits in flight is outcome unknown; it was applied', async () => {
    await plantFailedJob(env.redis);
    await env.redis.hset(keys.oldJob('job-1'), 'status', 'running');
    await env.redis.hset(keys.newJob('ws-1', 'job-1'), 'status', 'running');
    const core = await readyCore(2000);
    const busy = env.server.client();
    await busy.ping();

    // The server is asleep when the script arrives, so the script waits in its socket. The core's
    // end of the connection is then closed: the server still reads and runs the script when it
    // wakes, and its reply has nowhere to go. (A CLIENT KILL from another connection could be read
    // first: the server takes ready sockets in an order of its own.)
    const sleeping = busy.call('DEBUG', 'SLEEP', '2');
    // busy is connected, so DEBUG SLEEP is on the wire already: the server is asleep well before this.
    await sleep(200);
    const call = core
      .invoke(
        'updateStatus',
        { job_id: 'job-1', workspace_id: 'ws-1', status: 'completed', result: { sent: 1 } },
        { actor: 'ops' },
      )
      .catch((e: unknown) => e);
    await until(async () => scriptInFlight(core.redis), 'the script on its way');
    (core.redis as unknown as { stream: { destroy(): void } }).stream.destroy();
    await sleeping;

    const error = await call;
    expect(error).toMatchObject(unknown);
    expect((error as Error).message).toMatch(howToFindOut);
    expect(await lastAudit(core)).toMatchObject({ operation: 'updateStatus', outcome: 'unknown' });
    for (const key of [keys.oldJob('job-1'), keys.newJob('ws-1', 'job-1')])
      expect(await env.redis.hmget(key, 'status', 'result')).toEqual(['completed', '{"sent":1}']);
  });

  it('an enqueue sent to a paused server is outcome unknown; repeated with its request id it never enqueues twice', async () => {
    const core = await readyCore(500);
    const input = sampleJob({ client_request_id: 'req-1' });
    env.server.pause();
    let error: unknown;
    try {
      error = await core.invoke('enqueue', input, { actor: 'ops' }).catch((e: unknown) => e);
    } finally {
      env.server.resume();
    }
    expect(error).toMatchObject(unknown);
    expect((error as Error).message).toMatch(/client_request_id never enqueues twice/);

    const again = await core.invoke('enqueue', input);
    expect(again.outcome).toBe('duplicate');
    expect(await env.redis.lrange(keys.queue, 0, -1)).toEqual([again.job_id]);
    await until(async () => (await lastAudit(core))?.operation === 'enqueue', 'the audit entry');
    expect(await lastAudit(core)).toMatchObject({ operation: 'enqueue', outcome: 'unknown' });
  });

  it('a write refused before it was sent (server down, nothing listening) is REDIS_UNAVAILABLE, not unknown', async () => {
    await plantFailedJob(env.redis);
    const core = await readyCore(1000);
    await env.server.kill('SIGKILL');
    try {
      await until(async () => core.redis.status !== 'ready', 'the client to see the server gone');
      const error = await core
        .invoke('retry', { job_id: 'job-1', workspace_id: 'ws-1', actor_id: 'ops' })
        .catch((e: unknown) => e);
      expect(error).toMatchObject({ code: 'REDIS_UNAVAILABLE' });
      expect((error as { details?: unknown }).details).toBeUndefined();
      expect((error as Error).message).toMatch(/nothing was written/);
    } finally {
      await env.server.restart();
    }
    expect(await env.redis.hget(keys.oldJob('job-1'), 'status')).toBe('failed');

    const nowhere = env.core({ connection: { url: `redis://127.0.0.1:${await freePort()}` } });
    const refused = await nowhere.invoke('enqueue', sampleJob()).catch((e: unknown) => e);
    expect(refused).toMatchObject({ code: 'REDIS_UNAVAILABLE' });
    expect((refused as { details?: unknown }).details).toBeUndefined();
  });

  it('a retry whose read-back fails (a wrong-typed flag key) is a success with a warning, audited ok', async () => {
    await plantFailedJob(env.redis);
    const core = await readyCore(1000);
    await env.redis.del(keys.flag);
    await env.redis.hset(keys.flag, 'value', 'on'); // a wrong-typed key the read-back must read
    const job = await core.invoke(
      'retry',
      { job_id: 'job-1', workspace_id: 'ws-1', actor_id: 'ops' },
      { actor: 'ops' },
    );
    expect(job).toMatchObject({
      job_id: 'job-1',
      workspace_id: 'ws-1',
      status: 'pending',
      attempts: 2,
      retried_by: 'ops',
    });
    expect(job.warning).toMatch(/retry was applied/);
    expect(job.warning).toMatch(/WRONGTYPE/);
    for (const key of [keys.oldJob('job-1'), keys.newJob('ws-1', 'job-1')])
      expect(await env.redis.hmget(key, 'status', 'attempts')).toEqual(['pending', '2']);
    const entry = await lastAudit(core);
    expect(entry).toMatchObject({ operation: 'retry', outcome: 'ok' });
    expect(entry!.details).toMatch(/reading the job back failed/);
  });

  it('a status change whose read-back is cut off (server stopped right after the script replied) is a success with a warning', async () => {
    await plantFailedJob(env.redis);
    await env.redis.hset(keys.oldJob('job-1'), 'status', 'running');
    await env.redis.hset(keys.newJob('ws-1', 'job-1'), 'status', 'running');
    const core = await readyCore(300);
    // A subscriber told of the script's write stops the server as soon as it hears of it: the
    // script's reply is already on its way, the read-back that follows it is not answered.
    await env.redis.config('SET', 'notify-keyspace-events', 'Kh');
    const watcher = env.server.client();
    await watcher.subscribe(`__keyspace@0__:${keys.oldJob('job-1')}`);
    watcher.on('message', () => env.server.pause());
    let job;
    try {
      job = await core.invoke(
        'updateStatus',
        { job_id: 'job-1', workspace_id: 'ws-1', status: 'completed', result: { sent: 1 } },
        { actor: 'ops' },
      );
    } finally {
      env.server.resume();
      watcher.disconnect();
      await env.redis.config('SET', 'notify-keyspace-events', '');
    }
    expect(job).toMatchObject({
      job_id: 'job-1',
      workspace_id: 'ws-1',
      status: 'completed',
      result: { sent: 1 },
    });
    expect(job.finished_at).toMatch(/^\d{4}-\d\d-\d\dT/);
    expect(job.warning).toMatch(/status change was applied/);
    expect(job.warning).toMatch(/Command timed out/);
    for (const key of [keys.oldJob('job-1'), keys.newJob('ws-1', 'job-1')])
      expect(await env.redis.hmget(key, 'status', 'finished_at')).toEqual([
        'completed',
        job.finished_at!,
      ]);
    await until(
      async () => (await lastAudit(core))?.operation === 'updateStatus',
      'the audit entry',
    );
    expect(await lastAudit(core)).toMatchObject({ operation: 'updateStatus', outcome: 'ok' });
  });
});
