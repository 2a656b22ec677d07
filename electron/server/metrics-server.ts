import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { prometheusContentType } from 'prom-client';
import type { QueueCore } from '../core/core';
import { checkHost } from './guards';
import { readScrape, scrapeText, type ScrapeReadings } from './metrics-text';

export interface MetricsServerOptions {
  /** The core to read from; a function so a host that swaps its core is read through the new one. */
  core: () => QueueCore;
  /** 0 picks a free port. */
  port: number;
  /** A scrape that Redis has not answered after this long shows `queuescope_redis_up 0`. */
  timeoutMs?: number;
  log?: (line: string) => void;
}

export interface MetricsServer {
  /** http://127.0.0.1:PORT/metrics */
  url: string;
  port: number;
  close(): Promise<void>;
}

const HOST = '127.0.0.1';
const PATH = '/metrics';

/**
 * The Prometheus scrape endpoint of `queuescope serve --metrics-port N` (docs/architecture.md,
 * "Metrics endpoint"): `GET /metrics` on loopback and nothing else. It carries no token because it
 * shows counts only, never a job, an id or a URL; the Host check still keeps a web page that
 * rebinds its DNS name to 127.0.0.1 from reading it.
 */
export async function startMetricsServer(options: MetricsServerOptions): Promise<MetricsServer> {
  const timeoutMs = options.timeoutMs ?? 4000;
  const log = options.log ?? ((line: string) => process.stderr.write(`${line}\n`));
  let port = 0;

  async function readings(): Promise<ScrapeReadings | null> {
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<null>((resolve) => {
      timer = setTimeout(() => resolve(null), timeoutMs);
    });
    try {
      return await Promise.race([readScrape(options.core()), timeout]);
    } catch (error) {
      log(`queuescope metrics: Redis could not be read for a scrape: ${String(error)}`);
      return null;
    } finally {
      clearTimeout(timer);
    }
  }

  async function answer(req: IncomingMessage, res: ServerResponse): Promise<void> {
    res.setHeader('x-content-type-options', 'nosniff');
    res.setHeader('cache-control', 'no-store');
    const host = checkHost(req.headers.host, port);
    if (!host.ok) return plain(res, host.status, host.message);
    const path = new URL(req.url ?? '/', `http://${HOST}`).pathname;
    if (path !== PATH) return plain(res, 404, `Only ${PATH} is served on this port.`);
    if (req.method !== 'GET' && req.method !== 'HEAD') {
      res.setHeader('allow', 'GET, HEAD');
      return plain(res, 405, `Read ${PATH} with GET.`);
    }
    const body = Buffer.from(await scrapeText(await readings()));
    res.writeHead(200, { 'content-type': prometheusContentType, 'content-length': body.length });
    res.end(req.method === 'HEAD' ? undefined : body);
  }

  const server = createServer((req, res) => {
    answer(req, res).catch((error: unknown) => {
      log(`queuescope metrics: ${req.method} ${PATH} failed: ${String(error)}`);
      if (!res.headersSent) plain(res, 500, 'The scrape failed; see the host log.');
      else res.destroy();
    });
  });
  server.headersTimeout = 10_000;
  server.requestTimeout = 30_000;
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port, HOST, () => {
      server.off('error', reject);
      resolve();
    });
  });
  port = (server.address() as AddressInfo).port;
  return {
    url: `http://${HOST}:${port}${PATH}`,
    port,
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}

function plain(res: ServerResponse, status: number, message: string): void {
  res.writeHead(status, { 'content-type': 'text/plain; charset=utf-8' });
  res.end(`${message}\n`);
}
