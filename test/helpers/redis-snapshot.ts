import type { Redis } from 'ioredis';

/** Every key of a Redis with its type and readable content, read with SCAN (never KEYS). */
export type Snapshot = Map<string, string>;

export async function snapshot(redis: Redis): Promise<Snapshot> {
  const out: Snapshot = new Map();
  const keys = await allKeys(redis);
  // One round trip for the types and one for the contents, so a fuzz run can afford one per write.
  const types = await Promise.all(keys.map((key) => redis.type(key)));
  const contents = await Promise.all(keys.map((key, i) => contentOf(redis, key, types[i]!)));
  keys.forEach((key, i) => out.set(key, `${types[i]} ${JSON.stringify(contents[i])}`));
  return out;
}

async function contentOf(redis: Redis, key: string, type: string): Promise<unknown> {
  switch (type) {
    case 'string':
      return redis.get(key);
    case 'hash':
      return Object.entries(await redis.hgetall(key)).sort(([a], [b]) => a.localeCompare(b));
    case 'list':
      return redis.lrange(key, 0, -1);
    case 'set':
      return (await redis.smembers(key)).sort();
    case 'zset':
      return redis.zrange(key, '0', '-1', 'WITHSCORES');
    case 'stream':
      return redis.xrange(key, '-', '+');
    default:
      return null;
  }
}

/** Keys added, removed or changed between two snapshots, sorted. */
export function changedKeys(before: Snapshot, after: Snapshot): string[] {
  const changed = new Set<string>();
  for (const [key, value] of after) if (before.get(key) !== value) changed.add(key);
  for (const key of before.keys()) if (!after.has(key)) changed.add(key);
  return [...changed].sort();
}

/**
 * The snapshot without the failed-attempt counters ("{ws}|failed" fields of the dual-write metric
 * hashes): the one thing a failed enqueue is meant to write (docs/operations.md, "enqueue").
 */
export function withoutFailureCounts(snap: Snapshot): Snapshot {
  const out: Snapshot = new Map();
  for (const [key, value] of snap) {
    if (!key.startsWith('ai:qs:dw:') || !value.startsWith('hash ')) {
      out.set(key, value);
      continue;
    }
    const fields = (JSON.parse(value.slice(5)) as Array<[string, string]>).filter(
      ([field]) => !field.endsWith('|failed'),
    );
    if (fields.length) out.set(key, `hash ${JSON.stringify(fields)}`);
  }
  return out;
}

/** Every key name matching `match`, via SCAN. */
export async function allKeys(redis: Redis, match = '*'): Promise<string[]> {
  const found = new Set<string>();
  let cursor = '0';
  do {
    const [next, batch] = await redis.scan(cursor, 'MATCH', match, 'COUNT', 1000);
    cursor = next;
    for (const key of batch) found.add(key);
  } while (cursor !== '0');
  return [...found].sort();
}
