import type { Page } from '@playwright/test';
import type { QueueCore } from '../../electron/core/core';
import { expect, test } from './fixtures';

const job = (id: string) => ({
  workspace_id: 'ws-1',
  action_provider: 'google',
  action_name: 'gmail.send',
  actor_id: 'u',
  job_id: id,
});

/** Three jobs from before dual-write (awaiting backfill) and job-7 with a lost update in its new copy. */
async function seed(core: QueueCore) {
  await core.invoke('setFlag', { value: 'off', actor_id: 'ops' });
  await core.invoke('enqueueMany', { jobs: ['early-0', 'early-1', 'early-2'].map(job) });
  await new Promise((r) => setTimeout(r, 5));
  await core.invoke('setFlag', { value: 'on', actor_id: 'ops' });
  await new Promise((r) => setTimeout(r, 5));
  await core.invoke('enqueueMany', { jobs: ['job-6', 'job-7'].map(job) });
  await core.redis.hset('ai:job:ws-1:job-7', 'status', 'running');
}

// eslint-disable-next-line no-empty-pattern
test.use({ seed: async ({}, use) => use(seed) });

const screen = (page: Page, name: string) =>
  page.getByRole('navigation', { name: 'Screens' }).getByRole('button', { name }).click();

test('repair and backfill entries say their scope, categories, report, dry run or not, and counts', async ({
  page,
  baseUrl,
}) => {
  await page.goto(`${baseUrl}#/migration`);
  const panel = page.getByRole('region', { name: 'Divergence between the schemas' });
  await panel.getByRole('button', { name: 'Run divergence check' }).click();
  await expect(panel.getByRole('status').filter({ hasText: 'completed' })).toBeVisible({
    timeout: 30_000,
  });

  await panel.getByRole('button', { name: 'Repair…' }).click();
  const repair = page.getByRole('dialog', { name: 'Repair divergent jobs' });
  await repair.getByRole('checkbox', { name: /Awaiting backfill/ }).uncheck();
  await repair.getByRole('button', { name: 'Repair 1 job' }).click();
  await expect(repair.getByRole('status')).toContainText('Repaired 1; skipped 0.');
  await repair.getByRole('button', { name: 'Close' }).click();

  await panel.getByRole('button', { name: 'Backfill…' }).click();
  const backfill = page.getByRole('dialog', { name: 'Backfill the new schema' });
  await backfill.getByRole('button', { name: 'Backfill 3 jobs' }).click();
  await expect(backfill.getByRole('status')).toContainText('Backfilled 3; skipped 0.');
  await backfill.getByRole('button', { name: 'Close' }).click();

  await screen(page, 'Audit');
  const rows = page.getByRole('table', { name: 'Audit' }).getByRole('row');
  const reportId = /report (\S+)\)/;
  const applied = rows.filter({ hasText: 'not a dry run' });
  await expect(applied).toHaveCount(2);
  // Newest first: the backfill, then the repair of the mismatch alone.
  await expect(applied.nth(0)).toContainText(
    /backfill; not a dry run; scope: all workspaces; categories: missing_in_new, awaiting_backfill; report: \S+; planned 3, applied 3, skipped 0, unknown 0/,
  );
  await expect(applied.nth(1)).toContainText(
    /repair; not a dry run; scope: all workspaces; categories: mismatch; report: \S+; planned 1, applied 1, skipped 0, unknown 0/,
  );
  await expect(applied.nth(1)).toContainText(reportId);
  await expect(applied.nth(1).getByRole('cell').last()).toHaveText('ok');
  // The previews were audited too, as dry runs that wrote nothing.
  await expect(rows.filter({ hasText: 'dry run: nothing written' }).first()).toBeVisible();
});

test('a flag change made with redis-cli is recorded once, as external, however many hosts watch', async ({
  page,
  baseUrl,
  server,
  redis,
  browser,
}) => {
  // A second host on the same Redis, with a console of its own open (hosts watch while one is).
  const { serve } = await import('../../electron/server/serve');
  const second = await serve({ redisUrl: server.url, readOnly: false, indexer: false });
  const other = await browser.newPage();
  try {
    await other.goto(`${second.url}#/migration`);
    await page.goto(`${baseUrl}#/migration`);
    for (const p of [page, other])
      await expect(p.getByRole('switch', { name: 'Dual-write to new schema' })).toBeChecked();

    await redis.set('ai:flags:new_schema', 'off'); // as with redis-cli
    for (const p of [page, other])
      await expect(p.getByRole('switch', { name: 'Dual-write to new schema' })).not.toBeChecked({
        timeout: 10_000,
      });
    await new Promise((r) => setTimeout(r, 2_500)); // both hosts have probed since

    await screen(page, 'Audit');
    const external = page
      .getByRole('table', { name: 'Audit' })
      .getByRole('row')
      .filter({ hasText: /external \(seen by host .+\)/ });
    await expect(external).toHaveCount(1);
    await expect(external).toContainText('setFlag');
    await expect(external).toContainText('new_schema=off');
    await expect(external).toContainText('changed outside Queuescope');
    const stream = await redis.xrange('ai:qs:audit', '-', '+');
    expect(stream.filter(([, f]) => f.join(' ').includes('external (seen by host'))).toHaveLength(
      1,
    );
    // The history knows when, so the check and the jobs list date the flip right.
    expect((await redis.zrange('ai:qs:flag:history', '-1', '-1'))[0]).toMatch(/^off:\d{13}$/);
  } finally {
    await other.close();
    await second.close();
  }
});
