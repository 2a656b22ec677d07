import { spawn } from 'node:child_process';
import { resolve } from 'node:path';

export interface ServeProcess {
  url: string;
  close(): Promise<void>;
}

/** Benches run from the project root (as `npm run bench:*` does). */
const BIN = resolve('bin/queuescope.mjs');

/**
 * `queuescope serve` as users run it: a process of its own. In the bench's process the host would
 * share its event loop with the browser driver and the bench's own garbage, and be measured slower
 * than it is.
 */
export function startServeProcess(
  redisUrl: string,
  extraArgs: string[] = [],
): Promise<ServeProcess> {
  const child = spawn(process.execPath, [BIN, '--json', 'serve', '--port', '0', ...extraArgs], {
    env: { ...process.env, REDIS_URL: redisUrl },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  return new Promise((resolve, reject) => {
    let stdout = '';
    let stderr = '';
    child.stderr.on('data', (d: Buffer) => (stderr += d));
    child.once('exit', (code) =>
      reject(new Error(`queuescope serve exited (${code}) before it listened: ${stderr.trim()}`)),
    );
    child.stdout.on('data', (d: Buffer) => {
      stdout += d;
      if (!stdout.includes('}')) return;
      const { url } = JSON.parse(stdout) as { url: string };
      resolve({
        url,
        close: async () => {
          child.kill('SIGTERM');
          await exited;
        },
      });
    });
  });
}
