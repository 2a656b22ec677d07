import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/** PEM files of a private CA, a server and a client certificate it signed, and an unrelated CA. */
export interface TlsFiles {
  dir: string;
  ca: string;
  serverCert: string;
  serverKey: string;
  clientCert: string;
  clientKey: string;
  /** A CA that signed nothing here: trusting it must not be enough. */
  otherCa: string;
  remove(): void;
}

function openssl(dir: string, args: string[]): void {
  const done = spawnSync('openssl', args, { cwd: dir, encoding: 'utf8' });
  if (done.status !== 0) throw new Error(`openssl ${args[0]} failed: ${done.stderr}`);
}

/** Why TLS tests cannot run here, or null when openssl and a TLS-enabled redis-server exist. */
export function tlsUnavailable(): string | null {
  if (spawnSync('openssl', ['version']).error) return 'openssl is not installed';
  // A server built without TLS refuses the directive ("Bad directive"); one with TLS accepts it and
  // exits because, with both ports 0, it has nothing to listen on.
  const probe = spawnSync('redis-server', ['--port', '0', '--tls-port', '0', '--save', ''], {
    encoding: 'utf8',
    timeout: 5000,
  });
  if (probe.error) return `redis-server could not be run (${probe.error.message})`;
  const said = `${probe.stdout}${probe.stderr}`;
  return /Bad directive|wrong number of arguments/i.test(said)
    ? 'redis-server was built without TLS (it refuses --tls-port)'
    : null;
}

/**
 * Makes a private CA and certificates in a temp dir: the server's names localhost and 127.0.0.1,
 * so a name check can be made to fail with another name (--tls-servername).
 */
export function makeTlsFiles(): TlsFiles {
  const dir = mkdtempSync(join(tmpdir(), 'queuescope-tls-'));
  const days = ['-days', '2'];
  const key = ['-newkey', 'rsa:2048', '-nodes'];
  openssl(dir, [
    'req',
    '-x509',
    ...key,
    '-keyout',
    'ca.key',
    '-out',
    'ca.crt',
    ...days,
    '-subj',
    '/CN=qs-test-ca',
  ]);
  openssl(dir, [
    'req',
    '-x509',
    ...key,
    '-keyout',
    'other.key',
    '-out',
    'other.crt',
    ...days,
    '-subj',
    '/CN=qs-other-ca',
  ]);
  writeFileSync(join(dir, 'server.ext'), 'subjectAltName=DNS:localhost,IP:127.0.0.1\n');
  writeFileSync(join(dir, 'client.ext'), 'extendedKeyUsage=clientAuth\n');
  for (const [name, ext] of [
    ['server', 'server.ext'],
    ['client', 'client.ext'],
  ] as const) {
    openssl(dir, [
      'req',
      '-new',
      ...key,
      '-keyout',
      `${name}.key`,
      '-out',
      `${name}.csr`,
      '-subj',
      `/CN=${name}`,
    ]);
    openssl(dir, [
      'x509',
      '-req',
      '-in',
      `${name}.csr`,
      '-CA',
      'ca.crt',
      '-CAkey',
      'ca.key',
      '-CAcreateserial',
      '-out',
      `${name}.crt`,
      ...days,
      '-extfile',
      ext,
    ]);
  }
  const at = (file: string) => join(dir, file);
  return {
    dir,
    ca: at('ca.crt'),
    serverCert: at('server.crt'),
    serverKey: at('server.key'),
    clientCert: at('client.crt'),
    clientKey: at('client.key'),
    otherCa: at('other.crt'),
    remove: () => rmSync(dir, { recursive: true, force: true }),
  };
}
