import { join } from 'node:path';
import { seedDemo } from '../../electron/demo/seed';
import { expect, test } from './fixtures';

// docs/console.md "Layout": the console is usable from 1024×700 to 1920×1080. Every screen tab and
// the connection badge stay on screen, nothing makes the page itself scroll sideways, and a jobs
// table wider than its pane scrolls sideways inside it.
const SIZES = [
  { width: 1024, height: 700 },
  { width: 1280, height: 800 },
  { width: 1920, height: 1080 },
];

test.use({
  // eslint-disable-next-line no-empty-pattern
  seed: async ({}, use) => {
    await use((core) => seedDemo(core, { workspaces: 4, seed: 7 }).then(() => undefined));
  },
});

for (const size of SIZES) {
  test(`at ${size.width}×${size.height} the badge, every tab and the whole jobs table are reachable`, async ({
    page,
    baseUrl,
    redis,
  }, testInfo) => {
    await page.setViewportSize(size);
    const workspace = (await redis.smembers('ai:qs:workspaces')).sort()[0]!;
    await page.goto(`${baseUrl}#/jobs/${workspace}`);
    const table = page.getByRole('table', { name: 'Jobs' });
    await expect(table.locator('[data-job-id]').first()).toBeVisible();

    // The whole badge, its latency included.
    const badge = page
      .locator('.badge')
      .filter({ has: page.getByRole('status', { name: 'Connection state: Connected' }) });
    await expect(badge).toContainText(/Connected\s*\d+ ms/);
    await expect(badge).toBeInViewport({ ratio: 1 });
    for (const tab of await page
      .getByRole('navigation', { name: 'Screens' })
      .getByRole('button')
      .all())
      await expect(tab).toBeInViewport({ ratio: 1 });
    const pageOverflow = await page.evaluate(
      () => document.documentElement.scrollWidth - window.innerWidth,
    );
    expect(pageOverflow).toBeLessThanOrEqual(0);

    // Both statuses and their sync verdict are in view at once, at every size; the last column is
    // reachable: in view too, or by scrolling the table's own pane.
    for (const name of ['Old', 'New', 'Sync'])
      await expect(table.getByRole('columnheader', { name, exact: true })).toBeInViewport({
        ratio: 1,
      });
    const last = table.getByRole('columnheader', { name: 'Attempts' });
    const fits = await table.evaluate((el) => el.scrollWidth <= el.clientWidth);
    if (size.width === 1024) expect(fits).toBe(false);
    if (!fits) {
      await expect(last).not.toBeInViewport({ ratio: 1 });
      await table.evaluate((el) => el.scrollTo({ left: el.scrollWidth }));
    }
    await expect(last).toBeInViewport({ ratio: 1 });
    // The rows are as wide as the header: a row's last cell is not cut off under it.
    const lastCell = table.locator('[data-job-id]').first().getByRole('cell').last();
    await expect(lastCell).toBeInViewport({ ratio: 1 });
    const [cellBox, headBox] = [await lastCell.boundingBox(), await last.boundingBox()];
    expect(Math.abs(cellBox!.x + cellBox!.width - (headBox!.x + headBox!.width))).toBeLessThan(1);
    await expect(badge).toBeInViewport({ ratio: 1 });
    if (process.env.QS_SCREENSHOTS)
      await page.screenshot({
        path: join(process.env.QS_SCREENSHOTS, `layout-${size.width}.png`),
      });
    else await page.screenshot({ path: testInfo.outputPath(`layout-${size.width}.png`) });
  });
}
