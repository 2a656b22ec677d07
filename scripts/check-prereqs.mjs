// Fails fast, with the install command, when something the test suite needs is missing.
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';

const problems = [];
if (spawnSync('redis-server', ['--version']).error) {
  problems.push(
    'redis-server is not on PATH. Install it: `apt-get install -y redis-server` (Debian/Ubuntu) or `brew install redis` (macOS).',
  );
}
const chromium = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
if (!existsSync(chromium)) {
  problems.push(
    `Chromium was not found at ${chromium} (the end-to-end tests drive it). Install it: \`apt-get install -y chromium\`, or set CHROMIUM_PATH.`,
  );
}
if (problems.length) {
  process.stderr.write(`Cannot run the test suite:\n- ${problems.join('\n- ')}\n`);
  process.exit(1);
}
