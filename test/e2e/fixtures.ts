import { test as base, expect } from '@playwright/test';
import type { Redis } from 'ioredis';
import { register } from 'node:module';
import type { QueueCore } from '../../electron/core/core';
import type { ServeOptions, WebHost } from '../../electron/server/serve';
import { startRedisServer, type RedisServer } from '../helpers/redis-server';

// The core imports its Lua scripts as `./x.lua?raw` (Vite and the esbuild bundle inline them).
// Playwright's loader does not know that form, so teach Node before the core is imported.
const RAW_IMPORT_HOOKS = `
import { readFile } from 'node:fs/promises';
export async function load(url, context, next) {
  if (url.startsWith('file:') && url.endsWith('?raw')) {
    const text = await readFile(new URL(url.slice(0, -'?raw'.length)), 'utf8');
    return { format: 'module', source: 'export default ' + JSON.stringify(text) + ';', shortCircuit: true };
  }
  return next(url, context);
}`;
const registered = globalThis as { __queuescopeRawImports?: boolean };
if (!registered.__queuescopeRawImports) {
  register(`data:text/javascript,${encodeURIComponent(RAW_IMPORT_HOOKS)}`);
  registered.__queuescopeRawImports = true;
}
const loadCore = () => import('../../electron/core/core');
const loadServe = () => import('../../electron/server/serve');

export interface ConsoleFixtures {
  /** Serve the console read-only (`test.use({ readOnly: true })`). */
  readOnly: boolean;
  /** Writes test data through a writable core before the host starts. */
  seed: ((core: QueueCore) => Promise<void>) | undefined;
  /** Extra web host options (label, actor, body limit). */
  hostOptions: Partial<ServeOptions>;
  /** The private redis-server of this test: kill(), pause(), restart() it to make faults. */
  server: RedisServer;
  /** A plain client on that Redis for the test's own checks. */
  redis: Redis;
  /** A writable core on that Redis, separate from the host's, for seeding and checks. */
  core: QueueCore;
  /** The web host, started in this process with `serve()`. */
  host: WebHost;
  /** Lines the web host logged (they must never contain the token). */
  hostLog: string[];
  /** The console URL, token included. */
  baseUrl: string;
}

/**
 * Each test gets its own redis-server on a free port and its own web host on another, serving the
 * built renderer (dist/renderer: run `npm run build:renderer` first), and the configured Chromium.
 */
export const test = base.extend<ConsoleFixtures>({
  readOnly: [false, { option: true }],
  seed: [undefined, { option: true }],
  hostOptions: [{}, { option: true }],
  // eslint-disable-next-line no-empty-pattern
  server: async ({}, use) => {
    const server = await startRedisServer();
    await use(server);
    await server.stop();
  },
  redis: async ({ server }, use) => {
    await use(server.client());
  },
  core: async ({ server }, use) => {
    const { QueueCore } = await loadCore();
    const core = new QueueCore({ connection: { url: server.url }, defaultFlag: 'off' });
    await use(core);
    await core.close();
  },
  // eslint-disable-next-line no-empty-pattern
  hostLog: async ({}, use) => {
    await use([]);
  },
  host: async ({ server, core, readOnly, seed, hostOptions, hostLog }, use) => {
    if (seed) await seed(core);
    const { serve } = await loadServe();
    const host = await serve({
      redisUrl: server.url,
      readOnly,
      actor: 'e2e',
      log: (line) => hostLog.push(line),
      ...hostOptions,
    });
    await use(host);
    await host.close();
  },
  baseUrl: async ({ host }, use) => {
    await use(host.url);
  },
});

export { expect };
