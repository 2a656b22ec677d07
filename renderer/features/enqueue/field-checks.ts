import { idProblem, shortTextProblem } from '../../../shared/contract/id-rule';

export type Field =
  'workspace_id' | 'action_provider' | 'action_name' | 'actor_id' | 'params' | 'client_request_id';

export type Draft = Record<Field, string>;

/**
 * What the core would answer about one field of the form, in its words (id-rule.ts), so a field is
 * checked when it is left instead of on submit. Params has its own check as it is typed.
 */
export function fieldProblem(field: Field, draft: Draft): string | null {
  const value = draft[field].trim();
  switch (field) {
    case 'workspace_id':
      return idProblem('workspace_id', value);
    case 'client_request_id':
      // Optional: an empty request id means "no idempotency key".
      return value === '' ? null : idProblem('client_request_id', value);
    case 'action_provider':
    case 'action_name':
    case 'actor_id':
      return shortTextProblem(field, value);
    case 'params':
      return null;
  }
}

export const CHECKED_FIELDS: Field[] = [
  'workspace_id',
  'actor_id',
  'action_provider',
  'action_name',
  'client_request_id',
];
