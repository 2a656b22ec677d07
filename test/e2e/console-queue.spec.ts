import type { Page } from '@playwright/test';
import type { QueueCore } from '../../electron/core/core';
import { expect, test } from './fixtures';

const job = (job_id: string, workspace_id: string) => ({
  workspace_id,
  job_id,
  action_provider: 'slack',
  action_name: 'chat.postMessage',
  actor_id: 'u-1',
});

async function seed(core: QueueCore) {
  await core.invoke('setFlag', { value: 'on', actor_id: 'e2e' });
  await core.invoke('enqueueMany', {
    jobs: Array.from({ length: 120 }, (_, i) =>
      job(`q-${String(i + 1).padStart(3, '0')}`, i % 2 ? 'ws-odd' : 'ws-even'),
    ),
  });
  await core.invoke('updateStatus', { job_id: 'q-002', status: 'running', workspace_id: 'ws-odd' });
}

const queue = (page: Page) => page.getByRole('table', { name: 'Queue' });
const entries = (page: Page) => queue(page).locator('tbody tr');

/** docs/triage.md "Queue" and "Remove from queue". */
test.describe('queue', () => {
  test.use({
    // eslint-disable-next-line no-empty-pattern
    seed: async ({}, use) => use(seed),
  });

  test('the Queue screen pages ai:queue:pending from the head with each position, workspace and status', async ({
    page,
    baseUrl,
  }) => {
    await page.goto(baseUrl);
    await page
      .getByRole('navigation', { name: 'Screens' })
      .getByRole('button', { name: 'Queue', exact: true })
      .click();
    await expect(page.getByRole('heading', { name: 'Queue', level: 1 })).toBeVisible();
    await expect(page.getByText(/^120 entries in ai:queue:pending/)).toBeVisible();
    await expect(entries(page)).toHaveCount(50);
    await expect(entries(page).first()).toContainText(/^1q-001ws-evenpending/);
    await expect(entries(page).nth(1)).toContainText(/^2q-002ws-oddrunning/);
    const pages = page.getByRole('navigation', { name: 'Queue pages' });
    await pages.getByRole('button', { name: 'Next' }).click();
    await expect(entries(page).first()).toContainText(/^51q-051/);
    await pages.getByRole('button', { name: 'Tail' }).click();
    await expect(entries(page)).toHaveCount(20);
    await expect(entries(page).last()).toContainText(/^120q-120ws-odd/);
    // An entry's job opens in its own workspace.
    await entries(page).last().getByRole('button', { name: 'q-120', exact: true }).click();
    await expect(
      page
        .getByRole('complementary', { name: 'Job detail' })
        .getByRole('heading', { name: 'q-120' }),
    ).toBeVisible();
    await expect(page).toHaveURL(/#\/jobs\/ws-odd\/q-120$/);
  });

  test('"Remove from queue" takes a poison job out after a confirmation with a reason, and audits it', async ({
    page,
    baseUrl,
    redis,
  }) => {
    await page.goto(`${baseUrl}#/queue`);
    await page.getByRole('textbox', { name: 'Operator' }).fill('ops-kim');
    await entries(page)
      .first()
      .getByRole('button', { name: 'Remove q-001 from the queue' })
      .click();
    const dialog = page.getByRole('dialog', { name: 'Remove q-001 from the queue?' });
    await expect(dialog).toContainText('The job is pending: it is marked failed in both schemas');
    const confirm = dialog.getByRole('button', { name: 'Remove from queue' });
    await expect(confirm).toBeDisabled();
    await dialog.getByLabel('Reason (required)').fill('payload crashes the worker');
    await confirm.click();
    await expect(dialog).toBeHidden();
    await expect(
      page.getByRole('status').filter({ hasText: 'Removed 1 queue entry of q-001' }),
    ).toBeVisible();
    await expect(entries(page).first()).toContainText(/^1q-002/);
    expect(await redis.lrange('ai:queue:pending', 0, -1)).not.toContain('q-001');
    expect(await redis.hget('ai:jobs:q-001', 'status')).toBe('failed');
    expect(await redis.hget('ai:job:ws-even:q-001', 'status')).toBe('failed');
    const [[, fields]] = (await redis.xrevrange('ai:qs:audit', '+', '-', 'COUNT', 1)) as [
      [string, string[]],
    ];
    const entry = Object.fromEntries(fields.flatMap((v, i) => (i % 2 ? [] : [[v, fields[i + 1]]])));
    expect(entry).toMatchObject({
      operation: 'removeFromQueue',
      target: 'ws-even/q-001',
      outcome: 'ok',
    });
    expect(entry.details).toContain('reason: payload crashes the worker');

    // The job's row now says why, and its drawer offers Retry to queue it again.
    await page.goto(`${baseUrl}#/jobs/ws-even/q-001`);
    const drawer = page.getByRole('complementary', { name: 'Job detail' });
    await expect(drawer.getByLabel('Error')).toContainText(
      'removed_from_queue: Removed from the queue by ops-kim: payload crashes the worker',
    );
    await expect(drawer.getByRole('button', { name: 'Retry' })).toBeEnabled();
  });

  test('a pending job drawer tells its place in the queue and can remove it', async ({
    page,
    baseUrl,
    redis,
  }) => {
    await page.goto(`${baseUrl}#/jobs/ws-even/q-005`);
    const drawer = page.getByRole('complementary', { name: 'Job detail' });
    await expect(drawer).toContainText('In the queue at position 5: 4 jobs ahead.');
    await drawer.getByRole('button', { name: 'Remove from queue…' }).click();
    const dialog = page.getByRole('dialog', { name: 'Remove q-005 from the queue?' });
    await dialog.getByLabel('Reason (required)').fill('duplicate send');
    await dialog.getByRole('button', { name: 'Remove from queue' }).click();
    await expect(
      drawer.getByRole('status').filter({ hasText: 'Removed 1 queue entry of q-005' }),
    ).toBeVisible();
    expect(await redis.lpos('ai:queue:pending', 'q-005')).toBeNull();
  });
});

test.describe('queue on a read-only connection', () => {
  test.use({
    // eslint-disable-next-line no-empty-pattern
    seed: async ({}, use) => use(seed),
    readOnly: true,
  });

  test('"Remove from queue" is disabled and says why', async ({ page, baseUrl }) => {
    await page.goto(`${baseUrl}#/queue`);
    const remove = entries(page)
      .first()
      .getByRole('button', { name: 'Remove q-001 from the queue' });
    await expect(remove).toBeDisabled();
    await expect(remove).toHaveAttribute('title', /read-only/);
  });
});
