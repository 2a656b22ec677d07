import type { Redis } from 'ioredis';
import type { FlagValue } from '../../../shared/contract';
import { clusterFlagHistory } from '../cluster/slot-tags';
import type { CoreContext } from '../context';
import { InternalError } from '../errors';
import { keys } from '../keys';
import { clusterClientOf, detectTopology } from '../redis/topology';
import { orderKeys, registerScripts, runScript, scripts } from '../scripts';
import { HISTORY_LIMIT } from './flags';

export interface ExternalFlagNote {
  /** True when this call wrote the history and audit entries; false when they were already there. */
  recorded: boolean;
  value: FlagValue;
  /** Redis time of the recorded change (ms), when recorded. */
  at?: number;
}

/** The audit actor of a flag change made outside Queuescope, naming the host that saw it. */
export function externalActor(host: string): string {
  return `external (seen by host ${host})`;
}

/**
 * Records a flag change someone made outside Queuescope (docs/connection.md, external flag
 * changes): one history entry and one audit entry, written by the first host that calls this for
 * the change and by no other, since the script compares the flag with the history's last entry.
 */
export async function noteExternalFlagChange(
  ctx: Pick<CoreContext, 'redis' | 'config'>,
  seenBy: string,
  seenAt = new Date(),
): Promise<ExternalFlagNote> {
  const cluster = await clusterOf(ctx.redis);
  if (cluster) return noteOnCluster(cluster, ctx.config, seenBy, seenAt);
  const keyList = orderKeys(scripts.noteExternalFlag, {
    flag: keys.flag,
    history: keys.flagHistory,
    audit: keys.audit,
  });
  const reply = (await runScript(ctx.redis, scripts.noteExternalFlag, keyList, [
    ctx.config.defaultFlag,
    HISTORY_LIMIT,
    ctx.config.auditMaxLen,
    externalActor(seenBy),
    seenAt.toISOString(),
  ])) as [number, string, number?];
  return noteOf(reply);
}

function noteOf(reply: [number, string, number?]): ExternalFlagNote {
  if (reply[0] === -1) {
    throw new InternalError(
      `Redis key ${reply[1]} holds another type than expected (WRONGTYPE); the external flag change was not recorded. Inspect or remove that key.`,
      { key: reply[1], redis_error: 'WRONGTYPE' },
    );
  }
  const value = reply[1] === 'on' ? 'on' : 'off';
  return reply[0] === 1
    ? { recorded: true, value, at: Number(reply[2]) }
    : { recorded: false, value };
}

/** The Cluster client when the address is a cluster node (or the client is one), else null. */
async function clusterOf(redis: Redis): Promise<Redis | null> {
  if ((redis as { isCluster?: boolean }).isCluster) return redis;
  if ((await detectTopology(redis)) !== 'cluster') return null;
  const cluster = clusterClientOf(redis) as unknown as Redis;
  registerScripts(cluster);
  return cluster;
}

/**
 * On a Redis Cluster (docs/topologies.md "Cluster writes"): the history entry in the flag's slot,
 * written by the first host only, which then appends the audit entry (another slot). A host that
 * stops between the two leaves the change in the history without its audit entry.
 */
async function noteOnCluster(
  cluster: Redis,
  config: CoreContext['config'],
  seenBy: string,
  seenAt: Date,
): Promise<ExternalFlagNote> {
  const keyList = orderKeys(scripts.clusterNoteExternalFlag, {
    flag: keys.flag,
    history: clusterFlagHistory(keys.flag),
  });
  const reply = (await runScript(cluster, scripts.clusterNoteExternalFlag, keyList, [
    config.defaultFlag,
    HISTORY_LIMIT,
  ])) as [number, string, number?];
  const note = noteOf(reply);
  if (!note.recorded) return note;
  await cluster.xadd(
    keys.audit,
    'MAXLEN',
    '~',
    config.auditMaxLen,
    '*',
    'time',
    seenAt.toISOString(),
    'actor',
    externalActor(seenBy),
    'operation',
    'setFlag',
    'target',
    `new_schema=${note.value}`,
    'outcome',
    'ok',
    'details',
    `changed outside Queuescope (not through its set-flag); recorded once, by the first host that saw it; history stamped ${note.at}`,
  );
  return note;
}
