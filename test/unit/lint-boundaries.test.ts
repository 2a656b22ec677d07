import { fileURLToPath } from 'node:url';
import { ESLint } from 'eslint';
import { beforeAll, describe, expect, it } from 'vitest';

/**
 * docs/architecture.md, "Boundaries": the repository's own ESLint config, run through ESLint's
 * Node API on one-line files placed where each layer lives, refuses every import across a
 * boundary and lets the allowed ones through (so a rule that never fires would fail here too).
 */

const root = fileURLToPath(new URL('../..', import.meta.url));
let eslint: ESLint;

beforeAll(() => {
  eslint = new ESLint({ cwd: root });
}, 60_000);

/** The boundary messages ESLint gives `source` as if it were the file at `filePath`. */
async function refusals(filePath: string, source: string): Promise<string[]> {
  const [result] = await eslint.lintText(`${source}\nexport const used = [x];\n`, { filePath });
  return result!.messages
    .filter((m) => m.ruleId?.endsWith('no-restricted-imports'))
    .map((m) => m.message);
}

const refused = (file: string, from: string, typeOnly = false) =>
  refusals(file, `import ${typeOnly ? 'type ' : ''}{ x } from '${from}';`);

describe('lint boundaries (docs/architecture.md, "Boundaries")', () => {
  it.each([
    ['electron/core/probe.ts', '../adapters/dispatch'],
    ['electron/core/probe.ts', '../server/serve'],
    ['electron/core/probe.ts', '../cli/run'],
    ['electron/core/probe.ts', '../main/main'],
    ['electron/core/probe.ts', '../preload/preload'],
    ['electron/core/probe.ts', '../security/csp'],
    ['electron/core/probe.ts', '../demo'],
    ['electron/core/probe.ts', '../lib/queue'],
    ['electron/core/jobs/probe.ts', '../../server/http-api'],
    ['electron/core/migration/probe.ts', '../../adapters/host-session'],
    ['electron/core/probe.ts', '../../renderer/api/client'],
    ['electron/core/probe.ts', 'electron'],
    ['electron/core/probe.ts', 'react'],
  ])('the core (%s) imports none of the doors: %s is refused', async (file, from) => {
    expect(await refused(file, from)).toHaveLength(1);
    expect(await refused(file, from, true)).toHaveLength(1);
  });

  it('the core still imports itself, the contract and its packages', async () => {
    for (const from of ['./errors', '../keys', '../../shared/contract', 'ioredis', 'zod']) {
      expect(await refused('electron/core/jobs/probe.ts', from)).toEqual([]);
    }
  });

  it.each([
    ['renderer/api/probe.ts', '../../electron/preload/desktop-api', true],
    ['renderer/features/jobs/probe.tsx', '../../../electron/core/keys', false],
    ['renderer/features/jobs/probe.tsx', '../../../electron/core/errors', true],
    ['renderer/app/probe.tsx', 'electron', false],
  ])(
    'the renderer (%s) imports nothing from electron/: %s is refused',
    async (file, from, type) => {
      const messages = await refused(file, from, type);
      expect(messages).toHaveLength(1);
      expect(messages[0]).toMatch(/shared\/contract/);
    },
  );

  it('the renderer still imports the contract, types from its index, and its own modules', async () => {
    expect(await refused('renderer/app/probe.tsx', '../../shared/contract/names')).toEqual([]);
    expect(await refused('renderer/app/probe.tsx', '../../shared/contract', true)).toEqual([]);
    expect(await refused('renderer/app/probe.tsx', '../ui/Button')).toEqual([]);
  });

  it('the contract imports nothing from electron/ or the renderer', async () => {
    expect(
      await refused('shared/contract/probe.ts', '../../electron/core/keys', true),
    ).toHaveLength(1);
    expect(await refused('shared/contract/probe.ts', '../../renderer/ui/Button')).toHaveLength(1);
    expect(await refused('shared/contract/probe.ts', './names')).toEqual([]);
  });

  it('the library imports the core but no other door', async () => {
    expect(await refused('electron/lib/probe.ts', '../server/serve')).toHaveLength(1);
    expect(await refused('electron/lib/probe.ts', '../adapters/dispatch')).toHaveLength(1);
    expect(await refused('electron/lib/probe.ts', 'react')).toHaveLength(1);
    expect(await refused('electron/lib/probe.ts', '../core/core')).toEqual([]);
  });

  it('the doors may use the core and each other', async () => {
    expect(await refused('electron/server/probe.ts', '../adapters/dispatch')).toEqual([]);
    expect(await refused('electron/cli/commands/probe.ts', '../../server/serve')).toEqual([]);
    expect(await refused('electron/demo/probe.ts', '../lib/worker')).toEqual([]);
  });
});
