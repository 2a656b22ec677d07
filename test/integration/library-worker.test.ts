import { afterEach, describe, expect, it } from 'vitest';
import { Queue, type QueueOptions } from '../../electron/lib/queue';
import { JobFailure, startWorker, type Worker } from '../../electron/lib/worker';
import { useRedis } from '../helpers/core';

/**
 * docs/architecture.md, "Doors" (library): the worker against a real Redis, in the ways a service
 * meets it: stopped mid-job, handed bad results, racing another worker, and Redis going away.
 */

const env = useRedis();
const queues: Queue[] = [];
const workers: Worker[] = [];

afterEach(async () => {
  await Promise.all(workers.splice(0).map((w) => w.stop()));
  await Promise.all(queues.splice(0).map((q) => q.close()));
});

function queue(options: QueueOptions = {}): Queue {
  const q = new Queue({ url: env.server.url, newSchemaDefault: 'on', ...options });
  queues.push(q);
  return q;
}

const job = (id: string, extra: Record<string, unknown> = {}) => ({
  workspace_id: 'acme',
  action_provider: 'openai',
  action_name: 'chat.completions',
  actor_id: 'u_li',
  params: { prompt: 'hi' },
  job_id: id,
  ...extra,
});

async function eventually(check: () => Promise<boolean> | boolean, ms = 10_000): Promise<void> {
  const deadline = Date.now() + ms;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error('condition not met in time');
    await new Promise((r) => setTimeout(r, 20));
  }
}

const status = (id: string) => env.redis.hget(`ai:jobs:${id}`, 'status');

describe('startWorker', () => {
  it('stop() puts the jobs whose handler gave up back on the queue, as pending', async () => {
    const q = queue();
    for (const id of ['j1', 'j2', 'j3']) await q.enqueue(job(id));
    const started: string[] = [];
    const worker = startWorker(
      q,
      (j, { signal }) =>
        new Promise((_, reject) => {
          started.push(j.job_id);
          signal.addEventListener('abort', () => reject(new Error('interrupted')));
        }),
      { concurrency: 2, idleMs: 20 },
    );
    await eventually(() => started.length === 2);
    expect(await status('j1')).toBe('running');
    await worker.stop();
    expect(worker.stats).toMatchObject({ started: 2, requeued: 2, failed: 0, errors: 0 });
    for (const id of ['j1', 'j2', 'j3']) {
      expect(await status(id)).toBe('pending');
      expect(await env.redis.hget(`ai:job:acme:${id}`, 'status')).toBe('pending');
    }
    // The job never started kept its place; the interrupted ones queue behind it.
    expect(await env.redis.lrange('ai:queue:pending', 0, -1)).toEqual(['j3', 'j1', 'j2']);
  });

  it('fails a job whose handler returns no object, or a result too big to store, saying why', async () => {
    const q = queue({ maxJsonBytes: 1024 });
    await q.enqueue(job('text'));
    await q.enqueue(job('huge'));
    await q.enqueue(job('fine'));
    await q.enqueue(job('refused'));
    const worker = startWorker(q, (j) => {
      if (j.job_id === 'text') return 'done' as never;
      if (j.job_id === 'huge') return { blob: 'x'.repeat(4096) };
      if (j.job_id === 'refused') throw new JobFailure('quota', { code: 429 });
      return undefined;
    });
    workers.push(worker);
    await eventually(async () => worker.stats.completed + worker.stats.failed === 4);
    expect(worker.stats).toMatchObject({ completed: 1, failed: 3, errors: 0 });
    expect(await q.get('text', 'acme')).toMatchObject({
      status: 'failed',
      result: { error: expect.stringMatching(/returned a string, not a JSON object/) },
    });
    expect(await q.get('huge', 'acme')).toMatchObject({
      status: 'failed',
      result: { error: expect.stringMatching(/^result refused: .*result/) },
    });
    expect(await q.get('refused', 'acme')).toMatchObject({
      status: 'failed',
      result: { code: 429 },
    });
    expect(await q.get('fine', 'acme')).toMatchObject({ status: 'completed', result: null });
  });

  it('two workers on their own connections run each of 60 jobs exactly once', async () => {
    const producer = queue();
    const ids = Array.from({ length: 60 }, (_, i) => `job-${i}`);
    expect(
      (await producer.enqueueMany(ids.map((id) => job(id)))).every((r) => r.outcome === 'enqueued'),
    ).toBe(true);
    const runs = new Map<string, number>();
    const handler = async (j: { job_id: string }) => {
      runs.set(j.job_id, (runs.get(j.job_id) ?? 0) + 1);
      await new Promise((r) => setTimeout(r, 2));
      return { by: 'worker' };
    };
    const a = startWorker(queue(), handler, { concurrency: 4, idleMs: 10 });
    const b = startWorker(queue(), handler, { concurrency: 4, idleMs: 10 });
    workers.push(a, b);
    await eventually(() => a.stats.completed + b.stats.completed === 60);
    expect([...runs.values()].every((n) => n === 1)).toBe(true);
    expect(runs.size).toBe(60);
    expect(a.stats.completed).toBeGreaterThan(0);
    expect(b.stats.completed).toBeGreaterThan(0);
    for (const id of ids) expect(await status(id)).toBe('completed');
  });

  it('skips a queue entry whose job is gone or already taken, and runs the rest', async () => {
    const q = queue();
    await q.enqueue(job('taken'));
    await q.updateStatus('taken', 'running', { workspaceId: 'acme' });
    await env.redis.rpush('ai:queue:pending', 'ghost');
    await q.enqueue(job('real'));
    const seen: string[] = [];
    const worker = startWorker(q, (j) => void seen.push(j.job_id), { idleMs: 10 });
    workers.push(worker);
    await eventually(() => worker.stats.completed === 1 && worker.stats.skipped === 2);
    expect(seen).toEqual(['real']);
    expect(worker.stats.errors).toBe(0);
    expect(await status('taken')).toBe('running');
  });

  it('keeps going through a Redis outage and runs what is queued once Redis answers', async () => {
    const q = queue({ commandTimeoutMs: 300 });
    const errors: unknown[] = [];
    const worker = startWorker(q, () => ({ ok: true }), {
      idleMs: 50,
      onError: (error) => errors.push(error),
    });
    workers.push(worker);
    env.server.pause();
    try {
      await eventually(() => errors.length > 0);
    } finally {
      env.server.resume();
    }
    expect(errors[0]).toMatchObject({ code: 'REDIS_UNAVAILABLE' });
    // Resumed, the server first answers what queued up while it was stopped, which on a loaded
    // host can outlast the 300 ms command timeout: the enqueue is repeated until Redis answers it
    // (a conflict says an earlier try went in).
    await eventually(() =>
      q.enqueue(job('after')).then(
        () => true,
        (error: { code?: string }) => error.code === 'CONFLICT',
      ),
    );
    await eventually(async () => (await status('after')) === 'completed');
  });
});
