import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startRedisServer, type RedisServer } from '../helpers/redis-server';
import { inConsumer, installConsumer, packQueuescope, REPO } from './consumer-project';

/**
 * docs/architecture.md, "Doors": the library door as a Node service uses it. The repository is
 * packed with `npm pack`, the tarball installed in a scratch project, and `queuescope` imported
 * from plain JavaScript (run against a real redis-server) and from TypeScript (type-checked
 * through the package's `exports`).
 */

let server: RedisServer;
let root: string;
let consumer: string;

beforeAll(async () => {
  root = mkdtempSync(join(tmpdir(), 'queuescope-consumer-'));
  consumer = join(root, 'service');
  mkdirSync(consumer);
  const [started, tarball] = await Promise.all([startRedisServer(), packQueuescope(root)]);
  server = started;
  await installConsumer(consumer, tarball);
}, 300_000);

afterAll(async () => {
  await server?.stop();
  if (root) rmSync(root, { recursive: true, force: true });
});

const SERVICE = `
import { ConflictError, JOB_STATUSES, JobFailure, Queue, QueuescopeError, startWorker } from 'queuescope';

const queue = new Queue({ url: process.env.REDIS_URL, actor: 'billing-service' });
const job = (name, extra = {}) => ({
  workspace_id: 'acme', action_provider: 'slack', action_name: name, actor_id: 'u_maria',
  params: { channel: '#ops' }, ...extra,
});
const out = { statuses: JOB_STATUSES };
const sent = await queue.enqueue(job('chat.postMessage', { client_request_id: 'req-1' }));
const again = await queue.enqueue(job('chat.postMessage', { client_request_id: 'req-1' }));
const broken = await queue.enqueue(job('explode'));
const manual = await queue.enqueue(job('by.hand'));
out.enqueued = { sent, again, broken, manual };
out.manualRunning = (await queue.updateStatus(manual.job_id, 'running', { workspaceId: 'acme' })).status;

const worker = startWorker(queue, async (j) => {
  if (j.action_name === 'explode') throw new JobFailure('boom', { code: 'E_BOOM' });
  return { ts: '1700.1', channel: j.params.channel };
}, { concurrency: 2, idleMs: 20 });
const deadline = Date.now() + 20000;
while (worker.stats.completed + worker.stats.failed + worker.stats.skipped < 3 && Date.now() < deadline)
  await new Promise((r) => setTimeout(r, 20));
await worker.stop();
out.stats = { ...worker.stats };

out.manualDone = (await queue.updateStatus(manual.job_id, 'completed', { workspaceId: 'acme', result: { by: 'hand' } })).status;
out.sent = await queue.get(sent.job_id, 'acme');
out.broken = await queue.get(broken.job_id, 'acme');
out.copies = await queue.inspect(sent.job_id, 'acme');
out.retried = await queue.retry(broken.job_id, 'acme', { actor: 'ops-kim' });
try { await queue.retry(broken.job_id, 'acme'); } catch (e) {
  out.retryAgain = { conflict: e instanceof ConflictError, code: e.code };
}
try { await queue.enqueue(job('x', { workspace_id: 'acme:*' })); } catch (e) {
  out.invalid = { base: e instanceof QueuescopeError, code: e.code, message: e.message };
}
out.flag = await queue.flag();
await queue.close();
process.stdout.write(JSON.stringify(out));
`;

const TYPED = `
import { JobFailure, Queue, startWorker, type Job, type NewJob, type WorkerStats } from 'queuescope';

const queue = new Queue({ url: 'redis://127.0.0.1:6379', actor: 'billing-service' });
const job: NewJob = {
  workspace_id: 'acme', action_provider: 'gmail', action_name: 'send', actor_id: 'u_1',
  params: { to: 'a@example.com' },
};

export async function main(): Promise<WorkerStats> {
  const { job_id, outcome } = await queue.enqueue(job);
  const kind: 'enqueued' | 'duplicate' = outcome;
  const read: Job | null = await queue.get(job_id, 'acme');
  // @ts-expect-error: 'done' is not a status
  await queue.updateStatus(job_id, 'done', { workspaceId: 'acme' });
  // @ts-expect-error: params is a JSON object
  await queue.enqueue({ ...job, params: 'to=a@example.com' });
  // @ts-expect-error: a retry names the workspace
  await queue.retry(job_id);
  const worker = startWorker(queue, async (j: Job) => {
    if (!j.params) throw new JobFailure('no params', { reason: 'empty' });
    return { sent: true, kind, read: read?.status ?? null };
  });
  await worker.stop();
  return worker.stats;
}
`;

describe('the library door: queuescope installed from its tarball', () => {
  it('exports the library, whose bundle imports no Electron, React or door code', () => {
    const installed = join(consumer, 'node_modules', 'queuescope');
    const manifest = JSON.parse(readFileSync(join(installed, 'package.json'), 'utf8'));
    expect(manifest.exports['.']).toEqual({
      types: './dist-lib/index.d.ts',
      import: './dist-lib/index.mjs',
    });
    const bundle = readFileSync(join(installed, 'dist-lib', 'index.mjs'), 'utf8');
    const imported = [...bundle.matchAll(/^import\s[^'"]*?['"]([^'"]+)['"]/gm)].map((m) => m[1]!);
    expect(imported).toContain('ioredis');
    const packages = imported.filter((name) => !name.startsWith('node:'));
    const allowed = ['ioredis', 'p-limit', 'prom-client', 'uuid', 'zod'];
    expect(packages.filter((name) => !allowed.includes(name))).toEqual([]);
    expect(bundle).not.toMatch(/electron\/(adapters|server|cli|main|preload)/);
  });

  it('a plain .mjs service enqueues, works, reads and retries jobs in both schemas of a real Redis', async () => {
    const redis = server.client();
    await redis.set('ai:flags:new_schema', 'on');
    writeFileSync(join(consumer, 'service.mjs'), SERVICE);
    const { stdout } = await inConsumer(consumer, process.execPath, ['service.mjs'], {
      REDIS_URL: server.url,
    });
    const out = JSON.parse(stdout);
    const { sent, again, broken, manual } = out.enqueued;
    expect(out.statuses).toEqual(['pending', 'running', 'completed', 'failed']);
    expect(sent.outcome).toBe('enqueued');
    expect(again).toEqual({ outcome: 'duplicate', job_id: sent.job_id });
    expect(out.manualRunning).toBe('running');
    // The job an operator had already moved to running is left to them, not run twice.
    expect(out.stats).toMatchObject({ started: 2, completed: 1, failed: 1, skipped: 1, errors: 0 });
    expect(out.manualDone).toBe('completed');
    expect(out.sent).toMatchObject({
      status: 'completed',
      result: { ts: '1700.1', channel: '#ops' },
      workspace_id: 'acme',
    });
    expect(out.broken).toMatchObject({ status: 'failed', result: { code: 'E_BOOM' } });
    expect(out.copies.differences).toEqual([]);
    expect(out.retried).toMatchObject({ status: 'pending', attempts: 1, retried_by: 'ops-kim' });
    expect(out.retryAgain).toEqual({ conflict: true, code: 'CONFLICT' });
    expect(out.invalid).toMatchObject({ base: true, code: 'VALIDATION' });
    expect(out.invalid.message).toMatch(/workspace_id/);
    expect(out.flag).toEqual({ new_schema: 'on', source: 'redis' });

    // What the service wrote is what any other client of the queue sees, in both schemas.
    for (const [id, status] of [
      [sent.job_id, 'completed'],
      [manual.job_id, 'completed'],
      [broken.job_id, 'pending'],
    ]) {
      expect(await redis.hget(`ai:jobs:${id}`, 'status')).toBe(status);
      expect(await redis.hget(`ai:job:acme:${id}`, 'status')).toBe(status);
    }
    expect(await redis.lrange('ai:queue:pending', 0, -1)).toEqual([broken.job_id]);
    // The package's command line runs from the same install.
    const flags = await inConsumer(
      consumer,
      process.execPath,
      ['node_modules/queuescope/bin/queuescope.mjs', '--json', 'flags', 'get'],
      { REDIS_URL: server.url },
    );
    expect(JSON.parse(flags.stdout)).toEqual({ new_schema: 'on', source: 'redis' });

    // A queue given an actor audits its writes (docs/operations.md, "Audit").
    const audit = await redis.xrange('ai:qs:audit', '-', '+');
    const operations = audit.map(([, fields]) => fields[fields.indexOf('operation') + 1]);
    expect(operations).toEqual(expect.arrayContaining(['enqueue', 'updateStatus', 'retry']));
  }, 60_000);

  it('TypeScript (nodenext) type-checks a service against the types in the package exports', async () => {
    writeFileSync(join(consumer, 'service.ts'), TYPED);
    writeFileSync(
      join(consumer, 'tsconfig.json'),
      JSON.stringify({
        compilerOptions: {
          module: 'nodenext',
          moduleResolution: 'nodenext',
          target: 'es2022',
          strict: true,
          noEmit: true,
          skipLibCheck: false,
          types: ['node'],
          typeRoots: [join(REPO, 'node_modules', '@types')],
        },
        files: ['service.ts'],
      }),
    );
    const tsc = join(REPO, 'node_modules', 'typescript', 'bin', 'tsc');
    const checked = await inConsumer(consumer, process.execPath, [tsc, '-p', '.']).catch(
      (error: { stdout: string }) => ({ stdout: error.stdout, failed: true }),
    );
    expect(checked.stdout).toBe('');
    expect('failed' in checked).toBe(false);
  }, 120_000);
});
