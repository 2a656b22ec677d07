import { randomFillSync } from 'node:crypto';
import type { z } from 'zod';
import type { enqueueInput } from '../../../shared/contract';
import { ValidationError } from '../errors';
import { keys } from '../keys';

/** A validated job with its keys and serialized fields, ready for the enqueue script. */
export interface PreparedJob {
  jobId: string;
  workspaceId: string;
  keys: [old: string, new: string, index: string, idempotency: string];
  /** job_id, workspace_id, action_provider, action_name, params, actor_id: the script's per-job values. */
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

// uuid's own v7 asks the OS for 16 random bytes and allocates per id, which together cost more
// than the rest of an enqueue. Same layout and monotonic (ms, 32-bit sequence) scheme as uuid's
// v7, with the random bytes drawn from a pool.
const HEX = Array.from({ length: 256 }, (_, i) => i.toString(16).padStart(2, '0'));
const randomPool = new Uint8Array(6 * 1024);
let poolOffset = randomPool.length;
let lastMs = -1;
let lastMsHex = '';
let seq = 0;

function randomBytes(n: number): number {
  if (poolOffset + n > randomPool.length) {
    randomFillSync(randomPool);
    poolOffset = 0;
  }
  const at = poolOffset;
  poolOffset += n;
  return at;
}

/** A new time-sortable job id (UUIDv7, RFC 9562), increasing within this process. */
export function newJobId(now = Date.now()): string {
  if (now > lastMs) {
    lastMs = now;
    const r = randomBytes(4);
    seq =
      ((randomPool[r]! & 0x7f) << 24) |
      (randomPool[r + 1]! << 16) |
      (randomPool[r + 2]! << 8) |
      randomPool[r + 3]!;
    lastMsHex = '';
  } else {
    seq = (seq + 1) | 0;
    if (seq === 0) {
      lastMs++;
      lastMsHex = '';
    }
  }
  if (!lastMsHex) {
    const hex = lastMs.toString(16).padStart(12, '0');
    lastMsHex = `${hex.slice(0, 8)}-${hex.slice(8)}-`;
  }
  const r = randomBytes(6);
  const p = randomPool;
  return (
    lastMsHex +
    HEX[0x70 | ((seq >>> 28) & 0x0f)]! +
    HEX[(seq >>> 20) & 0xff]! +
    '-' +
    HEX[0x80 | ((seq >>> 14) & 0x3f)]! +
    HEX[(seq >>> 6) & 0xff]! +
    '-' +
    HEX[((seq << 2) & 0xff) | (p[r]! & 0x03)]! +
    HEX[p[r + 1]!]! +
    HEX[p[r + 2]!]! +
    HEX[p[r + 3]!]! +
    HEX[p[r + 4]!]! +
    HEX[p[r + 5]!]!
  );
}

/**
 * The enqueue script receives the job's strings as JSON, which Redis's cjson refuses when it holds
 * a lone UTF-16 surrogate; sent as plain arguments such a string became U+FFFD, so do that here.
 */
function wellFormed(text: string): string {
  return (text as unknown as { toWellFormed(): string }).toWellFormed();
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
    argv: [
      jobId,
      ws,
      wellFormed(input.action_provider),
      wellFormed(input.action_name),
      params,
      wellFormed(input.actor_id),
    ],
  };
}
