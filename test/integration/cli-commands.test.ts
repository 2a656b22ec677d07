import { describe, expect, it } from 'vitest';
import { runCli } from '../helpers/cli';
import { sampleJob, useRedis } from '../helpers/core';
import { freePort } from '../helpers/redis-server';

const env = useRedis();

/** Runs the command line in-process against the test's Redis and captures what it prints. */
// The person at the shell, whom every write is audited as (docs/doors.md "The audit's actor").
const cli = (...argv: string[]) =>
  runCli({ REDIS_URL: env.server.url, QUEUESCOPE_OPERATOR: 'ops-kim' }, argv);

const enqueueArgs = (ws = 'acme', extra: string[] = []) => [
  'enqueue',
  '--workspace',
  ws,
  '--provider',
  'slack',
  '--action',
  'chat.postMessage',
  '--actor',
  'u_maria',
  '--params',
  '{"channel":"#ops","text":"hi"}',
  ...extra,
];

async function auditEntries() {
  const entries = await env.redis.xrevrange('ai:qs:audit', '+', '-');
  return entries.map(([, flat]) => {
    const f: Record<string, string> = {};
    for (let i = 0; i < flat.length; i += 2) f[flat[i]!] = flat[i + 1]!;
    return f;
  });
}

describe('queuescope commands (happy paths)', () => {
  it('enqueue writes the job and answers the outcome as one JSON document', async () => {
    const r = await cli('--json', ...enqueueArgs('acme', ['--job-id', 'j1', '--request-id', 'r1']));
    expect(r.code).toBe(0);
    expect(r.json()).toEqual({ outcome: 'enqueued', job_id: 'j1' });
    expect(r.err).toBe('');
    expect(await env.redis.hgetall('ai:jobs:j1')).toMatchObject({
      workspace_id: 'acme',
      action_provider: 'slack',
      params: '{"channel":"#ops","text":"hi"}',
    });
    const again = await cli(...enqueueArgs('acme', ['--request-id', 'r1']));
    expect(again.code).toBe(0);
    expect(again.out).toContain('Duplicate');
    expect(again.out).toContain('j1');
    expect(await env.redis.llen('ai:queue:pending')).toBe(1);
  });

  it('get and inspect show both copies side by side and mark the fields that differ', async () => {
    await env.redis.set('ai:flags:new_schema', 'on');
    expect((await cli(...enqueueArgs('acme', ['--job-id', 'j2']))).code).toBe(0);
    await env.redis.hset('ai:job:acme:j2', 'status', 'running');

    const got = await cli('--json', 'get', 'j2', '--workspace', 'acme');
    expect(got.code).toBe(0);
    expect(got.json()).toMatchObject({ source: 'new', job: { job_id: 'j2', status: 'running' } });

    const inspected = await cli('--json', 'inspect', 'j2', '--workspace', 'acme');
    expect(inspected.json()).toMatchObject({
      old: { status: 'pending' },
      new: { status: 'running' },
      differences: ['status'],
    });

    const human = await cli('inspect', 'j2', '--workspace', 'acme');
    const statusLine = human.out.split('\n').find((l) => l.includes(' status '))!;
    expect(statusLine).toMatch(/^≠\s+status\s+pending\s+running$/);
    const actorLine = human.out.split('\n').find((l) => l.includes('actor_id'))!;
    expect(actorLine.startsWith('≠')).toBe(false);
    expect(human.out).toContain('1 field differ: status');

    const humanGet = await cli('get', 'j2');
    expect(humanGet.out).toContain('read from the old schema');
    expect(humanGet.out).toMatch(/≠\s+status/);
  });

  it('status moves a job through running to completed with its result, in both schemas', async () => {
    await env.redis.set('ai:flags:new_schema', 'on');
    await cli(...enqueueArgs('acme', ['--job-id', 'j3']));
    expect((await cli('status', 'j3', 'running', '--workspace', 'acme')).code).toBe(0);
    const done = await cli(
      '--json',
      'status',
      'j3',
      'completed',
      '--workspace',
      'acme',
      '--result',
      '{"ts":"1700.1"}',
    );
    expect(done.code).toBe(0);
    expect(done.json()).toMatchObject({ status: 'completed', result: { ts: '1700.1' } });
    for (const key of ['ai:jobs:j3', 'ai:job:acme:j3']) {
      expect(await env.redis.hget(key, 'status')).toBe('completed');
    }
  });

  it('a forced status change is audited as the operator, with its reason', async () => {
    await cli(...enqueueArgs('acme', ['--job-id', 'j4']));
    const forced = await cli(
      'status',
      'j4',
      'completed',
      '--force',
      '--reason',
      'finished by hand',
    );
    expect(forced.code).toBe(0);
    expect(forced.out).toContain('now completed');
    const [entry] = await auditEntries();
    expect(entry).toMatchObject({ actor: 'ops-kim', operation: 'updateStatus', outcome: 'ok' });
    expect(entry!.details).toContain('forced');
    expect(entry!.details).toContain('finished by hand');
  });

  it('retry requeues a failed job once and audits it', async () => {
    await cli(...enqueueArgs('acme', ['--job-id', 'j5']));
    await env.redis.lpop('ai:queue:pending');
    await cli('status', 'j5', 'running');
    await cli('status', 'j5', 'failed', '--result', '{"error":"rate_limited"}');
    const retried = await cli('--json', 'retry', 'j5', '--workspace', 'acme', '--actor', 'ops-kim');
    expect(retried.code).toBe(0);
    expect(retried.json()).toMatchObject({ status: 'pending', attempts: 1, retried_by: 'ops-kim' });
    expect(await env.redis.lrange('ai:queue:pending', 0, -1)).toEqual(['j5']);
    const twice = await cli('retry', 'j5', '--workspace', 'acme', '--actor', 'ops-kim');
    expect(twice.code).toBe(3);
    expect(twice.err).toContain('CONFLICT');
    expect(await env.redis.llen('ai:queue:pending')).toBe(1);
    expect((await auditEntries()).filter((e) => e.operation === 'retry')).toHaveLength(2);
  });

  it('workspaces and list show counts per schema and pages of jobs', async () => {
    for (const id of ['a1', 'a2', 'a3']) await cli(...enqueueArgs('acme', ['--job-id', id]));
    await cli(...enqueueArgs('globex', ['--job-id', 'g1']));

    const ws = await cli('--json', 'workspaces');
    expect(ws.code).toBe(0);
    expect(ws.json()).toEqual([
      expect.objectContaining({
        workspace_id: 'acme',
        old: expect.objectContaining({ pending: 3 }),
      }),
      expect.objectContaining({
        workspace_id: 'globex',
        old: expect.objectContaining({ pending: 1 }),
      }),
    ]);
    const table = await cli('workspaces');
    expect(table.out).toMatch(/^acme\s+old\s+3\s+0\s+0\s+0\s+0/m);

    const page = await cli('--json', 'list', '--workspace', 'acme', '--limit', '2');
    expect(page.json().rows.map((r: { job_id: string }) => r.job_id)).toEqual(['a3', 'a2']);
    expect(page.json().next_cursor).not.toBeNull();
    const rest = await cli(
      '--json',
      'list',
      '--workspace',
      'acme',
      '--limit',
      '2',
      '--cursor',
      page.json().next_cursor,
    );
    expect(rest.json().rows.map((r: { job_id: string }) => r.job_id)).toEqual(['a1']);
    const human = await cli('list', '--workspace', 'acme', '--limit', '2');
    expect(human.out).toContain('Next page: queuescope list --workspace acme --cursor');
    expect(human.out).toMatch(/a3\s+slack\.chat\.postMessage\s+u_maria\s+pending\s+-/);
  });

  it('flags set changes the flag in Redis and is audited as the operator, whatever --actor says', async () => {
    const set = await cli('flags', 'set', 'new-schema', 'on', '--actor', 'alice');
    expect(set.code).toBe(0);
    expect(set.out).toContain('audited as ops-kim');
    expect(set.err).toContain('--actor no longer names who is audited');
    expect(await env.redis.get('ai:flags:new_schema')).toBe('on');
    const [entry] = await auditEntries();
    expect(entry).toMatchObject({
      actor: 'ops-kim',
      operation: 'setFlag',
      target: 'new_schema=on',
    });
    const got = await cli('--json', 'flags', 'get');
    expect(got.json()).toEqual({ new_schema: 'on', source: 'redis' });
    expect((await cli('flags', 'get')).out).toContain('new-schema: on');
  });

  it('metrics reports dual-write attempts, and --prom prints the Prometheus counter', async () => {
    await env.redis.set('ai:flags:new_schema', 'on');
    await cli(...enqueueArgs('acme'));
    await cli(...enqueueArgs('acme'));
    const m = await cli('--json', 'metrics', '--since', '15m', '--workspace', 'acme');
    expect(m.code).toBe(0);
    expect(m.json()).toMatchObject({ window: '15m', succeeded: 2, failed: 0, queue_depth: 2 });
    const prom = await cli('metrics', '--prom');
    expect(prom.code).toBe(0);
    expect(prom.out).toContain('# TYPE ai_jobs_dual_write_attempts_total counter');
    expect(prom.out).toContain(
      'ai_jobs_dual_write_attempts_total{workspace_id="acme",status="succeeded"} 2',
    );
    // --prom wins over --json: Prometheus text, never JSON (README, "Command line").
    expect((await cli('--json', 'metrics', '--prom')).out).toContain('# HELP');
  });
});

describe('queuescope errors and exit codes', () => {
  const writes = async () => (await env.redis.dbsize()) - (await env.redis.exists('ai:qs:audit'));

  it('exit 2: bad --params JSON names the flag and writes nothing', async () => {
    const r = await cli('--json', ...enqueueArgs('acme').slice(0, -1), '{"channel":');
    expect(r.code).toBe(2);
    expect(r.out).toBe('');
    expect(r.error()).toMatchObject({ code: 'VALIDATION', details: { flag: '--params' } });
    expect(r.error().message).toContain('--params is not valid JSON');
    expect(await writes()).toBe(0);
  });

  it('exit 2: a contract validation error names the flag the user typed', async () => {
    const r = await cli('--json', ...enqueueArgs('bad:ws'));
    expect(r.code).toBe(2);
    expect(r.error()).toMatchObject({ code: 'VALIDATION', details: { flag: '--workspace' } });
    const result = await cli('status', 'x', 'completed', '--result', '[1,2]');
    expect(result.code).toBe(2);
    expect(result.err).toContain('--result: result must be a JSON object');
    const since = await cli('metrics', '--since', '2h');
    expect(since.code).toBe(2);
    expect(since.err).toContain('--since');
    expect(await writes()).toBe(0);
  });

  it('exit 2: usage errors (unknown command, unknown or missing option), in --json too', async () => {
    for (const argv of [
      ['bogus'],
      ['list'],
      ['get'],
      ['workspaces', '--nope'],
      ['flags', 'set', 'other-flag', 'on', '--actor', 'a'],
      [],
    ]) {
      const r = await cli('--json', ...argv);
      expect(r.code, argv.join(' ')).toBe(2);
      expect(r.out).toBe('');
      if (argv.length) expect(r.error()).toMatchObject({ code: 'VALIDATION' });
    }
    const human = await cli('list');
    expect(human.err).toContain("required option '--workspace <id>' not specified");
    expect((await cli('--help')).code).toBe(0);
  });

  it('exit 3: not found and conflict', async () => {
    const missing = await cli('--json', 'get', 'nope');
    expect(missing.code).toBe(3);
    expect(missing.error()).toMatchObject({ code: 'NOT_FOUND' });
    expect((await cli('inspect', 'nope', '--workspace', 'acme')).code).toBe(3);
    expect((await cli('status', 'nope', 'running')).code).toBe(3);
    await cli(...enqueueArgs('acme', ['--job-id', 'c1']));
    const taken = await cli('--json', ...enqueueArgs('acme', ['--job-id', 'c1']));
    expect(taken.code).toBe(3);
    expect(taken.error()).toMatchObject({ code: 'CONFLICT' });
    const transition = await cli('status', 'c1', 'completed');
    expect(transition.code).toBe(3);
    expect(await env.redis.hget('ai:jobs:c1', 'status')).toBe('pending');
  });

  it('exit 4: Redis unreachable, within the connection bounds', async () => {
    const port = await freePort();
    const r = await cli('--json', '--redis', `redis://127.0.0.1:${port}`, 'workspaces');
    expect(r.code).toBe(4);
    expect(r.out).toBe('');
    expect(r.error()).toMatchObject({ code: 'REDIS_UNAVAILABLE' });
  });

  it('exit 5: a read-only connection refuses writes and writes nothing', async () => {
    const r = await cli('--json', '--read-only', ...enqueueArgs('acme'));
    expect(r.code).toBe(5);
    expect(r.error()).toMatchObject({ code: 'READ_ONLY' });
    expect(
      (await cli('--read-only', 'flags', 'set', 'new-schema', 'on', '--actor', 'a')).code,
    ).toBe(5);
    expect(await writes()).toBe(0);
    expect((await cli('--read-only', 'workspaces')).code).toBe(0);
  });

  it('exit 5: a wrong-typed key (WRONGTYPE) is reported and nothing is written', async () => {
    await env.redis.set('ai:jobs:wt', 'not a hash');
    const r = await cli('--json', 'status', 'wt', 'running');
    expect(r.code).toBe(5);
    expect(r.error()).toMatchObject({ code: 'INTERNAL', details: { redis_error: 'WRONGTYPE' } });
    expect(await env.redis.get('ai:jobs:wt')).toBe('not a hash');
    await env.redis.set('ai:queue:pending', 'oops');
    const enq = await cli(...enqueueArgs('acme'));
    expect(enq.code).toBe(5);
    expect(await env.redis.exists('ai:qs:workspaces')).toBe(0);
  });

  it('rejects a --redis value that is not a redis:// URL', async () => {
    const r = await cli('--redis', 'localhost', 'workspaces');
    expect(r.code).toBe(2);
    expect(r.err).toContain('--redis must be a redis://');
  });

  it('sample job helper stays in step with the CLI arguments', () => {
    expect(sampleJob().workspace_id).toBe('ws-1');
  });
});
