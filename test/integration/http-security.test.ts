import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { rawRequest, type RawReply, type RawRequest } from '../helpers/raw-http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { serve, type WebHost } from '../../electron/server/serve';
import { allKeys } from '../helpers/redis-snapshot';
import { sampleJob, useRedis } from '../helpers/core';

const env = useRedis();
let rendererDir: string;
let host: WebHost;
let token: string;
const log: string[] = [];

beforeAll(() => {
  rendererDir = mkdtempSync(join(tmpdir(), 'queuescope-renderer-'));
  mkdirSync(join(rendererDir, 'assets'));
  writeFileSync(join(rendererDir, 'index.html'), '<!doctype html><title>Queuescope</title>');
  writeFileSync(join(rendererDir, 'assets', 'app.js'), 'console.log(1)');
});
afterAll(() => rmSync(rendererDir, { recursive: true, force: true }));

async function start(options: { readOnly?: boolean; bodyLimitBytes?: number } = {}) {
  host = await serve({
    core: env.core({ readOnly: options.readOnly ?? false }),
    readOnly: options.readOnly ?? false,
    rendererDir,
    log: (line) => log.push(line),
    // "Writes nothing" is about the refused requests; the host's own queue depth samples
    // (docs/connection.md) are tested in host-health.test.ts.
    depthSampler: false,
    ...(options.bodyLimitBytes ? { bodyLimitBytes: options.bodyLimitBytes } : {}),
  });
  token = new URL(host.url).searchParams.get('token')!;
}
afterEach(async () => {
  await host?.close();
  log.length = 0;
});

const send = (path: string, options?: RawRequest): Promise<RawReply> =>
  rawRequest(host.port, path, options);

const api = (op: string, body: unknown, headers: Record<string, string> = {}) =>
  send(`/api/${op}`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', 'x-queuescope-token': token, ...headers },
    body: JSON.stringify(body),
  });

describe('web host', () => {
  it('listens on 127.0.0.1 only and prints the token in its URL', async () => {
    await start();
    expect(host.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/\?token=[0-9a-f]{48}$/);
    const second = await serve({ core: env.core(), readOnly: false, rendererDir });
    expect(new URL(second.url).searchParams.get('token')).not.toBe(token);
    await second.close();
  });

  it('answers 401 without the token or with a wrong one, for the page and the API', async () => {
    await start();
    expect((await send('/')).status).toBe(401);
    expect((await send('/?token=nope')).status).toBe(401);
    expect((await send('/assets/app.js')).status).toBe(401);
    expect((await api('getFlag', {}, { 'x-queuescope-token': 'x'.repeat(48) })).status).toBe(401);
    expect((await send('/api/events')).status).toBe(401);
    const withToken = await send(`/?token=${token}`);
    expect(withToken.status).toBe(200);
    expect(withToken.body).toContain('Queuescope');
  });

  it('answers 403 to a foreign Origin, and writes nothing', async () => {
    await start();
    for (const origin of ['http://evil.example', 'null', `http://127.0.0.1:${host.port + 1}`]) {
      const reply = await api('enqueue', sampleJob(), { origin });
      expect(reply.status, origin).toBe(403);
    }
    expect(await allKeys(env.redis)).toEqual([]);
    expect((await api('getFlag', {}, { origin: `http://127.0.0.1:${host.port}` })).status).toBe(
      200,
    );
  });

  it('answers 403 to a Host that is not a loopback name (DNS rebinding)', async () => {
    await start();
    for (const name of [
      `evil.example:${host.port}`,
      `127.0.0.1.nip.io:${host.port}`,
      '127.0.0.1',
    ]) {
      const reply = await send(`/?token=${token}`, { headers: { host: name } });
      expect(reply.status, name).toBe(403);
    }
    expect((await api('getFlag', {}, { host: `localhost:${host.port}` })).status).toBe(200);
  });

  it('answers 413 to a body over the limit, and writes nothing', async () => {
    await start({ bodyLimitBytes: 64 * 1024 });
    const big = sampleJob({ params: { blob: 'x'.repeat(70 * 1024) } });
    expect((await api('enqueue', big)).status).toBe(413);
    expect(await allKeys(env.redis)).toEqual([]);
    expect((await api('enqueue', sampleJob())).status).toBe(200);
  });

  it('maps contract errors to their HTTP status and the one error shape', async () => {
    await start({ readOnly: true });
    const invalid = await api('enqueue', sampleJob({ workspace_id: 'a b' }));
    expect(invalid.status).toBe(400);
    expect(JSON.parse(invalid.body)).toMatchObject({ ok: false, error: { code: 'VALIDATION' } });
    const readOnly = await api('setFlag', { value: 'on', actor_id: 'ops' });
    expect(readOnly.status).toBe(403);
    expect(JSON.parse(readOnly.body)).toMatchObject({ ok: false, error: { code: 'READ_ONLY' } });
    // An unknown operation gets the answer IPC gives it (docs/doors.md "Errors").
    const unknown = await api('noSuchOperation', {});
    expect(unknown.status).toBe(400);
    expect(JSON.parse(unknown.body)).toMatchObject({ ok: false, error: { code: 'VALIDATION' } });
    expect((await send('/api/getFlag', { headers: { 'x-queuescope-token': token } })).status).toBe(
      405,
    );
    const notJson = await send('/api/getFlag', {
      method: 'POST',
      headers: { 'x-queuescope-token': token },
      body: '{',
    });
    expect(notJson.status).toBe(400);
  });

  it('sends a CSP and no-referrer on every response, and never serves files outside the build', async () => {
    await start();
    const page = await send(`/?token=${token}`);
    expect(page.headers['content-security-policy']).toMatch(/script-src 'self'/);
    expect(page.headers['content-security-policy']).not.toMatch(/unsafe-eval/);
    expect(page.headers['referrer-policy']).toBe('no-referrer');
    expect((await send('/')).headers['content-security-policy']).toBeDefined();
    const escape = await send(`/..%2f..%2f..%2fetc%2fpasswd.txt?token=${token}`);
    expect(escape.body).not.toContain('root:');
  });

  it('never logs the token, however often it is sent', async () => {
    await start();
    await send(`/?token=${token}`, { headers: { host: 'evil.example' } });
    await send(`/api/getFlag?token=${token}`, { method: 'POST', headers: { origin: 'http://x' } });
    await send(`/?token=${token}x`);
    expect(log.length).toBeGreaterThanOrEqual(3);
    expect(log.join('\n')).not.toContain(token);
  });

  it('keeps the token cookie for page assets but never accepts it on the API', async () => {
    await start();
    const page = await send(`/?token=${token}`);
    const cookie = String(page.headers['set-cookie']).split(';')[0]!;
    expect(cookie).toContain(token);
    expect(String(page.headers['set-cookie'])).toMatch(/HttpOnly; SameSite=Strict/);
    expect((await send('/assets/app.js', { headers: { cookie } })).status).toBe(200);
    const api = await send('/api/getFlag', { method: 'POST', headers: { cookie } });
    expect(api.status).toBe(401);
  });
});
