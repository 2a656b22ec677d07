import { afterEach, describe, expect, it, vi } from 'vitest';
import type { Redis } from 'ioredis';
import { keys } from '../../electron/core/keys';
import { useRedis } from '../helpers/core';
import { snapshot } from '../helpers/redis-snapshot';

/** Redis's own clock in ms, as TIME reports it. */
async function redisMs(redis: Redis): Promise<number> {
  const [seconds, micros] = await redis.time();
  return Number(seconds) * 1000 + Math.floor(Number(micros) / 1000);
}

/** The flag history as stored: [member, score] pairs, oldest first. */
async function history(redis: Redis): Promise<Array<[string, number]>> {
  const flat = await redis.zrange(keys.flagHistory, '0', '-1', 'WITHSCORES');
  const pairs: Array<[string, number]> = [];
  for (let i = 0; i < flat.length; i += 2) pairs.push([flat[i]!, Number(flat[i + 1])]);
  return pairs;
}

const YEAR_MS = 365 * 86_400_000;

/** Flag changes: one clock dates every flip, Redis's, whatever the clock of the console that flips. */
describe('the flag history is stamped with Redis’s clock', () => {
  const env = useRedis();
  // Only Date is faked (the clock at the process boundary); ioredis keeps its real timers.
  const fakeProcessClock = (at: Date) => {
    vi.useFakeTimers({ toFake: ['Date'] });
    vi.setSystemTime(at);
  };
  afterEach(() => vi.useRealTimers());

  it('a flip made while this process’s clock is years off carries Redis TIME at the write', async () => {
    const core = env.core();
    fakeProcessClock(new Date('2001-02-03T04:05:06.000Z'));
    const before = await redisMs(env.redis);
    await core.invoke('setFlag', { value: 'on', actor_id: 'ops' });
    const after = await redisMs(env.redis);

    const [[member, stamp]] = (await history(env.redis)) as [[string, number]];
    expect(member).toBe(`on:${stamp}`);
    expect(stamp).toBeGreaterThanOrEqual(before);
    expect(stamp).toBeLessThanOrEqual(after);
    expect(Math.abs(stamp - Date.now())).toBeGreaterThan(20 * YEAR_MS);
    expect(await env.redis.get(keys.flag)).toBe('on');
  });

  it('stamps follow Redis’s clock in the order of the flips while this process’s clock runs backwards', async () => {
    const core = env.core();
    const processClock = Date.now();
    const windows: Array<[number, number]> = [];
    let last = 0;
    for (let i = 0; i < 6; i++) {
      // A backwards step of an hour per flip: a stamp from this clock would go down every time.
      fakeProcessClock(new Date(processClock - i * 3_600_000));
      // One flip per Redis millisecond, so the order of the history is the order of the flips.
      while ((await redisMs(env.redis)) <= last) await new Promise((r) => setImmediate(r));
      const before = await redisMs(env.redis);
      await core.invoke('setFlag', { value: i % 2 === 0 ? 'on' : 'off', actor_id: 'ops' });
      const after = await redisMs(env.redis);
      windows.push([before, after]);
      last = after;
    }
    const stored = await history(env.redis);
    expect(stored.map(([member]) => member.split(':')[0])).toEqual([
      'on',
      'off',
      'on',
      'off',
      'on',
      'off',
    ]);
    stored.forEach(([member, stamp], i) => {
      expect(member).toBe(`${i % 2 === 0 ? 'on' : 'off'}:${stamp}`);
      expect(stamp).toBeGreaterThanOrEqual(windows[i]![0]);
      expect(stamp).toBeLessThanOrEqual(windows[i]![1]);
      if (i > 0) expect(stamp).toBeGreaterThan(stored[i - 1]![1]);
    });
  });

  it('keeps the last 1,000 changes', async () => {
    const core = env.core();
    const old = Array.from({ length: 1000 }, (_, i) => [i + 1, `off:${i + 1}`]).flat();
    await env.redis.zadd(keys.flagHistory, ...old);
    await core.invoke('setFlag', { value: 'on', actor_id: 'ops' });
    const stored = await history(env.redis);
    expect(stored).toHaveLength(1000);
    expect(stored[0]![0]).toBe('off:2');
    expect(stored[999]![0]).toMatch(/^on:\d{13}$/);
  });

  it('a wrong-typed history is refused before the flag is touched', async () => {
    const core = env.core();
    await env.redis.set(keys.flag, 'off');
    await env.redis.set(keys.flagHistory, 'not a sorted set');
    const before = await snapshot(env.redis);
    await expect(core.invoke('setFlag', { value: 'on', actor_id: 'ops' })).rejects.toMatchObject({
      code: 'INTERNAL',
      details: { key: keys.flagHistory, redis_error: 'WRONGTYPE' },
    });
    expect([...(await snapshot(env.redis))]).toEqual([...before]);
  });
});
