import type { Page } from '@playwright/test';
import { expect, test } from './fixtures';

/** One card of the overview's "at a glance" list, by its exact label. */
const cardOf = (page: Page, label: string) =>
  page
    .getByLabel('Migration at a glance')
    .locator('.glance-card')
    .filter({ has: page.locator('dt').getByText(label, { exact: true }) });

const job = (job_id: string, workspace_id: string) => ({
  workspace_id,
  job_id,
  action_provider: 'google',
  action_name: 'gmail.send',
  actor_id: 'user-1',
});

/** docs/triage.md "Overview". */
test.describe('overview', () => {
  test.use({
    // eslint-disable-next-line no-empty-pattern
    seed: async ({}, use) => {
      await use(async (core) => {
        for (const id of ['a-1', 'a-2', 'a-3']) await core.invoke('enqueue', job(id, 'ws-a'));
        await core.invoke('setFlag', { value: 'on', actor_id: 'e2e' });
        await new Promise((resolve) => setTimeout(resolve, 5));
        await core.invoke('enqueue', job('a-4', 'ws-a'));
        await core.invoke('enqueue', job('b-1', 'ws-b'));
        await core.invoke('updateStatus', {
          job_id: 'b-1',
          status: 'running',
          workspace_id: 'ws-b',
        });
        await core.invoke('updateStatus', {
          job_id: 'b-1',
          status: 'failed',
          workspace_id: 'ws-b',
          result: { error: 'boom' },
        });
        await core.invoke('divergenceCheck', {});
      });
    },
  });

  test('the console opens on Overview: the flag and since when, coverage, the last check, failures, queue depth and every workspace', async ({
    page,
    baseUrl,
    redis,
  }) => {
    await page.goto(baseUrl);
    await expect(page.getByRole('heading', { name: 'Overview', level: 1 })).toBeVisible();
    const card = (label: string) => cardOf(page, label);
    await expect(card('Dual-write')).toContainText('On');
    // "since" is the flag history's entry, stamped with Redis TIME.
    const [member] = await redis.zrange('ai:qs:flag:history', '-1', '-1');
    const since = Number(member!.split(':')[1]);
    const local = new Date(since);
    const pad = (n: number) => String(n).padStart(2, '0');
    await expect(card('Dual-write')).toContainText(
      `since ${local.getFullYear()}-${pad(local.getMonth() + 1)}-${pad(local.getDate())} ${pad(local.getHours())}:${pad(local.getMinutes())}`,
    );
    await expect(card('New-schema coverage')).toContainText('40 %');
    await expect(card('New-schema coverage')).toContainText('2 new copies for 5 old-schema jobs');
    await expect(card('Last check')).toContainText('In sync');
    await expect(card('Last check')).toContainText('3 awaiting backfill');
    await expect(card('Dual-write failures, 15 min')).toContainText('0 of 2 dual-write attempts');
    await expect(card('Queue depth')).toContainText('5');

    const table = page.getByRole('table', { name: 'Workspaces at a glance' });
    await expect(table.getByRole('row', { name: /^ws-a/ })).toContainText('25 %');
    const wsB = table.getByRole('row', { name: /^ws-b/ });
    await expect(wsB).toContainText('100 %');
    // A failed count opens that workspace's failed jobs.
    await wsB.getByRole('button', { name: '1' }).first().click();
    await expect(page).toHaveURL(/#\/jobs\/ws-b\?status=failed$/);
    await expect(page.getByRole('table', { name: 'Jobs' }).locator('[data-job-id]')).toHaveCount(1);
    await page.screenshot({ path: '/tmp/shots/overview-jobs.png' });
  });

  test('while dual-write is off, every screen says so and links to Migration', async ({
    page,
    baseUrl,
    redis,
  }) => {
    await page.goto(baseUrl);
    await expect(page.getByRole('heading', { name: 'Overview' })).toBeVisible();
    const banner = page.getByRole('status', { name: 'Dual-write is off' });
    await expect(banner).toHaveCount(0);
    // Flipped by another client: the host's flag watch brings it to every open console.
    await redis.set('ai:flags:new_schema', 'off');
    await expect(banner).toBeVisible({ timeout: 10_000 });
    await expect(banner).toContainText('New jobs are written to the old schema only');
    await expect(cardOf(page, 'Dual-write')).toContainText('Off');
    await page.screenshot({ path: '/tmp/shots/overview-off.png' });
    for (const screen of ['Jobs', 'Queue', 'Metrics', 'Audit', 'Enqueue job']) {
      await page
        .getByRole('navigation', { name: 'Screens' })
        .getByRole('button', { name: screen, exact: true })
        .click();
      await expect(banner).toBeVisible();
    }
    await banner.getByRole('link', { name: 'Open Migration' }).click();
    await expect(page.getByRole('heading', { name: 'Migration', level: 1 })).toBeVisible();
    await redis.set('ai:flags:new_schema', 'on');
    await expect(banner).toHaveCount(0, { timeout: 10_000 });
  });
});
