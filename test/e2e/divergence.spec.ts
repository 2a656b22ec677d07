import { readFile } from 'node:fs/promises';
import type { Page } from '@playwright/test';
import type { QueueCore } from '../../electron/core/core';
import { expect, test } from './fixtures';

async function enqueue(core: QueueCore, prefix: string, n: number) {
  for (let i = 0; i < n; i += 1000) {
    const jobs = Array.from({ length: Math.min(1000, n - i) }, (_, j) => ({
      workspace_id: 'ws-1',
      action_provider: 'google',
      action_name: 'gmail.send',
      actor_id: 'u',
      params: { to: 'a@example.com' },
      job_id: `${prefix}-${i + j}`,
    }));
    await core.invoke('enqueueMany', { jobs });
  }
}

/** Three jobs enqueued before dual-write, 40 after, one of them changed in the new copy only. */
async function seedDivergent(core: QueueCore) {
  await core.invoke('setFlag', { value: 'off', actor_id: 'ops' });
  await enqueue(core, 'early', 3);
  await core.invoke('setFlag', { value: 'on', actor_id: 'ops' });
  await enqueue(core, 'job', 40);
  await core.redis.hset('ai:job:ws-1:job-7', 'status', 'running');
}

async function openPanel(page: Page, baseUrl: string) {
  await page.goto(baseUrl);
  await page.getByRole('textbox', { name: 'Operator' }).fill('alice');
  await page
    .getByRole('navigation', { name: 'Screens' })
    .getByRole('button', { name: 'Migration' })
    .click();
  return page.getByRole('region', { name: 'Divergence between the schemas' });
}

async function runCheck(panel: ReturnType<Page['getByRole']>) {
  await panel.getByRole('button', { name: 'Run divergence check' }).click();
  await expect(panel.getByRole('status').filter({ hasText: 'completed' })).toBeVisible({
    timeout: 30_000,
  });
}

test.describe('divergence panel', () => {
  // eslint-disable-next-line no-empty-pattern
  test.use({ seed: async ({}, use) => use(seedDivergent) });

  test('a check shows results by category, each job with its diff, and exports CSV', async ({
    page,
    baseUrl,
  }) => {
    const panel = await openPanel(page, baseUrl);
    await expect(panel.getByText('No divergence check has run yet.')).toBeVisible();
    await runCheck(panel);
    const table = panel.getByRole('table', { name: 'Divergent jobs' });
    await expect(table.getByRole('row')).toHaveCount(1 + 4); // header, job-7, three awaiting backfill

    await panel.getByRole('button', { name: 'Mismatch (1)' }).click();
    await expect(table.getByRole('row')).toHaveCount(2);
    await table.getByRole('row', { name: /job-7/ }).click();
    const diff = panel.getByRole('table', { name: 'Diff of job-7' });
    await expect(diff.getByRole('row', { name: /status/ })).toHaveClass(/differs/);
    await expect(diff.getByRole('row', { name: /status/ })).toContainText('pending');
    await expect(diff.getByRole('row', { name: /status/ })).toContainText('running');
    await expect(diff.getByRole('row', { name: /action_name/ })).not.toHaveClass(/differs/);

    await panel.getByRole('button', { name: 'Awaiting backfill (3)' }).click();
    await expect(table.getByRole('row')).toHaveCount(4);

    const download = page.waitForEvent('download');
    await panel.getByRole('button', { name: 'Export CSV' }).click();
    const csv = await readFile((await (await download).path())!, 'utf8');
    expect(csv.split('\n')[0]).toBe('category,job_id,workspace_id,fields,old_workspace,key');
    expect(csv).toContain('mismatch,job-7,ws-1,status,,');
    expect(csv.match(/^awaiting_backfill,early-/gm)).toHaveLength(3);
  });

  test('Repair… shows the dry-run plan, writes nothing until confirmed, then repairs', async ({
    page,
    baseUrl,
    redis,
  }) => {
    const panel = await openPanel(page, baseUrl);
    await runCheck(panel);
    await panel.getByRole('button', { name: 'Repair…' }).click();
    const dialog = page.getByRole('dialog', { name: 'Repair divergent jobs' });
    const plan = dialog.getByRole('list', { name: 'Repair plan' });
    await expect(plan).toContainText('job-7 (Mismatch): copy old -> new (status)');
    await expect(plan.getByRole('listitem')).toHaveCount(4);
    expect(await redis.hget('ai:job:ws-1:job-7', 'status')).toBe('running');
    expect(await redis.exists('ai:job:ws-1:early-0')).toBe(0);

    await dialog.getByRole('button', { name: 'Repair 4 jobs' }).click();
    await expect(dialog.getByRole('status')).toContainText('Repaired 4; skipped 0.');
    expect(await redis.hget('ai:job:ws-1:job-7', 'status')).toBe('pending');
    expect(await redis.exists('ai:job:ws-1:early-0')).toBe(1);
    const [[, fields]] = (await redis.xrevrange('ai:qs:audit', '+', '-', 'COUNT', 1)) as [
      [string, string[]],
    ];
    expect(fields).toEqual(expect.arrayContaining(['operation', 'repair', 'outcome', 'ok']));
    await dialog.getByRole('button', { name: 'Close' }).click();
  });

  test('Backfill… previews its dry-run counts, writes nothing until confirmed, then copies the old-only jobs', async ({
    page,
    baseUrl,
    redis,
  }) => {
    const panel = await openPanel(page, baseUrl);
    await panel.getByRole('button', { name: 'Backfill…' }).click();
    const dialog = page.getByRole('dialog', { name: 'Backfill the new schema' });
    // No check yet: the dry run runs one first, and the preview counts what the backfill would do.
    await expect(dialog.getByRole('list', { name: 'Backfill counts' })).toHaveText(
      '3 Awaiting backfill',
      { timeout: 30_000 },
    );
    await expect(
      dialog.getByRole('list', { name: 'Repair plan' }).getByRole('listitem'),
    ).toHaveCount(3);
    expect(await redis.exists('ai:job:ws-1:early-0')).toBe(0);
    await dialog.getByRole('button', { name: 'Backfill 3 jobs' }).click();
    await expect(dialog.getByRole('status')).toContainText('Backfilled 3; skipped 0.');
    expect(
      await redis.exists('ai:job:ws-1:early-0', 'ai:job:ws-1:early-1', 'ai:job:ws-1:early-2'),
    ).toBe(3);
    // The mismatch is not a backfill's business.
    expect(await redis.hget('ai:job:ws-1:job-7', 'status')).toBe('running');
  });

  test('the history of checks is listed and drawn as a trend', async ({ page, baseUrl, redis }) => {
    const panel = await openPanel(page, baseUrl);
    await runCheck(panel);
    await redis.hset('ai:job:ws-1:job-8', 'status', 'running');
    await runCheck(panel);
    const history = panel.getByRole('table', { name: 'Kept divergence reports' });
    await expect(history.getByRole('row')).toHaveCount(3);
    await expect(history.getByRole('row').nth(1)).toContainText('2');
    await expect(history.getByRole('row').nth(2)).toContainText('1');
    await expect(panel.locator('.divergence-trend canvas').first()).toBeVisible();
    await history.getByRole('row').nth(2).getByRole('button', { name: 'Show' }).click();
    await expect(panel.getByRole('button', { name: 'Mismatch (1)' })).toBeVisible();
  });
});

test.describe('a long check', () => {
  test.use({
    // eslint-disable-next-line no-empty-pattern
    seed: async ({}, use) =>
      use(async (core) => {
        await core.invoke('setFlag', { value: 'on', actor_id: 'ops' });
        await enqueue(core, 'bulk', 20_000);
      }),
  });

  test('shows its progress, can be cancelled, and resumes to completion', async ({
    page,
    baseUrl,
    server,
  }) => {
    const panel = await openPanel(page, baseUrl);
    await panel.getByRole('button', { name: 'Run divergence check' }).click();
    await expect(panel.getByRole('progressbar', { name: 'Divergence check' })).toBeVisible();
    // Hold Redis still so the check is surely mid-way when the cancel arrives.
    server.pause();
    try {
      await panel.getByRole('button', { name: 'Cancel' }).click();
    } finally {
      server.resume();
    }
    await expect(panel.getByRole('button', { name: 'Resume check' })).toBeVisible();
    const history = panel.getByRole('table', { name: 'Kept divergence reports' });
    await expect(history.getByRole('row').nth(1)).toContainText('cancelled');

    await panel.getByRole('button', { name: 'Resume check' }).click();
    await expect(panel.getByRole('status').filter({ hasText: 'completed' })).toContainText(
      '20,000 in sync',
      { timeout: 45_000 },
    );
    await expect(history.getByRole('row')).toHaveCount(2);
  });
});

test.describe('on a read-only connection', () => {
  // eslint-disable-next-line no-empty-pattern
  test.use({ readOnly: true, seed: async ({}, use) => use(seedDivergent) });

  test('the check runs, while Repair… and Backfill are disabled and say why', async ({
    page,
    baseUrl,
    redis,
  }) => {
    const panel = await openPanel(page, baseUrl);
    await runCheck(panel);
    await expect(panel.getByRole('button', { name: 'Mismatch (1)' })).toBeVisible();
    for (const name of ['Repair…', 'Backfill…']) {
      const button = panel.getByRole('button', { name, exact: true });
      await expect(button).toBeDisabled();
      await expect(button).toHaveAttribute('title', /read-only/i);
    }
    expect(await redis.hget('ai:job:ws-1:job-7', 'status')).toBe('running');
  });
});
