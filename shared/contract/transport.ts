import type { ApiError } from './errors';
import type { EventMap, EventName } from './events';
import type { OperationName } from './index';

/**
 * The wire protocol both transports share.
 * IPC: renderer invokes channel INVOKE_CHANNEL with an InvokeRequest and gets an InvokeResponse;
 *      events arrive on EVENT_CHANNEL as { name, payload }.
 * HTTP: POST /api/<operation> with the input as JSON body and the session token in the
 *       `x-queuescope-token` header (or `?token=`), answered with an InvokeResponse (error status
 *       codes from ERROR_SURFACES); events as SSE from GET /api/events?token=…, `event: <name>`.
 */
export const INVOKE_CHANNEL = 'queuescope:invoke';
export const EVENT_CHANNEL = 'queuescope:event';
export const TOKEN_HEADER = 'x-queuescope-token';
/**
 * The web host's browser declares the name of the person at the console here, percent-encoded
 * UTF-8; the host audits writes as that name beside its own OS user (docs/doors.md).
 */
export const OPERATOR_HEADER = 'x-queuescope-operator';
export const API_PREFIX = '/api/';

export interface InvokeRequest {
  op: OperationName;
  input: unknown;
  /** Set for long-running operations so progress events and cancel can refer to the call. */
  operation_id?: string;
}

export type InvokeResponse<T = unknown> = { ok: true; data: T } | { ok: false; error: ApiError };

export interface EventEnvelope<N extends EventName = EventName> {
  name: N;
  payload: EventMap[N];
}

/** What the preload exposes as `window.queuescope`, and what the HTTP client implements too. */
export interface QueuescopeBridge {
  invoke(request: InvokeRequest): Promise<InvokeResponse>;
  cancel(operationId: string): Promise<void>;
  subscribe(listener: (event: EventEnvelope) => void): () => void;
}
