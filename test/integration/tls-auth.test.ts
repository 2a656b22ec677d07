import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { QueueCore } from '../../electron/core/core';
import { runCli } from '../helpers/cli';
import { sampleJob } from '../helpers/core';
import { freePort, startRedisServer, type RedisServer } from '../helpers/redis-server';
import { makeTlsFiles, tlsUnavailable, type TlsFiles } from '../helpers/tls-certs';

/**
 * docs/topologies.md "TLS" and "Login": a real redis-server on a TLS port with a private CA. TLS
 * and login failures are REDIS_UNAVAILABLE with details.reason "tls" / "auth" and a message that
 * says what to change, never "Redis did not answer" or INTERNAL.
 */
const missing = tlsUnavailable();
if (missing)
  console.warn(
    `TLS tests skipped: ${missing}. Install openssl and a TLS-enabled redis-server to run them.`,
  );

let files: TlsFiles;
let tlsServer: RedisServer;
let tlsPort: number;
let mtlsServer: RedisServer;
let mtlsPort: number;
let locked: RedisServer;
const cores: QueueCore[] = [];

const cli = (...argv: string[]) => runCli({ QUEUESCOPE_OPERATOR: 'ops' }, argv);

function tlsArgs(port: number, authClients: 'yes' | 'no'): string[] {
  return [
    '--tls-port',
    String(port),
    '--tls-cert-file',
    files.serverCert,
    '--tls-key-file',
    files.serverKey,
    '--tls-ca-cert-file',
    files.ca,
    '--tls-auth-clients',
    authClients,
  ];
}

beforeAll(async () => {
  if (missing) return;
  files = makeTlsFiles();
  tlsPort = await freePort();
  tlsServer = await startRedisServer({ args: tlsArgs(tlsPort, 'no') });
  mtlsPort = await freePort();
  mtlsServer = await startRedisServer({ args: tlsArgs(mtlsPort, 'yes') });
  locked = await startRedisServer();
  await locked.client().config('SET', 'requirepass', 'right-password');
});

afterAll(async () => {
  await Promise.all(cores.map((c) => c.close()));
  await Promise.all([tlsServer, mtlsServer, locked].map((s) => s?.stop()));
  files?.remove();
});

describe.skipIf(missing)('TLS to a server with a private CA', () => {
  const url = () => `rediss://127.0.0.1:${tlsPort}`;

  it('connects with --tls-ca, and topology says the connection is TLS', async () => {
    const r = await cli('--redis', url(), '--tls-ca', files.ca, 'topology');
    expect(r.err).toBe('');
    expect(r.code).toBe(0);
    expect(r.out).toMatch(/^Standalone Redis [\d.]+ over TLS at 127\.0\.0\.1:\d+/);
    const core = new QueueCore({ connection: { url: url(), tls: { caFile: files.ca } } });
    cores.push(core);
    await expect(core.invoke('enqueue', sampleJob({ job_id: 'over-tls' }))).resolves.toMatchObject({
      outcome: 'enqueued',
    });
    await expect(core.invoke('connectionInfo', {})).resolves.toMatchObject({ tls: true });
  });

  it('without the CA: REDIS_UNAVAILABLE, reason tls, saying to pass --tls-ca (exit 4)', async () => {
    const r = await cli('--json', '--redis', url(), 'flags', 'get');
    expect(r.code).toBe(4);
    expect(r.error()).toMatchObject({ code: 'REDIS_UNAVAILABLE', details: { reason: 'tls' } });
    expect(r.error().message).toMatch(/not trusted .*--tls-ca FILE/);
    const other = await cli('--json', '--redis', url(), '--tls-ca', files.otherCa, 'flags', 'get');
    expect(other.error()).toMatchObject({ details: { reason: 'tls' } });
  });

  it('a name the certificate does not carry: reason tls, saying --tls-servername; a name it carries works', async () => {
    const wrong = await cli(
      '--json',
      '--redis',
      url(),
      '--tls-ca',
      files.ca,
      '--tls-servername',
      'redis.example',
      'flags',
      'get',
    );
    expect(wrong.code).toBe(4);
    expect(wrong.error()).toMatchObject({ details: { reason: 'tls' } });
    expect(wrong.error().message).toMatch(/does not name the host.*--tls-servername/);
    const right = await cli(
      '--redis',
      url(),
      '--tls-ca',
      files.ca,
      '--tls-servername',
      'localhost',
      'flags',
      'get',
    );
    expect(right.code).toBe(0);
  });

  it('--tls-insecure connects without verifying', async () => {
    const r = await cli('--redis', url(), '--tls-insecure', 'flags', 'get');
    expect(r.code).toBe(0);
  });

  it('a server that requires a client certificate: refused without one (reason tls), served with --tls-cert and --tls-key', async () => {
    const mtls = `rediss://127.0.0.1:${mtlsPort}`;
    const without = await cli('--json', '--redis', mtls, '--tls-ca', files.ca, 'flags', 'get');
    expect(without.code).toBe(4);
    expect(without.error()).toMatchObject({ details: { reason: 'tls' } });
    expect(without.error().message).toMatch(/--tls-cert FILE and --tls-key FILE/);
    const withCert = await cli(
      '--redis',
      mtls,
      '--tls-ca',
      files.ca,
      '--tls-cert',
      files.clientCert,
      '--tls-key',
      files.clientKey,
      'flags',
      'get',
    );
    expect(withCert.err).toBe('');
    expect(withCert.code).toBe(0);
  });

  it('bad TLS flags are usage errors naming the flag, before anything is sent', async () => {
    const unreadable = await cli(
      '--json',
      '--redis',
      url(),
      '--tls-ca',
      `${files.dir}/nope.pem`,
      'flags',
      'get',
    );
    expect(unreadable.code).toBe(2);
    expect(unreadable.error().message).toMatch(
      /^--tls-ca: Cannot read the TLS ca file .*nope\.pem.*ENOENT/,
    );
    const certOnly = await cli(
      '--json',
      '--redis',
      url(),
      '--tls-cert',
      files.clientCert,
      'flags',
      'get',
    );
    expect(certOnly.code).toBe(2);
    expect(certOnly.error().message).toMatch(/--tls-key: .*give both/);
    const plaintext = await cli(
      '--json',
      '--redis',
      `redis://127.0.0.1:${tlsServer.port}`,
      '--tls-ca',
      files.ca,
      'flags',
      'get',
    );
    expect(plaintext.code).toBe(2);
    expect(plaintext.error().message).toMatch(/rediss:\/\//);
  });
});

describe.skipIf(missing)('login', () => {
  it('a wrong password is REDIS_UNAVAILABLE with reason auth and says what to check (exit 4), not INTERNAL', async () => {
    const r = await cli(
      '--json',
      '--redis',
      `redis://:wrong@127.0.0.1:${locked.port}`,
      'flags',
      'get',
    );
    expect(r.code).toBe(4);
    expect(r.error()).toMatchObject({ code: 'REDIS_UNAVAILABLE', details: { reason: 'auth' } });
    expect(r.error().message).toMatch(
      /refused the user name or password.*redis:\/\/user:password@host:port/,
    );
    expect(r.error().message).not.toContain('wrong');
  });

  it('no password where one is required: reason auth, saying where to give it', async () => {
    const core = new QueueCore({ connection: { url: locked.url } });
    cores.push(core);
    await expect(core.invoke('enqueue', sampleJob())).rejects.toMatchObject({
      code: 'REDIS_UNAVAILABLE',
      details: { reason: 'auth' },
      message: expect.stringMatching(/requires a password/),
    });
  });

  it('the right password works', async () => {
    const r = await cli(
      '--redis',
      `redis://:right-password@127.0.0.1:${locked.port}`,
      'flags',
      'get',
    );
    expect(r.code).toBe(0);
  });
});
