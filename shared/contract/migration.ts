import { z } from 'zod';
import { actorId, describe, workspaceId } from './ids';
import { operation } from './operation';

export type FlagValue = 'on' | 'off';
export interface FlagState {
  new_schema: FlagValue;
  /** Where the value came from: the Redis key, or the AI_JOBS_NEW_SCHEMA default when the key is absent. */
  source: 'redis' | 'env';
}

export const migrationOperations = {
  getFlag: operation<FlagState>()({
    summary: 'The dual-write (new schema) flag.',
    writes: false,
    input: z.object({}).optional(),
  }),
  setFlag: operation<FlagState>()({
    summary: 'Turn dual-write to the new schema on or off (audited).',
    writes: true,
    input: z.object({
      value: z.enum(['on', 'off'], {
        error: (i) => `value must be on or off (got ${describe(i.input)})`,
      }),
      actor_id: actorId,
    }),
  }),
};

export const workspaceFilter = z.object({ workspace_id: workspaceId.optional() });
