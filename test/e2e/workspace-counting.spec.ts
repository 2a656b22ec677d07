import { expect, test } from './fixtures';

const WS = 'ws-uncounted';
const JOBS = 2_500; // above the size the core recounts on every read

test.use({
  // eslint-disable-next-line no-empty-pattern
  seed: async ({}, use) => {
    await use(async (core) => {
      for (let i = 0; i < JOBS; i += 1000) {
        const jobs = Array.from({ length: Math.min(1000, JOBS - i) }, (_, j) => ({
          workspace_id: WS,
          job_id: `job-${String(i + j).padStart(5, '0')}`,
          action_provider: 'google',
          action_name: 'gmail.send',
          actor_id: 'user-1',
        }));
        await core.invoke('enqueueMany', { jobs });
      }
    });
  },
});

test('a big workspace not counted yet is listed at once as counting, then with its counts', async ({
  page,
  baseUrl,
  redis,
}) => {
  expect(await redis.exists(`ai:qs:counts:${WS}`)).toBe(0);
  // Hold every listing after the first until "counting…" has been seen, so the check cannot miss it.
  let release!: () => void;
  const held = new Promise<void>((resolve) => (release = resolve));
  let listings = 0;
  await page.route('**/api/listWorkspaces', async (route) => {
    if (listings++ > 0) await held;
    await route.continue();
  });
  await page.goto(baseUrl);
  const entry = page
    .getByRole('navigation', { name: 'Workspaces' })
    .getByRole('button', { name: new RegExp(WS) });
  await expect(entry).toBeVisible();
  await expect(entry.getByText('counting…')).toHaveCount(2);
  release();

  // The console asks again by itself until the counts arrive.
  await expect(entry.getByTitle(`${JOBS} pending in the old schema`)).toHaveText('2,500');
  // Enqueued with the flag off: no copies in the new schema.
  await expect(entry.getByLabel('new schema counts')).toContainText('no jobs');
  await expect(entry.getByText('counting…')).toHaveCount(0);
  expect(await redis.hget(`ai:qs:counts:${WS}`, 'old:pending')).toBe(String(JOBS));
});
