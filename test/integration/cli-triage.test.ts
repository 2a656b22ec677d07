import { describe, expect, it } from 'vitest';
import { runCli } from '../helpers/cli';
import { sampleJob, useRedis } from '../helpers/core';

const env = useRedis();

const cli = (...argv: string[]) => runCli({ REDIS_URL: env.server.url }, argv);

/** docs/triage.md: overview, find, queue and unqueue on the command line. */
describe('queuescope overview, find, queue, unqueue', () => {
  it('overview prints the flag, coverage, last check and the workspaces', async () => {
    const core = env.core();
    await core.invoke('enqueue', sampleJob({ job_id: 'o-1', workspace_id: 'acme' }));
    const text = await cli('overview');
    expect(text.code).toBe(0);
    expect(text.out).toMatch(/dual-write flag: +OFF \(old schema only\)/);
    expect(text.out).toMatch(/coverage: +0\.0% \(0 new copies for 1 old-schema jobs\)/);
    expect(text.out).toContain('no check yet');
    expect(text.out).toContain('acme');
    const json = await cli('--json', 'overview');
    expect(json.json()).toMatchObject({ flag: { value: 'off' }, queue_depth: 1 });
  });

  it('find goes on until the search is complete, and exits 3 when nothing matches', async () => {
    const core = env.core();
    await core.invoke('enqueue', sampleJob({ job_id: '01HZXFINDME42', workspace_id: 'acme' }));
    const found = await cli('find', 'findme');
    expect(found.code).toBe(0);
    expect(found.out).toContain('01HZXFINDME42');
    expect(found.out).toContain('The only job whose id contains it.');
    const json = await cli('--json', 'find', 'ai:jobs:01HZXFINDME42');
    expect(json.json()).toMatchObject({ exact: true, matches: [{ workspace_id: 'acme' }] });
    const none = await cli('--json', 'find', 'no-such-part');
    expect(none.code).toBe(3);
    expect(none.error()).toMatchObject({ code: 'NOT_FOUND' });
  });

  it('queue shows positions from the head and where one job is; unqueue takes it out with a reason', async () => {
    const core = env.core();
    await core.invoke('enqueueMany', {
      jobs: ['first', 'second', 'third'].map((id) =>
        sampleJob({ job_id: id, workspace_id: 'acme' }),
      ),
    });
    const page = await cli('queue', '--offset', '1', '--limit', '1', '--job', 'third');
    expect(page.code).toBe(0);
    expect(page.out).toContain('ai:queue:pending holds 3 entries; showing 1 from position 2.');
    expect(page.out).toContain('That job is at position 3.');
    expect(page.out).toMatch(/^2 +second +acme +pending/m);

    const missingReason = await cli('unqueue', 'second');
    expect(missingReason.code).toBe(2);
    const out = await cli('unqueue', 'second', '--reason', 'poison payload', '--actor', 'ops-kim');
    expect(out.code).toBe(0);
    expect(out.out).toContain('Removed 1 queue entry of second. It was pending and is now failed');
    expect(await env.redis.lrange('ai:queue:pending', 0, -1)).toEqual(['first', 'third']);
    const again = await cli('--json', 'unqueue', 'second', '--reason', 'again');
    expect(again.code).toBe(3);
    const readOnly = await cli('--read-only', '--json', 'unqueue', 'first', '--reason', 'x');
    expect(readOnly.code).toBe(5);
    expect(readOnly.error()).toMatchObject({ code: 'READ_ONLY' });
  });

  it('list filters action and actor by any part in any case and shows the error column', async () => {
    const core = env.core();
    await core.invoke(
      'enqueue',
      sampleJob({ job_id: 'f-1', workspace_id: 'acme', actor_id: 'Ops.Alice' }),
    );
    await core.invoke('updateStatus', { job_id: 'f-1', status: 'running' });
    await core.invoke('updateStatus', {
      job_id: 'f-1',
      status: 'failed',
      result: { error: 'rate_limited', message: 'Slow down' },
    });
    const out = await cli('list', '--workspace', 'acme', '--actor', 'alice', '--action', 'GMAIL');
    expect(out.code).toBe(0);
    expect(out.out).toContain('f-1');
    expect(out.out).toContain('rate_limited: Slow down');
    expect(out.out).toMatch(/searched: +1 of 1/);
  });
});
