import { randomBytes } from 'node:crypto';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { API_PREFIX } from '../../shared/contract';
import { createHostSession } from '../adapters/host-session';
import { defaultActor, labelOf } from '../adapters/labels';
import { QueueCore } from '../core/core';
import type { BackgroundIndexerOptions } from '../core/migration/background-indexer';
import type { DepthSamplerOptions } from '../core/telemetry/depth-sampler';
import { SECURITY_HEADERS } from '../security/csp';
import {
  checkHost,
  checkOrigin,
  checkToken,
  redactToken,
  tokenCookie,
  tokenMatches,
  withoutToken,
  type GuardVerdict,
} from './guards';
import { BodyTooLargeError, DEFAULT_BODY_LIMIT_BYTES, handleApiPost, sendError } from './http-api';
import { streamEvents } from './sse';
import { findRendererDir, readStaticFile } from './static-files';

export interface ServeOptions {
  redisUrl?: string;
  /** The password for redisUrl, kept out of the URL (the CLI's --redis-password-file). */
  redisPassword?: string;
  readOnly: boolean;
  port?: number;
  /** Serve this core instead of connecting to redisUrl (tests, the demo); it is not closed. */
  core?: QueueCore;
  /** The renderer build; found from dist/renderer when omitted. */
  rendererDir?: string;
  /**
   * The host's OS user (default: the one running it). Writes are audited as the operator each
   * browser declares, with this user beside it (docs/doors.md "The audit's actor").
   */
  actor?: string;
  /** How the connection is named in the console (else QUEUESCOPE_CONNECTION_LABEL, else host:port). */
  label?: string;
  bodyLimitBytes?: number;
  /** The background indexer's pacing, or false to run none. */
  indexer?: BackgroundIndexerOptions | false;
  /** The queue depth sampler's pacing, or false to run none (docs/connection.md). */
  depthSampler?: DepthSamplerOptions | false;
  /** Where request failures are reported; lines never contain the token. */
  log?: (line: string) => void;
}

export interface WebHost {
  /** The console's URL, token included: print it once, it is the only way in. */
  url: string;
  port: number;
  close(): Promise<void>;
}

const HOST = '127.0.0.1';

/** Starts the loopback web host; resolves once it listens. */
export async function serve(options: ServeOptions): Promise<WebHost> {
  const ownsCore = !options.core;
  const redisUrl = options.redisUrl ?? process.env.REDIS_URL ?? 'redis://127.0.0.1:6379';
  const core =
    options.core ??
    new QueueCore({
      connection: {
        url: redisUrl,
        ...(options.redisPassword === undefined ? {} : { password: options.redisPassword }),
      },
      readOnly: options.readOnly,
    });
  const hostUser = options.actor ?? defaultActor();
  const session = createHostSession({
    core,
    label: options.label ?? process.env.QUEUESCOPE_CONNECTION_LABEL ?? labelOf(redisUrl),
    actor: hostUser,
    ...(options.indexer === undefined ? {} : { indexer: options.indexer }),
    ...(options.depthSampler === undefined ? {} : { depthSampler: options.depthSampler }),
  });
  const token = randomBytes(24).toString('hex');
  const rendererDir = options.rendererDir ?? findRendererDir();
  const bodyLimit = options.bodyLimitBytes ?? DEFAULT_BODY_LIMIT_BYTES;
  const log = options.log ?? ((line: string) => process.stderr.write(`${line}\n`));
  const streams = new Set<() => void>();
  let port = 0;

  const refuse = (
    req: IncomingMessage,
    res: ServerResponse,
    verdict: Exclude<GuardVerdict, { ok: true }>,
  ) => {
    log(
      `queuescope serve: refused ${req.method} ${redactToken(req.url ?? '', token)} (${verdict.status}: ${verdict.message})`,
    );
    sendError(res, verdict.status, { code: verdict.code, message: verdict.message });
  };

  async function route(req: IncomingMessage, res: ServerResponse): Promise<void> {
    for (const [name, value] of Object.entries(SECURITY_HEADERS)) res.setHeader(name, value);
    const url = new URL(req.url ?? '/', `http://${HOST}:${port}`);
    for (const verdict of [
      checkHost(req.headers.host, port),
      checkOrigin(req.headers.origin, port),
    ])
      if (!verdict.ok) return refuse(req, res, verdict);
    const isApi = url.pathname.startsWith(API_PREFIX);
    const auth = checkToken(req, url, token, port, !isApi);
    if (!auth.ok) return refuse(req, res, auth);

    if (isApi) {
      const name = url.pathname.slice(API_PREFIX.length);
      if (name === 'events' && req.method === 'GET') {
        const end = streamEvents(res, session.hub);
        streams.add(end);
        res.on('close', () => streams.delete(end));
        return;
      }
      if (req.method !== 'POST') {
        res.setHeader('allow', 'POST');
        return sendError(res, 405, {
          code: 'VALIDATION',
          message: `Use POST for ${url.pathname} (GET only for ${API_PREFIX}events).`,
        });
      }
      return handleApiPost(req, res, name, { dispatcher: session.dispatcher, bodyLimit, hostUser });
    }
    return serveStatic(req, res, url);
  }

  async function serveStatic(req: IncomingMessage, res: ServerResponse, url: URL): Promise<void> {
    if (req.method !== 'GET' && req.method !== 'HEAD') {
      res.setHeader('allow', 'GET, HEAD');
      return sendError(res, 405, { code: 'VALIDATION', message: 'Pages are read with GET.' });
    }
    if (!rendererDir) {
      return sendError(res, 503, {
        code: 'INTERNAL',
        message:
          'The console is not built: run `npm run build:renderer` (it writes dist/renderer) and reload.',
      });
    }
    const file = await readStaticFile(rendererDir, url.pathname);
    if (!file) return sendError(res, 404, { code: 'NOT_FOUND', message: 'No such page.' });
    // Only a page opened with the right token gets the cookie, and it carries the host's own copy.
    if (tokenMatches(url.searchParams.get('token') ?? undefined, token)) {
      res.setHeader('set-cookie', tokenCookie(port, token));
    }
    res.writeHead(200, {
      'content-type': file.type,
      'content-length': file.body.length,
      'cache-control': file.immutable ? 'public, max-age=31536000, immutable' : 'no-store',
    });
    res.end(req.method === 'HEAD' ? undefined : file.body);
  }

  const server = createServer((req, res) => {
    route(req, res).catch((error: unknown) => {
      if (error instanceof BodyTooLargeError) {
        res.setHeader('connection', 'close');
        sendError(res, 413, { code: 'VALIDATION', message: error.message });
        return;
      }
      log(
        `queuescope serve: ${req.method} ${redactToken(req.url ?? '', token)} failed: ${withoutToken(String(error), token)}`,
      );
      if (!res.headersSent) {
        sendError(res, 500, { code: 'INTERNAL', message: 'The web host failed on this request.' });
      } else res.destroy();
    });
  });
  server.headersTimeout = 20_000;
  server.requestTimeout = 60_000;

  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port ?? 0, HOST, () => {
      server.off('error', reject);
      resolve();
    });
  });
  port = (server.address() as AddressInfo).port;

  return {
    url: `http://${HOST}:${port}/?token=${token}`,
    port,
    async close() {
      for (const end of streams) end();
      await session.close();
      await new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      });
      if (ownsCore) await core.close();
    },
  };
}
