import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { useRedis } from '../helpers/core';
import { freePort } from '../helpers/redis-server';

const root = fileURLToPath(new URL('../..', import.meta.url));
const bin = fileURLToPath(new URL('../../bin/queuescope.mjs', import.meta.url));
const env = useRedis();

interface Child {
  exit: Promise<{ code: number | null; stdout: string; stderr: string }>;
  stdout(): string;
  kill(signal: NodeJS.Signals): void;
}

function start(args: string[], extraEnv: Record<string, string> = {}): Child {
  const child = spawn(process.execPath, [bin, ...args], {
    cwd: root,
    env: { ...process.env, REDIS_URL: env.server.url, ...extraEnv },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (d) => (stdout += d));
  child.stderr.on('data', (d) => (stderr += d));
  return {
    exit: new Promise((resolve) => child.on('close', (code) => resolve({ code, stdout, stderr }))),
    stdout: () => stdout,
    kill: (signal) => child.kill(signal),
  };
}

const queuescope = (...args: string[]) => start(args).exit;

async function until(check: () => boolean): Promise<void> {
  while (!check()) await new Promise((r) => setTimeout(r, 50));
}

describe('the queuescope binary', () => {
  it('--json prints exactly one JSON document on stdout and nothing on stderr', async () => {
    const r = await queuescope(
      '--json',
      'enqueue',
      '--workspace',
      'acme',
      '--provider',
      'google',
      '--action',
      'gmail.send',
      '--actor',
      'u_li',
      '--params',
      '{"to":"dana@acme.example"}',
      '--job-id',
      'bin-1',
    );
    expect(r).toMatchObject({ code: 0, stderr: '' });
    expect(JSON.parse(r.stdout)).toEqual({ outcome: 'enqueued', job_id: 'bin-1' });
    const got = await queuescope('get', 'bin-1', '--json');
    expect(got.code).toBe(0);
    expect(JSON.parse(got.stdout)).toMatchObject({
      source: 'old',
      job: { params: { to: 'dana@acme.example' } },
    });
    const list = await queuescope('--json', 'list', '--workspace', 'acme');
    expect(JSON.parse(list.stdout).rows).toHaveLength(1);
  });

  it('exits 2 on usage errors, with the error document on stderr and stdout empty', async () => {
    const r = await queuescope('--json', 'enqueue', '--workspace', 'acme');
    expect(r.code).toBe(2);
    expect(r.stdout).toBe('');
    expect(JSON.parse(r.stderr)).toMatchObject({ code: 'VALIDATION' });
    expect((await queuescope('no-such-command')).code).toBe(2);
  });

  it('exits 3 for a missing job and 5 for a refused write', async () => {
    const missing = await queuescope('--json', 'inspect', 'nope', '--workspace', 'acme');
    expect(missing.code).toBe(3);
    expect(JSON.parse(missing.stderr)).toMatchObject({ code: 'NOT_FOUND' });
    const refused = await queuescope(
      '--read-only',
      '--json',
      'flags',
      'set',
      'new-schema',
      'on',
      '--actor',
      'alice',
    );
    expect(refused.code).toBe(5);
    expect(JSON.parse(refused.stderr)).toMatchObject({ code: 'READ_ONLY' });
    expect(await env.redis.exists('ai:flags:new_schema')).toBe(0);
  });

  it('exits 4, and does not hang, when Redis is unreachable', async () => {
    const port = await freePort();
    const r = await start(['--json', 'workspaces'], { REDIS_URL: `redis://127.0.0.1:${port}` })
      .exit;
    expect(r.code).toBe(4);
    expect(r.stdout).toBe('');
    expect(JSON.parse(r.stderr)).toMatchObject({ code: 'REDIS_UNAVAILABLE' });
  });

  it('demo --once seeds and exits on its own', async () => {
    const r = await queuescope('demo', '--once', '--workspaces', '2', '--seed', '4');
    expect(r.code).toBe(0);
    expect(r.stdout).toContain('old schema only');
    expect(await env.redis.scard('ai:qs:workspaces')).toBe(2);
  });

  it('serve prints the URL, answers the API with its token, and stops on SIGTERM', async () => {
    const host = start(['--json', 'serve', '--port', '0']);
    await until(() => host.stdout().includes('}'));
    const { url } = JSON.parse(host.stdout()) as { url: string };
    const parsed = new URL(url);
    expect(parsed.hostname).toBe('127.0.0.1');
    const token = parsed.searchParams.get('token')!;
    const answer = await fetch(new URL('/api/getFlag', url), {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'x-queuescope-token': token },
      body: '{}',
    });
    expect(await answer.json()).toEqual({ ok: true, data: { new_schema: 'off', source: 'env' } });
    const denied = await fetch(new URL('/api/getFlag', url), { method: 'POST', body: '{}' });
    expect(denied.ok).toBe(false);
    host.kill('SIGTERM');
    expect((await host.exit).code).toBe(0);
  });

  it('demo runs its worker until Ctrl-C, then prints one summary document', async () => {
    const demo = start(['--json', 'demo', '--workspaces', '1', '--rate', '10']);
    // Wait for the worker to have enqueued beyond the seeded jobs.
    for (;;) {
      const total = Number(await env.redis.hget('ai:qs:dw:total', 'acme|succeeded'));
      if (total > 14 + 2) break;
      await new Promise((r) => setTimeout(r, 100));
    }
    demo.kill('SIGINT');
    const r = await demo.exit;
    expect(r.code).toBe(0);
    const doc = JSON.parse(r.stdout);
    expect(doc.worker.enqueued).toBeGreaterThan(2);
  });
});

/** The binary with stdin fed from `input`, for --params - and --ndjson -. */
function withStdin(args: string[], input: string) {
  const child = spawn(process.execPath, [bin, ...args], {
    cwd: root,
    env: { ...process.env, REDIS_URL: env.server.url, QUEUESCOPE_OPERATOR: 'ops-kim' },
    stdio: ['pipe', 'pipe', 'pipe'],
  });
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (d) => (stdout += d));
  child.stderr.on('data', (d) => (stderr += d));
  child.stdin.end(input);
  return new Promise<{ code: number | null; stdout: string; stderr: string }>((resolve) =>
    child.on('close', (code) => resolve({ code, stdout, stderr })),
  );
}

describe('large input to the binary (docs/doors.md "Command line")', () => {
  const single = [
    'enqueue',
    '--workspace',
    'acme',
    '--provider',
    'p',
    '--action',
    'a',
    '--actor',
    'u',
  ];
  /** params of exactly `bytes` bytes as JSON: the core's limit is 1 MiB. */
  const paramsOf = (bytes: number) => JSON.stringify({ blob: 'x'.repeat(bytes - 11) });

  it('enqueues a 1 MiB job from --params @file and from --params -, and refuses one byte more', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'queuescope-bin-'));
    try {
      const file = join(dir, 'params.json');
      writeFileSync(file, paramsOf(1024 * 1024));
      const fromFile = await queuescope(
        '--json',
        ...single,
        '--job-id',
        'big-1',
        '--params',
        `@${file}`,
      );
      expect(fromFile).toMatchObject({ code: 0, stderr: '' });
      expect(Buffer.byteLength((await env.redis.hget('ai:jobs:big-1', 'params'))!)).toBe(
        1024 * 1024,
      );
      const fromStdin = await withStdin(
        [...single, '--job-id', 'big-2', '--params', '-'],
        paramsOf(1024 * 1024),
      );
      expect(fromStdin.code).toBe(0);
      expect(Buffer.byteLength((await env.redis.hget('ai:jobs:big-2', 'params'))!)).toBe(
        1024 * 1024,
      );
      const over = await withStdin(
        ['--json', ...single, '--job-id', 'big-3', '--params', '-'],
        paramsOf(1024 * 1024 + 1),
      );
      expect(over.code).toBe(2);
      expect(JSON.parse(over.stderr)).toMatchObject({
        code: 'VALIDATION',
        details: { field: 'params' },
      });
      expect(await env.redis.exists('ai:jobs:big-3')).toBe(0);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('enqueues NDJSON from stdin, audited as the operator', async () => {
    const lines = Array.from({ length: 2500 }, (_, i) =>
      JSON.stringify({ job_id: `nd-${i}`, action_provider: 'p', action_name: 'a', actor_id: 'u' }),
    ).join('\n');
    const r = await withStdin(['--json', 'enqueue', '--ndjson', '-', '--workspace', 'acme'], lines);
    expect(r.code).toBe(0);
    expect(JSON.parse(r.stdout)).toMatchObject({ enqueued: 2500, failed: 0 });
    expect(await env.redis.llen('ai:queue:pending')).toBe(2500);
    const audit = await env.redis.xrevrange('ai:qs:audit', '+', '-');
    expect(audit).toHaveLength(3);
    for (const [, fields] of audit)
      expect(fields).toEqual(expect.arrayContaining(['actor', 'ops-kim']));
  });
});
