import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { rawRequest, type RawReply, type RawRequest } from '../helpers/raw-http';
import { tmpdir, userInfo } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import {
  INVOKE_CHANNEL,
  OPERATOR_HEADER,
  TOKEN_HEADER,
  type InvokeResponse,
} from '../../shared/contract';
import { createHostSession, type HostSession } from '../../electron/adapters/host-session';
import { serve, type WebHost } from '../../electron/server/serve';
import { allKeys } from '../helpers/redis-snapshot';
import { sampleJob, useRedis } from '../helpers/core';
import { fakeEvent, fakeMainProcess } from './ipc-fakes';

const env = useRedis();
let rendererDir: string;
let host: WebHost;
let token: string;
const log: string[] = [];
const closers: Array<() => Promise<void>> = [];

beforeAll(() => {
  rendererDir = mkdtempSync(join(tmpdir(), 'queuescope-doors-'));
  mkdirSync(join(rendererDir, 'assets'));
  writeFileSync(join(rendererDir, 'index.html'), '<!doctype html><title>Queuescope</title>');
});
afterAll(() => rmSync(rendererDir, { recursive: true, force: true }));
afterEach(async () => {
  while (closers.length) await closers.pop()!();
  log.length = 0;
});

async function start(actor = 'alice') {
  host = await serve({
    core: env.core(),
    readOnly: false,
    rendererDir,
    actor,
    indexer: false,
    log: (line) => log.push(line),
  });
  closers.push(() => host.close());
  token = new URL(host.url).searchParams.get('token')!;
}

const send = (path: string, options?: RawRequest): Promise<RawReply> =>
  rawRequest(host.port, path, options);

const api = (op: string, body: unknown, headers: Record<string, string> = {}) =>
  send(`/api/${op}`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', [TOKEN_HEADER]: token, ...headers },
    body: JSON.stringify(body),
  });

async function auditStream() {
  const entries = await env.redis.xrevrange('ai:qs:audit', '+', '-');
  return entries.map(([, flat]) => {
    const f: Record<string, string> = {};
    for (let i = 0; i < flat.length; i += 2) f[flat[i]!] = flat[i + 1]!;
    return f;
  });
}

function ipcDoor(actor: string) {
  const session: HostSession = createHostSession({
    core: env.core(),
    label: 'doors',
    actor,
    indexer: false,
  });
  closers.push(() => session.close());
  const { ipcMain } = fakeMainProcess(session);
  return async (op: string, input: unknown, event = fakeEvent()) =>
    (await ipcMain.invoke(event, INVOKE_CHANNEL, { op, input })) as InvokeResponse;
}

describe('the audit records the operator, decided by the door (docs/doors.md "The audit\'s actor")', () => {
  it('web host: the browser-declared name beside the host OS user, never the actor_id sent', async () => {
    await start('alice');
    const set = await api(
      'setFlag',
      { value: 'on', actor_id: 'ops-kim' },
      { [OPERATOR_HEADER]: encodeURIComponent('José Ramírez') },
    );
    expect(set.status).toBe(200);
    const enqueued = await api('enqueue', sampleJob({ job_id: 'j-1', actor_id: 'user-1' }), {
      [OPERATOR_HEADER]: 'dana',
    });
    expect(enqueued.status).toBe(200);
    await api('setFlag', { value: 'off', actor_id: 'ops-kim' });
    const [undeclared, enqueue, flag] = await auditStream();
    expect(flag).toMatchObject({ actor: 'José Ramírez', host_user: 'alice', operation: 'setFlag' });
    expect(enqueue).toMatchObject({ actor: 'dana', host_user: 'alice', operation: 'enqueue' });
    expect(undeclared).toMatchObject({ actor: 'undeclared', host_user: 'alice' });
    expect(JSON.stringify(await auditStream())).not.toContain('ops-kim');
    // The job's own actor_id is data and stays as sent.
    expect(await env.redis.hget('ai:jobs:j-1', 'actor_id')).toBe('user-1');
    const read = await api('audit', { limit: 5 });
    expect(JSON.parse(read.body).data[2]).toMatchObject({
      actor: 'José Ramírez',
      host_user: 'alice',
    });
  });

  it('web host: a declared name with control characters or bad encoding is refused, nothing written', async () => {
    await start();
    for (const name of ['a%0Ab', 'a%1B[2Jb', '%E0%A4%A', 'x'.repeat(300), '%E2%80%AEevil']) {
      const reply = await api(
        'setFlag',
        { value: 'on', actor_id: 'x' },
        { [OPERATOR_HEADER]: name },
      );
      expect(reply.status, name).toBe(400);
      expect(JSON.parse(reply.body)).toMatchObject({
        error: { code: 'VALIDATION', details: { field: OPERATOR_HEADER } },
      });
    }
    // Nothing of the queue, and no audit entry (the host's own metric sampling may run meanwhile).
    const keys = await allKeys(env.redis);
    expect(keys.filter((k) => !k.startsWith('ai:qs:') || k === 'ai:qs:audit')).toEqual([]);
    expect(await env.redis.get('ai:flags:new_schema')).toBeNull();
  });

  it('desktop IPC: the OS user (or QUEUESCOPE_OPERATOR) the app was given, not the actor_id sent', async () => {
    const door = ipcDoor(userInfo().username);
    expect(await door('setFlag', { value: 'on', actor_id: 'ops-kim' })).toMatchObject({ ok: true });
    expect(await door('enqueue', sampleJob({ job_id: 'j-2', actor_id: 'user-9' }))).toMatchObject({
      ok: true,
    });
    const [enqueue, flag] = await auditStream();
    expect(flag).toMatchObject({ actor: userInfo().username, operation: 'setFlag' });
    expect(enqueue).toMatchObject({ actor: userInfo().username, operation: 'enqueue' });
    expect(flag).not.toHaveProperty('host_user');
  });
});

describe('the doors\' own error codes (docs/doors.md "Errors")', () => {
  it('UNAUTHORIZED 401 for no or a wrong token, FORBIDDEN 403 for a foreign Origin or Host', async () => {
    await start();
    const noToken = await send('/api/getFlag', { method: 'POST' });
    expect(noToken.status).toBe(401);
    expect(JSON.parse(noToken.body)).toMatchObject({ ok: false, error: { code: 'UNAUTHORIZED' } });
    const origin = await api('getFlag', {}, { origin: 'http://evil.example' });
    expect(origin.status).toBe(403);
    expect(JSON.parse(origin.body)).toMatchObject({ ok: false, error: { code: 'FORBIDDEN' } });
    const hostName = await api('getFlag', {}, { host: `evil.example:${host.port}` });
    expect(JSON.parse(hostName.body)).toMatchObject({ ok: false, error: { code: 'FORBIDDEN' } });
  });

  it('UNAUTHORIZED for an IPC message from a frame that is not the console', async () => {
    const door = ipcDoor('me');
    const reply = await door('getFlag', {}, fakeEvent({ url: 'https://evil.example/' }));
    expect(reply).toMatchObject({ ok: false, error: { code: 'UNAUTHORIZED' } });
  });

  it('an unknown operation gets the same answer over IPC and HTTP: VALIDATION naming the known ones', async () => {
    await start();
    const viaHttp = await api('flushall', {});
    expect(viaHttp.status).toBe(400);
    const viaIpc = await ipcDoor('me')('flushall', {});
    expect(JSON.parse(viaHttp.body)).toEqual(viaIpc);
    expect(viaIpc).toMatchObject({
      ok: false,
      error: { code: 'VALIDATION', details: { field: 'op' } },
    });
    expect(viaIpc.ok ? '' : viaIpc.error.message).toContain('Known operations: enqueue,');
    for (const name of ['__proto__', 'constructor', 'toString', 'a%20b', 'a'.repeat(500)]) {
      const reply = await send(`/api/${name}`, {
        method: 'POST',
        headers: { [TOKEN_HEADER]: token },
      });
      expect(reply.status, name).toBe(400);
    }
  });
});

describe('hostile input at the web host (docs/doors.md "Hostile input")', () => {
  it('never logs the token, however it is encoded', async () => {
    await start();
    const encoded = [...token].map((c) => `%${c.charCodeAt(0).toString(16)}`).join('');
    await send(`/?%74oken=${token}`, { headers: { host: 'evil.example' } });
    await send(`/?%54%4F%4B%45%4E=${encoded}`, { headers: { host: 'evil.example' } });
    await send(`/?x=${encoded}&token`, { headers: { host: 'evil.example' } });
    await send(`/${token.toUpperCase()}?a=%0d%0aforged`, { headers: { host: 'evil.example' } });
    expect(log.length).toBe(4);
    const all = log.join('\n');
    expect(all.toLowerCase()).not.toContain(token.slice(8, 40));
    expect(all).not.toContain(encoded.slice(0, 30));
    expect(all).toContain('\\x0d\\x0aforged');
    expect(all.split('\n')).toHaveLength(4);
  });

  it('builds Set-Cookie only from the validated token: a ; or CRLF in the query never reaches it', async () => {
    await start();
    const good = await send(`/?token=${token}`);
    expect(good.headers['set-cookie']).toEqual([
      `queuescope_token_${host.port}=${token}; Path=/; HttpOnly; SameSite=Strict`,
    ]);
    const cookie = `queuescope_token_${host.port}=${token}`;
    for (const query of [
      'token=x;%20Domain=evil.example',
      'token=x%0d%0aSet-Cookie:%20a=b',
      `token=${token};Max-Age=9`,
    ]) {
      const reply = await send(`/?${query}`, { headers: { cookie } });
      expect(reply.status, query).toBe(200);
      expect(reply.headers['set-cookie'], query).toBeUndefined();
    }
  });

  it.each(['1.5', '-1e20', '-Infinity', '-5', 'abc', '', ' 1', '1e3', '0x10', '9999999999999999'])(
    'listJobs refuses the cursor %j with VALIDATION, never a 500 or another page',
    async (cursor) => {
      await start();
      await api('enqueue', sampleJob({ job_id: 'only' }));
      const reply = await api('listJobs', { workspace_id: 'ws-1', cursor });
      expect(reply.status).toBe(400);
      expect(JSON.parse(reply.body)).toMatchObject({
        ok: false,
        error: { code: 'VALIDATION', details: { field: 'cursor' } },
      });
    },
  );

  it('listJobs still pages with the cursors it hands out, and past the end is an empty page', async () => {
    await start();
    for (const id of ['a', 'b', 'c']) await api('enqueue', sampleJob({ job_id: id }));
    const first = JSON.parse((await api('listJobs', { workspace_id: 'ws-1', limit: 2 })).body);
    expect(first.data.next_cursor).toBe('2');
    const rest = JSON.parse((await api('listJobs', { workspace_id: 'ws-1', cursor: '2' })).body);
    expect(rest.data.rows.map((r: { job_id: string }) => r.job_id)).toEqual(['a']);
    const past = JSON.parse((await api('listJobs', { workspace_id: 'ws-1', cursor: '50' })).body);
    expect(past.data).toMatchObject({ rows: [], next_cursor: null });
  });
});
