import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import type { DivergenceReport } from '../../shared/contract';
import { keys } from '../../electron/core/keys';
import { dualWriteOnSettled, sampleJob, useRedis } from '../helpers/core';
import { reportSignature } from '../helpers/report-signature';

/** docs/guarantees.md, "Divergence check": a check whose process was killed resumes exactly. */
const root = fileURLToPath(new URL('../..', import.meta.url));
const bin = fileURLToPath(new URL('../../bin/queuescope.mjs', import.meta.url));
const env = useRedis();

function queuescope(args: string[]) {
  const child = spawn(process.execPath, [bin, '--json', ...args], {
    cwd: root,
    env: { ...process.env, REDIS_URL: env.server.url, QUEUESCOPE_FLAG_SKEW_MS: '0' },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stdout = '';
  let stderr = '';
  let exited = false;
  child.stdout.on('data', (d) => (stdout += d));
  child.stderr.on('data', (d) => (stderr += d));
  const exit = new Promise<{ code: number | null; stdout: string }>((resolve) =>
    child.on('close', (code) => {
      exited = true;
      resolve({ code, stdout });
    }),
  );
  return { child, exit, running: () => !exited, stderr: () => stderr };
}

describe('a divergence check whose process was killed', () => {
  it('resumes with `divergence --resume` to the report a fresh check gives', async () => {
    const core = env.core();
    await dualWriteOnSettled(core);
    for (let i = 0; i < 60_000; i += 1000)
      await core.invoke('enqueueMany', {
        jobs: Array.from({ length: 1000 }, (_, j) => sampleJob({ job_id: `job-${i + j}` })),
      });
    for (let i = 0; i < 60_000; i += 997)
      await env.redis.hset(keys.newJob('ws-1', `job-${i}`), 'status', 'failed');
    await env.redis.hset(keys.oldJob('foreign'), { job_id: 'foreign', workspace_id: 'ws-2' });

    const killed = queuescope(['divergence']);
    // Kill it once it has saved a checkpoint past the start of its walk.
    for (;;) {
      const text = await env.redis.get(keys.divergenceCheckpoint('*'));
      if (text && (JSON.parse(text) as { cursor: string }).cursor !== '0') break;
      // A check that ended (or never started) before a checkpoint was seen fails here, not by timeout.
      expect(killed.running(), `the check ended first: ${killed.stderr()}`).toBe(true);
      await new Promise((r) => setTimeout(r, 10));
    }
    killed.child.kill('SIGKILL');
    expect((await killed.exit).code).toBeNull();

    const resumed = await queuescope(['divergence', '--resume']).exit;
    const fresh = await queuescope(['divergence']).exit;
    expect([resumed.code, fresh.code]).toEqual([1, 1]);
    const [a, b] = [resumed, fresh].map((r) => JSON.parse(r.stdout) as DivergenceReport);
    expect(a!.resumed).toBe(true);
    expect(reportSignature(a!)).toEqual(reportSignature(b!));
    expect(b!.counts.mismatch).toBe(61);
    expect(b!.counts.missing_in_new).toBe(1);
  }, 120_000);
});
