import { expect, test } from './fixtures';

/** docs/topologies.md "In the console": the connection badge says what stands behind the address. */
test('the connection badge tooltip names the topology, and a lost connection shows why instead', async ({
  page,
  baseUrl,
  server,
}) => {
  await page.goto(baseUrl);
  const state = page.getByRole('status', { name: 'Connection state: Connected' });
  await expect(state).toBeVisible();
  const badge = page.locator('.conn .badge').filter({ has: state });
  await expect(badge).toHaveAttribute(
    'title',
    /^Standalone Redis \d+\.\d+\.\d+ at 127\.0\.0\.1:\d+, 0 replicas; writes are confirmed by the primary alone$/,
  );
  await page.locator('.conn').screenshot({ path: test.info().outputPath('connection-badge.png') });

  await server.kill();
  const away = page
    .locator('.conn .badge')
    .filter({ hasText: /Disconnected|Reconnecting|Not answering/ });
  await expect(away).toBeVisible({ timeout: 20_000 });
  await expect(away).not.toHaveAttribute('title', /Standalone Redis/);
});
