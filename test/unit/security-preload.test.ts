import { describe, expect, it, vi } from 'vitest';

// The `electron` module replaced at its boundary: what the sandboxed preload can reach.
const electron = vi.hoisted(() => {
  const exposed: Array<[string, unknown]> = [];
  const handlers = new Map<string, (...args: unknown[]) => void>();
  const ipcRenderer = {
    invoke: vi.fn(async (..._args: unknown[]) => ({ ok: true, data: 'pong' })),
    send: vi.fn(),
    on: vi.fn((channel: string, fn: (...args: unknown[]) => void) => handlers.set(channel, fn)),
    removeListener: vi.fn((channel: string) => handlers.delete(channel)),
  };
  return {
    exposed,
    handlers,
    ipcRenderer,
    contextBridge: { exposeInMainWorld: (name: string, api: unknown) => exposed.push([name, api]) },
  };
});
vi.mock('electron', () => ({
  contextBridge: electron.contextBridge,
  ipcRenderer: electron.ipcRenderer,
}));

await import('../../electron/preload/preload');
const [[name, api]] = electron.exposed as [[string, Record<string, unknown>]];

function containsIpcRenderer(value: unknown, seen = new Set<unknown>()): boolean {
  if (value === electron.ipcRenderer) return true;
  if (typeof value !== 'object' || value === null || seen.has(value)) return false;
  seen.add(value);
  return Object.values(value).some((v) => containsIpcRenderer(v, seen));
}

describe('preload', () => {
  it('exposes exactly one object, window.queuescope, and never ipcRenderer', () => {
    expect(electron.exposed).toHaveLength(1);
    expect(name).toBe('queuescope');
    expect(Object.keys(api).sort()).toEqual(['cancel', 'desktop', 'invoke', 'subscribe']);
    expect(containsIpcRenderer(api)).toBe(false);
    // Profiles are contract operations on the invoke channel (docs/desktop.md): no second RPC.
    expect(api.desktop).toBe(true);
    expect(Object.values(api).filter((v) => typeof v !== 'function')).toEqual([true]);
  });

  it('forwards only op, input and operation_id on the invoke channel', async () => {
    const invoke = api.invoke as (r: unknown) => Promise<unknown>;
    await invoke({ op: 'getFlag', input: {}, extra: 'dropped', sender: 'spoofed' });
    expect(electron.ipcRenderer.invoke).toHaveBeenLastCalledWith('queuescope:invoke', {
      op: 'getFlag',
      input: {},
    });
  });

  it('passes events to the page without the Electron event object', () => {
    const subscribe = api.subscribe as (fn: (e: unknown) => void) => () => void;
    const seen: unknown[] = [];
    const stop = subscribe((e) => seen.push(e));
    expect(electron.ipcRenderer.send).toHaveBeenLastCalledWith('queuescope:subscribe', true);
    const envelope = { name: 'flag', payload: { new_schema: 'on' } };
    electron.handlers.get('queuescope:event')!(
      { sender: electron.ipcRenderer, ports: [] },
      envelope,
    );
    expect(seen).toEqual([envelope]);
    stop();
    expect(electron.ipcRenderer.send).toHaveBeenLastCalledWith('queuescope:subscribe', false);
    expect(electron.handlers.has('queuescope:event')).toBe(false);
  });
});
