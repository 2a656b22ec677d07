import type { Redis } from 'ioredis';
import { slotOf } from '../cluster/slot-tags';
import type { CoreContext } from '../context';

/**
 * Where the divergence check keeps its own state (reports, history, checkpoints, suspect and item
 * lists): the handful of string and list commands it needs. On a writable connection that is
 * Redis itself; on a read-only one it is an overlay in this process, which reads through to Redis
 * what it does not hold yet (so the reports other consoles kept still show) and never writes to
 * it, so a check also runs under a read-only ACL user.
 */
export interface CheckStore {
  get(key: string): Promise<string | null>;
  mget(keys: string[]): Promise<Array<string | null>>;
  set(key: string, value: string): Promise<void>;
  del(...keys: string[]): Promise<void>;
  exists(key: string): Promise<boolean>;
  rename(from: string, to: string): Promise<void>;
  lrange(key: string, start: number, stop: number): Promise<string[]>;
  llen(key: string): Promise<number>;
  lpush(key: string, ...values: string[]): Promise<void>;
  rpush(key: string, ...values: string[]): Promise<void>;
  ltrim(key: string, start: number, stop: number): Promise<void>;
}

class RedisCheckStore implements CheckStore {
  constructor(private readonly redis: Redis) {}
  get = (key: string) => this.redis.get(key);
  mget = (keys: string[]) => this.redis.mget(keys);
  set = async (key: string, value: string) => void (await this.redis.set(key, value));
  del = async (...keys: string[]) => void (keys.length && (await this.redis.del(...keys)));
  exists = async (key: string) => (await this.redis.exists(key)) === 1;
  rename = async (from: string, to: string) => void (await this.redis.rename(from, to));
  lrange = (key: string, start: number, stop: number) => this.redis.lrange(key, start, stop);
  llen = (key: string) => this.redis.llen(key);
  lpush = async (key: string, ...values: string[]) => void (await this.redis.lpush(key, ...values));
  rpush = async (key: string, ...values: string[]) => void (await this.redis.rpush(key, ...values));
  ltrim = async (key: string, start: number, stop: number) =>
    void (await this.redis.ltrim(key, start, stop));
}

/**
 * The same on a Redis Cluster, where one command may only name keys of one slot: several keys are
 * read and deleted one by one, and a list is renamed across slots by DUMP and RESTORE before the
 * old name goes (a crash in between leaves both, and the rename is simply done again).
 */
class ClusterCheckStore extends RedisCheckStore {
  constructor(private readonly cluster: Redis) {
    super(cluster);
  }
  override mget = (keys: string[]) => Promise.all(keys.map((key) => this.cluster.get(key)));
  override del = async (...keys: string[]) =>
    void (await Promise.all(keys.map((key) => this.cluster.del(key))));
  override rename = async (from: string, to: string) => {
    if (slotOf(from) === slotOf(to)) return void (await this.cluster.rename(from, to));
    const payload = await this.cluster.dumpBuffer(from);
    if (!payload) throw new Error(`ERR no such key: ${from}`);
    await this.cluster.restore(to, 0, payload, 'REPLACE');
    await this.cluster.del(from);
  };
}

/** Redis's LRANGE/LTRIM index rules: negative counts from the end, stop inclusive. */
function span(length: number, start: number, stop: number): [number, number] {
  const from = Math.max(0, start < 0 ? length + start : start);
  const to = Math.min(length - 1, stop < 0 ? length + stop : stop);
  return [from, to + 1];
}

/** Keys written here shadow Redis's; a deleted key is a tombstone (null). */
class OverlayCheckStore implements CheckStore {
  private readonly mem = new Map<string, string | string[] | null>();
  constructor(private readonly redis: Redis) {}

  async get(key: string) {
    if (!this.mem.has(key)) return this.redis.get(key);
    const value = this.mem.get(key);
    return typeof value === 'string' ? value : null;
  }
  mget(keys: string[]) {
    return Promise.all(keys.map((key) => this.get(key)));
  }
  async set(key: string, value: string) {
    this.mem.set(key, value);
  }
  async del(...keys: string[]) {
    for (const key of keys) this.mem.set(key, null);
  }
  async exists(key: string) {
    if (!this.mem.has(key)) return (await this.redis.exists(key)) === 1;
    const value = this.mem.get(key);
    return typeof value === 'string' || (Array.isArray(value) && value.length > 0);
  }
  async rename(from: string, to: string) {
    const list = await this.list(from);
    this.mem.set(to, list);
    this.mem.set(from, null);
  }
  async lrange(key: string, start: number, stop: number) {
    if (!this.mem.has(key)) return this.redis.lrange(key, start, stop);
    const list = await this.list(key);
    return list.slice(...span(list.length, start, stop));
  }
  async llen(key: string) {
    return this.mem.has(key) ? (await this.list(key)).length : this.redis.llen(key);
  }
  async lpush(key: string, ...values: string[]) {
    (await this.list(key)).unshift(...values.reverse());
  }
  async rpush(key: string, ...values: string[]) {
    (await this.list(key)).push(...values);
  }
  async ltrim(key: string, start: number, stop: number) {
    const list = await this.list(key);
    this.mem.set(key, list.slice(...span(list.length, start, stop)));
  }

  /** The list held here, copied from Redis the first time it is touched. */
  private async list(key: string): Promise<string[]> {
    const held = this.mem.has(key) ? this.mem.get(key) : await this.redis.lrange(key, 0, -1);
    const value = Array.isArray(held) ? held : [];
    this.mem.set(key, value);
    return value;
  }
}

const stores = new WeakMap<CoreContext, CheckStore>();

export function checkStore(ctx: CoreContext): CheckStore {
  let store = stores.get(ctx);
  if (!store) {
    const cluster = (ctx.redis as { isCluster?: boolean }).isCluster === true;
    store = ctx.config.readOnly
      ? new OverlayCheckStore(ctx.redis)
      : cluster
        ? new ClusterCheckStore(ctx.redis)
        : new RedisCheckStore(ctx.redis);
    stores.set(ctx, store);
  }
  return store;
}
