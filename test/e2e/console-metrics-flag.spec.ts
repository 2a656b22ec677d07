import { join } from 'node:path';
import { expect, test } from './fixtures';

// docs/console.md "Metrics" and docs/connection.md "Queue depth sampling".
const job = (id: string) => ({
  workspace_id: 'ws-a',
  action_provider: 'google',
  action_name: 'gmail.send',
  actor_id: 'u',
  job_id: id,
});
const MINUTE = 60_000;
/** When the seed ran: the flag's history puts an off period 8 to 4 minutes before it. */
const SEEDED = Date.now();

test.use({
  // eslint-disable-next-line no-empty-pattern
  seed: async ({}, use) =>
    use(async (core) => {
      const history = [
        ['on', SEEDED - 20 * MINUTE],
        ['off', SEEDED - 8 * MINUTE],
        ['on', SEEDED - 4 * MINUTE],
      ] as const;
      for (const [value, at] of history)
        await core.redis.zadd('ai:qs:flag:history', at, `${value}:${at}`);
      await core.redis.set('ai:flags:new_schema', 'on');
      for (const id of ['a1', 'a2', 'a3']) await core.invoke('enqueue', job(id));
      await core.redis.set('ai:flags:new_schema', 'off');
      await core.invoke('enqueue', job('a4')); // no dual-write attempt while off
      await core.redis.set('ai:flags:new_schema', 'on');
    }),
});

test('the host samples the queue depth with no console open; the cards count dual-write attempts; the charts mark when dual-write was off', async ({
  page,
  baseUrl,
  redis,
}) => {
  // No page is open yet: the host alone has sampled this minute's depth.
  const minute = Date.now() - (Date.now() % MINUTE);
  await expect
    .poll(async () => {
      const here = await redis.hget(`ai:qs:dw:${minute}`, 'queue_depth');
      return here ?? (await redis.hget(`ai:qs:dw:${minute + MINUTE}`, 'queue_depth'));
    })
    .toBe('4');
  expect(await redis.keys('ai:qs:depth-lock:*')).not.toHaveLength(0);

  await page.goto(`${baseUrl}#/metrics`);
  await expect(page.locator('.stat dt')).toHaveText([
    'Dual-write attempts succeeded',
    'Dual-write attempts failed',
    'Failure rate of the attempts',
    'Queue depth now (jobs pending)',
  ]);
  await expect(page.locator('.stat dd').first()).toHaveText('3'); // four jobs, three attempts
  await expect(page.getByText(/these count attempts, not jobs/)).toBeVisible();
  await expect(
    page.getByText('sampled once a minute by the hosts, whether or not anyone watches'),
  ).toBeVisible();

  await page.getByRole('radio', { name: '15 m' }).click();
  const changes = page.getByRole('list', { name: 'Flag changes in this range' });
  await expect(changes.getByRole('listitem')).toHaveText([
    /^\d{4}-\d\d-\d\d \d\d:\d\d:\d\d dual-write turned off$/,
    /^\d{4}-\d\d-\d\d \d\d:\d\d:\d\d dual-write turned on$/,
  ]);
  await expect(page.getByText('Dual-write off')).toBeVisible();

  // Inside the off period the attempts chart is shaded; before it, it is not.
  const chart = page.getByRole('img', { name: /Dual-write attempts per minute/ });
  await expect(chart.locator('canvas')).toBeVisible();
  const colours = await chart.evaluate(
    (host, { seeded, minute }) => {
      const canvas = host.querySelector('canvas')!;
      const plot = host.querySelector<HTMLElement>('.u-over')!;
      const ratio = canvas.width / canvas.getBoundingClientRect().width;
      const last = seeded - (seeded % minute);
      const [from, to] = [last - 14 * minute, last + minute];
      const at = (ms: number) => {
        const x = plot.offsetLeft + ((ms - from) / (to - from)) * plot.offsetWidth;
        const y = plot.offsetTop + plot.offsetHeight * 0.2;
        const data = canvas
          .getContext('2d')!
          .getImageData(Math.round(x * ratio), Math.round(y * ratio), 1, 1).data;
        return Array.from(data).join(',');
      };
      return { off: at(seeded - 6 * minute), on: at(seeded - 11 * minute) };
    },
    { seeded: SEEDED, minute: MINUTE },
  );
  expect(colours.off).not.toBe(colours.on);
  if (process.env.QS_SCREENSHOTS)
    await page.screenshot({ path: join(process.env.QS_SCREENSHOTS, 'metrics-flag.png') });
});
