import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync } from 'node:fs';
import { resolve } from 'node:path';
import { expect, test, type Page } from '@playwright/test';
import { Cluster } from 'ioredis';
import { startRedisCluster, type RedisCluster } from '../helpers/redis-cluster';
import { fillJob, openEnqueueForm } from './enqueue-form';

/**
 * The console against a 3-master, 3-replica Redis Cluster (docs/topologies.md "Redis Cluster"),
 * served by `queuescope serve --redis <node url>` as a user runs it: one cluster and one host for
 * the file, since six redis-servers are costly on a busy machine.
 */
const CLI = resolve('dist-electron/cli.mjs');
const BIN = resolve('bin/queuescope.mjs');

interface Host {
  url: string;
  child: ChildProcess;
  stderr: () => string;
}

/** Starts `queuescope serve` on the node's URL and resolves with the console URL it prints. */
function startServe(redisUrl: string): Promise<Host> {
  const child = spawn(
    process.execPath,
    [BIN, '--redis', redisUrl, '--json', 'serve', '--port', '0'],
    { stdio: ['ignore', 'pipe', 'pipe'] },
  );
  let stdout = '';
  let stderr = '';
  child.stderr!.on('data', (d: Buffer) => (stderr += d));
  return new Promise((resolveHost, reject) => {
    child.once('exit', (code) =>
      reject(new Error(`queuescope serve exited (${code}) before it listened: ${stderr.trim()}`)),
    );
    child.stdout!.on('data', (d: Buffer) => {
      stdout += d;
      // --json prints one object (over several lines) once the host listens.
      let printed: { url?: string };
      try {
        printed = JSON.parse(stdout) as { url?: string };
      } catch {
        return;
      }
      if (printed.url) resolveHost({ url: printed.url, child, stderr: () => stderr });
    });
  });
}

let cluster: RedisCluster;
let direct: Cluster;
let host: Host;

test.describe('the console on a Redis Cluster', () => {
  test.skip(!existsSync(CLI), 'run `npm run build` first: the smoke runs the built command line');

  test.beforeAll(async () => {
    test.setTimeout(120_000);
    cluster = await startRedisCluster();
    direct = new Cluster([{ host: '127.0.0.1', port: cluster.nodes[0]!.port }]);
    // Any node's URL will do; a replica's shows the host finds the masters by itself.
    const replica = (await cluster.replicas())[0]!;
    host = await startServe(replica.url);
  });

  test.afterAll(async () => {
    if (host && host.child.exitCode === null && host.child.signalCode === null) {
      const exited = new Promise((r) => host.child.once('exit', r));
      host.child.kill('SIGTERM');
      await exited;
    }
    direct?.disconnect();
    await cluster?.stop();
  });

  const drawer = (page: Page) => page.getByRole('complementary', { name: 'Job detail' });
  const badge = (page: Page) =>
    page
      .locator('.conn .badge')
      .filter({ has: page.getByRole('status', { name: 'Connection state: Connected' }) });

  test('loads and names the cluster, turns dual-write on, enqueues through the form, lists, finds and opens the job, and a check finds a planted mismatch that repair fixes', async ({
    page,
  }) => {
    test.setTimeout(180_000);
    await test.step('the connection badge names the cluster and its three masters', async () => {
      await page.goto(host.url);
      await expect(badge(page)).toBeVisible({ timeout: 30_000 });
      await expect(badge(page)).toHaveAttribute(
        'title',
        /^Redis Cluster of 3 masters \(state ok\)/,
        { timeout: 30_000 },
      );
    });

    await test.step('dual-write turned on from the Migration screen', async () => {
      await page
        .getByRole('navigation', { name: 'Screens' })
        .getByRole('button', { name: 'Migration' })
        .click();
      const toggle = page.getByRole('switch', { name: 'Dual-write to new schema' });
      await expect(toggle).toHaveAttribute('aria-checked', 'false', { timeout: 30_000 });
      await toggle.click();
      const dialog = page.getByRole('dialog', { name: 'Turn dual-write on?' });
      await dialog.getByRole('button', { name: 'Turn dual-write on' }).click();
      await expect(toggle).toHaveAttribute('aria-checked', 'true', { timeout: 30_000 });
      expect(await direct.get('ai:flags:new_schema')).toBe('on');
    });

    let jobId = '';
    await test.step('a job enqueued through the form, then its Request ID again', async () => {
      const form = await openEnqueueForm(page, host.url);
      await fillJob(form, {
        workspace: 'ws-cluster',
        provider: 'google',
        action: 'gmail.send',
        actor: 'user-7',
      });
      await form.getByLabel('Params').fill('{"to": "a@example.com"}');
      const requestId = await form.getByLabel('Request ID').inputValue();
      await form.getByRole('button', { name: 'Enqueue' }).click();
      const outcome = form.getByRole('status');
      await expect(outcome).toContainText('Enqueued job', { timeout: 30_000 });
      jobId = (await outcome.getByRole('link').textContent())!;

      // Each key on the master that owns it, as the cluster enqueue writes them.
      expect(await direct.hget(`ai:jobs:${jobId}`, 'status')).toBe('pending');
      expect(await direct.hget(`ai:job:ws-cluster:${jobId}`, 'status')).toBe('pending');
      expect(await direct.lrange('ai:queue:pending', 0, -1)).toEqual([jobId]);
      expect(await direct.get(`ai:idempotency:ws-cluster:${requestId}`)).toBe(jobId);

      await form.getByRole('button', { name: 'Enqueue' }).click();
      await expect(outcome).toContainText('Duplicate: this Request ID was already used', {
        timeout: 30_000,
      });
      await expect(outcome.getByRole('link')).toHaveText(jobId);
      expect(await direct.lrange('ai:queue:pending', 0, -1)).toEqual([jobId]);

      await outcome.getByRole('link').click();
      await expect(drawer(page).getByRole('heading', { name: jobId })).toBeVisible({
        timeout: 30_000,
      });
      await expect(
        page.getByRole('table', { name: 'Jobs' }).getByRole('row', { name: new RegExp(jobId) }),
      ).toBeVisible({ timeout: 30_000 });
    });

    await test.step('the queue lists it; Find job opens it by a part of its id', async () => {
      await page.goto(`${host.url}#/queue`);
      await expect(
        page.getByRole('table', { name: 'Queue' }).getByText(jobId.slice(-8)),
      ).toBeVisible({ timeout: 30_000 });
      const find = page.getByRole('searchbox', { name: 'Find job' });
      await find.fill(jobId.slice(-12).toUpperCase());
      await find.press('Enter');
      await expect(drawer(page).getByRole('heading', { name: jobId })).toBeVisible({
        timeout: 30_000,
      });
      await expect(page).toHaveURL(new RegExp(`#/jobs/ws-cluster/${jobId}$`));
      // Both copies, equal: dual-written across the masters.
      await expect(drawer(page)).toContainText('gmail.send');
      await expect(drawer(page)).not.toContainText('no copy');
      await page.screenshot({ path: test.info().outputPath('console-cluster.png') });
    });

    await test.step('a divergence check over every master finds a mismatch planted in one; repair fixes it', async () => {
      await direct.hset(`ai:job:ws-cluster:${jobId}`, 'status', 'running');
      await page
        .getByRole('navigation', { name: 'Screens' })
        .getByRole('button', { name: 'Migration' })
        .click();
      const panel = page.getByRole('region', { name: 'Divergence between the schemas' });
      await panel.getByRole('button', { name: 'Run divergence check' }).click();
      await expect(panel.getByRole('status').filter({ hasText: 'completed' })).toBeVisible({
        timeout: 60_000,
      });
      await panel.getByRole('button', { name: 'Mismatch (1)' }).click();
      const table = panel.getByRole('table', { name: 'Divergent jobs' });
      await expect(table.getByRole('row')).toHaveCount(2);
      await table.getByRole('row', { name: new RegExp(jobId.slice(-8)) }).click();
      const diff = panel.getByRole('table', { name: `Diff of ${jobId}` });
      await expect(diff.getByRole('row', { name: /status/ })).toHaveClass(/differs/);
      await page.screenshot({ path: test.info().outputPath('console-cluster-divergence.png') });

      await panel.getByRole('button', { name: 'Repair…' }).click();
      const dialog = page.getByRole('dialog', { name: 'Repair divergent jobs' });
      await expect(dialog.getByRole('list', { name: 'Repair plan' })).toContainText(
        `${jobId} (Mismatch): copy old -> new (status)`,
        { timeout: 30_000 },
      );
      expect(await direct.hget(`ai:job:ws-cluster:${jobId}`, 'status')).toBe('running');
      await dialog.getByRole('button', { name: 'Repair 1 job' }).click();
      await expect(dialog.getByRole('status')).toContainText('Repaired 1; skipped 0.', {
        timeout: 30_000,
      });
      expect(await direct.hget(`ai:job:ws-cluster:${jobId}`, 'status')).toBe('pending');
    });
  });
});
