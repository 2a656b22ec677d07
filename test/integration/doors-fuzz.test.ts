import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { rawRequest } from '../helpers/raw-http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  contract,
  ERROR_CODES,
  ERROR_SURFACES,
  INVOKE_CHANNEL,
  OPERATION_NAMES,
  OPERATOR_HEADER,
  TOKEN_HEADER,
  type InvokeResponse,
} from '../../shared/contract';
import { createHostSession, type HostSession } from '../../electron/adapters/host-session';
import { serve, type WebHost } from '../../electron/server/serve';
import { changedKeys, snapshot, type Snapshot } from '../helpers/redis-snapshot';
import { sampleJob, useRedis } from '../helpers/core';
import { fakeEvent, fakeMainProcess, type FakeIpcMain } from './ipc-fakes';

/**
 * docs/doors.md "Hostile input": generated requests across every operation of the contract, at
 * the web host over HTTP and at the desktop's IPC dispatcher. Every answer must be the contract's
 * error shape with one of its codes (never INTERNAL, never a 5xx), the host must keep answering,
 * and a refused write must leave the keyspace as it was.
 */
const HTTP_RUNS = Number(process.env.FUZZ_HTTP_RUNS ?? 2000);
const IPC_RUNS = Number(process.env.FUZZ_IPC_RUNS ?? 2000);
const SEED = process.env.FUZZ_SEED === undefined ? Date.now() : Number(process.env.FUZZ_SEED);

const env = useRedis();
let rendererDir: string;
let host: WebHost;
let token: string;
let session: HostSession;
let ipcMain: FakeIpcMain;
const hostLog: string[] = [];

const JOB_IDS = ['fz-1', 'fz-2', 'fz-3', 'fz-failed'];
const SLOW_OPERATIONS = OPERATION_NAMES.filter((op) => contract[op].longRunning === true);
const QUICK_OPERATIONS = OPERATION_NAMES.filter((op) => !SLOW_OPERATIONS.includes(op));
const UNKNOWN_OPS = [
  'flushall',
  '__proto__',
  'constructor',
  'toString',
  'hasOwnProperty',
  'cancel2',
];

/** A well-formed input per operation: the base the generator mutates, so deep paths are reached. */
function validInput(op: string, id: string): Record<string, unknown> {
  const job = { job_id: id, workspace_id: 'ws-1' };
  const samples: Record<string, Record<string, unknown>> = {
    enqueue: sampleJob({ job_id: id, client_request_id: `req-${id}` }),
    enqueueMany: { jobs: [sampleJob({ job_id: id }), sampleJob({ job_id: `${id}-b` })] },
    updateStatus: { ...job, status: 'running' },
    getJob: job,
    inspectJob: job,
    retry: { ...job, actor_id: 'ops' },
    listJobs: { workspace_id: 'ws-1', limit: 5, cursor: '0' },
    setFlag: { value: 'on', actor_id: 'ops' },
    indexStep: { steps: 1 },
    repair: { dry_run: true, actor_id: 'ops', workspace_id: 'ws-1' },
    divergenceReports: { limit: 3 },
    divergenceReport: { id: 'none' },
    metrics: { window: '15m' },
    audit: { limit: 5, contains: 'fz' },
    findJob: { query: id },
    queuePage: { offset: 0, limit: 5 },
    removeFromQueue: { job_id: id, reason: 'fuzz', actor_id: 'ops' },
    saveProfile: { name: 'p', url: 'redis://127.0.0.1:1' },
    connectProfile: { id: 'p1' },
    setWritesUnlocked: { id: 'p1', unlocked: true },
  };
  return { ...(samples[op] ?? {}) };
}

const hostileScalar = fc.oneof(
  {
    weight: 6,
    arbitrary: fc.constantFrom<unknown>(
      null,
      true,
      0,
      -1,
      1.5,
      -1e20,
      1e308,
      '',
      ' ',
      '*',
      'a:b',
      '?[',
      '../../etc/passwd',
      '\u0000',
      '\u001b]0;pwned\u0007',
      '\r\nSet-Cookie: a=b',
      '%74oken',
      '__proto__',
      '1.5',
      '-5',
      '-1e20',
      '-Infinity',
      'abc',
      'on',
      'pending',
      '=HYPERLINK("x")',
      'x'.repeat(5000),
    ),
  },
  fc.string({ maxLength: 40 }),
  fc.string({ unit: 'binary', maxLength: 40 }),
  fc.integer(),
  fc.double({ noNaN: true, noDefaultInfinity: true }),
);
const hostileValue = fc.oneof(
  { weight: 4, arbitrary: hostileScalar },
  { weight: 1, arbitrary: fc.jsonValue({ maxDepth: 3 }) },
  {
    weight: 1,
    arbitrary: fc.constantFrom<unknown>({}, [], [[]], JSON.parse('{"__proto__":{"x":1}}')),
  },
);

/** An operation name and an input: whole garbage, a valid input, or one with a field changed. */
const call = fc
  .record({
    op: fc.oneof(
      { weight: 48, arbitrary: fc.constantFrom(...QUICK_OPERATIONS) },
      // A check re-reads its suspects 200 ms apart: fewer of them keep the run under a minute.
      { weight: 1, arbitrary: fc.constantFrom(...SLOW_OPERATIONS) },
      { weight: 2, arbitrary: fc.constantFrom(...UNKNOWN_OPS) },
    ),
    id: fc.constantFrom(...JOB_IDS),
    shape: fc.constantFrom('valid', 'mutated', 'mutated', 'mutated', 'garbage'),
    // Mostly a field the operation has, so each field's checks are reached; sometimes another.
    pick: fc.nat(99),
    other: fc.oneof(
      fc.constantFrom('__proto__', 'extra', 'cursor', 'limit'),
      fc.string({ maxLength: 8 }),
    ),
    value: hostileValue,
    drop: fc.boolean(),
  })
  .map(({ op, id, shape, pick, other, value, drop }) => {
    if (shape === 'garbage') return { op, input: value };
    const input = validInput(op, id);
    const own = Object.keys(input);
    const key = own.length > 0 && pick < 80 ? own[pick % own.length]! : other;
    if (shape === 'mutated') {
      if (drop && key in input) delete input[key];
      else
        Object.defineProperty(input, key, {
          value,
          enumerable: true,
          writable: true,
          configurable: true,
        });
    }
    return { op, input };
  });

const tally = new Map<string, number>();
const count = (door: string, what: string) =>
  tally.set(`${door} ${what}`, (tally.get(`${door} ${what}`) ?? 0) + 1);

/** The refused-write check compares what requests write; the host's own background samples are not theirs. */
function requestVisible(snap: Snapshot): Snapshot {
  const out: Snapshot = new Map();
  for (const [key, value] of snap) {
    // The audit entry of a refused write and the failed-attempt counters are what a refusal may write;
    // counts and rollups are refreshed by reads in the background.
    if (/^ai:qs:(audit$|dw:|dwr:|depth|counts:)/.test(key)) continue;
    out.set(key, value);
  }
  return out;
}

async function seed() {
  const core = env.core();
  for (const id of ['fz-1', 'fz-failed']) await core.invoke('enqueue', sampleJob({ job_id: id }));
  await core.invoke('updateStatus', { job_id: 'fz-failed', status: 'running' });
  await core.invoke('updateStatus', { job_id: 'fz-failed', status: 'failed', result: { e: 1 } });
  await core.invoke('setFlag', { value: 'on', actor_id: 'seed' });
}

beforeAll(async () => {
  rendererDir = mkdtempSync(join(tmpdir(), 'queuescope-fuzz-'));
  writeFileSync(join(rendererDir, 'index.html'), '<!doctype html><title>Queuescope</title>');
  host = await serve({
    core: env.core(),
    readOnly: false,
    rendererDir,
    actor: 'fuzz-host',
    indexer: false,
    log: (line) => hostLog.push(line),
  });
  token = new URL(host.url).searchParams.get('token')!;
  session = createHostSession({
    core: env.core(),
    label: 'fuzz',
    actor: 'fuzz-ipc',
    indexer: false,
  });
  ipcMain = fakeMainProcess(session).ipcMain;
});
afterAll(async () => {
  await host?.close();
  await session?.close();
  rmSync(rendererDir, { recursive: true, force: true });
  const lines = [...tally].sort(([a], [b]) => a.localeCompare(b)).map(([k, n]) => `  ${k}: ${n}`);
  console.log(`doors fuzz (seed ${SEED}):\n${lines.join('\n')}`);
});

const post = (path: string, headers: Record<string, string>, body: string) =>
  rawRequest(host.port, path, { method: 'POST', headers, body });

/** The contract's answer shape: ok with data, or a typed error that is not INTERNAL. */
function expectTyped(response: unknown, context: string): InvokeResponse {
  expect(response, context).toBeTypeOf('object');
  const r = response as InvokeResponse;
  if (r.ok) return r;
  expect(ERROR_CODES, context).toContain(r.error.code);
  expect(r.error.message, context).toBeTypeOf('string');
  expect(r.error.code, `${context}: ${r.error.message}`).not.toBe('INTERNAL');
  return r;
}

const writes = (op: string) =>
  Object.prototype.hasOwnProperty.call(contract, op) &&
  contract[op as keyof typeof contract].writes;

/** Snapshots around writes only, and only when something may have changed since the last one. */
function keyspaceGuard(door: string) {
  let known: Snapshot | null = null;
  return {
    async before(op: string): Promise<Snapshot | null> {
      if (!writes(op)) return null;
      known ??= requestVisible(await snapshot(env.redis));
      return known;
    },
    async after(op: string, before: Snapshot | null, response: InvokeResponse, context: string) {
      if (response.ok || !before) {
        known = null;
        return;
      }
      if (response.error.details?.outcome === 'unknown') return void (known = null);
      const now = requestVisible(await snapshot(env.redis));
      expect(changedKeys(before, now), `${context}: ${response.error.message}`).toEqual([]);
      count(door, 'refused writes, keyspace compared and unchanged');
      known = now;
    },
  };
}

const headerVariant = fc.record({
  token: fc.oneof(
    { weight: 18, arbitrary: fc.constant('right') },
    { weight: 1, arbitrary: fc.constantFrom('wrong', 'none') },
  ),
  origin: fc.oneof(
    { weight: 18, arbitrary: fc.constant(undefined) },
    { weight: 1, arbitrary: fc.constantFrom('http://evil.example', 'null', 'http://127.0.0.1:1') },
  ),
  operator: fc.oneof(
    fc.constant(undefined),
    fc.string({ maxLength: 20 }).map(encodeURIComponent),
    fc.constantFrom('%E0%A4%A', 'a%0Ab', '%1B[2J', 'x'.repeat(300), '%E2%80%AE'),
  ),
  body: fc.constantFrom('json', 'json', 'json', 'json', 'json', 'empty', 'broken', 'deep'),
  operationId: fc.option(fc.constantFrom('op-1', 'bad id', 'x'.repeat(200)), { nil: undefined }),
});

function bodyOf(kind: string, input: unknown): string {
  if (kind === 'empty') return '';
  if (kind === 'broken') return '{"workspace_id": "ws-1",';
  if (kind === 'deep') return `${'['.repeat(5000)}${']'.repeat(5000)}`;
  return JSON.stringify(input) ?? 'null';
}

describe('hostile requests at every door (docs/doors.md "Hostile input")', () => {
  beforeAll(seed);

  it(`${HTTP_RUNS} generated HTTP requests to the web host: typed errors, no 5xx, keyspace kept on refusal`, async () => {
    const guard = keyspaceGuard('http');
    let sent = 0;
    await fc.assert(
      fc.asyncProperty(call, headerVariant, async ({ op, input }, h) => {
        const headers: Record<string, string> = { 'content-type': 'application/json' };
        if (h.token !== 'none')
          headers[TOKEN_HEADER] = h.token === 'right' ? token : 'f'.repeat(48);
        if (h.origin) headers.origin = h.origin;
        if (h.operator !== undefined) headers[OPERATOR_HEADER] = h.operator;
        if (h.operationId) headers['x-operation-id'] = h.operationId;
        const context = `POST /api/${op} ${JSON.stringify(h)} ${JSON.stringify(input)?.slice(0, 300)}`;
        const before = await guard.before(op);
        const reply = await post(`/api/${encodeURIComponent(op)}`, headers, bodyOf(h.body, input));
        sent++;
        expect(reply.status, context).toBeLessThan(500);
        const response = expectTyped(JSON.parse(reply.body), context);
        count('http', `${reply.status} ${response.ok ? 'ok' : response.error.code}`);
        if (!response.ok && reply.status !== 413 && reply.status !== 405) {
          expect(reply.status, context).toBe(ERROR_SURFACES[response.error.code].httpStatus);
        }
        await guard.after(op, before, response, context);
        if (sent % 250 === 0) {
          const alive = await post('/api/getFlag', { [TOKEN_HEADER]: token }, '{}');
          expect(alive.status, 'the host still answers').toBe(200);
        }
      }),
      { numRuns: HTTP_RUNS, seed: SEED, endOnFailure: true },
    );
    count('http', 'requests sent');
    tally.set('http requests sent', sent);
    expect(sent).toBe(HTTP_RUNS);
    expect(hostLog.filter((line) => line.includes(' failed: '))).toEqual([]);
    expect((await post('/api/getFlag', { [TOKEN_HEADER]: token }, '{}')).status).toBe(200);
  }, 120_000);

  const envelope = fc.oneof(
    { weight: 10, arbitrary: call.map(({ op, input }) => ({ op, input }) as unknown) },
    {
      weight: 1,
      arbitrary: call.map(({ op, input }) => ({ op, input, operation_id: 'bad id!' }) as unknown),
    },
    { weight: 1, arbitrary: hostileValue },
    {
      weight: 1,
      arbitrary: fc.constantFrom<unknown>(
        { op: 42, input: {} },
        { input: {} },
        { op: 'getJob', input: { job_id: Number.NaN } },
        { op: 'listJobs', input: { workspace_id: 'ws-1', limit: Infinity } },
        { op: 'enqueue', input: { ...sampleJob(), params: new Map([['a', 1]]) } },
        { op: 'enqueue', input: { ...sampleJob(), job_id: 10n } },
        { op: 'getFlag', input: new Date(0) },
      ),
    },
  );
  const sender = fc.oneof(
    { weight: 18, arbitrary: fc.constant('console') },
    { weight: 1, arbitrary: fc.constantFrom('web page', 'subframe', 'gone') },
  );

  it(`${IPC_RUNS} generated IPC messages to the desktop dispatcher: typed errors, keyspace kept on refusal`, async () => {
    const guard = keyspaceGuard('ipc');
    let sent = 0;
    await fc.assert(
      fc.asyncProperty(envelope, sender, async (message, from) => {
        const event = fakeEvent(
          from === 'web page'
            ? { url: 'https://evil.example/index.html' }
            : from === 'subframe'
              ? { subframe: true }
              : from === 'gone'
                ? { destroyedFrame: true }
                : {},
        );
        const op = String((message as { op?: unknown } | null)?.op ?? '');
        const context = `${from} ${String(JSON.stringify(message, (_k, v: unknown) => (typeof v === 'bigint' ? `${v}n` : v)))?.slice(0, 300)}`;
        const before = await guard.before(op);
        const response = expectTyped(await ipcMain.invoke(event, INVOKE_CHANNEL, message), context);
        sent++;
        count('ipc', response.ok ? 'ok' : response.error.code);
        if (from !== 'console')
          expect(response, context).toMatchObject({ ok: false, error: { code: 'UNAUTHORIZED' } });
        await guard.after(op, before, response, context);
      }),
      { numRuns: IPC_RUNS, seed: SEED + 1, endOnFailure: true },
    );
    tally.set('ipc requests sent', sent);
    expect(sent).toBe(IPC_RUNS);
  }, 120_000);
});
