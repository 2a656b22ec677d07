import { describe, expect, it } from 'vitest';
import { idProblem, shortTextProblem } from '../../shared/contract/id-rule';
import { shortText, workspaceId } from '../../shared/contract/ids';

/** docs/console.md "Enqueue form": the form says what the core would say, word for word. */
describe("the field checks the console runs are the contract's own", () => {
  it.each(['ws-acme', 'a', 'A.b_c-1', 'x'.repeat(128)])('accepts the id %s like the core', (id) => {
    expect(workspaceId.safeParse(id).success).toBe(true);
    expect(idProblem('workspace_id', id)).toBeNull();
  });

  it.each(['bad:ws', 'acme corp', '-lead', '', 'x'.repeat(129), '*'])(
    "refuses the id %j with the core's message",
    (id) => {
      const parsed = workspaceId.safeParse(id);
      expect(parsed.success).toBe(false);
      expect(idProblem('workspace_id', id)).toBe(parsed.error!.issues[0]!.message);
    },
  );

  it.each(['', 'y'.repeat(257)])("refuses the text %j with the core's message", (text) => {
    const parsed = shortText('actor_id').safeParse(text);
    expect(parsed.success).toBe(false);
    expect(shortTextProblem('actor_id', text)).toBe(parsed.error!.issues[0]!.message);
  });
});
