import { z } from 'zod';
import { JOB_STATUSES, type JobStatus } from './names';
import { describe, ID_PATTERN, ID_RULE, SHORT_TEXT_MAX } from './id-rule';

// docs/operations.md, "Identifiers and input": the rules and their words live in id-rule.ts.
export { describe, ID_PATTERN };

function identifier(field: string) {
  return z
    .string({
      error: (issue) => `${field} must be a string of ${ID_RULE} (got ${describe(issue.input)})`,
    })
    .regex(ID_PATTERN, {
      error: (issue) => `${field} must be ${ID_RULE} (got ${describe(issue.input)})`,
    });
}

export const workspaceId = identifier('workspace_id');
export const jobId = identifier('job_id');
export const clientRequestId = identifier('client_request_id');

export function shortText(field: string) {
  return z
    .string({
      error: (issue) => `${field} must be a non-empty string (got ${describe(issue.input)})`,
    })
    .min(1, { error: `${field} must not be empty` })
    .max(SHORT_TEXT_MAX, { error: `${field} must be at most ${SHORT_TEXT_MAX} characters` });
}

export const actionProvider = shortText('action_provider');
export const actionName = shortText('action_name');
export const actorId = shortText('actor_id');

export { JOB_STATUSES, type JobStatus };
export const jobStatus = z.enum(JOB_STATUSES, {
  error: (issue) =>
    `status must be one of ${JOB_STATUSES.join(', ')} (got ${describe(issue.input)})`,
});

/** A JSON object (params/result). The serialized size limit is enforced by the core, which knows its config. */
export function jsonObject(field: string) {
  return z.custom<Record<string, unknown>>(
    (value) => typeof value === 'object' && value !== null && !Array.isArray(value),
    {
      error: (issue) =>
        `${field} must be a JSON object (got ${Array.isArray(issue.input) ? 'array' : describe(issue.input)})`,
    },
  );
}

/**
 * Reads accept ids that break the rule above, because other producers wrote such keys before it
 * existed (docs/operations.md, "Identifiers and input": show them, never crash). No pattern
 * matching is done with them, so they are safe.
 */
export function legacyId(field: string) {
  return z
    .string({ error: (issue) => `${field} must be a string (got ${describe(issue.input)})` })
    .min(1, { error: `${field} must not be empty` })
    .max(1024, { error: `${field} must be at most 1024 characters` })
    .refine((value) => ![...value].some((ch) => ch.charCodeAt(0) < 0x20), {
      error: `${field} must not contain control characters`,
    });
}
