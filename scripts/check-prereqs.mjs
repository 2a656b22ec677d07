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
const locales = spawnSync('locale', ['-a'], { encoding: 'utf8' }).stdout ?? '';
if (!/^en_US\.utf-?8$/im.test(locales)) {
  problems.push(
    'The en_US.UTF-8 locale is missing (a test runs Redis under a collation that is not byte order). Generate it: `localedef -i en_US -f UTF-8 en_US.UTF-8` (Debian: `apt-get install -y locales` first).',
  );
}
if (problems.length) {
  process.stderr.write(`Cannot run the test suite:\n- ${problems.join('\n- ')}\n`);
  process.exit(1);
}
