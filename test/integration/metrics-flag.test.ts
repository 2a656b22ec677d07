import { describe, expect, it } from 'vitest';
import { keys } from '../../electron/core/keys';
import { useRedis } from '../helpers/core';

const env = useRedis();

/** docs/connection.md: charts mark flag changes and the periods dual-write was off. */
describe('metrics carry the flag over their window', () => {
  it('gives the value at the window start and each change in it, from the flag history', async () => {
    const core = env.core();
    await core.invoke('setFlag', { value: 'on', actor_id: 'ops' });
    await new Promise((r) => setTimeout(r, 5));
    await core.invoke('setFlag', { value: 'off', actor_id: 'ops' });

    const report = await core.invoke('metrics', { window: '15m' });
    const history = await env.redis.zrange(keys.flagHistory, '0', '-1', 'WITHSCORES');
    expect(report.flag).toEqual({
      at_start: 'off',
      changes: [
        { at: Number(history[1]), value: 'on' },
        { at: Number(history[3]), value: 'off' },
      ],
    });
  });

  it('leaves out changes before the window and starts from them', async () => {
    const core = env.core();
    const twoHoursAgo = Date.now() - 2 * 3_600_000;
    await env.redis.zadd(keys.flagHistory, twoHoursAgo, `on:${twoHoursAgo}`);
    await env.redis.set(keys.flag, 'on');
    const report = await core.invoke('metrics', { window: '1h' });
    expect(report.flag).toEqual({ at_start: 'on', changes: [] });
  });
});
