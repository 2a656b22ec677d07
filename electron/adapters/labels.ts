import { userInfo } from 'node:os';

/** "redis 10.0.0.5:6379" for a Redis URL, without credentials or query. */
export function labelOf(redisUrl: string): string {
  try {
    const url = new URL(redisUrl);
    const scheme = url.protocol === 'rediss:' ? 'rediss' : 'redis';
    return `${scheme} ${url.hostname}:${url.port || '6379'}`;
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
