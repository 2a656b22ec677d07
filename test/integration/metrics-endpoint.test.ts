import { spawn } from 'node:child_process';
import { request } from 'node:http';
import { fileURLToPath } from 'node:url';
import { afterEach, describe, expect, it } from 'vitest';
import type { QueueCore } from '../../electron/core/core';
import { startMetricsServer, type MetricsServer } from '../../electron/server/metrics-server';
import { dualWriteOnSettled, useRedis } from '../helpers/core';

/**
 * docs/architecture.md, "Metrics endpoint": `queuescope serve --metrics-port N` serves Prometheus
 * text on loopback, read from a real Redis at each scrape.
 */

const env = useRedis();
const root = fileURLToPath(new URL('../..', import.meta.url));
const bin = fileURLToPath(new URL('../../bin/queuescope.mjs', import.meta.url));
const opened: MetricsServer[] = [];

afterEach(async () => {
  await Promise.all(opened.splice(0).map((server) => server.close()));
});

interface Scrape {
  types: Map<string, string>;
  samples: Map<string, number>;
}

const SAMPLE =
  /^([a-zA-Z_:][a-zA-Z0-9_:]*)(\{(?:[a-zA-Z_][a-zA-Z0-9_]*="(?:[^"\\\n]|\\.)*",?)*\})? (\S+)$/;

/** Parses Prometheus text format 0.0.4 strictly: every line a comment, blank, or a valid sample. */
function parseProm(text: string): Scrape {
  const types = new Map<string, string>();
  const samples = new Map<string, number>();
  for (const line of text.split('\n')) {
    if (line === '' || line.startsWith('# HELP ')) continue;
    const type = /^# TYPE (\S+) (counter|gauge|histogram|summary|untyped)$/.exec(line);
    if (type) {
      expect(types.has(type[1]!), `${type[1]} declared twice`).toBe(false);
      types.set(type[1]!, type[2]!);
      continue;
    }
    const sample = SAMPLE.exec(line);
    expect(sample, `not a sample line: ${line}`).not.toBeNull();
    const value = Number(sample![3]);
    expect(Number.isNaN(value), `not a number: ${line}`).toBe(false);
    samples.set(`${sample![1]}${sample![2] ?? ''}`, value);
  }
  return { types, samples };
}

/** A GET with the Host header a browser on a rebinding DNS name would send, which fetch cannot. */
function getWithHost(url: string, host: string): Promise<number> {
  return new Promise((resolve, reject) => {
    const req = request(url, { headers: { host } }, (res) => {
      res.resume();
      resolve(res.statusCode ?? 0);
    });
    req.on('error', reject);
    req.end();
  });
}

async function scrape(url: string): Promise<{ response: Response; parsed: Scrape }> {
  const response = await fetch(url);
  return { response, parsed: parseProm(await response.text()) };
}

/** Dual writes in two workspaces (three failed on a corrupt key), five queued jobs, one divergence. */
async function plant(core: QueueCore): Promise<void> {
  await dualWriteOnSettled(core);
  const job = (ws: string, id: string) => ({
    workspace_id: ws,
    action_provider: 'slack',
    action_name: 'chat.postMessage',
    actor_id: 'u_maria',
    params: { channel: '#ops' },
    job_id: id,
  });
  for (const id of ['a1', 'a2', 'a3']) await core.invoke('enqueue', job('acme', id));
  for (const id of ['g1', 'g2']) await core.invoke('enqueue', job('globex', id));
  for (const id of ['bad-1', 'bad-2', 'bad-3']) {
    await env.redis.set(`ai:job:globex:${id}`, 'corrupt');
    await expect(core.invoke('enqueue', job('globex', id))).rejects.toThrow();
    await env.redis.del(`ai:job:globex:${id}`);
  }
  await env.redis.hset('ai:job:acme:a2', 'params', '{"channel":"#elsewhere"}');
  await env.redis.del('ai:job:globex:g2');
  await core.invoke('divergenceCheck', {});
}

describe('the Prometheus scrape endpoint', () => {
  it('serves dual-write attempts, queue depth and the last check as valid Prometheus text', async () => {
    const core = env.core();
    await plant(core);
    const server = await startMetricsServer({ core: () => core, port: 0 });
    opened.push(server);
    expect(server.url).toBe(`http://127.0.0.1:${server.port}/metrics`);

    const { response, parsed } = await scrape(server.url);
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toMatch(/^text\/plain; version=0\.0\.4/);
    expect(parsed.types.get('ai_jobs_dual_write_attempts_total')).toBe('counter');
    expect(parsed.types.get('ai_jobs_queue_depth')).toBe('gauge');
    expect(parsed.types.get('ai_jobs_divergence_last_check')).toBe('gauge');
    const s = parsed.samples;
    expect(s.get('queuescope_redis_up')).toBe(1);
    expect(s.get('ai_jobs_dual_write_attempts_total{workspace_id="acme",status="succeeded"}')).toBe(
      3,
    );
    expect(
      s.get('ai_jobs_dual_write_attempts_total{workspace_id="globex",status="succeeded"}'),
    ).toBe(2);
    expect(s.get('ai_jobs_dual_write_attempts_total{workspace_id="globex",status="failed"}')).toBe(
      3,
    );
    expect(s.get('ai_jobs_queue_depth')).toBe(5);
    const check = (category: string) =>
      s.get(`ai_jobs_divergence_last_check{category="${category}",scope="all"}`);
    expect(check('mismatch')).toBe(1);
    expect(check('missing_in_new')).toBe(1);
    expect(check('in_sync')).toBe(3);
    expect(check('missing_in_old')).toBe(0);
    const finished = s.get('ai_jobs_divergence_last_check_timestamp_seconds')!;
    expect(Math.abs(finished - Date.now() / 1000)).toBeLessThan(60);

    // Each scrape reads Redis again: a worker's pop shows in the next one.
    await env.redis.lpop('ai:queue:pending');
    expect((await scrape(server.url)).parsed.samples.get('ai_jobs_queue_depth')).toBe(4);
    // A scrape writes nothing: no bucket sample, no key of its own.
    expect(await env.redis.keys('ai:qs:dwr:*')).toEqual([]);
  });

  it('answers GET /metrics only, and refuses a Host that is not loopback', async () => {
    const core = env.core();
    const server = await startMetricsServer({ core: () => core, port: 0 });
    opened.push(server);
    const base = `http://127.0.0.1:${server.port}`;
    expect((await fetch(`${base}/`)).status).toBe(404);
    expect((await fetch(`${base}/api/getFlag`)).status).toBe(404);
    const post = await fetch(`${base}/metrics`, { method: 'POST', body: '' });
    expect(post.status).toBe(405);
    expect(post.headers.get('allow')).toBe('GET, HEAD');
    expect(await getWithHost(server.url, `evil.example:${server.port}`)).toBe(403);
    expect(await getWithHost(server.url, `localhost:${server.port}`)).toBe(200);
    // Without a check yet, the last-check series are absent rather than zero.
    const { parsed } = await scrape(server.url);
    expect([...parsed.samples.keys()].some((k) => k.startsWith('ai_jobs_divergence'))).toBe(false);
  });

  it('says Redis is down instead of hanging or failing the scrape', async () => {
    const core = env.core();
    const server = await startMetricsServer({
      core: () => core,
      port: 0,
      timeoutMs: 1500,
      log: () => undefined,
    });
    opened.push(server);
    env.server.pause();
    try {
      const started = Date.now();
      const { response, parsed } = await scrape(server.url);
      expect(Date.now() - started).toBeLessThan(5000);
      expect(response.status).toBe(200);
      expect([...parsed.samples]).toEqual([['queuescope_redis_up', 0]]);
    } finally {
      env.server.resume();
    }
    expect((await scrape(server.url)).parsed.samples.get('queuescope_redis_up')).toBe(1);
  });

  it('`queuescope serve --metrics-port 0` prints the scrape URL and serves it until stopped', async () => {
    await plant(env.core());
    const host = spawn(
      process.execPath,
      [bin, '--json', 'serve', '--port', '0', '--metrics-port', '0', '--no-index'],
      { cwd: root, env: { ...process.env, REDIS_URL: env.server.url }, stdio: 'pipe' },
    );
    let stdout = '';
    host.stdout.on('data', (d) => (stdout += d));
    const exited = new Promise<number | null>((resolve) => host.on('close', resolve));
    while (!stdout.includes('}')) await new Promise((r) => setTimeout(r, 50));
    const printed = JSON.parse(stdout) as { url: string; metrics_url: string };
    expect(printed.metrics_url).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/metrics$/);
    expect(new URL(printed.metrics_url).port).not.toBe(new URL(printed.url).port);
    const { parsed } = await scrape(printed.metrics_url);
    expect(
      parsed.samples.get(
        'ai_jobs_dual_write_attempts_total{workspace_id="globex",status="failed"}',
      ),
    ).toBe(3);
    expect(
      parsed.samples.get('ai_jobs_divergence_last_check{category="mismatch",scope="all"}'),
    ).toBe(1);
    host.kill('SIGTERM');
    expect(await exited).toBe(0);
    await expect(fetch(printed.metrics_url)).rejects.toThrow();
  });

  it('refuses a --metrics-port that is not a port, naming the flag', async () => {
    const run = spawn(process.execPath, [bin, '--json', 'serve', '--metrics-port', 'ninety'], {
      cwd: root,
      env: { ...process.env, REDIS_URL: env.server.url },
      stdio: 'pipe',
    });
    let stderr = '';
    run.stderr.on('data', (d) => (stderr += d));
    const code = await new Promise<number | null>((resolve) => run.on('close', resolve));
    expect(code).toBe(2);
    expect(JSON.parse(stderr)).toMatchObject({
      code: 'VALIDATION',
      details: { flag: '--metrics-port' },
    });
  });
});
