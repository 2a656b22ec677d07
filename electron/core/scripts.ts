import type { Redis } from 'ioredis';
import enqueueLua from './lua/enqueue.lua?raw';
import retryLua from './lua/retry.lua?raw';
import updateStatusLua from './lua/update-status.lua?raw';
import compareNewToOldLua from './lua/compare-new-to-old.lua?raw';
import countStatusesLua from './lua/count-statuses.lua?raw';
import filterByStatusLua from './lua/filter-by-status.lua?raw';
import compareOldToNewLua from './lua/compare-old-to-new.lua?raw';
import dropOrphanIdempotencyLua from './lua/drop-orphan-idempotency.lua?raw';
import fileJobsLua from './lua/file-jobs.lua?raw';
import repairJobLua from './lua/repair-job.lua?raw';
import commitStagedCopyLua from './lua/commit-staged-copy.lua?raw';
import setFlagLua from './lua/set-flag.lua?raw';
import filterJobsLua from './lua/filter-jobs.lua?raw';
import removeFromQueueLua from './lua/remove-from-queue.lua?raw';
import noteExternalFlagLua from './lua/note-external-flag.lua?raw';
import clusterEnqueueReserveLua from './lua/cluster/enqueue-reserve.lua?raw';
import clusterEnqueueClaimLua from './lua/cluster/enqueue-claim.lua?raw';
import clusterEnqueueCopyLua from './lua/cluster/enqueue-copy.lua?raw';
import clusterEnqueueUncopyLua from './lua/cluster/enqueue-uncopy.lua?raw';
import clusterEnqueuePushLua from './lua/cluster/enqueue-push.lua?raw';
import clusterEnqueueTakeoverLua from './lua/cluster/enqueue-takeover.lua?raw';
import clusterEnqueueCommitLua from './lua/cluster/enqueue-commit.lua?raw';
import clusterEnqueueRollbackLua from './lua/cluster/enqueue-rollback.lua?raw';
import clusterEnqueueReleaseLua from './lua/cluster/enqueue-release.lua?raw';
import clusterCopyCasLua from './lua/cluster/copy-cas.lua?raw';
import clusterPushOnceLua from './lua/cluster/push-once.lua?raw';
import clusterReadKeyLua from './lua/cluster/read-key.lua?raw';
import clusterQueueRemoveLua from './lua/cluster/queue-remove.lua?raw';
import clusterRepairCommitLua from './lua/cluster/repair-commit.lua?raw';
import clusterDropIdempotencyLua from './lua/cluster/drop-idempotency.lua?raw';
import clusterNoteExternalFlagLua from './lua/cluster/note-external-flag.lua?raw';
import fieldLua from './lua/includes/field.lua?raw';
import fingerprintLua from './lua/includes/fingerprint.lua?raw';
import jsonEqualLua from './lua/includes/json-equal.lua?raw';
import timeBoxLua from './lua/includes/time-box.lua?raw';
import sizeGateLua from './lua/includes/size-gate.lua?raw';
import weighLua from './lua/includes/weigh.lua?raw';
import byteLessLua from './lua/includes/byte-less.lua?raw';
import intentHeldLua from './lua/includes/intent-held.lua?raw';

/** Shared Lua, one local function a file, pulled into a script by a `-- @include name` line. */
const INCLUDES: Record<string, string> = {
  field: fieldLua,
  fingerprint: fingerprintLua,
  'json-equal': jsonEqualLua,
  'time-box': timeBoxLua,
  'size-gate': sizeGateLua,
  weigh: weighLua,
  'byte-less': byteLessLua,
  'intent-held': intentHeldLua,
};

export function withIncludes(lua: string, included = new Set<string>()): string {
  return lua.replace(/^-- @include (\S+)$/gm, (_, name: string) => {
    const text = INCLUDES[name];
    if (text === undefined) throw new Error(`unknown Lua include "${name}"`);
    // An include may include another; each goes in once, where it is first named.
    if (included.has(name)) return `-- (${name}: included above)`;
    included.add(name);
    return withIncludes(text.trimEnd(), included);
  });
}

/**
 * A Lua script and the names of the KEYS it takes, in order. The names must match the script's
 * header (a unit test reads both), and wrappers build their key arrays from `keys` alone.
 */
export interface ScriptDef<K extends string = string, P extends string = string> {
  /** ioredis command name; versioned so two versions of Queuescope can share one Redis. */
  readonly command: string;
  readonly file: string;
  readonly lua: string;
  readonly keys: readonly K[];
  /** Keys repeated once per item of a batch, after `keys`. */
  readonly perItemKeys: readonly P[];
}

function script<K extends string, P extends string = never>(def: ScriptDef<K, P>): ScriptDef<K, P> {
  return def;
}

export const scripts = {
  enqueue: script({
    command: 'qs_enqueue_v1',
    file: 'enqueue.lua',
    lua: enqueueLua,
    keys: ['queue', 'flag', 'metricsBucket', 'metricsTotal', 'workspaces'],
    perItemKeys: ['old', 'new', 'index', 'idempotency'],
  }),
  updateStatus: script({
    command: 'qs_update_status_v3',
    file: 'update-status.lua',
    lua: updateStatusLua,
    keys: ['old', 'flag', 'new', 'queue'],
    perItemKeys: [],
  }),
  retry: script({
    command: 'qs_retry_v2',
    file: 'retry.lua',
    lua: retryLua,
    keys: ['old', 'new', 'queue'],
    perItemKeys: [],
  }),
  compareOldToNew: script({
    command: 'qs_compare_old_to_new_v5',
    file: 'compare-old-to-new.lua',
    lua: withIncludes(compareOldToNewLua),
    keys: [],
    perItemKeys: ['old'],
  }),
  compareNewToOld: script({
    command: 'qs_compare_new_to_old_v3',
    file: 'compare-new-to-old.lua',
    lua: withIncludes(compareNewToOldLua),
    keys: [],
    perItemKeys: ['new'],
  }),
  repairJob: script({
    command: 'qs_repair_job_v2',
    file: 'repair-job.lua',
    lua: withIncludes(repairJobLua),
    keys: ['old', 'new', 'index', 'stray', 'strayIndex'],
    perItemKeys: [],
  }),
  commitStagedCopy: script({
    command: 'qs_commit_staged_copy_v1',
    file: 'commit-staged-copy.lua',
    lua: commitStagedCopyLua,
    keys: ['staging', 'target', 'index', 'stray', 'strayIndex'],
    perItemKeys: [],
  }),
  countStatuses: script({
    command: 'qs_count_statuses_v1',
    file: 'count-statuses.lua',
    lua: countStatusesLua,
    keys: ['index'],
    perItemKeys: [],
  }),
  filterByStatus: script({
    command: 'qs_filter_by_status_v1',
    file: 'filter-by-status.lua',
    lua: filterByStatusLua,
    keys: ['index'],
    perItemKeys: [],
  }),
  dropOrphanIdempotency: script({
    command: 'qs_drop_orphan_idempotency_v1',
    file: 'drop-orphan-idempotency.lua',
    lua: dropOrphanIdempotencyLua,
    keys: ['idempotency', 'old', 'new'],
    perItemKeys: [],
  }),
  fileJobs: script({
    command: 'qs_file_jobs_v1',
    file: 'file-jobs.lua',
    lua: fileJobsLua,
    keys: ['workspaces'],
    perItemKeys: ['job', 'index'],
  }),
  setFlag: script({
    command: 'qs_set_flag_v1',
    file: 'set-flag.lua',
    lua: setFlagLua,
    keys: ['flag', 'history'],
    perItemKeys: [],
  }),
  filterJobs: script({
    command: 'qs_filter_jobs_v1',
    file: 'filter-jobs.lua',
    lua: filterJobsLua,
    keys: ['index'],
    perItemKeys: [],
  }),
  removeFromQueue: script({
    command: 'qs_remove_from_queue_v1',
    file: 'remove-from-queue.lua',
    lua: removeFromQueueLua,
    keys: ['queue', 'old', 'new'],
    perItemKeys: [],
  }),
  noteExternalFlag: script({
    command: 'qs_note_external_flag_v1',
    file: 'note-external-flag.lua',
    lua: noteExternalFlagLua,
    keys: ['flag', 'history', 'audit'],
    perItemKeys: [],
  }),
  // Redis Cluster enqueue, one single-slot step each (docs/topologies.md "Cluster enqueue").
  clusterEnqueueReserve: script({
    command: 'qs_cluster_enqueue_reserve_v1',
    file: 'cluster/enqueue-reserve.lua',
    lua: withIncludes(clusterEnqueueReserveLua),
    keys: ['idempotency', 'intent'],
    perItemKeys: [],
  }),
  clusterEnqueueClaim: script({
    command: 'qs_cluster_enqueue_claim_v1',
    file: 'cluster/enqueue-claim.lua',
    lua: withIncludes(clusterEnqueueClaimLua),
    keys: ['intent', 'old'],
    perItemKeys: [],
  }),
  clusterEnqueueCopy: script({
    command: 'qs_cluster_enqueue_copy_v1',
    file: 'cluster/enqueue-copy.lua',
    lua: clusterEnqueueCopyLua,
    keys: ['copy'],
    perItemKeys: [],
  }),
  clusterEnqueueUncopy: script({
    command: 'qs_cluster_enqueue_uncopy_v1',
    file: 'cluster/enqueue-uncopy.lua',
    lua: clusterEnqueueUncopyLua,
    keys: ['copy'],
    perItemKeys: [],
  }),
  clusterEnqueuePush: script({
    command: 'qs_cluster_enqueue_push_v1',
    file: 'cluster/enqueue-push.lua',
    lua: clusterEnqueuePushLua,
    keys: ['queue', 'pushed'],
    perItemKeys: [],
  }),
  clusterEnqueueTakeover: script({
    command: 'qs_cluster_enqueue_takeover_v1',
    file: 'cluster/enqueue-takeover.lua',
    lua: clusterEnqueueTakeoverLua,
    keys: ['intent'],
    perItemKeys: [],
  }),
  clusterEnqueueCommit: script({
    command: 'qs_cluster_enqueue_commit_v1',
    file: 'cluster/enqueue-commit.lua',
    lua: clusterEnqueueCommitLua,
    keys: ['intent'],
    perItemKeys: [],
  }),
  clusterEnqueueRollback: script({
    command: 'qs_cluster_enqueue_rollback_v1',
    file: 'cluster/enqueue-rollback.lua',
    lua: clusterEnqueueRollbackLua,
    keys: ['intent', 'idempotency'],
    perItemKeys: [],
  }),
  clusterEnqueueRelease: script({
    command: 'qs_cluster_enqueue_release_v1',
    file: 'cluster/enqueue-release.lua',
    lua: clusterEnqueueReleaseLua,
    keys: ['intent'],
    perItemKeys: [],
  }),
  // Redis Cluster writes as compare-and-set per key (docs/topologies.md "Cluster writes").
  clusterCopyCas: script({
    command: 'qs_cluster_copy_cas_v1',
    file: 'cluster/copy-cas.lua',
    lua: clusterCopyCasLua,
    keys: ['copy'],
    perItemKeys: [],
  }),
  clusterPushOnce: script({
    command: 'qs_cluster_push_once_v1',
    file: 'cluster/push-once.lua',
    lua: clusterPushOnceLua,
    keys: ['queue', 'pushed'],
    perItemKeys: [],
  }),
  clusterQueueRemove: script({
    command: 'qs_cluster_queue_remove_v2',
    file: 'cluster/queue-remove.lua',
    lua: clusterQueueRemoveLua,
    keys: ['queue', 'claim'],
    perItemKeys: [],
  }),
  clusterRepairCommit: script({
    command: 'qs_cluster_repair_commit_v1',
    file: 'cluster/repair-commit.lua',
    lua: clusterRepairCommitLua,
    keys: ['staging', 'target'],
    perItemKeys: [],
  }),
  clusterDropIdempotency: script({
    command: 'qs_cluster_drop_idempotency_v1',
    file: 'cluster/drop-idempotency.lua',
    lua: clusterDropIdempotencyLua,
    keys: ['idempotency', 'intent'],
    perItemKeys: [],
  }),
  clusterNoteExternalFlag: script({
    command: 'qs_cluster_note_external_flag_v1',
    file: 'cluster/note-external-flag.lua',
    lua: clusterNoteExternalFlagLua,
    keys: ['flag', 'history'],
    perItemKeys: [],
  }),
  // The cluster divergence check's read of one key (docs/topologies.md).
  clusterReadKey: script({
    command: 'qs_cluster_read_key_v1',
    file: 'cluster/read-key.lua',
    lua: withIncludes(clusterReadKeyLua),
    keys: ['key'],
    perItemKeys: [],
  }),
};

export type ScriptName = keyof typeof scripts;

const registered = new WeakSet<Redis>();

/** Registers every script once per client (EVALSHA with a transparent EVAL fallback). */
export function registerScripts(redis: Redis): void {
  if (registered.has(redis)) return;
  for (const def of Object.values(scripts) as ScriptDef[])
    redis.defineCommand(def.command, { lua: def.lua });
  // The enqueue batcher gathers its own calls. ioredis auto-pipelining on top of it would hold a
  // call back until every reply of the previous pipeline is in, so Redis could never run one call
  // while Node prepares the next. A new array: ioredis shares its default one between clients.
  redis.options.autoPipeliningIgnoredCommands = [
    ...(redis.options.autoPipeliningIgnoredCommands ?? []),
    scripts.enqueue.command,
    // The check keeps several compare calls in flight so Redis always has the next one queued;
    // held back behind a pipeline's replies, Redis would idle while Node reads them.
    scripts.compareOldToNew.command,
    scripts.compareNewToOld.command,
    // On a Cluster client an auto-pipeline that mixes slots of one node is refused ("All keys in
    // the pipeline should belong to the same slots allocation group"): the cluster enqueue's
    // steps go out on their own.
    ...(Object.values(scripts) as ScriptDef[])
      .map((def) => def.command)
      .filter((command) => command.startsWith('qs_cluster_')),
  ];
  registered.add(redis);
}

/** Orders named keys as the script's header declares them. */
export function orderKeys<K extends string>(
  def: ScriptDef<K, string>,
  named: Record<K, string>,
): string[] {
  return def.keys.map((k) => named[k]);
}

/** Orders one batch item's named keys as the script's header declares them. */
export function orderItemKeys<P extends string>(
  def: ScriptDef<string, P>,
  named: Record<P, string>,
): string[] {
  return def.perItemKeys.map((k) => named[k]);
}

type ScriptCall = (
  numKeys: number,
  keyList: string[],
  argv: Array<string | number>,
) => Promise<unknown>;

/** Calls a registered command; ioredis flattens the two arrays once, so no spread copies here. */
function callRegistered(
  redis: Redis,
  command: string,
  keyList: string[],
  argv: Array<string | number>,
): Promise<unknown> {
  const call = (redis as unknown as Record<string, ScriptCall>)[command];
  if (!call) throw new Error(`script ${command} is not registered on this client`);
  return call.call(redis, keyList.length, keyList, argv);
}

/** Calls a registered script. */
export function runScript(
  redis: Redis,
  def: ScriptDef,
  keyList: string[],
  argv: Array<string | number>,
): Promise<unknown> {
  return callRegistered(redis, def.command, keyList, argv);
}

/**
 * Calls a registered script through ioredis's Buffer variant: bulk replies arrive as bytes, for a
 * script that returns job data a producer may have written in bytes that are not UTF-8.
 */
export function runScriptBuffer(
  redis: Redis,
  def: ScriptDef,
  keyList: string[],
  argv: Array<string | number>,
): Promise<unknown> {
  return callRegistered(redis, `${def.command}Buffer`, keyList, argv);
}
