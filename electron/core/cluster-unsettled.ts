import type { ApiError } from '../../shared/contract';
import type { CallReach } from './error-mapping';

/**
 * A Redis Cluster that cannot serve a key's slot for now (docs/topologies.md "Redis Cluster"): a
 * master is down and its replica not promoted yet (`CLUSTERDOWN`), or a resharding is moving the
 * call's keys (`TRYAGAIN`, or redirections that never settled). The Cluster client retries these
 * itself; what reaches the caller is the last refusal, alone or after "Too many Cluster redirections".
 */
const UNSETTLED =
  /^(?:Too many Cluster redirections\. Last error: (?:ReplyError: )?)?(CLUSTERDOWN|TRYAGAIN|MOVED|ASK)\b/;

const WHY: Record<string, string> = {
  CLUSTERDOWN: 'a master is down and no replica has taken over yet',
  TRYAGAIN: "a resharding is moving this call's keys between masters",
  MOVED: "a resharding kept moving this call's keys between masters",
  ASK: "a resharding kept moving this call's keys between masters",
};

/**
 * The error of a refusal the cluster gives while it settles, or null. `MOVED` and `ASK` count only
 * after the client gave up following them: on their own they come from a node that hides its mode.
 */
export function clusterUnsettled(message: string, reach: CallReach | undefined): ApiError | null {
  const match = UNSETTLED.exec(message);
  if (!match) return null;
  const said = match[1]!;
  if ((said === 'MOVED' || said === 'ASK') && !message.startsWith('Too many')) return null;
  const what = `The Redis Cluster is not serving this call's keys right now: ${WHY[said]} (${message}).`;
  const details = { reason: 'cluster_unsettled', topology: 'cluster', redis_error: said };
  if (!reach?.write)
    return { code: 'REDIS_UNAVAILABLE', message: `${what} Retry in a moment.`, details };
  // A cluster write runs in steps on several masters: those before the refused one may have run.
  return {
    code: 'REDIS_UNAVAILABLE',
    message: `${what} A write runs in steps on several masters, and the steps before this one may have run: look the job up (get or inspect it) before doing it again, or repeat the call once the cluster settles, which finishes or rolls back a call stopped between its steps (an enqueue repeated with the same client_request_id never enqueues twice).`,
    details: { ...details, outcome: 'unknown' },
  };
}
