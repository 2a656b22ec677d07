import type { Page } from '@playwright/test';
import type { EventEnvelope, InvokeRequest } from '../../shared/contract';
import type { DesktopApp, DesktopAppOptions } from '../integration/ipc-fakes';

/**
 * The desktop app around the real renderer build, without Electron (docs/desktop.md "How it is
 * tested"): the main process is the one main.ts composes (composeMain, in this test process: the
 * real ProfileStore, Connections, dispatcher and IPC handlers, over real redis-servers), with only
 * the `electron` module's pieces faked. The page gets the preload's one object, `window.queuescope`,
 * whose three functions cross to that main process on the preload's own channels, and receives
 * the events the main process sends to its window. The web host only serves the page's files.
 */
export async function openDesktop(
  page: Page,
  options: DesktopAppOptions,
): Promise<{ app: DesktopApp; calls: InvokeRequest[] }> {
  // Loaded once the fixtures have taught Node the core's `?raw` Lua imports.
  const { desktopApp, fakeEvent } = await import('../integration/ipc-fakes');
  const { INVOKE_CHANNEL } = await import('../../shared/contract/transport');
  const app = await desktopApp(options);
  const calls: InvokeRequest[] = [];
  const window = fakeEvent({
    onSend: (envelope: EventEnvelope) => {
      page
        .evaluate((e) => (globalThis as unknown as Harness).__qsDeliver(e), envelope)
        .catch(() => undefined);
    },
  });
  await page.exposeBinding('__qsInvoke', async (_source, request: InvokeRequest) => {
    calls.push(request);
    return app.ipcMain.invoke(window, INVOKE_CHANNEL, request);
  });
  await page.exposeBinding('__qsSend', (_source, channel: string, value: unknown) =>
    app.ipcMain.send(window, channel, value),
  );
  await page.addInitScript(installPreload);
  return { app, calls };
}

interface Harness {
  __qsInvoke(request: unknown): Promise<unknown>;
  __qsSend(channel: string, value: unknown): Promise<void>;
  __qsDeliver(envelope: unknown): void;
}

/** What electron/preload/preload.ts exposes, on the same channels. Runs in the page. */
function installPreload() {
  const harness = globalThis as unknown as Harness;
  const listeners = new Set<(event: unknown) => void>();
  harness.__qsDeliver = (envelope) => {
    for (const listener of [...listeners]) listener(envelope);
  };
  Object.assign(window, {
    queuescope: {
      desktop: true,
      invoke: (request: { op: string; input: unknown; operation_id?: string }) =>
        harness.__qsInvoke({
          op: request.op,
          input: request.input,
          ...(request.operation_id ? { operation_id: request.operation_id } : {}),
        }),
      cancel: async (operationId: string) => {
        await harness.__qsSend('queuescope:cancel', String(operationId));
      },
      subscribe(listener: (event: unknown) => void) {
        listeners.add(listener);
        if (listeners.size === 1) void harness.__qsSend('queuescope:subscribe', true);
        return () => {
          if (!listeners.delete(listener) || listeners.size > 0) return;
          void harness.__qsSend('queuescope:subscribe', false);
        };
      },
    },
  });
}
