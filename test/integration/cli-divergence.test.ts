import { describe, expect, it } from 'vitest';
import { run } from '../../electron/cli/run';
import type { CliIo } from '../../electron/cli/io';
import { startProgress } from '../../electron/cli/progress';
import { keys } from '../../electron/core/keys';
import { seedDemo } from '../../electron/demo';
import { useRedis } from '../helpers/core';

const env = useRedis();
async function cli(argv: string[], options: { tty?: boolean; signal?: AbortSignal } = {}) {
  let out = '';
  let err = '';
  const io: CliIo = {
    stdout: { write: (s: string) => (out += s) },
    stderr: Object.assign(
      { write: (s: string) => (err += s) },
      options.tty ? { isTTY: true, columns: 120 } : {},
    ),
    env: { REDIS_URL: env.server.url },
    ...(options.signal ? { signal: options.signal } : {}),
  };
  const code = await run(argv, io);
  return { code, out, err, json: () => JSON.parse(out) };
}

async function enqueueInSync(n: number) {
  const core = env.core();
  await core.invoke('setFlag', { value: 'on', actor_id: 'test' });
  for (let i = 0; i < n; i++) {
    await core.invoke('enqueue', {
      workspace_id: 'acme',
      action_provider: 'slack',
      action_name: 'chat.postMessage',
      actor_id: 'u',
      params: { i },
    });
  }
}

async function snapshot(): Promise<Record<string, Record<string, string>>> {
  const out: Record<string, Record<string, string>> = {};
  let cursor = '0';
  do {
    const [next, found] = await env.redis.scan(cursor, 'MATCH', 'ai:job*', 'COUNT', 1000);
    cursor = next;
    for (const key of found) out[key] = await env.redis.hgetall(key);
  } while (cursor !== '0');
  return out;
}

describe('queuescope divergence and repair', () => {
  it('exits 0 when both schemas are in sync, with no progress bar under --json', async () => {
    await enqueueInSync(5);
    const r = await cli(['--json', 'divergence'], { tty: true });
    expect(r.code).toBe(0);
    expect(r.json()).toMatchObject({ state: 'completed', in_sync: 5 });
    expect(r.err).toBe('');
  });

  it('exits 1 on the demo data and lists each kind of divergence', async () => {
    const seeded = await seedDemo(env.core(), { workspaces: 4, seed: 2 });
    const r = await cli(['--json', 'divergence']);
    expect(r.code).toBe(1);
    const report = r.json();
    expect(report.counts.mismatch).toBeGreaterThanOrEqual(2);
    expect(report.counts.missing_in_old).toBeGreaterThanOrEqual(1);
    expect(report.counts.workspace_mismatch).toBeGreaterThanOrEqual(1);
    const listed = new Set(report.items.map((i: { job_id: string }) => i.job_id));
    for (const d of seeded.divergent) expect(listed.has(d.job_id), d.kind).toBe(true);
    const human = await cli(['divergence', '--workspace', 'acme']);
    expect(human.code).toBe(1);
    expect(human.out).toContain('queuescope repair --dry-run');
  });

  it('old-only jobs awaiting backfill are not a divergence (exit 0)', async () => {
    const core = env.core();
    await core.invoke('enqueue', {
      workspace_id: 'acme',
      action_provider: 'google',
      action_name: 'gmail.send',
      actor_id: 'u',
    });
    await core.invoke('setFlag', { value: 'on', actor_id: 'test' });
    const r = await cli(['--json', 'divergence']);
    expect(r.json().counts.awaiting_backfill).toBe(1);
    expect(r.code).toBe(0);
  });

  it('repair --dry-run writes nothing; repair makes the check pass', async () => {
    await seedDemo(env.core(), { workspaces: 2, seed: 9 });
    const before = await snapshot();
    const plan = await cli(['--json', 'repair', '--dry-run', '--actor', 'ops-kim']);
    expect(plan.code).toBe(0);
    expect(plan.json().dry_run).toBe(true);
    expect(plan.json().planned.length).toBeGreaterThan(0);
    expect(await snapshot()).toEqual(before);
    const fixed = await cli(['repair', '--actor', 'ops-kim']);
    expect(fixed.code).toBe(0);
    expect(fixed.out).toMatch(/fixes applied/);
    expect((await cli(['divergence'])).code).toBe(0);
  });

  it('repair --backfill copies old-only jobs to the new schema and touches nothing else', async () => {
    const core = env.core();
    await core.invoke('enqueue', {
      workspace_id: 'acme',
      action_provider: 'google',
      action_name: 'gmail.send',
      actor_id: 'u',
      job_id: 'old-only',
    });
    await core.invoke('setFlag', { value: 'on', actor_id: 'test' });
    await core.invoke('enqueue', {
      workspace_id: 'acme',
      action_provider: 'google',
      action_name: 'gmail.send',
      actor_id: 'u',
      job_id: 'both',
    });
    await env.redis.hset(keys.newJob('acme', 'both'), 'status', 'running'); // a mismatch backfill must leave alone
    const r = await cli(['--json', 'repair', '--backfill', '--actor', 'ops-kim']);
    expect(r.code).toBe(0);
    expect(await env.redis.hgetall(keys.newJob('acme', 'old-only'))).toEqual(
      await env.redis.hgetall(keys.oldJob('old-only')),
    );
    expect(await env.redis.hget(keys.newJob('acme', 'both'), 'status')).toBe('running');
  });

  it('index files a job another producer wrote; refused on a read-only connection', async () => {
    await env.redis.hset(keys.oldJob('foreign-1'), {
      job_id: 'foreign-1',
      status: 'pending',
      workspace_id: 'acme',
      enqueued_at: '2026-01-01T00:00:00Z',
    });
    expect((await cli(['--read-only', 'index', '--pass'])).code).toBe(5);
    expect(await env.redis.zscore(keys.workspaceIndex('acme'), 'foreign-1')).toBeNull();
    const r = await cli(['--json', 'index', '--pass']);
    expect(r.code).toBe(0);
    expect(r.json()).toMatchObject({ indexed: 1, pass_complete: true });
    expect(await env.redis.zscore(keys.workspaceIndex('acme'), 'foreign-1')).not.toBeNull();
  });

  it('draws a progress bar on a terminal, on stderr', async () => {
    await enqueueInSync(50);
    const r = await cli(['divergence'], { tty: true });
    expect(r.code).toBe(0);
    expect(r.err).toMatch(/\d+\/\d+/);
    expect(r.out).toContain('In sync.');
  });

  it('Ctrl-C cancels the check: nothing is concluded, exit 5', async () => {
    await enqueueInSync(5);
    const interrupt = new AbortController();
    interrupt.abort();
    const r = await cli(['divergence'], { signal: interrupt.signal });
    expect(r.code).toBe(5);
    expect(r.err).toMatch(/cancel/i);
  });

  it('a check that cannot run is an error, never exit 0 or 1', async () => {
    await env.redis.set('ai:flags:new_schema', 'on');
    // A wrong-typed key the check must read makes it fail: an error, not a verdict.
    await env.redis.set(keys.flagHistory, 'not a sorted set');
    const broken = await cli(['--json', 'divergence']);
    expect(broken.code).toBe(5);
    expect(broken.out).toBe('');
    expect(JSON.parse(broken.err)).toMatchObject({ code: 'INTERNAL' });
  });
});

describe('the progress bar', () => {
  it('draws phase, count and total on a terminal stream, and an unknown total as ?', () => {
    let drawn = '';
    const bar = startProgress({ isTTY: true, write: (s: string) => (drawn += s) });
    bar.update({ phase: 'scan', done: 5, total: 10, eta_s: 3 });
    expect(drawn).toContain('scan');
    expect(drawn).toContain('5/10');
    expect(drawn).toContain('ETA 3s');
    bar.stop();
    drawn = '';
    const open = startProgress({ isTTY: true, write: (s: string) => (drawn += s) });
    open.update({ phase: 'scan', done: 7, total: null });
    expect(drawn).toContain('7/?');
    open.stop();
  });
});
