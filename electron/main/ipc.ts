import type { IpcMain, IpcMainEvent, IpcMainInvokeEvent, WebContents } from 'electron';
import { EVENT_CHANNEL, INVOKE_CHANNEL, type InvokeResponse } from '../../shared/contract';
import { parseInvokeRequest } from '../adapters/request-schema';
import type { HostSession } from '../adapters/host-session';
import { CANCEL_CHANNEL, SUBSCRIBE_CHANNEL } from '../preload/desktop-api';

export type IpcMainLike = Pick<IpcMain, 'handle' | 'on' | 'removeHandler' | 'removeListener'>;
type SenderEvent = Pick<IpcMainInvokeEvent | IpcMainEvent, 'sender' | 'senderFrame'>;

export interface IpcOptions {
  ipcMain: IpcMainLike;
  /** The current host session; its dispatcher also answers the profile operations. */
  session: () => HostSession;
  /** The trusted-URL check bound to the renderer folder. */
  isTrustedUrl: (url: string) => boolean;
}

/**
 * A message is answered only when it comes from the main frame of a window showing the console's
 * own page: a subframe, a navigated-away window or a destroyed frame gets nothing but a refusal.
 */
export function senderIsTrusted(event: SenderEvent, isTrustedUrl: (url: string) => boolean) {
  const frame = event.senderFrame;
  if (!frame || frame.parent !== null) return false;
  if (frame !== event.sender.mainFrame) return false;
  return isTrustedUrl(frame.url);
}

/** The door's own refusal of a caller it cannot trust (docs/doors.md "Errors"). */
export const UNTRUSTED_SENDER: InvokeResponse = {
  ok: false,
  error: {
    code: 'UNAUTHORIZED',
    message:
      'Refused: this request did not come from the Queuescope console page. Only the console window may call the app.',
  },
};

/** Registers the handlers and returns a function that removes them again. */
export function registerIpc(options: IpcOptions): () => void {
  const { ipcMain, isTrustedUrl } = options;
  const subscriptions = new Map<number, () => void>();

  ipcMain.handle(INVOKE_CHANNEL, async (event, raw: unknown): Promise<InvokeResponse> => {
    if (!senderIsTrusted(event, isTrustedUrl)) return UNTRUSTED_SENDER;
    const parsed = parseInvokeRequest(raw);
    if (!parsed.ok) return { ok: false, error: { code: 'VALIDATION', message: parsed.message } };
    return options.session().dispatcher.invoke(parsed.request);
  });

  const onCancel = (event: IpcMainEvent, operationId: unknown) => {
    if (!senderIsTrusted(event, isTrustedUrl) || typeof operationId !== 'string') return;
    options.session().dispatcher.cancel(operationId);
  };
  ipcMain.on(CANCEL_CHANNEL, onCancel);

  const onSubscribe = (event: IpcMainEvent, wanted: unknown) => {
    if (!senderIsTrusted(event, isTrustedUrl)) return;
    const contents = event.sender;
    subscriptions.get(contents.id)?.();
    subscriptions.delete(contents.id);
    if (wanted !== true) return;
    const stop = subscribeContents(contents, options.session);
    subscriptions.set(contents.id, stop);
    contents.once('destroyed', () => {
      stop();
      subscriptions.delete(contents.id);
    });
  };
  ipcMain.on(SUBSCRIBE_CHANNEL, onSubscribe);

  return () => {
    ipcMain.removeHandler(INVOKE_CHANNEL);
    ipcMain.removeListener(CANCEL_CHANNEL, onCancel);
    ipcMain.removeListener(SUBSCRIBE_CHANNEL, onSubscribe);
    for (const stop of subscriptions.values()) stop();
    subscriptions.clear();
  };
}

function subscribeContents(
  contents: Pick<WebContents, 'send' | 'isDestroyed' | 'once'>,
  session: () => HostSession,
): () => void {
  return session().hub.subscribe((envelope) => {
    if (!contents.isDestroyed()) contents.send(EVENT_CHANNEL, envelope);
  });
}
