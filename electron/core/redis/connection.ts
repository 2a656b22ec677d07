import { Redis, type RedisOptions } from 'ioredis';
import { ValidationError } from '../errors';
import { redactRedisUrl } from './redact';

export interface ConnectionOptions {
  url: string;
  /** Fail a command that got no answer after this long (a paused or wedged server). */
  commandTimeoutMs?: number;
  connectTimeoutMs?: number;
  username?: string;
  password?: string;
  tls?: boolean;
}

/**
 * An ioredis client whose every failure mode is bounded: a refused, dropped or paused server turns
 * into an error within a few seconds instead of a hang, and the client keeps reconnecting behind it.
 */
export function createRedisClient(options: ConnectionOptions): Redis {
  assertRedisUrl(options.url);
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
  if (options.tls) redisOptions.tls = {};
  const client = new Redis(options.url, redisOptions);
  // Connection errors reach every caller as a failed command (REDIS_UNAVAILABLE); without a
  // listener ioredis would also print each reconnect attempt's error to stderr.
  client.on('error', () => undefined);
  return client;
}

/**
 * ioredis throws Node's "Invalid URL" for a malformed URL, and that error carries the whole text,
 * password included: refuse it first, showing it without its secrets (docs/desktop.md "Secrets").
 */
function assertRedisUrl(url: string): void {
  let protocol = '';
  try {
    protocol = new URL(url).protocol;
  } catch {
    // reported below
  }
  if (protocol !== 'redis:' && protocol !== 'rediss:') {
    throw new ValidationError(
      `${redactRedisUrl(url)} is not a Redis URL; write it as redis://host:6379 or rediss://host:6380.`,
      { field: 'url' },
    );
  }
}
