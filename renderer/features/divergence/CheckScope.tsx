import { useQuery } from '@tanstack/react-query';
import { workspacesQueryOptions } from '../workspaces/queries';
import { useCheckScope, useDivergenceActions } from './divergence-ui-store';

/**
 * Which workspace the next check covers (docs/guarantees.md "Scope never changes the truth"): a
 * scoped check still walks every key, so it costs as much as a whole one and its progress says so.
 */
export function CheckScope({ disabled }: { disabled: boolean }) {
  const workspaces = useQuery(workspacesQueryOptions());
  const scope = useCheckScope();
  const { scopeChosen } = useDivergenceActions();
  const ids = (workspaces.data ?? []).map((w) => w.workspace_id);
  if (scope && !ids.includes(scope)) ids.unshift(scope);
  return (
    <label className="control check-scope" title="A scoped check still reads every key, once">
      Scope
      <select
        aria-label="Check scope"
        value={scope}
        disabled={disabled}
        onChange={(e) => scopeChosen(e.target.value)}
      >
        <option value="">All workspaces</option>
        {ids.map((id) => (
          <option key={id} value={id}>
            {id}
          </option>
        ))}
      </select>
    </label>
  );
}
