import { afterEach, describe, expect, it } from 'vitest';
import {
  ERROR_SURFACES,
  INVOKE_CHANNEL,
  CORE_OPERATION_NAMES,
  PROFILE_OPERATION_NAMES,
  OPERATOR_HEADER,
  TOKEN_HEADER,
  type InvokeResponse,
  type OperationName,
} from '../../shared/contract';
import { createHostSession, type HostSession } from '../../electron/adapters/host-session';
import { serve, type WebHost } from '../../electron/server/serve';
import { snapshot } from '../helpers/redis-snapshot';
import { sampleJob, useRedis } from '../helpers/core';
import { fakeEvent, fakeMainProcess } from './ipc-fakes';

const env = useRedis();
const closers: Array<() => Promise<void> | void> = [];
afterEach(async () => {
  while (closers.length) await closers.pop()!();
});

type Door = (op: OperationName, input: unknown) => Promise<InvokeResponse>;

function ipcDoor(): Door {
  const session: HostSession = createHostSession({
    core: env.core(),
    label: 'parity',
    actor: 'parity-tester',
    // Its first sample races the run's FLUSHALL; the sampler has its own test (host-health).
    depthSampler: false,
  });
  closers.push(() => session.close());
  const { ipcMain } = fakeMainProcess(session);
  return async (op, input) =>
    (await ipcMain.invoke(fakeEvent(), INVOKE_CHANNEL, { op, input })) as InvokeResponse;
}

async function httpDoor(): Promise<Door> {
  const host: WebHost = await serve({
    core: env.core(),
    readOnly: false,
    actor: 'parity-tester',
    depthSampler: false,
  });
  closers.push(() => host.close());
  const token = new URL(host.url).searchParams.get('token')!;
  return async (op, input) => {
    const reply = await fetch(new URL(`/api/${op}`, host.url), {
      method: 'POST',
      // The browser declares its operator; the IPC door's is its OS user (docs/doors.md).
      headers: {
        'content-type': 'application/json',
        [TOKEN_HEADER]: token,
        [OPERATOR_HEADER]: 'parity-tester',
      },
      body: JSON.stringify(input),
    });
    const body = (await reply.json()) as InvokeResponse;
    // The HTTP status must agree with the error code, by the one mapping.
    expect(reply.status).toBe(body.ok ? 200 : ERROR_SURFACES[body.error.code].httpStatus);
    return body;
  };
}

/** One call per operation (and a few error paths), each input may use earlier results. */
type Step = [OperationName, (results: InvokeResponse[]) => unknown];
const SCRIPT: Step[] = [
  ['getFlag', () => ({})],
  ['enqueue', () => sampleJob({ job_id: 'job-a', client_request_id: 'req-1' })],
  ['enqueue', () => sampleJob({ job_id: 'job-b', client_request_id: 'req-1' })],
  ['enqueue', () => sampleJob({ job_id: 'job-a' })],
  ['setFlag', () => ({ value: 'on', actor_id: 'ops' })],
  [
    'enqueueMany',
    () => ({
      jobs: [
        sampleJob({ job_id: 'job-c' }),
        sampleJob({ job_id: 'bad id' }),
        sampleJob({ job_id: 'job-d', workspace_id: 'ws-2' }),
      ],
    }),
  ],
  ['updateStatus', () => ({ job_id: 'job-c', status: 'running', workspace_id: 'ws-1' })],
  [
    'updateStatus',
    () => ({ job_id: 'job-c', status: 'failed', workspace_id: 'ws-1', result: { error: 'boom' } }),
  ],
  ['updateStatus', () => ({ job_id: 'nope', status: 'running', workspace_id: 'ws-1' })],
  ['retry', () => ({ job_id: 'job-c', workspace_id: 'ws-1', actor_id: 'ops' })],
  ['getJob', () => ({ job_id: 'job-c', workspace_id: 'ws-1' })],
  ['getJob', () => ({ job_id: 'missing', workspace_id: 'ws-1' })],
  ['inspectJob', () => ({ job_id: 'job-a', workspace_id: 'ws-1' })],
  ['listWorkspaces', () => ({})],
  ['listJobs', () => ({ workspace_id: 'ws-1', limit: 10 })],
  ['divergenceCheck', () => ({})],
  ['divergenceReports', () => ({ limit: 5 })],
  ['divergenceReport', (r) => ({ id: (r[15] as { data: { id: string } }).data.id })],
  ['repair', () => ({ dry_run: true, actor_id: 'ops' })],
  ['indexStep', () => ({ steps: 2 })],
  ['metrics', () => ({ window: '1h' })],
  ['metricsPrometheus', () => ({})],
  ['audit', () => ({ limit: 50 })],
  ['overview', () => ({})],
  ['findJob', () => ({ query: 'job-c' })],
  ['queuePage', () => ({ offset: 0, limit: 10, job_id: 'job-c' })],
  ['removeFromQueue', () => ({ job_id: 'job-c', reason: 'poison', actor_id: 'ops' })],
  ['connectionInfo', () => ({})],
];

async function run(door: Door) {
  await env.redis.flushall();
  const results: InvokeResponse[] = [];
  for (const [op, input] of SCRIPT) results.push(await door(op, input(results)));
  // The queue's own keys; Queuescope's ai:qs:* keys hold run ids and timings by design.
  const queueKeys = [...(await snapshot(env.redis))].filter(([key]) => !key.startsWith('ai:qs:'));
  return { results: normalize(results), redis: normalize(Object.fromEntries(queueKeys)) };
}

const ISO_TIME = /\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d+)?Z/g;
const VOLATILE_KEY =
  /(^|_)(at|ms|s|id|ids|ts|time|started|finished|duration|elapsed|fingerprint|since)$|^(id|report_id|minute|bucket|t)$/;

type MetricPoint = { succeeded?: number; failed?: number };

function seriesTotals(points: MetricPoint[]) {
  const sum = (pick: (p: MetricPoint) => number | undefined) =>
    points.reduce((total, p) => total + (pick(p) ?? 0), 0);
  return { count: points.length, succeeded: sum((p) => p.succeeded), failed: sum((p) => p.failed) };
}

/** Times, generated ids and durations differ between two runs; everything else must not. */
function normalize(value: unknown): unknown {
  return JSON.parse(
    JSON.stringify(value, (key, v: unknown) => {
      // Only the web host records its OS user beside the declared operator.
      if (key === 'host_user') return undefined;
      // A metrics series is per minute: the two runs may fall either side of a minute's end, so
      // they must agree on its totals, not on which minute holds them.
      if (key === 'points' && Array.isArray(v)) return seriesTotals(v as MetricPoint[]);
      if (typeof v === 'string') {
        const text = v
          .replace(ISO_TIME, '<time>')
          // Report ids quoted in audit text (docs/repair.md "Audit").
          .replace(/\b[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}\b/g, '<uuid>')
          .replace(/\b1\d{12}\b/g, '<epoch-ms>')
          .replace(/\b1\d{9}\b/g, '<epoch-s>');
        return VOLATILE_KEY.test(key) && key !== 'job_id' && key !== 'workspace_id'
          ? '<volatile>'
          : text;
      }
      if (typeof v === 'number' && VOLATILE_KEY.test(key)) return '<volatile>';
      return v;
    }),
  );
}

describe('the contract through IPC and HTTP', () => {
  // The profile operations are the desktop app's alone (test/integration/ipc-profiles.test.ts).
  it('covers every operation of the core', () => {
    const covered = new Set(SCRIPT.map(([op]) => op));
    expect(CORE_OPERATION_NAMES.filter((op) => !covered.has(op))).toEqual([]);
  });

  it('gives the same results, and leaves the same Redis, through both doors', async () => {
    const viaIpc = await run(ipcDoor());
    const viaHttp = await run(await httpDoor());
    expect(viaHttp.results).toEqual(viaIpc.results);
    expect(viaHttp.redis).toEqual(viaIpc.redis);
    expect(Object.keys(viaIpc.redis as object)).toEqual(
      expect.arrayContaining(['ai:jobs:job-a', 'ai:job:ws-1:job-c', 'ai:queue:pending']),
    );
    expect((viaIpc.results as InvokeResponse[]).filter((r) => r.ok).length).toBeGreaterThan(15);
  });

  it.each(CORE_OPERATION_NAMES)(
    'refuses malformed input to %s the same way through both doors',
    async (op) => {
      const viaIpc = await ipcDoor()(op, 42);
      const viaHttp = await (await httpDoor())(op, 42);
      expect(viaIpc).toMatchObject({ ok: false, error: { code: 'VALIDATION' } });
      expect(viaHttp).toEqual(viaIpc);
    },
  );
  it.each(PROFILE_OPERATION_NAMES)(
    'answers %s over HTTP by saying profiles live in the desktop app (docs/desktop.md)',
    async (op) => {
      const response = await (await httpDoor())(op, { id: 'p-1', unlocked: true });
      expect(response).toMatchObject({
        ok: false,
        error: {
          code: 'VALIDATION',
          message: expect.stringContaining('desktop app'),
          details: { operation: op, door: 'desktop' },
        },
      });
    },
  );
});
