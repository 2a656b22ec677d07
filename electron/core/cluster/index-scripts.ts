import type { Cluster } from 'ioredis';
import { scripts } from '../scripts';
import { sendRouted } from './scatter';

/**
 * The scripts that build job keys from a workspace's index (count-statuses.lua,
 * filter-by-status.lua, filter-jobs.lua) and file-jobs.lua, which names the keys of many jobs,
 * answered on a Redis Cluster from per-key reads (docs/topologies.md "Redis Cluster"): a script
 * there may only touch keys of its own slot. Each takes the script's (number of keys, KEYS, ARGV)
 * and answers what the script answers; the job keys are read through the Cluster client, whose
 * auto-pipelining sends those of one master in one round trip.
 */

type Args = [number, string[], Array<string | number>];
type Emulated = (cluster: Cluster, keyList: string[], argv: string[]) => Promise<unknown>;

/** A keyed command, redirected through a resharding or a failover (scatter.ts). */
function send<T>(cluster: Cluster, name: string, ...args: Array<string | number>): Promise<T> {
  return sendRouted(cluster, name, args) as Promise<T>;
}

/** Whether an error is the key's type (as redis.pcall gives it to a script), not the cluster's. */
function wrongType(error: unknown): null {
  if (String((error as Error)?.message).startsWith('WRONGTYPE')) return null;
  throw error;
}

/** A field of a hash, null when absent or when the key holds another type (as redis.pcall). */
function hget(cluster: Cluster, key: string, field: string): Promise<string | null> {
  return send<string | null>(cluster, 'hget', key, field).catch(wrongType);
}

const STATUS_SLOT: Record<string, number> = { pending: 1, running: 2, completed: 3, failed: 4 };

/** count-statuses.lua: { ids read, old pending…other, new pending…other }. */
const countStatuses: Emulated = async (cluster, [index], [oldPrefix, newPrefix, from, count]) => {
  const start = Number(from);
  const ids = await send<string[]>(cluster, 'zrange', index!, start, start + Number(count) - 1);
  const out = [ids.length, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0];
  const statuses = await Promise.all(
    ids.map((id) =>
      Promise.all([
        hget(cluster, oldPrefix + id, 'status'),
        hget(cluster, newPrefix + id, 'status'),
      ]),
    ),
  );
  for (const [old, now] of statuses) {
    if (old !== null) out[STATUS_SLOT[old] ?? 5]! += 1;
    if (now !== null) out[(STATUS_SLOT[now] ?? 5) + 5]! += 1;
  }
  return out;
};

/** The ids of a slice, newest first, that match; cut after `enough` as the scripts cut. */
async function matching<T>(
  ids: string[],
  read: (id: string) => Promise<T>,
  matches: (id: string, read: T) => boolean,
  enough: number,
): Promise<Array<string | number>> {
  const reads = await Promise.all(ids.map(read));
  const out: Array<string | number> = [0];
  for (let i = 0; i < ids.length; i++) {
    if (!matches(ids[i]!, reads[i]!)) continue;
    out.push(ids[i]!);
    if (out.length - 1 >= enough) {
      out[0] = i + 1;
      return out;
    }
  }
  out[0] = ids.length;
  return out;
}

/** filter-by-status.lua: { ids consumed, matching ids… }. */
const filterByStatus: Emulated = async (cluster, [index], argv) => {
  const [oldPrefix, newPrefix, from, count, wanted, enough] = argv;
  const start = Number(from);
  const ids = await send<string[]>(cluster, 'zrevrange', index!, start, start + Number(count) - 1);
  return matching(
    ids,
    (id) =>
      Promise.all([
        hget(cluster, oldPrefix + id, 'status'),
        hget(cluster, newPrefix + id, 'status'),
      ]),
    (_, [old, now]) => old === wanted || now === wanted,
    Number(enough),
  );
};

type Fields = Array<string | null> | null;

/** HMGET of the four fields a text filter needs; null when absent or of another type. */
async function filterFields(cluster: Cluster, key: string): Promise<Fields> {
  const reply = await send<Array<string | null>>(
    cluster,
    'hmget',
    key,
    ...['status', 'action_provider', 'action_name', 'actor_id'],
  ).catch(wrongType);
  return reply && reply.some((v) => v !== null) ? reply : null;
}

/** string.lower of Lua: ASCII letters only. */
const lowerAscii = (text: string) => text.replace(/[A-Z]/g, (c) => c.toLowerCase());

function contains(value: string | null, text: string): boolean {
  return text === '' || lowerAscii(value ?? '').includes(text);
}

function actionOf(job: Array<string | null>): string {
  const provider = job[1] ?? '';
  const name = job[2] ?? '';
  return provider !== '' && name !== '' ? `${provider}.${name}` : provider + name;
}

/** filter-jobs.lua: { ids consumed, matching ids… }. */
const filterJobs: Emulated = async (cluster, [index], argv) => {
  const [oldPrefix, newPrefix, from, count, status, action, actor, idPrefix, enough] = argv;
  const start = Number(from);
  const ids = await send<string[]>(cluster, 'zrevrange', index!, start, start + Number(count) - 1);
  const wanted = (id: string) => idPrefix === '' || id.startsWith(idPrefix!);
  return matching(
    ids,
    (id) =>
      wanted(id)
        ? Promise.all([
            filterFields(cluster, oldPrefix + id),
            filterFields(cluster, newPrefix + id),
          ])
        : Promise.resolve([null, null] as [Fields, Fields]),
    (id, [old, now]) => {
      const job = old ?? now;
      if (!job || !wanted(id)) return false;
      if (status !== '' && old?.[0] !== status && now?.[0] !== status) return false;
      return contains(actionOf(job), action!) && contains(job[3] ?? null, actor!);
    },
    Number(enough),
  );
};

/**
 * file-jobs.lua, one slot per call: a job whose key still exists is filed (`ZADD NX` in its index,
 * then `SADD` of its workspace). The check and the filing are two steps here, so a job deleted in
 * between may still be filed; the next listing shows it as missing, as any deleted job.
 */
const fileJobs: Emulated = async (cluster, keyList, argv) => {
  const [workspaces] = keyList;
  const count = (keyList.length - 1) / 2;
  return Promise.all(
    Array.from({ length: count }, async (_, i) => {
      const [jobKey, indexKey] = [keyList[1 + 2 * i]!, keyList[2 + 2 * i]!];
      const [id, score, ws] = [argv[3 * i]!, argv[3 * i + 1]!, argv[3 * i + 2]!];
      if ((await send<number>(cluster, 'exists', jobKey)) === 0) return -1;
      const added = await send<number>(cluster, 'zadd', indexKey, 'NX', score, id);
      await send(cluster, 'sadd', workspaces!, ws);
      return Number(added);
    }),
  );
};

const EMULATED: Record<string, Emulated> = {
  [scripts.countStatuses.command]: countStatuses,
  [scripts.filterByStatus.command]: filterByStatus,
  [scripts.filterJobs.command]: filterJobs,
  [scripts.fileJobs.command]: fileJobs,
};

/** The cluster version of a script command, called as runScript calls a registered one. */
export function emulatedScript(
  cluster: Cluster,
  command: string,
): ((...args: Args) => Promise<unknown>) | undefined {
  const emulated = EMULATED[command];
  if (!emulated) return undefined;
  return (_numKeys, keyList, argv) => emulated(cluster, keyList, argv.map(String));
}
