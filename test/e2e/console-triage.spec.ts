import type { Page } from '@playwright/test';
import type { QueueCore } from '../../electron/core/core';
import { expect, test } from './fixtures';

const WS = 'ws-triage';
const LONG_MESSAGE =
  'Google OAuth token expired or revoked for dana@ws-triage.example; the refresh token was rejected with invalid_grant after 3 attempts. Reconnect the account in Settings → Integrations, then retry the job.';

async function seed(core: QueueCore) {
  await core.invoke('setFlag', { value: 'on', actor_id: 'e2e' });
  const base = {
    workspace_id: WS,
    action_provider: 'google',
    action_name: 'gmail.send',
    actor_id: 'u-1',
  };
  for (const id of ['t-ok', 't-failed', 't-live', 't-other'])
    await core.invoke('enqueue', { ...base, job_id: id });
  for (const [id, status, result] of [
    ['t-ok', 'completed', { message_id: 'm-1' }],
    ['t-failed', 'failed', { error: 'invalid_grant', message: LONG_MESSAGE, attempt_ms: 812 }],
  ] as const) {
    await core.invoke('updateStatus', { job_id: id, status: 'running', workspace_id: WS });
    await core.invoke('updateStatus', { job_id: id, status, workspace_id: WS, result });
  }
}

const table = (page: Page) => page.getByRole('table', { name: 'Jobs' });
const row = (page: Page, id: string) => table(page).locator(`[role="row"][data-job-id="${id}"]`);
const drawer = (page: Page) => page.getByRole('complementary', { name: 'Job detail' });

/** docs/triage.md "Error column and the job drawer". */
test.describe('triage', () => {
  test.use({
    // eslint-disable-next-line no-empty-pattern
    seed: async ({}, use) => use(seed),
  });

  test('the error column shows a failed job error; the drawer shows it first, wrapped, then the result', async ({
    page,
    baseUrl,
  }) => {
    await page.goto(`${baseUrl}#/jobs/${WS}`);
    const headers = table(page).getByRole('columnheader');
    await expect(headers.nth(7)).toHaveText('Error');
    await expect(row(page, 't-failed').getByRole('cell').nth(7)).toHaveText(
      `invalid_grant: ${LONG_MESSAGE}`,
    );
    await expect(row(page, 't-ok').getByRole('cell').nth(7)).toHaveText('');

    await row(page, 't-failed').click();
    const error = drawer(page).getByLabel('Error');
    await expect(error).toContainText(LONG_MESSAGE);
    // First, before the fields; and wrapped: nothing is cut off at the right.
    const fields = drawer(page).getByRole('table', { name: 'Old and new copies' });
    const resultJson = drawer(page).getByLabel('result (old)');
    expect((await error.boundingBox())!.y).toBeLessThan((await resultJson.boundingBox())!.y);
    expect((await resultJson.boundingBox())!.y).toBeLessThan((await fields.boundingBox())!.y);
    for (const box of [error, resultJson]) {
      expect(await box.evaluate((el) => el.scrollWidth <= el.clientWidth)).toBe(true);
    }
    const drawerBox = (await drawer(page).boundingBox())!;
    const errorBox = (await error.boundingBox())!;
    expect(errorBox.x + errorBox.width).toBeLessThanOrEqual(drawerBox.x + drawerBox.width);
  });

  test('the open drawer follows the job while a worker moves it on', async ({
    page,
    baseUrl,
    core,
  }) => {
    await page.goto(`${baseUrl}#/jobs/${WS}/t-live`);
    const status = drawer(page).locator('tr[data-field="status"]');
    await expect(status).toContainText('pending');
    // t-ok and t-failed are still queued ahead of it (nothing here pops the queue).
    await expect(drawer(page)).toContainText('In the queue at position 3: 2 jobs ahead.');
    // The worker, elsewhere: the console's live interval is 15 s, the drawer follows within ~2 s.
    await core.invoke('updateStatus', { job_id: 't-live', status: 'running', workspace_id: WS });
    await expect(status).toContainText('running', { timeout: 4_000 });
    await core.invoke('updateStatus', {
      job_id: 't-live',
      status: 'failed',
      workspace_id: WS,
      result: { error: 'timeout', message: 'No response within 60 s' },
    });
    await expect(drawer(page).getByLabel('Error')).toContainText(
      'timeout: No response within 60 s',
      {
        timeout: 4_000,
      },
    );
  });

  test('focus stays in the open drawer; Escape closes it and puts focus back on its row', async ({
    page,
    baseUrl,
  }) => {
    await page.goto(`${baseUrl}#/jobs/${WS}`);
    await row(page, 't-failed').click();
    await expect(drawer(page)).toBeFocused();
    const insideDrawer = () =>
      page.evaluate(() => Boolean(document.activeElement?.closest('[aria-label="Job detail"]')));
    const seen = new Set<string>();
    for (let i = 0; i < 25; i++) {
      await page.keyboard.press('Tab');
      expect(await insideDrawer()).toBe(true);
      seen.add(await page.evaluate(() => document.activeElement?.textContent ?? ''));
    }
    // It went round: Retry, Set status…, Close, the JSON toggles, and back.
    expect(seen.size).toBeGreaterThanOrEqual(3);
    for (let i = 0; i < 10; i++) {
      await page.keyboard.press('Shift+Tab');
      expect(await insideDrawer()).toBe(true);
    }
    await page.keyboard.press('Escape');
    await expect(drawer(page)).toHaveCount(0);
    await expect(row(page, 't-failed')).toBeFocused();
  });
});
