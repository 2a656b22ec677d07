import { useId, useState, type ReactNode } from 'react';
import { v7 as uuidv7 } from 'uuid';
import type { EnqueueOutcome } from '../../../shared/contract';
import { ApiCallError } from '../../api/client';
import { useWriteBlockReason } from '../../app/connection';
import { useNavigationActions, useSelectedWorkspace } from '../../app/navigation';
import { Button } from '../../ui/Button';
import { ErrorNote } from '../../ui/ErrorNote';
import { useJobsUiActions } from '../jobs/jobs-ui-store';
import { useWorkspaces } from '../workspaces/queries';
import { checkParams } from './json-params';
import { JsonEditor } from './JsonEditor';
import { useEnqueue } from './queries';

type Field =
  'workspace_id' | 'action_provider' | 'action_name' | 'actor_id' | 'params' | 'client_request_id';

interface Draft {
  workspace_id: string;
  action_provider: string;
  action_name: string;
  actor_id: string;
  params: string;
  client_request_id: string;
}

function TextField(props: {
  label: string;
  value: string;
  onChange(value: string): void;
  error?: string | undefined;
  list?: string;
  placeholder?: string;
  after?: ReactNode;
}) {
  const id = useId();
  return (
    <div className="field">
      <label htmlFor={id}>{props.label}</label>
      <div className="field-row">
        <input
          id={id}
          type="text"
          value={props.value}
          list={props.list}
          placeholder={props.placeholder}
          aria-invalid={Boolean(props.error)}
          aria-describedby={props.error ? `${id}-error` : undefined}
          onChange={(e) => props.onChange(e.target.value)}
        />
        {props.after}
      </div>
      {props.error && (
        <span className="field-error" id={`${id}-error`}>
          {props.error}
        </span>
      )}
    </div>
  );
}

/** The field an error from the core names (details.field), if it is one of this form's. */
function errorField(error: unknown): Field | null {
  if (!(error instanceof ApiCallError) || error.code !== 'VALIDATION') return null;
  const field = String(error.details?.field ?? '').split('.')[0];
  const known: Field[] = [
    'workspace_id',
    'action_provider',
    'action_name',
    'actor_id',
    'params',
    'client_request_id',
  ];
  return known.includes(field as Field) ? (field as Field) : null;
}

function Outcome({ outcome, workspace }: { outcome: EnqueueOutcome; workspace: string }) {
  const { workspaceSelected } = useNavigationActions();
  const { jobLinked } = useJobsUiActions();
  const open = () => {
    jobLinked(workspace, outcome.job_id);
    workspaceSelected(workspace);
  };
  const link = (
    <a
      href={`#job/${encodeURIComponent(workspace)}/${encodeURIComponent(outcome.job_id)}`}
      className="mono"
      onClick={(e) => {
        e.preventDefault();
        open();
      }}
    >
      {outcome.job_id}
    </a>
  );
  return outcome.outcome === 'enqueued' ? (
    <div className="ok-note" role="status">
      Enqueued job {link} in {workspace}.
    </div>
  ) : (
    <div className="warn-note" role="status">
      Duplicate: this Request ID was already used, so nothing new was enqueued. The original job is{' '}
      {link}.
    </div>
  );
}

export function EnqueueForm() {
  const selected = useSelectedWorkspace();
  const workspaces = useWorkspaces();
  const blocked = useWriteBlockReason();
  const mutation = useEnqueue();
  const listId = useId();
  const [draft, setDraft] = useState<Draft>(() => ({
    workspace_id: selected ?? '',
    action_provider: '',
    action_name: '',
    actor_id: '',
    params: '{\n  \n}',
    client_request_id: uuidv7(),
  }));
  const set = (field: Field) => (value: string) => setDraft((d) => ({ ...d, [field]: value }));
  const params = checkParams(draft.params);
  const failedField = errorField(mutation.error);
  const fieldError = (field: Field) =>
    failedField === field ? (mutation.error as Error).message : undefined;

  return (
    <form
      className="form enqueue-form"
      aria-label="Enqueue job"
      onSubmit={(event) => {
        event.preventDefault();
        if (!params.ok) return;
        mutation.mutate({
          workspace_id: draft.workspace_id.trim(),
          action_provider: draft.action_provider.trim(),
          action_name: draft.action_name.trim(),
          actor_id: draft.actor_id.trim(),
          ...(params.value ? { params: params.value } : {}),
          ...(draft.client_request_id.trim()
            ? { client_request_id: draft.client_request_id.trim() }
            : {}),
        });
      }}
    >
      <h1>Enqueue job</h1>
      <p className="muted">
        Writes the old hash, the new hash while dual-write is on, and pushes the id onto{' '}
        <code>ai:queue:pending</code>, all in one atomic step. The same Request ID never enqueues
        twice.
      </p>
      <datalist id={listId}>
        {workspaces.data?.map((w) => (
          <option key={w.workspace_id} value={w.workspace_id} />
        ))}
      </datalist>
      <div className="form-grid">
        <TextField
          label="Workspace"
          value={draft.workspace_id}
          onChange={set('workspace_id')}
          list={listId}
          error={fieldError('workspace_id')}
          placeholder="ws-acme"
        />
        <TextField
          label="Actor"
          value={draft.actor_id}
          onChange={set('actor_id')}
          error={fieldError('actor_id')}
          placeholder="user-42"
        />
        <TextField
          label="Provider"
          value={draft.action_provider}
          onChange={set('action_provider')}
          error={fieldError('action_provider')}
          placeholder="google"
        />
        <TextField
          label="Action"
          value={draft.action_name}
          onChange={set('action_name')}
          error={fieldError('action_name')}
          placeholder="gmail.send"
        />
      </div>
      <JsonEditor
        label="Params"
        value={draft.params}
        onChange={set('params')}
        serverError={fieldError('params')}
      />
      <TextField
        label="Request ID"
        value={draft.client_request_id}
        onChange={set('client_request_id')}
        error={fieldError('client_request_id')}
        after={
          <Button small variant="ghost" onClick={() => set('client_request_id')(uuidv7())}>
            New ID
          </Button>
        }
      />
      {mutation.isError && !failedField && <ErrorNote error={mutation.error} />}
      {mutation.isSuccess && (
        <Outcome outcome={mutation.data} workspace={mutation.variables.workspace_id} />
      )}
      <div className="form-actions">
        <Button
          type="submit"
          variant="primary"
          disabledReason={blocked}
          disabled={!params.ok || mutation.isPending}
        >
          {mutation.isPending ? 'Enqueueing…' : 'Enqueue'}
        </Button>
      </div>
    </form>
  );
}
