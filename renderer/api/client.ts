import type {
  ApiError,
  EventEnvelope,
  OperationName,
  QueuescopeApi,
  QueuescopeBridge,
} from '../../shared/contract';
import { OPERATION_NAMES } from '../../shared/contract/names';
import type { DesktopBridge } from '../../shared/contract/profiles';
import { createHttpBridge } from './http-bridge';

declare global {
  interface Window {
    queuescope?: QueuescopeBridge;
  }
}

/** An operation's failure as thrown to the console: the contract's error shape, as an Error. */
export class ApiCallError extends Error {
  readonly code: ApiError['code'];
  readonly details: ApiError['details'];
  constructor(error: ApiError) {
    super(error.message);
    this.name = 'ApiCallError';
    this.code = error.code;
    this.details = error.details;
  }
}

/** Electron's preload bridge when present, else the web host over HTTP. Nothing else knows which. */
export const bridge: QueuescopeBridge = window.queuescope ?? createHttpBridge();

async function call(op: OperationName, input: unknown, operationId?: string): Promise<unknown> {
  const response = await bridge.invoke({
    op,
    input,
    ...(operationId ? { operation_id: operationId } : {}),
  });
  if (!response.ok) throw new ApiCallError(response.error);
  return response.data;
}

/** One typed method per contract operation. */
export const api = Object.fromEntries(
  OPERATION_NAMES.map((op) => [op, (input: unknown) => call(op, input)]),
) as QueuescopeApi;

/** Starts a long-running operation whose progress arrives as `progress` events with this id. */
export function invokeWithProgress<K extends OperationName>(
  op: K,
  input: Parameters<QueuescopeApi[K]>[0],
  operationId: string,
): ReturnType<QueuescopeApi[K]> {
  return call(op, input, operationId) as ReturnType<QueuescopeApi[K]>;
}

/**
 * Connection profiles (switch, unlock writes, local sandbox) are contract operations that only the
 * desktop app answers, since its main process owns the connection; the web host serves the one
 * Redis it was started on. Its preload marks the bridge as the desktop's.
 */
export const hasProfiles: boolean =
  (window.queuescope as Partial<DesktopBridge> | undefined)?.desktop === true;

export function subscribe(listener: (event: EventEnvelope) => void): () => void {
  return bridge.subscribe(listener);
}
