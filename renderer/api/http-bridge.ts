import type {
  EventEnvelope,
  InvokeRequest,
  InvokeResponse,
  QueuescopeBridge,
} from '../../shared/contract';
import { API_PREFIX, OPERATOR_HEADER, TOKEN_HEADER } from '../../shared/contract/transport';
import { currentOperatorName } from '../app/operator';

/** The web host's session token: from the page URL on first load, then kept for the tab. */
export function sessionToken(): string {
  const fromUrl = new URLSearchParams(window.location.search).get('token');
  if (fromUrl) {
    sessionStorage.setItem('queuescope-token', fromUrl);
    return fromUrl;
  }
  return sessionStorage.getItem('queuescope-token') ?? '';
}

/**
 * The bridge over HTTP + SSE, used when the console runs in a browser against `queuescope serve`.
 * Every call declares the operator's name, which the host audits (docs/doors.md).
 */
export function createHttpBridge(
  token = sessionToken(),
  operatorName: () => string = currentOperatorName,
): QueuescopeBridge {
  const listeners = new Set<(event: EventEnvelope) => void>();
  let source: EventSource | null = null;
  const connect = () => {
    source = new EventSource(`${API_PREFIX}events?token=${encodeURIComponent(token)}`);
    source.onmessage = (message) => {
      const event = JSON.parse(message.data) as EventEnvelope;
      for (const listener of listeners) listener(event);
    };
  };
  return {
    async invoke(request: InvokeRequest): Promise<InvokeResponse> {
      try {
        const response = await fetch(`${API_PREFIX}${request.op}`, {
          method: 'POST',
          headers: {
            'content-type': 'application/json',
            [TOKEN_HEADER]: token,
            // Percent-encoded: a header carries no UTF-8, and a name may be "José".
            ...(operatorName().trim()
              ? { [OPERATOR_HEADER]: encodeURIComponent(operatorName().trim()) }
              : {}),
            ...(request.operation_id ? { 'x-operation-id': request.operation_id } : {}),
          },
          body: JSON.stringify(request.input ?? {}),
        });
        return (await response.json()) as InvokeResponse;
      } catch (error) {
        return {
          ok: false,
          error: {
            code: 'REDIS_UNAVAILABLE',
            message: `The Queuescope host did not answer (${String(error)}). Is \`queuescope serve\` still running?`,
          },
        };
      }
    },
    async cancel(operationId: string) {
      await fetch(`${API_PREFIX}cancel`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', [TOKEN_HEADER]: token },
        body: JSON.stringify({ operation_id: operationId }),
      }).catch(() => undefined);
    },
    subscribe(listener) {
      listeners.add(listener);
      if (!source) connect();
      return () => {
        listeners.delete(listener);
        if (listeners.size === 0) {
          source?.close();
          source = null;
        }
      };
    },
  };
}
