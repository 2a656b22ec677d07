import { describe, expect, it } from 'vitest';
import { run } from '../../electron/cli/run';
import type { CliIo } from '../../electron/cli/io';
import { runCli } from '../helpers/cli';
import { seedDemo, startDemoWorker } from '../../electron/demo';
import { useRedis } from '../helpers/core';

const env = useRedis();

/** Polls a condition on Redis until it holds; the test's own timeout bounds the wait. */
async function eventually(check: () => Promise<boolean>): Promise<void> {
  while (!(await check())) await new Promise((r) => setTimeout(r, 50));
}

const cli = (...argv: string[]) => runCli({ REDIS_URL: env.server.url }, argv);

describe('demo seeding', () => {
  it('writes old-only, dual-written, divergent and failed jobs, and turns dual-write on (audited)', async () => {
    const core = env.core();
    const s = await seedDemo(core, { workspaces: 4, seed: 7 });
    const redis = env.redis;
    expect(s.workspaces).toEqual(['acme', 'globex', 'initech', 'umbrella']);
    expect(await redis.get('ai:flags:new_schema')).toBe('on');

    expect(s.old_only.length).toBeGreaterThanOrEqual(20);
    for (const id of s.old_only) {
      const ws = await redis.hget(`ai:jobs:${id}`, 'workspace_id');
      expect(ws).toBeTruthy();
      expect(await redis.exists(`ai:job:${ws}:${id}`)).toBe(0);
    }

    const divergent = new Map(s.divergent.map((d) => [d.job_id, d]));
    expect(new Set(s.divergent.map((d) => d.kind))).toEqual(
      new Set(['mismatch', 'missing_in_new', 'missing_in_old', 'workspace_mismatch']),
    );
    let inSync = 0;
    for (const id of s.dual_written) {
      if (divergent.has(id)) continue;
      const ws = (await redis.hget(`ai:jobs:${id}`, 'workspace_id'))!;
      const both = await core.invoke('inspectJob', { job_id: id, workspace_id: ws });
      expect(both.old, id).not.toBeNull();
      expect(both.differences, id).toEqual([]);
      inSync++;
    }
    expect(inSync).toBeGreaterThanOrEqual(40);

    for (const d of s.divergent) {
      const both = await core.invoke('inspectJob', {
        job_id: d.job_id,
        workspace_id: d.workspace_id,
      });
      if (d.kind === 'mismatch') expect(both.differences.length, d.job_id).toBeGreaterThan(0);
      if (d.kind === 'missing_in_new') expect(both.new).toBeNull();
      if (d.kind === 'missing_in_old') expect([both.old, both.new === null]).toEqual([null, false]);
      if (d.kind === 'workspace_mismatch') {
        expect(both.new).not.toBeNull();
        expect(both.old?.workspace_id).not.toBe(d.workspace_id);
      }
    }

    expect(s.failed.length).toBeGreaterThanOrEqual(8);
    for (const id of s.failed) expect(await redis.hget(`ai:jobs:${id}`, 'status')).toBe('failed');
    const statuses = new Set<string>();
    for (const id of [...s.old_only, ...s.dual_written]) {
      const status = await redis.hget(`ai:jobs:${id}`, 'status');
      if (status) statuses.add(status);
    }
    expect(statuses).toEqual(new Set(['pending', 'running', 'completed', 'failed']));

    for (const id of s.retried) {
      expect(await redis.hgetall(`ai:jobs:${id}`)).toMatchObject({
        status: 'pending',
        attempts: '1',
        retried_by: 'demo',
      });
    }
    const audit = await core.invoke('audit', { limit: 50 });
    expect(audit).toContainEqual(
      expect.objectContaining({ actor: 'demo', operation: 'setFlag', target: 'new_schema=on' }),
    );
    await core.close();
    const metrics = await env.core().invoke('metrics', { window: '15m' });
    expect(metrics.failed).toBe(s.failed_dual_writes);
    expect(metrics.failed).toBeGreaterThan(0);
    expect(metrics.succeeded).toBe(s.dual_written.length);
    // The corrupt keys used to make dual writes fail are gone again.
    const [, leftovers] = await redis.scan(
      '0',
      'MATCH',
      'ai:job:*',
      'COUNT',
      10000,
      'TYPE',
      'string',
    );
    expect(leftovers).toEqual([]);
  });

  it('the worker moves queued jobs through running to completed or failed, in both schemas', async () => {
    const core = env.core();
    const s = await seedDemo(core, { workspaces: 2, seed: 3 });
    const queued = await env.redis.lrange('ai:queue:pending', 0, -1);
    expect(queued.length).toBeGreaterThan(0);
    const worker = startDemoWorker(core, {
      rate: 0,
      workspaces: s.workspaces,
      concurrency: 8,
      durationMs: [10, 50],
      tickMs: 20,
      failureRate: 0.3,
      seed: 5,
    });
    const done = async (id: string) =>
      ['completed', 'failed'].includes((await env.redis.hget(`ai:jobs:${id}`, 'status')) ?? '');
    await eventually(async () => (await Promise.all(queued.map(done))).every(Boolean));
    await worker.stop();
    expect(worker.stats.errors).toBe(0);
    expect(worker.stats.completed + worker.stats.failed).toBe(queued.length);
    expect(await env.redis.llen('ai:queue:pending')).toBe(0);
    for (const id of queued) {
      const old = await env.redis.hgetall(`ai:jobs:${id}`);
      expect(old.started_at).toBeTruthy();
      expect(old.finished_at).toBeTruthy();
      const copy = await env.redis.hgetall(`ai:job:${old.workspace_id}:${id}`);
      if (Object.keys(copy).length) expect(copy.status).toBe(old.status);
    }
  });

  it('the worker keeps enqueuing new jobs at its rate until stopped', async () => {
    const core = env.core();
    await env.redis.set('ai:flags:new_schema', 'on');
    const worker = startDemoWorker(core, { rate: 50, workspaces: ['acme'], tickMs: 20, seed: 1 });
    await eventually(async () => worker.stats.enqueued >= 5);
    await worker.stop();
    const after = worker.stats.enqueued;
    const jobs = await env.redis.zcard('ai:qs:idx:acme');
    expect(jobs).toBe(after);
    expect(
      await env.redis.exists(
        `ai:job:acme:${(await env.redis.zrange('ai:qs:idx:acme', '0', '0'))[0]}`,
      ),
    ).toBe(1);
  });
});

describe('queuescope demo', () => {
  it('--once seeds and exits; --json prints the summary', async () => {
    const r = await cli('--json', 'demo', '--once', '--workspaces', '3', '--seed', '11');
    expect(r.code).toBe(0);
    const summary = JSON.parse(r.out);
    expect(summary.workspaces).toEqual(['acme', 'globex', 'initech']);
    expect(summary.old_only.length).toBeGreaterThan(0);
    expect(summary.dual_written.length).toBeGreaterThan(0);
    expect(summary.divergent.length).toBeGreaterThanOrEqual(4);
    expect(summary.failed.length).toBeGreaterThan(0);
    const human = await cli('demo', '--once', '--workspaces', '1');
    expect(human.code).toBe(0);
    expect(human.out).toMatch(/jobs written before dual-write was on \(old schema only\)/);
  });

  it('refuses a Redis holding jobs the demo did not write, unless --force', async () => {
    await env.redis.hset('ai:jobs:prod-1', { job_id: 'prod-1', status: 'pending' });
    const refused = await cli('--json', 'demo', '--once');
    expect(refused.code).toBe(3);
    expect(JSON.parse(refused.err)).toMatchObject({ code: 'CONFLICT' });
    expect(await env.redis.exists('ai:qs:workspaces')).toBe(0);
    expect((await cli('demo', '--once', '--force', '--workspaces', '1')).code).toBe(0);
  });

  it('rejects an out-of-range --workspaces or --rate with exit 2', async () => {
    expect((await cli('demo', '--once', '--workspaces', '9')).code).toBe(2);
    expect((await cli('demo', '--rate', 'fast')).code).toBe(2);
    expect(await env.redis.dbsize()).toBe(0);
  });

  it('runs the worker until interrupted, then reports what it did', async () => {
    const interrupt = new AbortController();
    let out = '';
    const io: CliIo = {
      stdout: { write: (s: string) => (out += s) },
      stderr: { write: () => true },
      env: { REDIS_URL: env.server.url },
      signal: interrupt.signal,
    };
    const exit = run(['--json', 'demo', '--workspaces', '2', '--rate', '20'], io);
    await eventually(
      async () => (await env.redis.hget('ai:qs:dw:total', 'acme|succeeded').then(Number)) > 28 + 5,
    );
    interrupt.abort();
    expect(await exit).toBe(0);
    const doc = JSON.parse(out);
    expect(doc.worker.enqueued).toBeGreaterThan(0);
    expect(doc.seed.workspaces).toEqual(['acme', 'globex']);
  });
});
