import { describe, expect, it } from 'vitest';
import { keys } from '../../electron/core/keys';
import { useRedis } from '../helpers/core';

/**
 * docs/architecture.md, "Keys": hashes written by other producers (Python, older versions) read
 * correctly, extras kept.
 */
describe('job hashes written by another producer', () => {
  const env = useRedis();
  const python = {
    job_id: 'py-1',
    status: 'completed',
    action_provider: 'google',
    action_name: 'gmail.send',
    params: '{"to": "a", "cc": ["b", "c"], "n": 1.0, "name": "M\\u00fcller"}',
    workspace_id: 'ws-1',
    actor_id: 'user-1',
    result: '{"ok": true}',
    enqueued_at: '2025-01-01T00:00:00+00:00',
    finished_at: '2025-01-01T00:00:05+00:00',
    priority: '5',
    trace_id: 'abc',
  };

  it('getJob parses Python-style JSON and keeps unknown fields', async () => {
    const core = env.core();
    await env.redis.hset(keys.oldJob('py-1'), python);
    const found = await core.invoke('getJob', { job_id: 'py-1' });
    expect(found).toEqual({
      source: 'old',
      job: {
        job_id: 'py-1',
        status: 'completed',
        action_provider: 'google',
        action_name: 'gmail.send',
        params: { to: 'a', cc: ['b', 'c'], n: 1, name: 'Müller' },
        workspace_id: 'ws-1',
        actor_id: 'user-1',
        result: { ok: true },
        enqueued_at: '2025-01-01T00:00:00+00:00',
        finished_at: '2025-01-01T00:00:05+00:00',
        extra: { priority: '5', trace_id: 'abc' },
      },
    });
  });

  it('reads a hash missing most fields, with invalid JSON, or of the wrong type, without throwing', async () => {
    const core = env.core();
    await env.redis.hset(keys.oldJob('bare'), { status: 'pending' });
    await env.redis.hset(keys.oldJob('repr'), {
      job_id: 'repr',
      status: 'failed',
      params: "{'to': 'a'}",
      result: 'Traceback (most recent call last)',
      attempts: 'two',
    });
    await env.redis.set(keys.oldJob('not-a-hash'), 'x');
    expect(await core.invoke('getJob', { job_id: 'bare' })).toEqual({
      source: 'old',
      job: { job_id: 'bare', status: 'pending', extra: {} },
    });
    expect(await core.invoke('getJob', { job_id: 'repr' })).toEqual({
      source: 'old',
      job: {
        job_id: 'repr',
        status: 'failed',
        invalid_json: { params: "{'to': 'a'}", result: 'Traceback (most recent call last)' },
        extra: { attempts: 'two' },
      },
    });
    expect(await core.invoke('getJob', { job_id: 'not-a-hash' })).toMatchObject({
      job: { job_id: 'not-a-hash', extra: { wrong_type: 'string' } },
    });
  });

  it('inspectJob sees no difference between {"to": "a"} and {"to":"a"}, only real ones', async () => {
    const core = env.core();
    const js = {
      ...python,
      params: '{"name":"Müller","n":1,"cc":["b","c"],"to":"a"}',
      result: '{"ok":true}',
    };
    await env.redis.hset(keys.oldJob('py-1'), python);
    await env.redis.hset(keys.newJob('ws-1', 'py-1'), js);
    const same = await core.invoke('inspectJob', { job_id: 'py-1', workspace_id: 'ws-1' });
    expect(same.differences).toEqual([]);
    expect(same.old).toEqual(same.new);

    await env.redis.hset(keys.newJob('ws-1', 'py-1'), {
      params: '{"to": "b"}',
      status: 'running',
      only_new: 'x',
    });
    const differ = await core.invoke('inspectJob', { job_id: 'py-1', workspace_id: 'ws-1' });
    expect(differ.differences).toEqual(['only_new', 'params', 'status']);
  });

  it('updateStatus and retry leave another producer’s extra fields alone', async () => {
    const core = env.core();
    await env.redis.hset(keys.oldJob('py-1'), { ...python, status: 'running' });
    await core.invoke('updateStatus', { job_id: 'py-1', status: 'failed', result: { e: 1 } });
    const retried = await core.invoke('retry', {
      job_id: 'py-1',
      workspace_id: 'ws-1',
      actor_id: 'ops',
    });
    expect(retried.extra).toEqual({ priority: '5', trace_id: 'abc' });
    expect(retried.params).toEqual({ to: 'a', cc: ['b', 'c'], n: 1, name: 'Müller' });
    expect(await env.redis.hget(keys.oldJob('py-1'), 'params')).toBe(python.params);
  });
});
