import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runCli } from '../helpers/cli';
import { useRedis } from '../helpers/core';

const env = useRedis();
const PASSWORD = 'cli-pw-secret-9';
const dir = mkdtempSync(join(tmpdir(), 'queuescope-cli-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
beforeAll(async () => {
  // The test's own client logged in before the password was set, so it stays usable.
  await env.redis.config('SET', 'requirepass', PASSWORD);
});

const cli = (argv: string[], vars: Record<string, string> = {}) =>
  runCli({ REDIS_URL: env.server.url, QUEUESCOPE_OPERATOR: 'ops-kim', ...vars }, argv);

describe('the CLI takes its Redis password from outside the URL (docs/desktop.md "Secrets")', () => {
  it('from QUEUESCOPE_REDIS_PASSWORD', async () => {
    const r = await cli(['--json', 'flags', 'get'], { QUEUESCOPE_REDIS_PASSWORD: PASSWORD });
    expect(r).toMatchObject({ code: 0 });
    expect(JSON.parse(r.out)).toMatchObject({ new_schema: 'off' });
  });

  it('from --redis-password-file, one trailing newline dropped', async () => {
    const file = join(dir, 'redis-password');
    writeFileSync(file, `${PASSWORD}\n`, { mode: 0o600 });
    const r = await cli(['--json', '--redis-password-file', file, 'flags', 'get']);
    expect(r).toMatchObject({ code: 0 });
  });

  it('without it, Redis refuses the login, and the message says so without any password', async () => {
    const r = await cli(['--json', 'flags', 'get']);
    expect(r.code).not.toBe(0);
    expect(JSON.parse(r.err)).toMatchObject({ message: expect.stringMatching(/auth/i) });
    expect(r.err).not.toContain(PASSWORD);
  });

  it('refuses a missing or empty password file as usage, naming the file and not its content', async () => {
    const empty = join(dir, 'empty');
    writeFileSync(empty, '\n');
    for (const file of [join(dir, 'missing'), empty]) {
      const r = await cli(['--json', '--redis-password-file', file, 'flags', 'get']);
      expect(r.code).toBe(2);
      expect(JSON.parse(r.err)).toMatchObject({
        code: 'VALIDATION',
        details: { flag: '--redis-password-file' },
      });
    }
  });

  it.each([
    'redis://ops:hunter2@[not-a-host',
    'http://ops:hunter2@h:6379',
    'redis://ops:hunter2@h:port',
  ])('a malformed --redis %s is refused without its password', async (url) => {
    const r = await cli(['--json', '--redis', url, 'flags', 'get']);
    expect(r.code).toBe(2);
    expect(r.err + r.out).not.toContain('hunter2');
    expect(JSON.parse(r.err)).toMatchObject({ code: 'VALIDATION' });
  });
});
