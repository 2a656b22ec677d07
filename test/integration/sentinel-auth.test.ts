import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { QueueCore } from '../../electron/core/core';
import { runCli } from '../helpers/cli';
import { sampleJob } from '../helpers/core';
import { startSentinelSet, type SentinelSet } from '../helpers/redis-sentinel';

/**
 * docs/topologies.md "Login": sentinels with a password of their own (`requirepass` on the
 * sentinels). Asked without it, or with a wrong one, every door says the sentinels refused the
 * login and where to give their password (REDIS_UNAVAILABLE, details.reason "auth", exit 4) within
 * a few seconds, never "Redis did not answer".
 */
const SENTINEL_PASSWORD = 'sentinel-secret';
let set: SentinelSet;
const cores: QueueCore[] = [];

const cli = (...argv: string[]) => runCli({ QUEUESCOPE_OPERATOR: 'ops' }, argv);

beforeAll(async () => {
  set = await startSentinelSet({ sentinelPassword: SENTINEL_PASSWORD });
}, 40_000);

afterAll(async () => {
  await Promise.all(cores.map((core) => core.close()));
  await set?.stop();
});

describe('sentinels that require a password', () => {
  it('without it: exit 4, reason auth, saying the sentinels require one and where to give it', async () => {
    const started = Date.now();
    const r = await cli('--json', '--redis', set.url, 'flags', 'get');
    // At once, not after the 5 s command timeout.
    expect(Date.now() - started).toBeLessThan(4000);
    expect(r.code).toBe(4);
    expect(r.error()).toMatchObject({ code: 'REDIS_UNAVAILABLE', details: { reason: 'auth' } });
    expect(r.error().message).toMatch(/^The sentinels require a password.*\?sentinel_password=/);
    expect(r.error().message).toContain('"Sentinel password"');
    expect(r.error().message).not.toMatch(/did not answer/);
  });

  it('with a wrong one: exit 4, reason auth, saying the sentinels refused it, never echoing it', async () => {
    const started = Date.now();
    const r = await cli(
      '--json',
      '--redis',
      `${set.url}?sentinel_password=not-the-secret`,
      'flags',
      'get',
    );
    // At once, not after the 5 s command timeout.
    expect(Date.now() - started).toBeLessThan(4000);
    expect(r.code).toBe(4);
    expect(r.error()).toMatchObject({ code: 'REDIS_UNAVAILABLE', details: { reason: 'auth' } });
    expect(r.error().message).toMatch(
      /^The sentinels refused the sentinel password.*\?sentinel_password=/,
    );
    expect(r.error().message).not.toContain('not-the-secret');
  });

  it('the core given no sentinel password says the same to every call, promptly', async () => {
    const core = new QueueCore({ connection: { url: set.url } });
    cores.push(core);
    const refused = {
      code: 'REDIS_UNAVAILABLE',
      details: { reason: 'auth' },
      message: expect.stringMatching(/^The sentinels require a password/),
    };
    await expect(core.invoke('getFlag', {})).rejects.toMatchObject(refused);
    // Later calls, a write among them, are told the same at once.
    const started = Date.now();
    await expect(core.invoke('listWorkspaces', {})).rejects.toMatchObject(refused);
    await expect(core.invoke('enqueue', sampleJob())).rejects.toMatchObject(refused);
    expect(Date.now() - started).toBeLessThan(2500);
  });

  it('the right password works, in the URL and as the connection option', async () => {
    const r = await cli(
      '--json',
      '--redis',
      `${set.url}?sentinel_password=${SENTINEL_PASSWORD}`,
      'flags',
      'get',
    );
    expect(r.code).toBe(0);
    const core = new QueueCore({
      connection: { url: set.url, sentinelPassword: SENTINEL_PASSWORD },
    });
    cores.push(core);
    await expect(core.invoke('getFlag', {})).resolves.toBeDefined();
  });
});
