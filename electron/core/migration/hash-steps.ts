import type { Redis } from 'ioredis';
import type { FieldPair } from './fingerprint';

/** Fields asked for per HSCAN step of a hash too big for one bounded call. */
const FIELDS_PER_STEP = 250;

/** A hash's pairs as bytes, by field (latin1 keys: one per byte string, whatever its encoding). */
export type HashPairs = Map<string, FieldPair>;

/**
 * Reads a hash in bounded HSCAN steps (empty when absent), so no single command copies more than a
 * step's fields whatever the job weighs. HSCAN may return a field twice while the hash rehashes;
 * the map keeps one. Not a snapshot: callers that need one WATCH the key (repair-large.ts), and the
 * check's re-check rounds settle a job written meanwhile.
 */
export async function readPairsInSteps(redis: Redis, key: string): Promise<HashPairs> {
  const pairs: HashPairs = new Map();
  let cursor = '0';
  do {
    const [next, flat] = await redis.hscanBuffer(key, cursor, 'COUNT', FIELDS_PER_STEP);
    for (let i = 0; i + 1 < flat.length; i += 2)
      pairs.set(flat[i]!.toString('latin1'), [flat[i]!, flat[i + 1]!]);
    cursor = next.toString();
  } while (cursor !== '0');
  return pairs;
}

/** The pairs as text (UTF-8), for the equality rule and the views. */
export function asText(pairs: HashPairs): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [field, value] of pairs.values()) out[field.toString('utf8')] = value.toString('utf8');
  return out;
}
