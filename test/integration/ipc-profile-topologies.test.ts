import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { EventMap, InvokeResponse, ProfileView } from '../../shared/contract';
import { useRedis, sampleJob } from '../helpers/core';
import { freePort, startRedisServer, type RedisServer } from '../helpers/redis-server';
import { startSentinelSet, type SentinelSet } from '../helpers/redis-sentinel';
import { makeTlsFiles, tlsUnavailable, type TlsFiles } from '../helpers/tls-certs';
import { desktopApp, type DesktopApp } from './ipc-fakes';

/**
 * docs/desktop.md "Connection profiles" and "Unlock", docs/topologies.md "Addresses" and "TLS":
 * profiles that reach a Sentinel set and a TLS server with a private CA, through the composition
 * main.ts runs (only the electron module faked), against real redis-servers.
 */
const env = useRedis();
const closers: Array<() => Promise<void>> = [];
afterEach(async () => {
  while (closers.length) await closers.pop()!();
});

async function app(): Promise<DesktopApp> {
  const made = await desktopApp({ redisUrl: env.server.url });
  closers.push(() => made.close());
  return made;
}

const data = <T>(response: InvokeResponse) => {
  if (!response.ok) throw new Error(`${response.error.code}: ${response.error.message}`);
  return response.data as T;
};
const save = async (made: DesktopApp, input: Record<string, unknown>) =>
  data<ProfileView>(await made.call('saveProfile', input));
const connection = (made: DesktopApp) =>
  made.connections.current.hub.last('connection') as EventMap['connection'];

describe('a profile behind Sentinel', () => {
  let set: SentinelSet;
  beforeAll(async () => {
    set = await startSentinelSet({ masterName: 'qs-profile-main' });
  }, 60_000);
  afterAll(async () => {
    await set?.stop();
  });

  it('connects through the sentinels to the current primary, in the database of ?db=', async () => {
    const made = await app();
    const profile = await save(made, { name: 'ha', url: `${set.url}?db=2` });
    expect(profile.url).toBe(
      `redis+sentinel://${set.sentinelPorts.map((p) => `127.0.0.1:${p}`).join(',')}/qs-profile-main?db=2`,
    );
    expect(await made.call('connectProfile', { id: profile.id })).toEqual({ ok: true, data: null });
    expect(connection(made)).toMatchObject({ label: 'ha', read_only: true });
    const primary = await set.currentPrimary();
    expect(data(await made.call('connectionInfo', {}))).toMatchObject({
      topology: 'sentinel',
      server: `127.0.0.1:${primary.port}`,
      sentinel: { master_name: 'qs-profile-main' },
    });
    const enqueue = () => made.call('enqueue', sampleJob({ job_id: 'via-sentinel' }));
    expect(await enqueue()).toMatchObject({ ok: false, error: { code: 'READ_ONLY' } });
    await made.call('setWritesUnlocked', { id: profile.id, unlocked: true });
    expect(await enqueue()).toMatchObject({ ok: true, data: { outcome: 'enqueued' } });
    const onPrimary = primary.client();
    await onPrimary.select(2);
    expect(await onPrimary.exists('ai:jobs:via-sentinel')).toBe(1);
  });

  it('moves the password out of the URL, and another master name locks writes again', async () => {
    const made = await app();
    const profile = await save(made, {
      name: 'ha',
      url: set.url.replace('://', '://ops:hunter2-secret@'),
      password_keeping: 'session',
    });
    expect(profile).toMatchObject({ url: set.url, username: 'ops', password: 'session' });
    expect(JSON.stringify(profile)).not.toContain('hunter2');
    await made.call('connectProfile', { id: profile.id });
    await made.call('setWritesUnlocked', { id: profile.id, unlocked: true });
    expect(connection(made)).toMatchObject({ read_only: false });
    const renamed = set.url.replace(/\/[^/]+$/, '/other-master');
    const moved = await made.call('saveProfile', { id: profile.id, name: 'ha', url: renamed });
    expect(moved).toMatchObject({ ok: false, error: { details: { reason: 'target_changed' } } });
    expect(JSON.stringify(moved)).not.toContain('hunter2');
    await save(made, { id: profile.id, name: 'ha', url: renamed, password: null });
    expect(connection(made)).toMatchObject({ read_only: true });
  });
});

describe('a profile behind sentinels that require a password of their own', () => {
  const sentinelSecret = 'sentinels-own-s3cret';
  let set: SentinelSet;
  beforeAll(async () => {
    set = await startSentinelSet({ masterName: 'qs-guarded', sentinelPassword: sentinelSecret });
  }, 60_000);
  afterAll(async () => {
    await set?.stop();
  });

  it('refuses the sentinel password inside the URL, pointing at the field, never echoing it', async () => {
    const made = await app();
    const answer = await made.call('saveProfile', {
      name: 'ha',
      url: `${set.url}?sentinel_password=${sentinelSecret}`,
    });
    expect(answer).toMatchObject({
      ok: false,
      error: { code: 'VALIDATION', details: { field: 'url' } },
    });
    expect(JSON.stringify(answer)).toMatch(/\\"Sentinel password\\" field/);
    expect(JSON.stringify(answer)).not.toContain(sentinelSecret);
  });

  it('connects with the stored sentinel password, which stays out of the profile file', async () => {
    const made = await app();
    const profile = await save(made, {
      name: 'ha',
      url: set.url,
      sentinel_password: sentinelSecret,
    });
    expect(profile).toMatchObject({ url: set.url, password: 'none', sentinel_password: 'stored' });
    expect(JSON.stringify(profile)).not.toContain(sentinelSecret);
    expect(readFileSync(join(made.userDataDir, 'profiles.json'), 'utf8')).not.toContain(
      sentinelSecret,
    );
    await made.call('connectProfile', { id: profile.id });
    const primary = await set.currentPrimary();
    // The primary is named once the sentinels have answered the new connection.
    await expect
      .poll(async () => data(await made.call('connectionInfo', {})), { timeout: 10_000 })
      .toMatchObject({
        topology: 'sentinel',
        server: `127.0.0.1:${primary.port}`,
        sentinel: { master_name: 'qs-guarded' },
      });
    await made.call('setWritesUnlocked', { id: profile.id, unlocked: true });
    expect(
      await made.call('enqueue', sampleJob({ job_id: 'past-guarded-sentinels' })),
    ).toMatchObject({ ok: true, data: { outcome: 'enqueued' } });
    expect(await primary.client().exists('ai:jobs:past-guarded-sentinels')).toBe(1);
  });

  it('without it the sentinels refuse the client: commands fail at once as a refused login naming the field', async () => {
    const made = await app();
    const profile = await save(made, { name: 'ha', url: set.url });
    expect(profile).toMatchObject({ sentinel_password: 'none' });
    await made.call('connectProfile', { id: profile.id });
    expect(await made.call('connectionInfo', {})).toMatchObject({
      ok: true,
      data: { topology: 'sentinel', server: null },
    });
    const started = Date.now();
    const answer = await made.call('getFlag', {});
    // At once, not after the 5 s command timeout.
    expect(Date.now() - started).toBeLessThan(4000);
    expect(answer).toMatchObject({
      ok: false,
      error: {
        code: 'REDIS_UNAVAILABLE',
        details: { reason: 'auth' },
        message: expect.stringMatching(
          /^The sentinels require a password.*"Sentinel password" field/,
        ),
      },
    });
  });

  it('kept for this session, it follows the profile until the sentinels change', async () => {
    const made = await app();
    const profile = await save(made, {
      name: 'ha',
      url: set.url,
      sentinel_password: sentinelSecret,
      password_keeping: 'session',
    });
    expect(profile).toMatchObject({ sentinel_password: 'session' });
    await made.call('connectProfile', { id: profile.id });
    const primary = await set.currentPrimary();
    expect(data(await made.call('connectionInfo', {}))).toMatchObject({
      server: `127.0.0.1:${primary.port}`,
    });
    const fewer = set.url.replace(/,[^,]+\//, '/');
    const moved = await made.call('saveProfile', { id: profile.id, name: 'ha', url: fewer });
    expect(moved).toMatchObject({
      ok: false,
      error: { details: { field: 'sentinel_password', reason: 'target_changed' } },
    });
    expect(JSON.stringify(moved)).not.toContain(sentinelSecret);
    expect(made.store.get(profile.id).url).toBe(set.url);
  });
});

const missing = tlsUnavailable();
describe.skipIf(missing)('a profile over TLS with a private CA', () => {
  let files: TlsFiles;
  let server: RedisServer;
  let url: string;
  beforeAll(async () => {
    files = makeTlsFiles();
    const port = await freePort();
    server = await startRedisServer({
      args: [
        '--tls-port',
        String(port),
        ...['--tls-cert-file', files.serverCert, '--tls-key-file', files.serverKey],
        ...['--tls-ca-cert-file', files.ca, '--tls-auth-clients', 'optional'],
      ],
    });
    url = `rediss://127.0.0.1:${port}`;
  });
  afterAll(async () => {
    await server?.stop();
    files?.remove();
  });

  it('connects with its CA file and client certificate, and writes once unlocked', async () => {
    const made = await app();
    const profile = await save(made, {
      name: 'tls',
      url,
      tls_ca: files.ca,
      tls_cert: files.clientCert,
      tls_key: files.clientKey,
      tls_servername: 'localhost',
    });
    expect(profile).toMatchObject({ tls: true, tls_ca: files.ca, tls_servername: 'localhost' });
    await made.call('connectProfile', { id: profile.id });
    expect(data(await made.call('connectionInfo', {}))).toMatchObject({ tls: true });
    await made.call('setWritesUnlocked', { id: profile.id, unlocked: true });
    await expect(made.call('enqueue', sampleJob({ job_id: 'over-tls' }))).resolves.toMatchObject({
      ok: true,
      data: { outcome: 'enqueued' },
    });
    expect(await server.client().exists('ai:jobs:over-tls')).toBe(1);
  });

  it('without the CA the failure is reported as TLS, pointing at the CA file', async () => {
    const made = await app();
    const profile = await save(made, { name: 'tls', url });
    await made.call('connectProfile', { id: profile.id });
    const answer = await made.call('connectionInfo', {});
    expect(answer).toMatchObject({
      ok: false,
      error: { code: 'REDIS_UNAVAILABLE', details: { reason: 'tls' } },
    });
    expect(JSON.stringify(answer)).toMatch(/--tls-ca/);
  });

  it.each([
    ['CA file', { tls_ca: 'other' }],
    ['server name', { tls_servername: 'redis.example' }],
    ['insecure switch', { tls_insecure: true }],
  ])('changing the %s of the unlocked profile in use locks its writes again', async (_, change) => {
    const made = await app();
    const base = { name: 'tls', url, tls_ca: files.ca };
    const profile = await save(made, base);
    await made.call('connectProfile', { id: profile.id });
    await made.call('setWritesUnlocked', { id: profile.id, unlocked: true });
    expect(connection(made)).toMatchObject({ read_only: false });
    const next = { ...base, ...change };
    if ('tls_ca' in change) next.tls_ca = files.otherCa;
    const saved = await save(made, { id: profile.id, ...next });
    expect(saved).toMatchObject({ writes_unlocked: false, active: true });
    expect(connection(made)).toMatchObject({ read_only: true });
    expect(await made.call('setFlag', { value: 'on', actor_id: 'ops' })).toMatchObject({
      ok: false,
    });
  });

  it('an unreadable CA file is refused when connecting, naming the field; the console stays put', async () => {
    const made = await app();
    const profile = await save(made, { name: 'tls', url, tls_ca: `${files.dir}/missing-ca.pem` });
    const answer = await made.call('connectProfile', { id: profile.id });
    expect(answer).toMatchObject({
      ok: false,
      error: { code: 'VALIDATION', details: { field: 'tls_ca' } },
    });
    expect(JSON.stringify(answer)).toMatch(/missing-ca\.pem.*ENOENT/);
    expect(connection(made)).toMatchObject({ read_only: true });
    expect(made.connections.current.label).not.toBe('tls');
  });

  it('saving the unlocked profile in use with an unreadable CA file answers why and locks writes', async () => {
    const made = await app();
    const profile = await save(made, { name: 'tls', url, tls_ca: files.ca });
    await made.call('connectProfile', { id: profile.id });
    await made.call('setWritesUnlocked', { id: profile.id, unlocked: true });
    const answer = await made.call('saveProfile', {
      id: profile.id,
      name: 'tls',
      url,
      tls_ca: `${files.dir}/gone.pem`,
    });
    expect(answer).toMatchObject({
      ok: false,
      error: { code: 'VALIDATION', details: { field: 'tls_ca', saved: true } },
    });
    expect(JSON.stringify(answer)).toMatch(/Saved, but not connected.*read-only.*gone\.pem/);
    expect(connection(made)).toMatchObject({ read_only: true });
    await expect(made.call('setFlag', { value: 'on', actor_id: 'ops' })).resolves.toMatchObject({
      ok: false,
      error: { code: 'READ_ONLY' },
    });
  });
});
