import { contextBridge, ipcRenderer, type IpcRendererEvent } from 'electron';
import {
  EVENT_CHANNEL,
  INVOKE_CHANNEL,
  type EventEnvelope,
  type InvokeRequest,
  type InvokeResponse,
} from '../../shared/contract/transport';
import type { DesktopBridge } from '../../shared/contract/profiles';
import { CANCEL_CHANNEL, SUBSCRIBE_CHANNEL } from './desktop-api';

// Runs sandboxed: only plain data crosses, and no ipcRenderer object or Electron event ever reaches
// the page, so the console can call exactly these functions and nothing else.

const listeners = new Set<(event: EventEnvelope) => void>();
const deliver = (_event: IpcRendererEvent, envelope: EventEnvelope) => {
  for (const listener of [...listeners]) listener(envelope);
};

const bridge = {
  // Connection profiles are answered here: they are contract operations on the invoke channel.
  desktop: true,
  invoke: (request: InvokeRequest) =>
    ipcRenderer.invoke(INVOKE_CHANNEL, {
      op: request.op,
      input: request.input,
      ...(request.operation_id ? { operation_id: request.operation_id } : {}),
    }) as Promise<InvokeResponse>,
  cancel: async (operationId: string) => {
    ipcRenderer.send(CANCEL_CHANNEL, String(operationId));
  },
  subscribe(listener: (event: EventEnvelope) => void) {
    listeners.add(listener);
    if (listeners.size === 1) {
      ipcRenderer.on(EVENT_CHANNEL, deliver);
      ipcRenderer.send(SUBSCRIBE_CHANNEL, true);
    }
    return () => {
      if (!listeners.delete(listener) || listeners.size > 0) return;
      ipcRenderer.removeListener(EVENT_CHANNEL, deliver);
      ipcRenderer.send(SUBSCRIBE_CHANNEL, false);
    };
  },
} satisfies DesktopBridge;

contextBridge.exposeInMainWorld('queuescope', bridge);
