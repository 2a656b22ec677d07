import { join } from 'node:path';
import type { Page } from '@playwright/test';
import type { QueueCore } from '../../electron/core/core';
import { expect, test } from './fixtures';

const job = (id: string, ws = 'ws-1') => ({
  workspace_id: ws,
  action_provider: 'google',
  action_name: 'gmail.send',
  actor_id: 'u',
  params: { to: 'a@example.com' },
  job_id: id,
});

/**
 * ws-1: three jobs from before dual-write (awaiting backfill), job-7 and job-8 whose new copies a
 * worker's lost update left behind (mismatch); ws-2: one job in sync.
 */
async function seed(core: QueueCore) {
  await core.invoke('setFlag', { value: 'off', actor_id: 'ops' });
  await core.invoke('enqueueMany', {
    jobs: ['early-0', 'early-1', 'early-2'].map((id) => job(id)),
  });
  await new Promise((r) => setTimeout(r, 5));
  await core.invoke('setFlag', { value: 'on', actor_id: 'ops' });
  await new Promise((r) => setTimeout(r, 5));
  await core.invoke('enqueueMany', {
    jobs: [...['job-6', 'job-7', 'job-8'].map((id) => job(id)), job('other', 'ws-2')],
  });
  await core.redis.hset('ai:job:ws-1:job-7', 'status', 'running');
  await core.redis.hset('ai:job:ws-1:job-8', 'status', 'running');
}

// eslint-disable-next-line no-empty-pattern
test.use({ seed: async ({}, use) => use(seed) });

const shot = async (page: Page, name: string) => {
  if (process.env.QS_SCREENSHOTS)
    await page.screenshot({ path: join(process.env.QS_SCREENSHOTS, `${name}.png`) });
};
const screens = (page: Page) => page.getByRole('navigation', { name: 'Screens' });
const panelOf = (page: Page) =>
  page.getByRole('region', { name: 'Divergence between the schemas' });

async function runCheck(page: Page) {
  const panel = panelOf(page);
  await panel.getByRole('button', { name: 'Run divergence check' }).click();
  await expect(panel.getByRole('status').filter({ hasText: 'completed' })).toBeVisible({
    timeout: 30_000,
  });
}

test('Repair… by category: only the ticked categories are planned and written; the report then marks fixed and skipped jobs', async ({
  page,
  baseUrl,
  redis,
}) => {
  await page.goto(`${baseUrl}#/migration`);
  await runCheck(page);
  const panel = panelOf(page);
  // A worker finishes job-8 after the check: its fix must be skipped, not overwrite the worker.
  await redis.hset('ai:jobs:job-8', 'status', 'completed');

  await panel.getByRole('button', { name: 'Repair…' }).click();
  const dialog = page.getByRole('dialog', { name: 'Repair divergent jobs' });
  const categories = dialog.getByRole('group', { name: 'Repair these categories' });
  await expect(categories.getByRole('checkbox')).toHaveCount(2);
  await expect(dialog.getByRole('button', { name: 'Repair 5 jobs' })).toBeVisible();
  await categories.getByRole('checkbox', { name: 'Awaiting backfill (3)' }).uncheck();
  await expect(dialog.getByRole('list', { name: 'Repair counts' })).toHaveText('2 Mismatch');
  await shot(page, 'repair-categories');
  await dialog.getByRole('button', { name: 'Repair 2 jobs' }).click();
  await expect(dialog.getByRole('status')).toContainText('Repaired 1; skipped 1.');
  await dialog.getByRole('button', { name: 'Close' }).click();

  expect(await redis.hget('ai:job:ws-1:job-7', 'status')).toBe('pending');
  expect(await redis.hget('ai:job:ws-1:job-8', 'status')).toBe('running');
  expect(await redis.exists('ai:job:ws-1:early-0')).toBe(0); // not ticked, not written

  const table = panel.getByRole('table', { name: 'Divergent jobs' });
  await expect(table.getByRole('row', { name: /job-7/ })).toContainText('fixed');
  await expect(table.getByRole('row', { name: /job-8/ })).toContainText(
    'skipped: changed since the check',
  );
  await expect(table.getByRole('row', { name: /early-0/ })).toContainText('—');
  await expect(panel.getByText(/After the repair of .*: 1 fixed · 1 skipped/)).toBeVisible();
  await panel.getByText(/After the repair of/).scrollIntoViewIfNeeded();
  await shot(page, 'report-marks');
});

test('a check scoped to one workspace from the console; the ≠ badges follow each check without a reload', async ({
  page,
  baseUrl,
}) => {
  await page.goto(`${baseUrl}#/migration`);
  const nav = page.getByRole('navigation', { name: 'Workspaces' });
  await runCheck(page);
  await expect(nav.getByRole('button', { name: /^ws-1/ }).getByLabel('2 divergent')).toBeVisible();
  const panel = panelOf(page);
  await panel.getByRole('button', { name: 'Repair…' }).click();
  const dialog = page.getByRole('dialog', { name: 'Repair divergent jobs' });
  await dialog.getByRole('button', { name: 'Repair 5 jobs' }).click();
  await expect(dialog.getByRole('status')).toContainText('Repaired 5; skipped 0.');
  await dialog.getByRole('button', { name: 'Close' }).click();

  await panel.getByRole('combobox', { name: 'Check scope' }).selectOption('ws-1');
  await panel.getByRole('button', { name: 'Run divergence check' }).click();
  // A scoped check still reads every key, and says so while it runs.
  await expect(panel.getByText(/scan all keys for ws-1|Check of ws-1 completed/)).toBeVisible();
  await expect(
    panel.getByRole('status').filter({ hasText: 'Check of ws-1 completed' }),
  ).toBeVisible({ timeout: 30_000 });
  await expect(panel.getByText('No divergence: both schemas agree.')).toBeVisible();
  await expect(nav.getByRole('button', { name: /^ws-1/ }).getByText(/≠/)).toBeHidden();
});

test('one vocabulary: the jobs list says "awaiting backfill" for the jobs the check counts as awaiting backfill', async ({
  page,
  baseUrl,
}) => {
  await page.goto(`${baseUrl}#/jobs/ws-1`);
  const table = page.getByRole('table', { name: 'Jobs' });
  for (const id of ['early-0', 'early-1', 'early-2'])
    await expect(table.locator(`[data-job-id="${id}"]`)).toContainText('awaiting backfill');
  await expect(table.locator('[data-job-id="job-6"]')).toContainText('in sync');
  await expect(table).not.toContainText('missing in new');

  await screens(page).getByRole('button', { name: 'Migration' }).click();
  await runCheck(page);
  await expect(panelOf(page).getByRole('button', { name: 'Awaiting backfill (3)' })).toBeVisible();
  await expect(panelOf(page).getByRole('button', { name: 'Missing in new (0)' })).toBeVisible();
});

test('the Divergence screen is styled on first load, before any other screen was opened', async ({
  page,
  baseUrl,
}) => {
  await page.goto(`${baseUrl}#/divergence`);
  await expect(page.getByRole('heading', { name: 'Divergence', level: 1 })).toBeVisible();
  const panel = panelOf(page);
  await expect(panel).toBeVisible();
  const style = await panel.evaluate((el) => {
    const s = getComputedStyle(el);
    return { border: s.borderTopWidth, radius: s.borderTopLeftRadius, padding: s.paddingLeft };
  });
  expect(style).toEqual({ border: '1px', radius: '8px', padding: '16px' });
  const screen = await page.locator('.screen').evaluate((el) => getComputedStyle(el).paddingLeft);
  expect(screen).toBe('20px');
});
