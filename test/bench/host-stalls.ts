import { spawn } from 'node:child_process';
import type { Redis } from 'ioredis';

export interface HostStalls {
  /** SLOWLOG entries over the threshold while Redis served nothing but GETs of missing keys. */
  entries: number;
  /** The longest of them, in ms. */
  worstMs: number;
  seconds: number;
}

/**
 * The SLOWLOG floor of this host: `redis-benchmark` keeps Redis busy with GETs of missing keys (a
 * lookup each, microseconds whatever the data) for as long as the check ran, and every entry it
 * leaves is a pause of the host, not work. Null when redis-benchmark is not installed.
 */
export async function hostStalls(
  admin: Redis,
  port: number,
  ms: number,
): Promise<HostStalls | null> {
  await admin.slowlog('RESET');
  const child = spawn(
    'redis-benchmark',
    [
      '-p',
      String(port),
      '-t',
      'get',
      '-n',
      '2000000000',
      '-c',
      '4',
      '-P',
      '16',
      '-r',
      '1000000',
      '-q',
    ],
    { stdio: 'ignore' },
  );
  const started = await new Promise<boolean>((resolve) => {
    child.once('spawn', () => resolve(true));
    child.once('error', () => resolve(false));
  });
  if (!started) return null;
  const exited = new Promise((resolve) => child.once('exit', resolve));
  await new Promise((resolve) => setTimeout(resolve, ms));
  child.kill('SIGINT');
  await exited;
  const entries = (await admin.slowlog('GET', 100_000)) as Array<[number, number, number]>;
  await admin.slowlog('RESET');
  return {
    entries: entries.length,
    worstMs: Math.round(Math.max(0, ...entries.map(([, , us]) => us)) / 100) / 10,
    seconds: Math.round(ms / 1000),
  };
}
