import { randomFillSync } from 'node:crypto';
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
  /** job_id, workspace_id, action_provider, action_name, params, actor_id: the script's ARGV stride. */
  argv: [string, string, string, string, string, string];
}

/** Serializes params/result, refusing more than `maxBytes` of JSON with a VALIDATION error. */
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

// uuid's own v7 asks the OS for 16 random bytes per id, which cost more than the rest of an
// enqueue; draw them from a pool instead and keep uuid's monotonic (ms, sequence) scheme.
const randomPool = new Uint8Array(16 * 512);
let poolOffset = randomPool.length;
const idRandom = new Uint8Array(16);
const idState = { msecs: -1, seq: 0 };

/** A new time-sortable job id (UUIDv7, monotonic within this process). */
export function newJobId(now = Date.now()): string {
  if (poolOffset === randomPool.length) {
    randomFillSync(randomPool);
    poolOffset = 0;
  }
  for (let i = 6; i < 16; i++) idRandom[i] = randomPool[poolOffset + i]!;
  poolOffset += 16;
  if (now > idState.msecs) {
    idState.msecs = now;
    idState.seq =
      ((idRandom[6]! & 0x7f) << 24) | (idRandom[7]! << 16) | (idRandom[8]! << 8) | idRandom[9]!;
  } else {
    idState.seq = (idState.seq + 1) | 0;
    if (idState.seq === 0) idState.msecs++;
  }
  return uuidv7({ msecs: idState.msecs, seq: idState.seq, random: idRandom });
}

/** Builds a validated job's keys and script arguments (generating its id when none was given). */
export function prepareJob(
  input: z.output<typeof enqueueInput>,
  maxJsonBytes: number,
): PreparedJob {
  const jobId = input.job_id ?? newJobId();
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
    argv: [jobId, ws, input.action_provider, input.action_name, params, input.actor_id],
  };
}
