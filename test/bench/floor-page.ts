import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Browser } from '@playwright/test';

/** One row and no framework: what showing any page at all costs in this browser on this machine. */
const HTML =
  '<!doctype html><html lang="en"><head><meta charset="utf-8"><title>floor</title></head>' +
  '<body><div id="root"></div><script type="module" src="/row.js"></script></body></html>';
const SCRIPT =
  "const row = document.createElement('div'); row.dataset.jobId = 'floor'; row.textContent = 'row';" +
  "document.getElementById('root').append(row);";

/**
 * A page served from this process and timed the way the console is (navigation to its first
 * `[data-job-id]`), so the console's figures can be read against the floor under them.
 */
export async function floorPageMs(browser: Browser, runs: number): Promise<number[]> {
  const server: Server = createServer((req, res) => {
    const script = req.url === '/row.js';
    res.writeHead(200, {
      'content-type': script ? 'text/javascript' : 'text/html',
      'cache-control': 'no-store',
    });
    res.end(script ? SCRIPT : HTML);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/`;
  try {
    const times: number[] = [];
    for (let i = 0; i < runs; i++) {
      const page = await browser.newPage({ viewport: { width: 1440, height: 900 } });
      const started = performance.now();
      await page.goto(url, { waitUntil: 'commit' });
      await page.locator('[data-job-id]').first().waitFor();
      times.push(performance.now() - started);
      await page.close();
    }
    return times;
  } finally {
    await new Promise((resolve) => server.close(resolve));
  }
}
