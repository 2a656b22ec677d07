import { expect, test } from './fixtures';
import { seedDemo } from '../../electron/demo/seed';

// Screenshots of each screen for the README, taken from a demo-seeded Redis.
test.use({
  // eslint-disable-next-line no-empty-pattern
  seed: async ({}, use) => {
    await use(async (core) => {
      await seedDemo(core, { workspaces: 4, seed: 7 });
    });
  },
});

test('every screen renders demo data (screenshots)', async ({ page, baseUrl, redis }) => {
  const workspaces = await redis.smembers('ai:qs:workspaces');
  expect(workspaces.length).toBe(4);
  await page.goto(baseUrl);
  const nav = page.getByRole('navigation', { name: 'Workspaces' });
  const first = [...workspaces].sort()[0]!;
  await nav.getByRole('button', { name: new RegExp(first) }).click();
  const table = page.getByRole('table', { name: 'Jobs' });
  await expect(table.getByRole('row').nth(1)).toBeVisible();
  await expect(page.getByRole('status', { name: /Connection state: Connected/ })).toBeVisible();
  await page.screenshot({ path: '/tmp/qs-jobs.png' });

  await table.getByRole('row').nth(1).click();
  await expect(page.getByRole('complementary', { name: 'Job detail' })).toBeVisible();
  await page.screenshot({ path: '/tmp/qs-detail.png' });
  await page.keyboard.press('Escape');

  await page
    .getByRole('navigation', { name: 'Screens' })
    .getByRole('button', { name: 'Enqueue job' })
    .click();
  await expect(page.getByRole('form', { name: 'Enqueue job' })).toBeVisible();
  await page.screenshot({ path: '/tmp/qs-enqueue.png' });

  for (const name of ['Migration', 'Metrics', 'Audit', 'Divergence']) {
    await page.getByRole('navigation', { name: 'Screens' }).getByRole('button', { name }).click();
    await page.waitForTimeout(500);
    await page.screenshot({ path: `/tmp/qs-${name.toLowerCase()}.png` });
  }
  await page.emulateMedia({ colorScheme: 'dark' });
  await page
    .getByRole('navigation', { name: 'Screens' })
    .getByRole('button', { name: 'Jobs' })
    .click();
  await table.getByRole('row').nth(3).click();
  await page.screenshot({ path: '/tmp/qs-dark.png' });
});
