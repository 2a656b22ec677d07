import { readFileSync } from 'node:fs';
import type { ConnectionOptions as TlsConnectionOptions } from 'node:tls';
import { Redis, type RedisOptions } from 'ioredis';
import { ValidationError } from '../errors';
import { parseRedisAddress, type RedisAddress } from './address';
import { sentinelAuthRefusal, watchConnectionProblems } from './connection-problem';

/** TLS beyond Node's defaults: a private CA, a client certificate, the name to verify. */
export interface TlsSettings {
  /** PEM file of the CA(s) that signed the server's certificate; the system's CAs otherwise. */
  caFile?: string;
  /** PEM client certificate and its key, for servers that require one (`tls-auth-clients yes`). */
  certFile?: string;
  keyFile?: string;
  /** The name the server's certificate must carry (and SNI), when not the host connected to. */
  servername?: string;
  /** Accept any certificate: encrypted, but not authenticated. For testing only. */
  insecure?: boolean;
}

export interface ConnectionOptions {
  /** redis://, rediss://, redis+sentinel:// or rediss+sentinel:// (address.ts). */
  url: string;
  /** Fail a command that got no answer after this long (a paused or wedged server). */
  commandTimeoutMs?: number;
  connectTimeoutMs?: number;
  username?: string;
  password?: string;
  /** The sentinels' own password (`requirepass` on the sentinels), as `?sentinel_password=`. */
  sentinelPassword?: string;
  /** TLS even on a redis:// URL (true), with settings (implying TLS), or as the URL says. */
  tls?: boolean | TlsSettings;
}

/** How a client was made: the cluster client and the topology description start from it. */
export interface ConnectionRecord {
  address: RedisAddress;
  options: ConnectionOptions;
  /** The TLS options given to ioredis, or undefined for plaintext. */
  tls: TlsConnectionOptions | undefined;
}

const records = new WeakMap<Redis, ConnectionRecord>();

/** How the client was created by createRedisClient; undefined for a client made elsewhere. */
export function connectionRecordOf(client: Redis): ConnectionRecord | undefined {
  return records.get(client);
}

/** The field name each TLS file is reported under, so the CLI can name its flag. */
const FILE_FIELDS = { caFile: 'tls_ca', certFile: 'tls_cert', keyFile: 'tls_key' } as const;

function readPem(setting: keyof typeof FILE_FIELDS, path: string): Buffer {
  try {
    return readFileSync(path);
  } catch (error) {
    const why = (error as NodeJS.ErrnoException).code ?? String(error);
    throw new ValidationError(
      `Cannot read the TLS ${setting.replace('File', '')} file ${JSON.stringify(path)} (${why}).`,
      {
        field: FILE_FIELDS[setting],
      },
    );
  }
}

/** Node TLS options from the settings; undefined when the connection is plaintext. */
export function tlsOptionsOf(
  setting: ConnectionOptions['tls'],
  urlWantsTls: boolean,
): TlsConnectionOptions | undefined {
  if (!setting && !urlWantsTls) return undefined;
  const s: TlsSettings = typeof setting === 'object' ? setting : {};
  if (Boolean(s.certFile) !== Boolean(s.keyFile)) {
    throw new ValidationError(
      'A TLS client certificate needs its key, and a key its certificate: give both.',
      {
        field: s.certFile ? 'tls_key' : 'tls_cert',
      },
    );
  }
  const options: TlsConnectionOptions = {};
  if (s.caFile) options.ca = readPem('caFile', s.caFile);
  if (s.certFile) options.cert = readPem('certFile', s.certFile);
  if (s.keyFile) options.key = readPem('keyFile', s.keyFile);
  if (s.servername) options.servername = s.servername;
  if (s.insecure) options.rejectUnauthorized = false;
  return options;
}

/**
 * A Sentinel-managed client reconnects on READONLY: the server it writes to was demoted, and the
 * sentinels name the new primary. The refused command is sent again there (2): READONLY means it
 * did not run. A plain URL keeps the error: reconnecting would reach the same replica.
 */
function readonlyReconnect(error: Error): 2 | false {
  return error.message.startsWith('READONLY') ? 2 : false;
}

/**
 * When to ask the sentinels again after none of them named the primary. A client that was never
 * ready, turned away by the login of every sentinel it asked, gives up at once: its calls then fail
 * with that refusal instead of waiting out the command timeout, and asking again with the same
 * password cannot succeed (docs/topologies.md "Login"). Any other failure is retried with backoff.
 */
function sentinelRetry() {
  let everReady = false;
  let refused = 0;
  let failed = 0;
  return {
    strategy(times: number): number | null {
      const allRefused = failed > 0 && refused === failed;
      refused = 0;
      failed = 0;
      if (allRefused && !everReady) return null;
      return Math.min(100 * 2 ** Math.min(times, 5), 2000);
    },
    /** Counts the sentinels' refusals of each round; attached before the first round ends. */
    watch(client: Redis): void {
      client.on('ready', () => (everReady = true));
      client.on('sentinelError', (error: unknown) => {
        failed += 1;
        if (error instanceof Error && sentinelAuthRefusal(error.message)) refused += 1;
      });
    },
  };
}

/**
 * An ioredis client whose every failure mode is bounded: a refused, dropped or paused server turns
 * into an error within a few seconds instead of a hang, and the client keeps reconnecting behind it.
 * Behind Sentinel it follows failovers (docs/topologies.md).
 */
export function createRedisClient(options: ConnectionOptions): Redis {
  const address = parseRedisAddress(options.url);
  const tls = tlsOptionsOf(options.tls, address.tls);
  const redisOptions: RedisOptions = {
    connectTimeout: options.connectTimeoutMs ?? 3000,
    commandTimeout: options.commandTimeoutMs ?? 5000,
    maxRetriesPerRequest: 1,
    retryStrategy: (times) => Math.min(100 * 2 ** Math.min(times, 5), 2000),
    enableAutoPipelining: true,
    lazyConnect: false,
    // A command cut off by a dropped connection may already be rejected (timed out) when the client
    // reconnects; replaying it then would apply a write its caller was told had failed.
    autoResendUnfulfilledCommands: false,
  };
  if (options.username) redisOptions.username = options.username;
  if (options.password) redisOptions.password = options.password;
  if (tls) redisOptions.tls = tls;
  const sentinelPassword =
    address.kind === 'sentinel'
      ? (options.sentinelPassword ?? address.sentinelPassword)
      : undefined;
  const retry = sentinelRetry();
  const client =
    address.kind === 'sentinel'
      ? new Redis({
          ...redisOptions,
          sentinels: address.sentinels,
          name: address.masterName,
          db: address.db,
          ...(address.username && !options.username ? { username: address.username } : {}),
          ...(address.password && !options.password ? { password: address.password } : {}),
          ...(address.sentinelUsername ? { sentinelUsername: address.sentinelUsername } : {}),
          ...(sentinelPassword ? { sentinelPassword } : {}),
          ...(tls ? { enableTLSForSentinelMode: true, sentinelTLS: tls } : {}),
          // Without it the client keeps writing to a demoted primary until that one turns
          // replica, and every write in between is lost (docs/topologies.md).
          failoverDetector: true,
          reconnectOnError: readonlyReconnect,
          sentinelRetryStrategy: retry.strategy,
        })
      : new Redis(address.url, redisOptions);
  if (address.kind === 'sentinel') retry.watch(client);
  records.set(client, { address, options, tls });
  watchConnectionProblems(client, tls !== undefined);
  // Connection errors reach every caller as a failed command (REDIS_UNAVAILABLE); without a
  // listener ioredis would also print each reconnect attempt's error to stderr.
  client.on('error', () => undefined);
  return client;
}
