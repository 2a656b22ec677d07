import { v7 as uuidv7 } from 'uuid';
import type { z } from 'zod';
import type { enqueueInput } from '../../../shared/contract';
import { ValidationError } from '../errors';
import { keys } from '../keys';

/** A validated job with its keys and serialized fields, ready for the enqueue script. */
export interface PreparedJob {
  jobId: string;
  workspaceId: string;
  keys: [old: string, new: string, index: string, idempotency: string];
  /** job_id, workspace_id, action_provider, action_name, params, actor_id, enqueued_at, score: the script's ARGV stride. */
  argv: [string, string, string, string, string, string, string, number];
}

export function serializeJsonObject(
  field: string,
  value: Record<string, unknown> | undefined,
  maxBytes: number,
): string {
  let text: string;
  try {
    text = JSON.stringify(value ?? {});
  } catch (error) {
    // BigInts and cycles have no JSON form: that is bad input (VALIDATION), not a fault of the core.
    throw new ValidationError(
      `${field} cannot be written as JSON (${(error as Error).message}). Pass plain JSON values only.`,
      { field },
    );
  }
  // A UTF-16 length under a third of the limit cannot exceed it in UTF-8; skip the exact count then.
  if (text.length * 3 > maxBytes && Buffer.byteLength(text) > maxBytes) {
    throw new ValidationError(
      `${field} is ${Buffer.byteLength(text)} bytes as JSON; the limit is ${maxBytes} bytes. Store large payloads elsewhere and pass a reference.`,
      {
        field,
        limit: maxBytes,
      },
    );
  }
  return text;
}

export function prepareJob(
  input: z.output<typeof enqueueInput>,
  maxJsonBytes: number,
  now = Date.now(),
): PreparedJob {
  const jobId = input.job_id ?? uuidv7();
  const ws = input.workspace_id;
  const params = serializeJsonObject('params', input.params, maxJsonBytes);
  return {
    jobId,
    workspaceId: ws,
    keys: [
      keys.oldJob(jobId),
      keys.newJob(ws, jobId),
      keys.workspaceIndex(ws),
      input.client_request_id ? keys.idempotency(ws, input.client_request_id) : '',
    ],
    argv: [
      jobId,
      ws,
      input.action_provider,
      input.action_name,
      params,
      input.actor_id,
      new Date(now).toISOString(),
      now,
    ],
  };
}
