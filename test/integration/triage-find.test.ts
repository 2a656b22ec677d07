import { describe, expect, it } from 'vitest';
import { sampleJob, useRedis } from '../helpers/core';

/** docs/triage.md "Find any job": exact keys first, then a bounded walk of the job keys. */
describe('findJob', () => {
  const env = useRedis();

  it('finds an exact id through its old key without walking the keyspace', async () => {
    const core = env.core();
    await core.invoke('enqueue', sampleJob({ job_id: 'job-exact-1', workspace_id: 'ws-a' }));
    const found = await core.invoke('findJob', { query: 'job-exact-1' });
    expect(found).toMatchObject({
      exact: true,
      unique: true,
      complete: true,
      scanned: 0,
      cursor: null,
      matches: [{ job_id: 'job-exact-1', workspace_id: 'ws-a', status: 'pending', in_old: true }],
    });
  });

  it('finds a job by its key pasted from redis-cli, old or new', async () => {
    const core = env.core();
    await core.invoke('setFlag', { value: 'on', actor_id: 'ops' });
    await core.invoke('enqueue', sampleJob({ job_id: 'job-key-1', workspace_id: 'ws-a' }));
    for (const query of ['ai:jobs:job-key-1', 'ai:job:ws-a:job-key-1']) {
      const found = await core.invoke('findJob', { query });
      expect(found.matches).toEqual([
        {
          job_id: 'job-key-1',
          workspace_id: 'ws-a',
          status: 'pending',
          in_old: true,
          new_in: ['ws-a'],
        },
      ]);
      expect(found.exact).toBe(true);
    }
  });

  it('finds a job that exists only in the new schema under a registered workspace', async () => {
    const core = env.core();
    await core.invoke('enqueue', sampleJob({ job_id: 'job-reg', workspace_id: 'ws-b' }));
    await env.redis.hset('ai:job:ws-b:job-new-only', { job_id: 'job-new-only', status: 'running' });
    const found = await core.invoke('findJob', { query: 'job-new-only' });
    expect(found).toMatchObject({ exact: true, unique: true });
    expect(found.matches[0]).toEqual({
      job_id: 'job-new-only',
      workspace_id: 'ws-b',
      status: 'running',
      in_old: false,
      new_in: ['ws-b'],
    });
  });

  it('finds jobs another producer wrote, in no index and no registered workspace, by a unique part in any case', async () => {
    const core = env.core();
    await core.invoke('enqueue', sampleJob({ job_id: 'job-ours', workspace_id: 'ws-a' }));
    await env.redis.hset('ai:jobs:01HZX9FOREIGNAAA', {
      job_id: '01HZX9FOREIGNAAA',
      status: 'failed',
      workspace_id: 'ws-python',
    });
    await env.redis.hset('ai:job:ws-elsewhere:01HZX9ONLYNEWBBB', { status: 'pending' });
    expect(await env.redis.sismember('ai:qs:workspaces', 'ws-python')).toBe(0);

    const old = await core.invoke('findJob', { query: 'foreignaaa' });
    expect(old).toMatchObject({ exact: false, unique: true, complete: true, cursor: null });
    expect(old.matches).toEqual([
      {
        job_id: '01HZX9FOREIGNAAA',
        workspace_id: 'ws-python',
        status: 'failed',
        in_old: true,
        new_in: [],
      },
    ]);
    expect(old.scanned).toBe(old.keyspace);

    const fresh = await core.invoke('findJob', { query: 'OnlyNew' });
    expect(fresh.matches).toEqual([
      {
        job_id: '01HZX9ONLYNEWBBB',
        workspace_id: 'ws-elsewhere',
        status: 'pending',
        in_old: false,
        new_in: ['ws-elsewhere'],
      },
    ]);
  });

  it('lists every job a part matches, and says it is not unique', async () => {
    const core = env.core();
    await core.invoke('setFlag', { value: 'on', actor_id: 'ops' });
    for (const [id, ws] of [
      ['abc-100', 'ws-a'],
      ['abc-101', 'ws-b'],
      ['xyz-100', 'ws-a'],
    ])
      await core.invoke('enqueue', sampleJob({ job_id: id, workspace_id: ws }));
    const found = await core.invoke('findJob', { query: 'abc-10' });
    expect(found.matches.map((m) => [m.job_id, m.workspace_id, m.new_in])).toEqual([
      ['abc-100', 'ws-a', ['ws-a']],
      ['abc-101', 'ws-b', ['ws-b']],
    ]);
    expect(found).toMatchObject({ exact: false, unique: false, complete: true, truncated: false });
  });

  it('stops at more matches than the limit and says so', async () => {
    const core = env.core();
    await core.invoke('enqueueMany', {
      jobs: Array.from({ length: 8 }, (_, i) => sampleJob({ job_id: `many-${i}` })),
    });
    const found = await core.invoke('findJob', { query: 'many', limit: 3 });
    expect(found.matches).toHaveLength(3);
    expect(found).toMatchObject({ truncated: true, unique: false, cursor: null });
  });

  it('takes glob characters in the query literally', async () => {
    const core = env.core();
    await core.invoke('enqueue', sampleJob({ job_id: 'plain-job' }));
    await env.redis.hset('ai:jobs:odd*id?[1]', { status: 'pending' });
    expect((await core.invoke('findJob', { query: '*' })).matches.map((m) => m.job_id)).toEqual([
      'odd*id?[1]',
    ]);
    expect((await core.invoke('findJob', { query: '?[' })).matches).toHaveLength(1);
    expect((await core.invoke('findJob', { query: 'nothing-like-it' })).matches).toEqual([]);
  });

  it('walks a large keyspace in steps within its budget, says how far it got, and finishes with the cursor', async () => {
    const core = env.core();
    const filler = 150_000;
    for (let i = 0; i < filler; i += 1000) {
      await env.redis.mset(
        Object.fromEntries(Array.from({ length: 1000 }, (_, j) => [`filler:${i + j}`, '1'])),
      );
    }
    await env.redis.hset('ai:jobs:needle-in-haystack', { status: 'failed', workspace_id: 'ws-h' });

    let result = await core.invoke('findJob', { query: 'in-hay', budget_ms: 50 });
    const calls = [result];
    while (result.cursor) {
      result = await core.invoke('findJob', {
        query: 'in-hay',
        budget_ms: 50,
        cursor: result.cursor,
      });
      calls.push(result);
    }
    expect(calls.length).toBeGreaterThan(1);
    expect(calls[0]!.complete).toBe(false);
    expect(calls[0]!.scanned).toBeLessThan(calls[0]!.keyspace);
    expect(calls[0]!.keyspace).toBe(filler + 1);
    // Progress only grows, and the last call has looked at every key.
    const scanned = calls.map((c) => c.scanned);
    expect([...scanned].sort((a, b) => a - b)).toEqual(scanned);
    expect(result).toMatchObject({ complete: true, unique: true, scanned: filler + 1 });
    expect(result.matches.map((m) => m.job_id)).toEqual(['needle-in-haystack']);
  });

  it('refuses an empty query and a cursor it did not make', async () => {
    const core = env.core();
    await expect(core.invoke('findJob', { query: '' })).rejects.toMatchObject({
      code: 'VALIDATION',
    });
    await expect(
      core.invoke('findJob', { query: 'x', cursor: 'not-a-cursor' }),
    ).rejects.toMatchObject({
      code: 'VALIDATION',
      details: { field: 'cursor' },
    });
  });
});
