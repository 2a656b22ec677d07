import { contextBridge, ipcRenderer, type IpcRendererEvent } from 'electron';
import {
  EVENT_CHANNEL,
  INVOKE_CHANNEL,
  type EventEnvelope,
  type InvokeRequest,
  type InvokeResponse,
} from '../../shared/contract/transport';
import {
  CANCEL_CHANNEL,
  PROFILES_CHANNEL,
  SUBSCRIBE_CHANNEL,
  type DesktopBridge,
  type ProfilesAction,
  type ProfilesApi,
  type ProfilesResponse,
} from './desktop-api';

// Runs sandboxed: only plain data crosses, and no ipcRenderer object or Electron event ever reaches
// the page, so the console can call exactly these functions and nothing else.

const listeners = new Set<(event: EventEnvelope) => void>();
const deliver = (_event: IpcRendererEvent, envelope: EventEnvelope) => {
  for (const listener of [...listeners]) listener(envelope);
};

async function profilesCall(action: ProfilesAction, ...args: unknown[]): Promise<unknown> {
  const response = (await ipcRenderer.invoke(PROFILES_CHANNEL, {
    action,
    args,
  })) as ProfilesResponse;
  if (!response.ok) {
    throw Object.assign(new Error(response.error.message), { code: response.error.code });
  }
  return response.data;
}

const profiles: ProfilesApi = {
  list: () => profilesCall('list') as ReturnType<ProfilesApi['list']>,
  save: (input) => profilesCall('save', input) as ReturnType<ProfilesApi['save']>,
  remove: (id) => profilesCall('remove', id) as Promise<void>,
  connect: (id) => profilesCall('connect', id) as Promise<void>,
  setWritesUnlocked: (id, unlocked) =>
    profilesCall('setWritesUnlocked', id, unlocked) as Promise<void>,
  startSandbox: () => profilesCall('startSandbox') as Promise<void>,
};

const bridge = {
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
  profiles,
} satisfies DesktopBridge;

contextBridge.exposeInMainWorld('queuescope', bridge);
