import { execFile, spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';
import {
  DIVERGENCE_CATEGORIES,
  type DivergenceReport,
  type FlagValue,
  type Job,
} from '../../shared/contract';
import type { QueueCore } from '../../electron/core/core';
import { keys } from '../../electron/core/keys';
import { dualWriteOnSettled, sampleJob, useRedis } from '../helpers/core';

/**
 * The platform's Python SimpleQueue (test/fixtures/python/simple_queue.py) as another producer on
 * the same Redis: it writes its jobs its own way (Python JSON, microsecond timestamps, no index
 * entries, nothing atomic) and Queuescope reads, lists, checks, repairs and retries them, while
 * Python reads Queuescope's writes back. See the README's "Divergence check, repair and backfill".
 */
const PYTHON = '/usr/bin/python3';
const DRIVER = fileURLToPath(new URL('../fixtures/python/driver.py', import.meta.url));
const probe = spawnSync(PYTHON, ['-c', 'import redis'], { encoding: 'utf8' });
const why = (probe.error?.message ?? probe.stderr ?? '').trim().split('\n').pop();
const missing =
  probe.status === 0
    ? null
    : `${PYTHON} cannot import redis-py (${why}); install it with \`apt-get install -y python3-redis\``;
if (missing) console.warn(`python-producer.test.ts is skipped: ${missing}`);

const run = promisify(execFile);
const ZERO = Object.fromEntries(DIVERGENCE_CATEGORIES.map((c) => [c, 0]));

interface PyOutcome {
  returned?: unknown;
  error?: { type: string; message: string };
  dual_write_attempts?: Record<string, number>;
  old?: Record<string, string>;
  new?: Record<string, string>;
}
type PyJob = Record<string, unknown>;

/** A job as Python's get_job returns it: every field a string but params/result, decoded. */
function asPythonSees(job: Job): PyJob {
  const { extra, invalid_json: _raw, attempts, result, ...fields } = job;
  return {
    ...fields,
    ...extra,
    ...(result === undefined ? {} : { result: result ?? '' }),
    ...(attempts === undefined ? {} : { attempts: String(attempts) }),
  };
}

/** The report's divergent jobs (awaiting backfill is not a divergence), sorted by id. */
function divergent(report: DivergenceReport) {
  return report.items
    .filter((item) => item.category !== 'awaiting_backfill')
    .map(({ job_id, category, workspace_id, fields }) => ({
      job_id,
      category,
      workspace_id,
      ...(fields ? { fields } : {}),
    }))
    .sort((a, b) => a.job_id.localeCompare(b.job_id));
}

describe.skipIf(missing !== null)(
  `a Python SimpleQueue producer beside Queuescope${missing ? ` (skipped: ${missing})` : ''}`,
  () => {
    const env = useRedis();

    /** Runs one SimpleQueue call in a Python process; `args` as JSON text keeps exact numbers. */
    async function py(command: string, args: object | string, envFlag: FlagValue = 'off') {
      const json = typeof args === 'string' ? args : JSON.stringify(args);
      const argv = ['-B', DRIVER, '--port', String(env.server.port), command, json];
      const options = { env: { ...process.env, AI_JOBS_NEW_SCHEMA: envFlag } };
      try {
        return JSON.parse((await run(PYTHON, argv, options)).stdout) as PyOutcome;
      } catch (error) {
        const failed = error as { code?: number; stdout?: string; stderr?: string };
        // Exit 1: the SimpleQueue call raised, and the driver printed what.
        if (failed.code === 1 && failed.stdout) return JSON.parse(failed.stdout) as PyOutcome;
        throw new Error(`driver.py ${command} exited ${failed.code}: ${failed.stderr}`, {
          cause: error,
        });
      }
    }

    const pyJob = (jobId: string, overrides: Record<string, unknown> = {}) => ({
      job_id: jobId,
      action_provider: 'google',
      action_name: 'gmail.send',
      params: { to: 'a@example.com', cc: ['b@example.com'] },
      workspace_id: 'ws-py',
      actor_id: 'user-py',
      ...overrides,
    });

    async function enqueuePy(jobId: string, overrides: Record<string, unknown> = {}) {
      const outcome = await py('enqueue', pyJob(jobId, overrides));
      expect(outcome.returned, JSON.stringify(outcome)).toBe(true);
      return outcome;
    }

    const pyGet = async (jobId: string, ws = 'ws-py') =>
      (await py('get_job', { job_id: jobId, workspace_id: ws })).returned as PyJob | null;

    /** One whole indexing pass: how jobs other producers wrote reach the workspace indexes. */
    async function indexPass(core: QueueCore) {
      while (!(await core.invoke('indexStep', { steps: 100 })).pass_complete);
    }

    it('enqueues with dual-write off and on; Queuescope reads, inspects and lists the jobs, and honours their request ids', async () => {
      const core = env.core();
      // The flag key absent: AI_JOBS_NEW_SCHEMA decides, for Python as for Queuescope.
      const envOn = await py('enqueue', pyJob('py-env'), 'on');
      expect(envOn).toMatchObject({
        returned: true,
        dual_write_attempts: { 'ws-py|succeeded': 1 },
      });
      expect(await env.redis.exists(keys.newJob('ws-py', 'py-env'))).toBe(1);

      await core.invoke('setFlag', { value: 'off', actor_id: 'ops' });
      // The key wins over the environment.
      const off = await py('enqueue', pyJob('py-off', { client_request_id: 'req-off' }), 'on');
      expect(off).toEqual({ returned: true, dual_write_attempts: {} });
      await dualWriteOnSettled(core);
      const params = { to: 'a@example.com', name: 'Müller' };
      await enqueuePy('py-on', { client_request_id: 'req-on', params });

      expect(await env.redis.exists(keys.newJob('ws-py', 'py-off'))).toBe(0);
      expect(await env.redis.hget(keys.newJob('ws-py', 'py-on'), 'params')).toBe(
        '{"to": "a@example.com", "name": "M\\u00fcller"}',
      );
      expect(await env.redis.lrange(keys.queue, 0, -1)).toEqual(['py-env', 'py-off', 'py-on']);
      expect(await env.redis.get(keys.idempotency('ws-py', 'req-on'))).toBe('py-on');

      const onJob = await core.invoke('getJob', { job_id: 'py-on', workspace_id: 'ws-py' });
      expect(onJob).toMatchObject({ source: 'new', job: { status: 'pending', params, extra: {} } });
      expect(asPythonSees(onJob!.job)).toEqual(await pyGet('py-on'));
      const offJob = await core.invoke('getJob', { job_id: 'py-off', workspace_id: 'ws-py' });
      expect(offJob?.source).toBe('old');
      expect(asPythonSees(offJob!.job)).toEqual(await pyGet('py-off'));

      const inspected = await core.invoke('inspectJob', { job_id: 'py-on', workspace_id: 'ws-py' });
      expect(inspected.differences).toEqual([]);
      expect(inspected.new).toEqual(inspected.old);
      const oldOnly = await core.invoke('inspectJob', { job_id: 'py-off', workspace_id: 'ws-py' });
      expect(oldOnly).toMatchObject({ old: { status: 'pending' }, new: null, differences: [] });

      // Python set the request's key after its writes; Queuescope's enqueue reads it as a duplicate.
      const again = sampleJob({ workspace_id: 'ws-py', client_request_id: 'req-on' });
      expect(await core.invoke('enqueue', again)).toEqual({
        outcome: 'duplicate',
        job_id: 'py-on',
      });

      await indexPass(core);
      const page = await core.invoke('listJobs', { workspace_id: 'ws-py' });
      expect(page.rows.map((r) => [r.job_id, r.old_status, r.new_status, r.sync.state])).toEqual([
        ['py-on', 'pending', 'pending', 'in_sync'],
        // Enqueued while the flag was off: the list uses the check's word for it.
        ['py-off', 'pending', null, 'awaiting_backfill'],
        ['py-env', 'pending', 'pending', 'in_sync'],
      ]);
      expect(page.rows[0]).toMatchObject({ action: 'google.gmail.send', actor: 'user-py' });
      expect(page.rows[0]!.enqueued_at).toBe((await pyGet('py-on'))!.enqueued_at);
      const workspaces = await core.invoke('listWorkspaces', {});
      expect(workspaces.find((w) => w.workspace_id === 'ws-py')).toMatchObject({
        old: { pending: 3, running: 0 },
        new: { pending: 2, running: 0 },
      });
    });

    /**
     * Five Python jobs with dual-write on, moved on by Python's update_status, and two real
     * divergences planted the Python way: a worker naming the wrong workspace (update_status only
     * checks that the named new key exists, so only the old copy moves), and a new copy edited by
     * a raw HSET. A third edit rewrites a copy's params in JavaScript's JSON: not a divergence.
     */
    async function plantPythonSplits(core: QueueCore) {
      await dualWriteOnSettled(core);
      for (const id of ['py-1', 'py-2', 'py-3', 'py-4']) await enqueuePy(id);
      await enqueuePy('py-5', { workspace_id: 'ws-other' });
      await py('update_status', { job_id: 'py-1', status: 'running', workspace_id: 'ws-py' });
      const result = { sent: true, ids: [1, 2] };
      await py('update_status', {
        job_id: 'py-1',
        status: 'completed',
        result,
        workspace_id: 'ws-py',
      });
      const split = { job_id: 'py-2', status: 'running', workspace_id: 'ws-wrong' };
      expect(await py('update_status', split)).toEqual({ returned: null });
      await env.redis.hset(keys.newJob('ws-other', 'py-5'), 'params', '{"to": "z@example.com"}');
      const jsStyle = '{"cc":["b@example.com"],"to":"a@example.com"}';
      await env.redis.hset(keys.newJob('ws-py', 'py-4'), 'params', jsStyle);
      return { result };
    }

    const PLANTED = [
      {
        job_id: 'py-2',
        category: 'mismatch',
        workspace_id: 'ws-py',
        fields: ['started_at', 'status'],
      },
      { job_id: 'py-5', category: 'mismatch', workspace_id: 'ws-other', fields: ['params'] },
    ];

    it("reads Python's status updates, and the whole check finds exactly the copies Python split", async () => {
      const core = env.core();
      const { result } = await plantPythonSplits(core);
      const done = await core.invoke('getJob', { job_id: 'py-1', workspace_id: 'ws-py' });
      expect(done).toMatchObject({ source: 'new', job: { status: 'completed', result } });
      expect(asPythonSees(done!.job)).toEqual(await pyGet('py-1'));
      expect(done!.job.started_at! < done!.job.finished_at!).toBe(true);

      // With dual-write on, Python refuses an update without a workspace and writes nothing.
      const refused = await py('update_status', { job_id: 'py-3', status: 'running' });
      expect(refused.error).toMatchObject({ type: 'ValueError' });
      expect(await env.redis.hget(keys.oldJob('py-3'), 'status')).toBe('pending');
      // Queuescope refuses the wrong workspace that split py-2, before writing anything.
      await expect(
        core.invoke('updateStatus', {
          job_id: 'py-3',
          status: 'running',
          workspace_id: 'ws-wrong',
        }),
      ).rejects.toMatchObject({ code: 'VALIDATION' });
      expect(await env.redis.hget(keys.oldJob('py-3'), 'status')).toBe('pending');

      const py2 = await core.invoke('inspectJob', { job_id: 'py-2', workspace_id: 'ws-py' });
      expect(py2.differences).toEqual(['started_at', 'status']);
      expect(py2).toMatchObject({ old: { status: 'running' }, new: { status: 'pending' } });
      const py4 = await core.invoke('inspectJob', { job_id: 'py-4', workspace_id: 'ws-py' });
      expect(py4.differences).toEqual([]);

      const whole = await core.invoke('divergenceCheck', {});
      expect(whole.state).toBe('completed');
      expect(divergent(whole)).toEqual(PLANTED);
      expect(whole.counts).toEqual({ ...ZERO, mismatch: 2 });
      expect(whole.in_sync).toBe(3);
      expect(whole.by_workspace).toEqual({ 'ws-py': 1, 'ws-other': 1 });
    });

    it('a check scoped to one workspace finds the same Python-written divergences as the whole check', async () => {
      const core = env.core();
      await plantPythonSplits(core);
      const whole = await core.invoke('divergenceCheck', {});
      expect(divergent(whole)).toEqual(PLANTED);
      for (const [ws, inSync] of [
        ['ws-py', 3],
        ['ws-other', 0],
      ] as const) {
        const scoped = await core.invoke('divergenceCheck', { workspace_id: ws });
        expect(scoped.state).toBe('completed');
        expect(divergent(scoped), ws).toEqual(
          divergent(whole).filter((item) => item.workspace_id === ws),
        );
        expect(scoped.in_sync, ws).toBe(inSync);
      }
    });

    it("compares Python's JSON numbers exactly: 1.0 is 1, a big integer's last digit is a divergence", async () => {
      const core = env.core();
      await dualWriteOnSettled(core);
      // Python's json keeps both as written; JavaScript's JSON.parse could keep neither.
      const params = '{"order_id": 12345678901234567891, "amount": 1.0}';
      for (const id of ['num-1', 'num-2']) {
        const args = JSON.stringify(pyJob(id, { params: 'P' })).replace('"P"', params);
        expect(await py('enqueue', args)).toMatchObject({ returned: true });
      }
      expect(await env.redis.hget(keys.oldJob('num-1'), 'params')).toBe(params);
      const sameValue = '{"amount":1,"order_id":12345678901234567891}';
      await env.redis.hset(keys.newJob('ws-py', 'num-1'), 'params', sameValue);
      const lastDigit = '{"order_id": 12345678901234567890, "amount": 1.0}';
      await env.redis.hset(keys.newJob('ws-py', 'num-2'), 'params', lastDigit);

      const same = await core.invoke('inspectJob', { job_id: 'num-1', workspace_id: 'ws-py' });
      expect(same.differences).toEqual([]);
      const differ = await core.invoke('inspectJob', { job_id: 'num-2', workspace_id: 'ws-py' });
      expect(differ.differences).toEqual(['params']);
      const report = await core.invoke('divergenceCheck', {});
      expect(divergent(report)).toEqual([
        { job_id: 'num-2', category: 'mismatch', workspace_id: 'ws-py', fields: ['params'] },
      ]);
      expect(report.in_sync).toBe(1);
    });

    it('backfills the jobs Python enqueued while dual-write was off and mends a split from the old copy', async () => {
      const core = env.core();
      await core.invoke('setFlag', { value: 'off', actor_id: 'ops' });
      await enqueuePy('bf-1');
      await enqueuePy('bf-2', { params: { to: 'c@example.com', name: 'Müller' } });
      await dualWriteOnSettled(core);
      await enqueuePy('bf-3');
      await py('update_status', { job_id: 'bf-3', status: 'running', workspace_id: 'ws-wrong' });

      const report = await core.invoke('divergenceCheck', {});
      expect(report.counts).toEqual({ ...ZERO, awaiting_backfill: 2, mismatch: 1 });
      const awaiting = report.items.filter((i) => i.category === 'awaiting_backfill');
      expect(awaiting.map((i) => i.job_id).sort()).toEqual(['bf-1', 'bf-2']);
      const plan = await core.invoke('repair', {
        report_id: report.id,
        dry_run: true,
        actor_id: 'ops',
      });
      expect(plan.planned.map((p) => [p.job_id, p.action]).sort()).toEqual([
        ['bf-1', 'create the new copy in ws-py from the old'],
        ['bf-2', 'create the new copy in ws-py from the old'],
        ['bf-3', 'copy old -> new (started_at, status)'],
      ]);
      expect(await env.redis.exists(keys.newJob('ws-py', 'bf-1'))).toBe(0);

      const backfill = await core.invoke('repair', {
        report_id: report.id,
        backfill: true,
        dry_run: false,
        actor_id: 'ops',
      });
      expect(backfill).toMatchObject({ applied: 2, skipped: [] });
      for (const id of ['bf-1', 'bf-2']) {
        const seen = await py('read_back', { job_id: id, workspace_id: 'ws-py' });
        // The new copy is the old one byte for byte, Python's JSON included.
        expect(seen.new).toEqual(seen.old);
        expect(seen.returned).toMatchObject({ job_id: id, status: 'pending' });
      }
      // A Python worker now moves both copies: the new one exists.
      await py('update_status', { job_id: 'bf-1', status: 'running', workspace_id: 'ws-py' });
      const moved = await core.invoke('inspectJob', { job_id: 'bf-1', workspace_id: 'ws-py' });
      expect(moved).toMatchObject({ differences: [], new: { status: 'running' } });

      const mended = await core.invoke('repair', {
        report_id: report.id,
        categories: ['mismatch'],
        dry_run: false,
        actor_id: 'ops',
      });
      expect(mended).toMatchObject({ applied: 1, skipped: [] });
      expect(await pyGet('bf-3')).toMatchObject({ status: 'running' });
      const after = await core.invoke('divergenceCheck', {});
      expect(after.counts).toEqual(ZERO);
      expect(after.in_sync).toBe(3);
    });

    it("retries a failed Python job; Python reads the retried job and Queuescope's own job back with the same fields", async () => {
      const core = env.core();
      await dualWriteOnSettled(core);
      await enqueuePy('rt-1');
      await py('update_status', { job_id: 'rt-1', status: 'running', workspace_id: 'ws-py' });
      const failure = { error: 'smtp 550', retryable: true };
      const failed = { job_id: 'rt-1', status: 'failed', result: failure, workspace_id: 'ws-py' };
      await py('update_status', failed);
      expect(await pyGet('rt-1')).toMatchObject({ status: 'failed', result: failure });

      const retry = { job_id: 'rt-1', workspace_id: 'ws-py', actor_id: 'ops' };
      const retried = await core.invoke('retry', retry);
      expect(retried).toMatchObject({ status: 'pending', attempts: 1, retried_by: 'ops' });
      expect(retried.started_at).toBeUndefined();
      expect(retried.finished_at).toBeUndefined();
      await expect(core.invoke('retry', retry)).rejects.toMatchObject({ code: 'CONFLICT' });
      expect(await env.redis.lrange(keys.queue, 0, -1)).toEqual(['rt-1', 'rt-1']);
      const pyRetried = await py('read_back', { job_id: 'rt-1', workspace_id: 'ws-py' });
      expect(pyRetried.new).toEqual(pyRetried.old);
      expect(pyRetried.returned).toEqual(asPythonSees(retried));
      expect(pyRetried.returned).toMatchObject({ attempts: '1', result: '' });

      const params = { to: 'a@example.com', name: 'Müller', n: 1.5, tags: ['x'] };
      const own = sampleJob({ workspace_id: 'ws-py', job_id: 'qs-1', client_request_id: 'req-qs' });
      await core.invoke('enqueue', { ...own, params });
      const qsJob = await core.invoke('getJob', { job_id: 'qs-1', workspace_id: 'ws-py' });
      expect(await pyGet('qs-1')).toEqual(asPythonSees(qsJob!.job));
      expect(await pyGet('qs-1')).toMatchObject({ params, status: 'pending' });

      // A Python worker moves Queuescope's job on; Queuescope finishes it; both read the same.
      await py('update_status', { job_id: 'qs-1', status: 'running', workspace_id: 'ws-py' });
      const running = await core.invoke('inspectJob', { job_id: 'qs-1', workspace_id: 'ws-py' });
      expect(running).toMatchObject({ differences: [], new: { status: 'running' } });
      const completed = await core.invoke('updateStatus', {
        job_id: 'qs-1',
        status: 'completed',
        result: { ok: true },
        workspace_id: 'ws-py',
      });
      expect(await pyGet('qs-1')).toEqual(asPythonSees(completed));

      // Python's SET NX comes after its writes and its answer is ignored: Python enqueues a
      // request Queuescope already took, and the request's key still names Queuescope's job.
      await enqueuePy('py-dup', { client_request_id: 'req-qs' });
      expect(await env.redis.get(keys.idempotency('ws-py', 'req-qs'))).toBe('qs-1');

      const check = await core.invoke('divergenceCheck', {});
      expect(check.counts).toEqual(ZERO);
      expect(check.in_sync).toBe(3);
    });
  },
);
