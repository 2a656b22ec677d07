import { userInfo } from 'node:os';
import { describeAddress, parseRedisAddress } from '../core/redis/address';

/** "redis 10.0.0.5:6379" or "sentinel orders (3 sentinels)" for a Redis URL, without credentials. */
export function labelOf(redisUrl: string): string {
  try {
    return describeAddress(parseRedisAddress(redisUrl));
  } catch {
    return 'redis';
  }
}

/** The OS user name: who the writes of a desktop or web-host console are audited as. */
export function defaultActor(): string {
  try {
    return userInfo().username || 'console';
  } catch {
    return 'console';
  }
}
