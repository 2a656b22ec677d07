import { join } from 'node:path';
import { expect, test } from './fixtures';

const WS = 'ws-down';

test.use({
  // eslint-disable-next-line no-empty-pattern
  seed: async ({}, use) => {
    await use(async (core) => {
      for (const id of ['job-a', 'job-b']) {
        await core.invoke('enqueue', {
          workspace_id: WS,
          job_id: id,
          action_provider: 'slack',
          action_name: 'chat.postMessage',
          actor_id: 'user-1',
        });
      }
      await core.invoke('updateStatus', { job_id: 'job-b', status: 'running' });
      await core.invoke('updateStatus', { job_id: 'job-b', status: 'failed', result: {} });
    });
  },
});

test('Redis killed and restarted: banner, last data kept and marked stale, writes held back, then recovery', async ({
  page,
  baseUrl,
  server,
  redis,
  core,
}) => {
  await page.goto(baseUrl);
  await page.getByRole('combobox', { name: 'Live refresh' }).selectOption({ label: '2 s' });
  await page
    .getByRole('navigation', { name: 'Workspaces' })
    .getByRole('button', { name: /^ws-down/ })
    .click();
  const table = page.getByRole('table', { name: 'Jobs' });
  await expect(table.getByRole('row')).toHaveCount(3);
  await table.getByRole('row').filter({ hasText: 'job-b' }).click();
  const detail = page.getByRole('complementary', { name: 'Job detail' });
  await expect(detail.getByRole('button', { name: 'Retry' })).toBeEnabled();

  await redis.save(); // so the restarted server comes back with the same data
  await server.kill('SIGKILL');

  const banner = page
    .getByRole('alert')
    .filter({ hasText: /Redis (connection lost|is unreachable)/ });
  await expect(banner).toBeVisible({ timeout: 15_000 });
  await expect(banner).toContainText(/reconnecting|unreachable/);
  await expect(
    page.getByRole('status', { name: /Connection state: (Reconnecting|Disconnected)/ }),
  ).toBeVisible();
  await expect(page.getByText(/^Stale · last updated/)).toBeVisible();
  await expect(table.getByRole('row')).toHaveCount(3);
  await expect(table.getByRole('row').filter({ hasText: 'job-a' })).toBeVisible();
  if (process.env.QS_SCREENSHOTS)
    await page.screenshot({ path: join(process.env.QS_SCREENSHOTS, 'failure-banner.png') });

  // While Redis is away no write starts (docs/connection.md): the buttons say why instead.
  await expect(detail.getByRole('button', { name: 'Retry' })).toBeDisabled();
  await expect(detail.getByRole('button', { name: 'Retry' })).toHaveAttribute(
    'title',
    /Redis is unreachable|connection to Redis was lost/,
  );
  await expect(page.getByRole('button', { name: 'Retry all failed' })).toBeDisabled();

  await server.restart();
  await expect(banner).toBeHidden({ timeout: 20_000 });
  await expect(page.getByRole('status', { name: 'Connection state: Connected' })).toBeVisible();
  await expect(page.getByText(/^Stale · last updated/)).toBeHidden({ timeout: 10_000 });

  // Live again: a job enqueued after the restart shows up without a reload.
  await core.invoke('enqueue', {
    workspace_id: WS,
    job_id: 'job-after',
    action_provider: 'slack',
    action_name: 'chat.postMessage',
    actor_id: 'user-1',
  });
  await expect(table.getByRole('row').filter({ hasText: 'job-after' })).toBeVisible({
    timeout: 15_000,
  });
  // Nothing was written while Redis was away; the retry after recovery works.
  expect(await redis.hget('ai:jobs:job-b', 'status')).toBe('failed');
  await detail.getByRole('button', { name: 'Retry' }).click();
  await expect(detail.getByRole('status').filter({ hasText: 'Retried' })).toBeVisible();
  expect(await redis.hget('ai:jobs:job-b', 'status')).toBe('pending');
});
