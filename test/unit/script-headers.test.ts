import { describe, expect, it } from 'vitest';
import { prepareJob } from '../../electron/core/jobs/prepare-job';
import { keys } from '../../electron/core/keys';
import { orderItemKeys, scripts, withIncludes, type ScriptDef } from '../../electron/core/scripts';

const defs = Object.entries(scripts) as Array<[string, ScriptDef]>;

function header(lua: string): string {
  const start = lua.indexOf('--[[');
  const end = lua.indexOf(']]', start);
  if (start < 0 || end < 0) throw new Error('no --[[ ]] header');
  return lua.slice(start, end);
}

/** The `KEYS[index] name` lines of a header, in order. */
function declaredKeys(lua: string): Array<{ index: string; name: string }> {
  return [...header(lua).matchAll(/^\s*KEYS\[([^\]]+)\]\s+([A-Za-z]\w*)/gm)].map((m) => ({
    index: m[1]!.replace(/\s+/g, ''),
    name: m[2]!,
  }));
}

/**
 * docs/architecture.md, "Scripts": each script's header is the one description of its KEYS, and
 * scripts.ts agrees.
 */
describe('Lua script headers and their ScriptDef', () => {
  it.each(defs)('%s starts with #!lua and then its --[[ ]] header', (_, def) => {
    const lines = def.lua.split('\n');
    expect(lines[0]).toMatch(/^#!lua( flags=no-writes)?$/);
    expect(lines[1]).toBe('--[[');
  });

  it.each(defs)(
    '%s declares its KEYS in the order and under the names scripts.ts passes',
    (_, def) => {
      const declared = declaredKeys(def.lua);
      expect(declared.map((k) => k.name)).toEqual([...def.keys, ...def.perItemKeys]);
      const fixed = def.keys.length;
      const stride = def.perItemKeys.length;
      expect(declared.map((k) => k.index)).toEqual([
        ...def.keys.map((_, i) => String(i + 1)),
        ...def.perItemKeys.map((_, j) => `${fixed + 1 + j}+${stride}i`),
      ]);
    },
  );

  it.each(defs)('%s reads no fixed KEYS slot beyond those it declares', (_, def) => {
    if (def.perItemKeys.length) return; // batch scripts index their per-item keys by arithmetic
    const used = [...def.lua.matchAll(/KEYS\[(\d+)\]/g)].map((m) => Number(m[1]));
    expect(Math.max(...used)).toBe(def.keys.length);
  });

  it('registers every script under its own versioned command name', () => {
    const commands = defs.map(([, def]) => def.command);
    expect(new Set(commands).size).toBe(commands.length);
    for (const c of commands) expect(c).toMatch(/^qs_[a-z_]+_v\d+$/);
  });

  it('prepareJob builds the enqueue per-job keys in the order of the header', () => {
    const job = prepareJob(
      {
        workspace_id: 'ws-1',
        job_id: 'job-1',
        client_request_id: 'req-1',
        action_provider: 'p',
        action_name: 'a',
        actor_id: 'u',
        params: {},
      },
      1024,
    );
    expect(job.keys).toEqual(
      orderItemKeys(scripts.enqueue, {
        old: keys.oldJob('job-1'),
        new: keys.newJob('ws-1', 'job-1'),
        index: keys.workspaceIndex('ws-1'),
        idempotency: keys.idempotency('ws-1', 'req-1'),
      }),
    );
  });
});

describe('Lua includes', () => {
  it('are expanded everywhere, so no registered script names an include', () => {
    for (const def of Object.values(scripts) as ScriptDef[]) {
      expect(def.lua, def.file).not.toMatch(/@include/);
    }
    expect(scripts.repairJob.lua).toMatch(/local function fingerprint/);
  });

  it('puts an include in once, where it is first named, also when another include names it', () => {
    const lua = withIncludes('-- @include byte-less\n-- @include fingerprint\nreturn 1');
    expect(lua.match(/local function byteLess/g)).toHaveLength(1);
    expect(lua.indexOf('local function byteLess')).toBeLessThan(
      lua.indexOf('local function fingerprint'),
    );
    expect(scripts.repairJob.lua.match(/local function byteLess/g)).toHaveLength(1);
  });

  it('refuses an unknown include instead of shipping a script that fails at run time', () => {
    expect(() => withIncludes('-- @include nope')).toThrow(/unknown Lua include "nope"/);
  });
});
