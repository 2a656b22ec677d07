import { join } from 'node:path';
import type { Page } from '@playwright/test';
import { expect, test } from './fixtures';

// docs/connection.md: a paused Redis (SIGSTOP) keeps its sockets open, so only the host's health
// probe can tell. The console must say so, mark its data stale and start no write meanwhile.
const WS = 'ws-health';

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

const badge = (page: Page) =>
  page.locator('.badge').filter({ has: page.getByRole('status', { name: /^Connection state:/ }) });

test('Redis paused: "Not answering" within seconds, writes disabled, data kept and marked stale; resumed: back to normal', async ({
  page,
  baseUrl,
  server,
}) => {
  await page.goto(`${baseUrl}#/jobs/${WS}`);
  const table = page.getByRole('table', { name: 'Jobs' });
  await expect(table.locator('[data-job-id]')).toHaveCount(2);
  await expect(badge(page)).toContainText(/Connected\s*\d+ ms/);
  await table.locator('[data-job-id="job-b"]').click();
  const detail = page.getByRole('complementary', { name: 'Job detail' });
  const retry = detail.getByRole('button', { name: 'Retry', exact: true });
  const retryAll = page.getByRole('button', { name: 'Retry all failed' });
  await expect(retry).toBeEnabled();
  await expect(retryAll).toBeEnabled();

  server.pause();
  const pausedAt = Date.now();
  await expect(page.getByRole('status', { name: 'Connection state: Not answering' })).toBeVisible({
    timeout: 10_000,
  });
  // Three seconds without a reply, found by a probe sent every two.
  expect(Date.now() - pausedAt).toBeLessThan(8_000);
  await expect(badge(page)).not.toContainText(/ms/);
  await expect(page.getByRole('alert').filter({ hasText: 'Redis is not answering' })).toBeVisible();
  for (const button of [retry, retryAll]) {
    await expect(button).toBeDisabled();
    await expect(button).toHaveAttribute('title', /Redis is not answering/);
  }
  await expect(page.getByText(/^Stale · last updated/)).toBeVisible();
  await expect(table.locator('[data-job-id]')).toHaveCount(2);
  await page
    .getByRole('navigation', { name: 'Screens' })
    .getByRole('button', { name: 'Enqueue job' })
    .click();
  await expect(
    page.getByRole('form', { name: 'Enqueue job' }).getByRole('button', { name: 'Enqueue' }),
  ).toBeDisabled();
  if (process.env.QS_SCREENSHOTS)
    await page.screenshot({ path: join(process.env.QS_SCREENSHOTS, 'not-answering.png') });
  await page
    .getByRole('navigation', { name: 'Screens' })
    .getByRole('button', { name: 'Jobs' })
    .click();

  server.resume();
  await expect(badge(page)).toContainText(/Connected\s*\d+ ms/, { timeout: 10_000 });
  await expect(page.getByRole('alert').filter({ hasText: 'Redis is not answering' })).toBeHidden();
  await expect(retryAll).toBeEnabled();
  await expect(page.getByText(/^Stale · last updated/)).toBeHidden({ timeout: 10_000 });
});

test('Redis down: "Retry all failed" is disabled, so no dialog waits on counting', async ({
  page,
  baseUrl,
  server,
}) => {
  await page.goto(`${baseUrl}#/jobs/${WS}`);
  await expect(page.getByRole('table', { name: 'Jobs' }).locator('[data-job-id]')).toHaveCount(2);
  const retryAll = page.getByRole('button', { name: 'Retry all failed' });
  await expect(retryAll).toBeEnabled();
  await server.kill('SIGKILL');
  await expect(
    page.getByRole('status', { name: /Connection state: (Reconnecting|Disconnected)/ }),
  ).toBeVisible({ timeout: 15_000 });
  await expect(retryAll).toBeDisabled();
  await expect(retryAll).toHaveAttribute(
    'title',
    /Redis is unreachable|connection to Redis was lost/,
  );
  await retryAll.click({ force: true });
  await expect(page.getByRole('dialog', { name: 'Retry all failed' })).toBeHidden();
  await server.restart();
  await expect(page.getByRole('status', { name: 'Connection state: Connected' })).toBeVisible({
    timeout: 20_000,
  });
  await expect(retryAll).toBeEnabled();
});
