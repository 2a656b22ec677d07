import { afterAll, beforeAll, beforeEach } from 'vitest';
import type { Redis } from 'ioredis';
import { QueueCore, type CoreOptions } from '../../electron/core/core';
import type { CoreContext } from '../../electron/core/context';
import { DualWriteFailures } from '../../electron/core/telemetry/dual-write-failures';
import { startRedisServer, type RedisServer, type RedisServerOptions } from './redis-server';

/** Per test file: a private redis-server, flushed before each test, and a way to make cores on it. */
export function useRedis(options: RedisServerOptions = {}) {
  const state: { server: RedisServer; redis: Redis; cores: QueueCore[] } = {} as never;
  beforeAll(async () => {
    state.server = await startRedisServer(options);
    state.redis = state.server.client();
    state.cores = [];
  });
  beforeEach(async () => {
    await state.redis.flushall();
  });
  afterAll(async () => {
    await Promise.all(state.cores.map((c) => c.close()));
    await state.server?.stop();
  });
  return {
    get server() {
      return state.server;
    },
    get redis() {
      return state.redis;
    },
    core(opts: CoreOptions = {}): QueueCore {
      const core = new QueueCore({
        connection: { url: state.server.url },
        defaultFlag: 'off',
        // Tests flip the flag and plant jobs a few ms later; the skew allowed around a flip is
        // tested on its own (test/unit/classify.test.ts, test/integration/scoped-check.test.ts).
        flagSkewMs: 0,
        ...opts,
      });
      state.cores.push(core);
      return core;
    },
  };
}

export const sampleJob = (overrides: Record<string, unknown> = {}) => ({
  workspace_id: 'ws-1',
  action_provider: 'google',
  action_name: 'gmail.send',
  actor_id: 'user-1',
  params: { to: 'a@example.com' },
  ...overrides,
});

/**
 * Turns dual-write on and waits until the clock has left the flip's millisecond and the next one:
 * a job without a new copy enqueued that close to a flip is classed as awaiting backfill
 * (classify.ts), so tests that plant missing_in_new enqueue after this.
 */
export async function dualWriteOnSettled(core: QueueCore): Promise<void> {
  await core.invoke('setFlag', { value: 'on', actor_id: 'ops' });
  const flippedAt = Date.now();
  while (Date.now() <= flippedAt + 2) await new Promise((resolve) => setTimeout(resolve, 1));
}

/** The context a core's operations run with, for tests that call a core function directly. */
export function contextOf(core: QueueCore): CoreContext {
  return {
    redis: core.redis,
    config: core.config,
    failures: new DualWriteFailures(60),
    lastFlag: null,
  };
}
