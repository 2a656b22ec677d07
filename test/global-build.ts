import { execFileSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';

/**
 * Builds the command line bundle and the library once, before any test file runs: the tests that
 * run the real binary or pack the package use these files while other files run, so nothing may
 * rewrite them during the run (a process started while a bundle is half written fails to load).
 */
export default function buildOnce(): void {
  const root = fileURLToPath(new URL('..', import.meta.url));
  for (const script of ['scripts/build-main.mjs', 'scripts/build-lib.mjs'])
    execFileSync(process.execPath, [script], { cwd: root, stdio: 'inherit' });
}
