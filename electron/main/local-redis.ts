import { spawn, type ChildProcess } from 'node:child_process';
import { mkdirSync } from 'node:fs';
import { connect, createServer } from 'node:net';
import { InternalError } from '../core/errors';

export const SANDBOX_LABEL = 'local sandbox';

export const REDIS_SERVER_MISSING =
  'redis-server was not found on PATH, so the local sandbox cannot start. Install Redis (Debian/Ubuntu: `sudo apt-get install redis-server`, macOS: `brew install redis`, Windows: use WSL or Memurai) and start Queuescope again, or add a connection profile for an existing Redis.';

export interface LocalRedis {
  readonly url: string;
  readonly port: number;
  readonly dir: string;
  /** Stops the server (SIGTERM, so the append-only file is complete) and waits for it. */
  stop(): Promise<void>;
}

/** Whether something accepts TCP connections at host:port (the default Redis address). */
export function isListening(host: string, port: number, timeoutMs = 500): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = connect({ host, port });
    const done = (answer: boolean) => {
      socket.destroy();
      resolve(answer);
    };
    socket.setTimeout(timeoutMs, () => done(false));
    socket.once('connect', () => done(true));
    socket.once('error', () => done(false));
  });
}

export function freeLoopbackPort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      server.close(() =>
        typeof address === 'object' && address
          ? resolve(address.port)
          : reject(new Error('no port')),
      );
    });
  });
}

/**
 * A private redis-server for a first run with no Redis anywhere: loopback only, on a free port,
 * data kept (AOF) in `dir` inside the app's data folder so jobs survive a restart of the app.
 */
export async function startLocalRedis(dir: string, binary = 'redis-server'): Promise<LocalRedis> {
  mkdirSync(dir, { recursive: true });
  const port = await freeLoopbackPort();
  const child = spawn(
    binary,
    [
      '--port',
      String(port),
      '--bind',
      '127.0.0.1',
      '--protected-mode',
      'yes',
      '--dir',
      dir,
      '--appendonly',
      'yes',
      '--save',
      '',
    ],
    { stdio: 'ignore' },
  );
  await waitUntilServing(child, port);
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  return {
    url: `redis://127.0.0.1:${port}`,
    port,
    dir,
    async stop() {
      if (child.exitCode !== null || child.signalCode !== null) return;
      child.kill('SIGTERM');
      const timer = setTimeout(() => child.kill('SIGKILL'), 5000);
      await exited;
      clearTimeout(timer);
    },
  };
}

async function waitUntilServing(child: ChildProcess, port: number): Promise<void> {
  const failed = new Promise<never>((_, reject) => {
    child.once('error', (error: NodeJS.ErrnoException) =>
      reject(
        error.code === 'ENOENT'
          ? new InternalError(REDIS_SERVER_MISSING)
          : new InternalError(`The local sandbox Redis could not start: ${error.message}`),
      ),
    );
    child.once('exit', (code) =>
      reject(
        new InternalError(
          `The local sandbox Redis exited at start (code ${code}). Check that port ${port} is free and the data folder is writable.`,
        ),
      ),
    );
  });
  const up = (async () => {
    const deadline = Date.now() + 10_000;
    while (!(await isListening('127.0.0.1', port, 200))) {
      if (Date.now() > deadline)
        throw new InternalError('The local sandbox Redis did not start within 10 s.');
      await new Promise((r) => setTimeout(r, 50));
    }
  })();
  try {
    await Promise.race([up, failed]);
  } catch (error) {
    child.kill('SIGKILL');
    throw error;
  }
  failed.catch(() => undefined);
}
