import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { DivergenceItem, DivergenceReport } from '../../shared/contract';
import { keys } from '../../electron/core/keys';
import { divergenceCheck } from '../../electron/core/migration/divergence-check';
import { contextOf, useRedis } from '../helpers/core';
import { itemSignature } from '../helpers/report-signature';

/**
 * docs/guarantees.md, "Divergence check": a check scoped to a workspace reports exactly the items of
 * the whole check that concern it, for keyspaces written with raw commands by producers that never
 * touched Queuescope's indexes.
 */
const WORKSPACES = ['wa', 'wb', 'wc'] as const;
const FLIP_AT = Date.parse('2026-11-30T12:00:00.000Z');

/** One job as another producer may have left it, in either schema or both. */
const jobArb = fc.record({
  old: fc.oneof(
    { weight: 6, arbitrary: fc.constantFrom(...WORKSPACES) },
    { weight: 1, arbitrary: fc.constant('no-field' as const) },
    { weight: 1, arbitrary: fc.constant('absent' as const) },
    { weight: 1, arbitrary: fc.constant('wrong-type' as const) },
  ),
  copies: fc.subarray([...WORKSPACES], { maxLength: 2 }),
  /** Which copy fields differ from the old hash (by index in `copies`). */
  edited: fc.array(fc.boolean(), { minLength: 2, maxLength: 2 }),
  enqueuedBeforeFlip: fc.boolean(),
  queued: fc.boolean(),
  requestIn: fc.option(fc.constantFrom(...WORKSPACES), { nil: undefined }),
});

const keyspaceArb = fc.record({
  jobs: fc.array(jobArb, { minLength: 1, maxLength: 14 }),
  ghostsQueued: fc.nat({ max: 2 }),
  ghostRequests: fc.array(fc.constantFrom(...WORKSPACES), { maxLength: 2 }),
});

type Keyspace = typeof keyspaceArb extends fc.Arbitrary<infer T> ? T : never;

function jobHash(id: string, ws: string | null, enqueuedAt: string): Record<string, string> {
  return {
    job_id: id,
    status: 'pending',
    action_provider: 'google',
    action_name: 'gmail.send',
    ...(ws === null ? {} : { workspace_id: ws }),
    actor_id: 'u-1',
    params: '{"to": "a@example.com"}',
    result: '',
    enqueued_at: enqueuedAt,
  };
}

describe('a workspace-scoped check (property, real Redis)', () => {
  const env = useRedis();

  async function write(space: Keyspace): Promise<void> {
    const r = env.redis;
    await r.flushall();
    await r.set(keys.flag, 'on');
    await r.zadd(keys.flagHistory, FLIP_AT, `on:${FLIP_AT}`);
    for (const [i, job] of space.jobs.entries()) {
      const id = `job-${i}`;
      const at = new Date(FLIP_AT + (job.enqueuedBeforeFlip ? -60_000 : 60_000)).toISOString();
      const oldWs = job.old === 'no-field' ? null : job.old;
      const base = jobHash(
        id,
        WORKSPACES.includes(job.old as never) ? (oldWs as string) : null,
        at,
      );
      if (job.old === 'wrong-type') await r.set(keys.oldJob(id), 'not a hash');
      else if (job.old !== 'absent') await r.hset(keys.oldJob(id), base);
      for (const [c, ws] of job.copies.entries()) {
        const copy: Record<string, string> = { ...base, workspace_id: ws };
        if (job.old === 'absent' || job.old === 'wrong-type') copy.workspace_id = ws;
        // Python's and JavaScript's spelling of the same params are the same value, not an edit.
        copy.params = job.edited[c] ? '{"to":"b@example.com"}' : '{"to":"a@example.com"}';
        await r.hset(keys.newJob(ws, id), copy);
      }
      if (job.queued) await r.rpush(keys.queue, id);
      if (job.requestIn) await r.set(keys.idempotency(job.requestIn, `req-${i}`), id);
    }
    for (let g = 0; g < space.ghostsQueued; g++) await r.rpush(keys.queue, `ghost-${g}`);
    for (const [g, ws] of space.ghostRequests.entries())
      await r.set(keys.idempotency(ws, `ghost-req-${g}`), `ghost-job-${g}`);
  }

  const opts = { recheckPauseMs: 0, recheckRounds: 1, scanCount: 7, flagSkewMs: 0 };

  function concerns(item: DivergenceItem, ws: string): boolean {
    return item.workspace_id === ws || item.old_workspace === ws;
  }

  it('reports exactly the whole check’s items that concern its workspace, and its in-sync pairs', async () => {
    const ctx = contextOf(env.core());
    let runs = 0;
    await fc.assert(
      fc.asyncProperty(keyspaceArb, async (space) => {
        runs++;
        await write(space);
        const whole: DivergenceReport = await divergenceCheck(ctx, {}, {}, opts);
        expect(whole.truncated).toBe(false);
        let inSync = 0;
        for (const ws of [...WORKSPACES, 'wz']) {
          const scoped = await divergenceCheck(ctx, { workspace_id: ws }, {}, opts);
          expect(scoped.state).toBe('completed');
          expect(itemSignature(scoped.items)).toEqual(
            itemSignature(whole.items.filter((i) => concerns(i, ws))),
          );
          inSync += scoped.in_sync;
        }
        expect(inSync).toBe(whole.in_sync);
      }),
      { numRuns: 200 },
    );
    expect(runs).toBe(200);
  }, 120_000);
});
