import { join } from 'node:path';
import { expect, test } from './fixtures';
import { seedDemo } from '../../electron/demo/seed';

// Screenshots of each screen from a demo-seeded Redis, written to $QS_SCREENSHOTS (for the README)
// or to the test's output folder.
test.use({
  // eslint-disable-next-line no-empty-pattern
  seed: async ({}, use) => {
    await use(async (core) => {
      await seedDemo(core, { workspaces: 4, seed: 7 });
    });
  },
});

test('every screen renders demo data', async ({ page, baseUrl, redis }, testInfo) => {
  const shot = (name: string) =>
    page.screenshot({
      path: process.env.QS_SCREENSHOTS
        ? join(process.env.QS_SCREENSHOTS, `${name}.png`)
        : testInfo.outputPath(`${name}.png`),
    });
  const workspaces = (await redis.smembers('ai:qs:workspaces')).sort();
  expect(workspaces).toHaveLength(4);
  await page.goto(baseUrl);
  const screens = page.getByRole('navigation', { name: 'Screens' });
  await page
    .getByRole('navigation', { name: 'Workspaces' })
    .getByRole('button', { name: new RegExp(`^${workspaces[0]}`) })
    .click();
  const table = page.getByRole('table', { name: 'Jobs' });
  await expect(table.getByRole('row').nth(1)).toBeVisible();
  await expect(page.getByRole('status', { name: 'Connection state: Connected' })).toBeVisible();
  await shot('jobs');

  await table.getByRole('row').filter({ hasText: 'failed' }).first().click();
  const detail = page.getByRole('complementary', { name: 'Job detail' });
  await expect(detail.getByRole('table', { name: 'Old and new copies' })).toBeVisible();
  await shot('job-detail');
  await detail.getByRole('button', { name: 'Set status…' }).click();
  await page
    .getByRole('dialog')
    .getByLabel('Reason (required)')
    .fill('stuck after the provider outage');
  await shot('set-status');
  await page.keyboard.press('Escape');
  await page.keyboard.press('Escape');

  await page.getByRole('button', { name: 'Retry all failed' }).click();
  await expect(page.getByRole('dialog', { name: 'Retry all failed' })).toContainText(
    /Retry \d+ jobs in/,
  );
  await shot('retry-all-failed');
  await page.keyboard.press('Escape');

  await screens.getByRole('button', { name: 'Enqueue job' }).click();
  const form = page.getByRole('form', { name: 'Enqueue job' });
  await form.getByLabel('Provider').fill('google');
  await form.getByLabel('Action').fill('gmail.send');
  await form.getByLabel('Actor').fill('u_kenji.sato');
  await form.getByLabel('Params').fill('{\n  "to": "yuki@acme.example",\n  "subject": "Hello"\n}');
  await form.getByRole('button', { name: 'Enqueue' }).click();
  await expect(form.getByRole('status')).toContainText('Enqueued job');
  await form.getByRole('button', { name: 'Enqueue' }).click();
  await expect(form.getByRole('status')).toContainText('Duplicate');
  await shot('enqueue-duplicate');

  for (const name of ['Migration', 'Metrics', 'Audit', 'Divergence']) {
    await screens.getByRole('button', { name }).click();
    await expect(screens.getByRole('button', { name })).toHaveAttribute('aria-current', 'page');
    await shot(name.toLowerCase());
  }

  await page.emulateMedia({ colorScheme: 'dark' });
  await screens.getByRole('button', { name: 'Jobs' }).click();
  await table.getByRole('row').filter({ hasText: 'differs' }).first().click();
  await shot('job-detail-dark');
});
