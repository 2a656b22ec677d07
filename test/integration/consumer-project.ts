import { execFile } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';

const run = promisify(execFile);
export const REPO = fileURLToPath(new URL('../..', import.meta.url));

interface LockEntry {
  version: string;
  dev?: boolean;
  devOptional?: boolean;
  [field: string]: unknown;
}

/** `npm pack` of this repository, as a publisher would (its prepack builds the library); the tarball's path. */
export async function packQueuescope(destination: string): Promise<string> {
  // Built once before the run (test/global-build.ts): prepack would rebuild the bundle the
  // command line tests are running.
  const args = ['pack', '--json', '--ignore-scripts', '--pack-destination', destination];
  const { stdout } = await run('npm', args, {
    cwd: REPO,
    maxBuffer: 16 * 1024 * 1024,
  });
  const [packed] = JSON.parse(stdout.slice(stdout.indexOf('['))) as [{ filename: string }];
  return join(destination, packed.filename);
}

/**
 * A scratch project that depends on the tarball, installed with `npm ci --offline`. Its lockfile
 * pins the tarball's dependencies to the versions this repository locks (the non-dev entries of
 * package-lock.json), so npm takes every package from its cache by integrity, where this
 * repository's own `npm ci` put it: no registry round trip, no flakiness, and the same install a
 * consumer's `npm install queuescope-x.y.z.tgz` gives.
 */
export async function installConsumer(dir: string, tarball: string): Promise<void> {
  const pkg = JSON.parse(readFileSync(join(REPO, 'package.json'), 'utf8')) as Record<string, never>;
  const lock = JSON.parse(readFileSync(join(REPO, 'package-lock.json'), 'utf8')) as {
    packages: Record<string, LockEntry>;
  };
  const spec = `file:${relative(dir, tarball)}`;
  const packages: Record<string, unknown> = {
    '': { name: 'consumer', dependencies: { queuescope: spec } },
    'node_modules/queuescope': {
      version: pkg.version,
      resolved: spec,
      license: pkg.license,
      dependencies: pkg.dependencies,
      bin: pkg.bin,
      engines: pkg.engines,
    },
  };
  for (const [path, entry] of Object.entries(lock.packages)) {
    if (!path || entry.dev || entry.devOptional) continue;
    const name = path.slice(path.lastIndexOf('node_modules/') + 'node_modules/'.length);
    const file = `${name.split('/').pop()}-${entry.version}.tgz`;
    packages[path] = { ...entry, resolved: `https://registry.npmjs.org/${name}/-/${file}` };
  }
  const manifest = { name: 'consumer', private: true, type: 'module' };
  writeFileSync(
    join(dir, 'package.json'),
    JSON.stringify({ ...manifest, dependencies: { queuescope: spec } }, null, 2),
  );
  writeFileSync(
    join(dir, 'package-lock.json'),
    JSON.stringify({ name: 'consumer', lockfileVersion: 3, requires: true, packages }, null, 2),
  );
  try {
    await run('npm', ['ci', '--offline', '--ignore-scripts', '--no-audit', '--no-fund'], {
      cwd: dir,
    });
  } catch (error) {
    throw new Error(
      `npm ci --offline of the packed queuescope failed (run \`npm ci\` in the repository first, so npm's cache holds its dependencies): ${String((error as { stderr?: string }).stderr ?? error)}`,
      { cause: error },
    );
  }
}

/** Runs a command in the consumer project; resolves with its output, rejects with it on failure. */
export async function inConsumer(
  dir: string,
  command: string,
  args: string[],
  env: Record<string, string> = {},
): Promise<{ stdout: string; stderr: string }> {
  return run(command, args, { cwd: dir, env: { ...process.env, ...env }, timeout: 60_000 });
}
