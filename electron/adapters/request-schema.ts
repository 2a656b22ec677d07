import { z } from 'zod';
import { OPERATION_NAMES, type InvokeRequest } from '../../shared/contract';

/**
 * The IPC envelope: which operation, its input (validated by the core), an optional call id. A
 * name the contract does not have is left to the dispatcher, so IPC and HTTP answer it alike
 * (docs/doors.md "Errors").
 */
export const invokeRequestSchema = z.object({
  op: z.string({
    error: (i) =>
      `op must be the name of one of the contract's operations (${OPERATION_NAMES.join(', ')}); got ${typeof i.input}`,
  }),
  input: z.unknown(),
  operation_id: z
    .string()
    .regex(/^[A-Za-z0-9._-]{1,128}$/, {
      error: 'operation_id must be 1-128 characters of letters, digits, ".", "_" or "-"',
    })
    .optional(),
});

export function parseInvokeRequest(
  value: unknown,
): { ok: true; request: InvokeRequest } | { ok: false; message: string } {
  const parsed = invokeRequestSchema.safeParse(value);
  if (parsed.success) return { ok: true, request: parsed.data as InvokeRequest };
  return {
    ok: false,
    message: parsed.error.issues.map((i) => i.message).join('; ') || 'malformed request',
  };
}
