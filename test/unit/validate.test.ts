import { describe, expect, it } from 'vitest';
import { contract, enqueueInput } from '../../shared/contract';
import { ValidationError } from '../../electron/core/errors';
import { serializeJsonObject } from '../../electron/core/jobs/prepare-job';
import { validate } from '../../electron/core/validate';

const job = {
  workspace_id: 'ws-1',
  action_provider: 'google',
  action_name: 'gmail.send',
  actor_id: 'user-1',
};

function failure(schema: Parameters<typeof validate>[0], input: unknown): ValidationError {
  try {
    validate(schema, input);
  } catch (error) {
    if (error instanceof ValidationError) return error;
    throw error;
  }
  throw new Error('validate accepted the input');
}

describe('validate', () => {
  it('returns the parsed input, dropping unknown fields', () => {
    expect(validate(enqueueInput, { ...job, extra: 1 })).toEqual(job);
  });

  it.each([
    [
      'workspace_id',
      { ...job, workspace_id: '' },
      /workspace_id must be 1–128 characters .* \(got ""\)/,
    ],
    [
      'workspace_id',
      { ...job, workspace_id: null },
      /workspace_id must be a string .* \(got null\)/,
    ],
    ['workspace_id', { ...job, workspace_id: undefined }, /workspace_id .*\(got nothing\)/],
    ['job_id', { ...job, job_id: 'a:b' }, /job_id must be .*letters, digits/],
    [
      'client_request_id',
      { ...job, client_request_id: 7 },
      /client_request_id must be a string .*\(got number\)/,
    ],
    ['actor_id', { ...job, actor_id: '' }, /actor_id must not be empty/],
    ['action_name', { ...job, action_name: 'x'.repeat(257) }, /action_name must be at most 256/],
    ['params', { ...job, params: [1, 2] }, /params must be a JSON object \(got array\)/],
  ])('names the field %s in the message and in details', (field, input, message) => {
    const error = failure(enqueueInput, input);
    expect(error.code).toBe('VALIDATION');
    expect(error.message).toMatch(message);
    expect(error.details).toMatchObject({ field });
  });

  it('lists every problem in details.issues, the first in the message', () => {
    const error = failure(enqueueInput, { ...job, workspace_id: '', actor_id: '' });
    const issues = error.details?.issues as Array<{ field: string }>;
    expect(issues.map((i) => i.field).sort()).toEqual(['actor_id', 'workspace_id']);
  });

  it('prefixes the path when the message alone would not name it', () => {
    const error = failure(contract.enqueueMany.input, { jobs: [] });
    expect(error.message).toMatch(/jobs/);
    expect(error.details).toMatchObject({ field: 'jobs' });
    const status = failure(contract.updateStatus.input, { job_id: 'j', status: 'done' });
    expect(status.message).toBe(
      'status must be one of pending, running, completed, failed (got "done")',
    );
  });

  it('reports a non-object input without inventing a field', () => {
    const error = failure(enqueueInput, null);
    expect(error.code).toBe('VALIDATION');
    expect(error.message.length).toBeGreaterThan(0);
    expect(error.details?.field).toBeUndefined();
  });

  it('refuses params over the size limit, naming the field and the limit', () => {
    expect(() => serializeJsonObject('params', { big: 'x'.repeat(2000) }, 1000)).toThrow(
      /params is \d+ bytes as JSON; the limit is 1000 bytes/,
    );
    expect(serializeJsonObject('params', { a: 'é' }, 1000)).toBe('{"a":"é"}');
  });
});
