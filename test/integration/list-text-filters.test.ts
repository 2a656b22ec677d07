import { describe, expect, it } from 'vitest';
import { TEXT_FILTER_BUDGET } from '../../electron/core/jobs/list';
import { sampleJob, useRedis } from '../helpers/core';

/** docs/triage.md "Filters": action and actor filters match any part in any case, in bounded steps. */
describe('listJobs action and actor filters', () => {
  const env = useRedis();

  it('match a part of the action and of the actor in any case, with a status too', async () => {
    const core = env.core();
    await core.invoke('enqueueMany', {
      jobs: [
        sampleJob({
          job_id: 'j-1',
          action_provider: 'google',
          action_name: 'gmail.send',
          actor_id: 'Ops.Alice',
        }),
        sampleJob({
          job_id: 'j-2',
          action_provider: 'slack',
          action_name: 'chat.postMessage',
          actor_id: 'alice-bot',
        }),
        sampleJob({
          job_id: 'j-3',
          action_provider: 'google',
          action_name: 'calendar.insert',
          actor_id: 'bob',
        }),
      ],
    });
    await core.invoke('updateStatus', { job_id: 'j-3', status: 'running' });
    const ids = async (input: Record<string, unknown>) =>
      (await core.invoke('listJobs', { workspace_id: 'ws-1', ...input })).rows.map((r) => r.job_id);
    expect(await ids({ action: 'GMAIL' })).toEqual(['j-1']);
    expect(await ids({ action: 'google' })).toEqual(['j-3', 'j-1']);
    expect(await ids({ action: 'e.gmail.s' })).toEqual(['j-1']);
    expect(await ids({ actor: 'ALICE' })).toEqual(['j-2', 'j-1']);
    expect(await ids({ actor: 'ali', action: 'slack' })).toEqual(['j-2']);
    expect(await ids({ action: 'google', status: 'running' })).toEqual(['j-3']);
    expect(await ids({ actor: 'nobody' })).toEqual([]);
  });

  it('search a big workspace in bounded steps and say how far each got', async () => {
    const core = env.core();
    const total = 25_000;
    for (let i = 0; i < total; i += 1000) {
      await core.invoke('enqueueMany', {
        jobs: Array.from({ length: 1000 }, (_, j) =>
          sampleJob({
            job_id: `big-${String(i + j).padStart(6, '0')}`,
            actor_id: i + j === 0 ? 'needle-Person' : 'crowd',
          }),
        ),
      });
    }
    const pages = [];
    let cursor: string | undefined;
    do {
      const page = await core.invoke('listJobs', {
        workspace_id: 'ws-1',
        actor: 'NEEDLE',
        ...(cursor ? { cursor } : {}),
      });
      pages.push(page);
      cursor = page.next_cursor ?? undefined;
    } while (cursor);
    // The one match is the oldest job: the search reached it in several bounded calls.
    expect(pages.length).toBeGreaterThanOrEqual(Math.ceil(total / TEXT_FILTER_BUDGET.ids));
    const searched = pages.map((p) => p.searched!);
    for (let i = 1; i < searched.length; i++) {
      expect(searched[i]! - searched[i - 1]!).toBeLessThanOrEqual(TEXT_FILTER_BUDGET.ids);
      expect(searched[i]!).toBeGreaterThan(searched[i - 1]!);
    }
    expect(searched[0]).toBeLessThanOrEqual(TEXT_FILTER_BUDGET.ids);
    expect(pages.slice(0, -1).every((p) => p.rows.length === 0)).toBe(true);
    expect(pages.at(-1)!.rows.map((r) => r.actor)).toEqual(['needle-Person']);
    expect(pages.at(-1)!.searched).toBe(total);
  });

  it('show a failed job error summary in its row', async () => {
    const core = env.core();
    await core.invoke('enqueueMany', {
      jobs: [sampleJob({ job_id: 'f-1' }), sampleJob({ job_id: 'ok-1' })],
    });
    for (const [id, status, result] of [
      ['f-1', 'failed', { error: 'invalid_grant', message: 'Token expired; reconnect.' }],
      ['ok-1', 'completed', { message_id: 'm-1' }],
    ] as const) {
      await core.invoke('updateStatus', { job_id: id, status: 'running' });
      await core.invoke('updateStatus', { job_id: id, status, result });
    }
    const rows = (await core.invoke('listJobs', { workspace_id: 'ws-1' })).rows;
    expect(rows.find((r) => r.job_id === 'f-1')?.error).toBe(
      'invalid_grant: Token expired; reconnect.',
    );
    expect(rows.find((r) => r.job_id === 'ok-1')).not.toHaveProperty('error');
  });
});
