import type { IncomingMessage, ServerResponse } from 'node:http';
import type { ApiError, InvokeResponse, OperationName } from '../../shared/contract';
import { ERROR_SURFACES } from '../../shared/contract';
import { isOperationName, unknownOperation, type Dispatcher } from '../adapters/dispatch';
import { declaredOperator } from './operator';

export const DEFAULT_BODY_LIMIT_BYTES = 4 * 1024 * 1024;

export class BodyTooLargeError extends Error {
  constructor(readonly limit: number) {
    super(
      `The request body is larger than ${limit} bytes. Send fewer jobs per call or smaller params.`,
    );
  }
}

/** Reads the whole body, refusing it as soon as it passes `limit` bytes (declared or streamed). */
export async function readBody(req: IncomingMessage, limit: number): Promise<Buffer> {
  const declared = Number(req.headers['content-length'] ?? 0);
  if (declared > limit) throw new BodyTooLargeError(limit);
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req as AsyncIterable<Buffer>) {
    size += chunk.length;
    if (size > limit) throw new BodyTooLargeError(limit);
    chunks.push(chunk);
  }
  return Buffer.concat(chunks);
}

export function sendJson(res: ServerResponse, status: number, body: unknown): void {
  const text = JSON.stringify(body);
  res.writeHead(status, {
    'content-type': 'application/json; charset=utf-8',
    'cache-control': 'no-store',
    'content-length': Buffer.byteLength(text),
  });
  res.end(text);
}

export function sendError(res: ServerResponse, status: number, error: ApiError): void {
  sendJson(res, status, { ok: false, error } satisfies InvokeResponse);
}

function parseJson(body: Buffer): { ok: true; value: unknown } | { ok: false; error: ApiError } {
  if (body.length === 0) return { ok: true, value: undefined };
  try {
    return { ok: true, value: JSON.parse(body.toString('utf8')) as unknown };
  } catch (error) {
    return {
      ok: false,
      error: {
        code: 'VALIDATION',
        message: `The request body is not valid JSON (${(error as Error).message}). Send the operation's input as a JSON object.`,
      },
    };
  }
}

/** What the API routes need from the web host. */
export interface ApiDoor {
  dispatcher: Dispatcher;
  bodyLimit: number;
  /** The OS user running the host, recorded beside each browser's declared operator. */
  hostUser: string;
}

/**
 * POST /api/<op> and POST /api/cancel: one generic route per contract operation. An unknown
 * operation gets the dispatcher's answer, the same as over IPC (docs/doors.md "Errors").
 */
export async function handleApiPost(
  req: IncomingMessage,
  res: ServerResponse,
  name: string,
  door: ApiDoor,
): Promise<void> {
  if (name !== 'cancel' && !isOperationName(name)) {
    sendError(res, ERROR_SURFACES.VALIDATION.httpStatus, unknownOperation(name).toJSON());
    return;
  }
  const parsed = parseJson(await readBody(req, door.bodyLimit));
  if (!parsed.ok) {
    sendError(res, ERROR_SURFACES.VALIDATION.httpStatus, parsed.error);
    return;
  }
  if (name === 'cancel') {
    const id = (parsed.value as { operation_id?: unknown } | undefined)?.operation_id;
    if (typeof id !== 'string') {
      sendError(res, ERROR_SURFACES.VALIDATION.httpStatus, {
        code: 'VALIDATION',
        message: 'cancel needs {"operation_id": "<id of the running operation>"}.',
        details: { field: 'operation_id' },
      });
      return;
    }
    door.dispatcher.cancel(id);
    sendJson(res, 200, { ok: true, data: null });
    return;
  }
  const operator = declaredOperator(req);
  if (!operator.ok) {
    sendError(res, ERROR_SURFACES.VALIDATION.httpStatus, operator.error);
    return;
  }
  const operationId = req.headers['x-operation-id'];
  const response = await door.dispatcher.invoke(
    {
      op: name as OperationName,
      input: parsed.value,
      ...(typeof operationId === 'string' ? { operation_id: operationId } : {}),
    },
    { actor: operator.name, hostUser: door.hostUser },
  );
  sendJson(res, response.ok ? 200 : ERROR_SURFACES[response.error.code].httpStatus, response);
}
