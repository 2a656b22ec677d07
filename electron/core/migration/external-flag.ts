import type { FlagValue } from '../../../shared/contract';
import type { CoreContext } from '../context';
import { InternalError } from '../errors';
import { keys } from '../keys';
import { orderKeys, runScript, scripts } from '../scripts';
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
