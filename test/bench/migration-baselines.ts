/**
 * What `queuescope divergence` is measured against (docs/scaling.md): checks written without
 * Queuescope, run on the same keyspace in the same process, and the SCAN walk an index replaces.
 */
import { Redis } from 'ioredis';
import { differingFields } from '../../electron/core/equality';
import { keys } from '../../electron/core/keys';

export interface BaselineRun {
  pairs: number;
  diverged: number;
}

/** The bench's first baseline: SCAN the old keys, pipelined HGETALL of both copies, compare in JS. */
export async function baselineCheck(redis: Redis): Promise<BaselineRun> {
  let cursor = '0';
  let pairs = 0;
  let diverged = 0;
  do {
    const [next, found] = await redis.scan(cursor, 'MATCH', 'ai:jobs:*', 'COUNT', 1000);
    cursor = next;
    const olds = await redis.pipeline(found.map((k) => ['hgetall', k])).exec();
    const oldHashes = (olds ?? []).map(([, v]) => v as Record<string, string>);
    const news = await redis
      .pipeline(
        oldHashes.map((o, i) => ['hgetall', keys.newJob(o.workspace_id ?? '', found[i]!.slice(8))]),
      )
      .exec();
    (news ?? []).forEach(([, v], i) => {
      const copy = v as Record<string, string>;
      pairs++;
      if (!Object.keys(copy).length || differingFields(oldHashes[i]!, copy).length) diverged++;
    });
  } while (cursor !== '0');
  return { pairs, diverged };
}

/**
 * The obvious script an operator would write, as issue 15 describes it: `SCAN MATCH ai:jobs:*
 * COUNT 1000`, then one pipeline of HGETALL of the batch's old hashes, then one of their new copies,
 * one batch in flight, compared in JavaScript with the project's equality rule (docs/guarantees.md:
 * JSON fields compare as values). Old→new only, on its own connection with ioredis defaults.
 */
export async function obviousCheck(port: number): Promise<BaselineRun> {
  const redis = new Redis({ host: '127.0.0.1', port });
  let cursor = '0';
  let pairs = 0;
  let diverged = 0;
  try {
    do {
      const [next, found] = await redis.scan(cursor, 'MATCH', 'ai:jobs:*', 'COUNT', 1000);
      cursor = next;
      if (!found.length) continue;
      const oldReplies = await found.reduce((p, key) => p.hgetall(key), redis.pipeline()).exec();
      const olds = oldReplies!.map(([, v]) => v as Record<string, string>);
      const newReplies = await olds
        .reduce(
          (p, old, i) => p.hgetall(keys.newJob(old.workspace_id ?? '', found[i]!.slice(8))),
          redis.pipeline(),
        )
        .exec();
      for (let i = 0; i < found.length; i++) {
        const copy = newReplies![i]![1] as Record<string, string>;
        pairs++;
        if (Object.keys(copy).length === 0 || differingFields(olds[i]!, copy).length > 0)
          diverged++;
      }
    } while (cursor !== '0');
  } finally {
    redis.disconnect();
  }
  return { pairs, diverged };
}

/** Listing one workspace without an index: a MATCH walk of the whole keyspace; returns keys found. */
export async function scanOneWorkspace(redis: Redis, workspaceId: string): Promise<number> {
  let cursor = '0';
  let inWorkspace = 0;
  do {
    const [next, found] = await redis.scan(
      cursor,
      'MATCH',
      `${keys.newJob(workspaceId, '')}*`,
      'COUNT',
      1000,
    );
    cursor = next;
    inWorkspace += found.length;
  } while (cursor !== '0');
  return inWorkspace;
}
