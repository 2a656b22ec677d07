import type { Cluster, Redis } from 'ioredis';
import { INLINE_LIMITS } from '../../migration/compare-batch';
import { fingerprintOfPairs } from '../../migration/fingerprint';
import { asText, readPairsInSteps, type HashPairs } from '../../migration/hash-steps';
import { registerScripts, scripts } from '../../scripts';

/** What one key holds, as the check needs it. */
export type KeyRead =
  | { kind: 'none' }
  | { kind: 'type'; type: string }
  | { kind: 'string'; value: string }
  | { kind: 'peek'; workspaceId: string | null }
  | { kind: 'large'; workspaceId: string; enqueuedAt: string }
  | { kind: 'hash'; pairs: HashPairs };

type Call = (keyCount: number, key: string, ...argv: Array<string | number>) => Promise<Buffer[]>;

/**
 * The read script's Buffer-replying command (lua/cluster/read-key.lua). Like every `qs_cluster_`
 * script it is kept out of auto-pipelining (scripts.ts): a pipeline that meets MOVED or ASK for
 * some of its keys during a resharding fails those keys, where a command on its own is redirected.
 */
function command(cluster: Cluster): Call {
  const name = `${scripts.clusterReadKey.command}Buffer`;
  const client = cluster as unknown as Record<string, Call | undefined>;
  if (!client[name]) registerScripts(cluster as unknown as Redis);
  return client[name]!.bind(cluster);
}

/** How long a read is tried again while the cluster settles (a failover's election, a move). */
const RETRY_FOR_MS = 15_000;

/**
 * Sends the read, again after a pause while it fails: a read changes nothing, and during a
 * failover a master answers CLUSTERDOWN, TRYAGAIN or not at all until its replica takes over.
 */
async function send(cluster: Cluster, key: string, mode: string): Promise<Buffer[]> {
  const deadline = Date.now() + RETRY_FOR_MS;
  for (let attempt = 0; ; attempt++) {
    try {
      return await command(cluster)(1, key, INLINE_LIMITS.fields, INLINE_LIMITS.bytes, mode);
    } catch (error) {
      if (Date.now() > deadline) throw error;
      await new Promise((resolve) => setTimeout(resolve, Math.min(50 * 2 ** attempt, 1000)));
    }
  }
}

/** Reads one key: a whole hash ('hash'), or only its type and workspace ('peek'). */
export async function readKey(
  cluster: Cluster,
  key: string,
  mode: 'hash' | 'peek',
): Promise<KeyRead> {
  const reply = await send(cluster, key, mode);
  const head = reply[0]!.toString();
  switch (head) {
    case 'none':
      return { kind: 'none' };
    case 'type':
      return { kind: 'type', type: reply[1]!.toString() };
    case 'string':
      return { kind: 'string', value: reply[1]!.toString() };
    case 'peek':
      return {
        kind: 'peek',
        workspaceId: reply[1]!.toString() === '1' ? reply[2]!.toString() : null,
      };
    case 'large':
      return {
        kind: 'large',
        workspaceId: reply[1]!.toString(),
        enqueuedAt: reply[2]!.toString(),
      };
    default: {
      const pairs: HashPairs = new Map();
      for (let i = 1; i + 1 < reply.length; i += 2)
        pairs.set(reply[i]!.toString('latin1'), [reply[i]!, reply[i + 1]!]);
      return { kind: 'hash', pairs };
    }
  }
}

/** A hash read whole or, when large, in HSCAN steps (so its fingerprint can be computed). */
export async function wholeHash(cluster: Cluster, key: string, read: KeyRead): Promise<HashPairs> {
  if (read.kind === 'hash') return read.pairs;
  return readPairsInSteps(cluster as unknown as Redis, key);
}

/** A hash's compare-and-set token, as the Lua include computes it ('' when absent). */
export function fingerprintOf(pairs: HashPairs): string {
  return fingerprintOfPairs(pairs.values());
}

export { asText };
