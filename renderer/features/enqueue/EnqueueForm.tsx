import { useId, useMemo, useState, type ReactNode } from 'react';
import { v7 as uuidv7 } from 'uuid';
import type { EnqueueOutcome } from '../../../shared/contract';
import { ApiCallError } from '../../api/client';
import { useWriteBlockReason } from '../../app/connection';
import { useNavigationActions, useSelectedWorkspace } from '../../app/navigation';
import { Button } from '../../ui/Button';
import { ErrorNote } from '../../ui/ErrorNote';
import { useJobsUiActions } from '../jobs/jobs-ui-store';
import { useWorkspaces } from '../workspaces/queries';
import { CHECKED_FIELDS, fieldProblem, type Draft, type Field } from './field-checks';
import { checkParams } from './json-params';
import { JsonEditor } from './JsonEditor';
import { useEnqueue } from './queries';
import { NEW_WORKSPACE, WorkspacePicker } from './WorkspacePicker';

function TextField(props: {
  label: string;
  value: string;
  onChange(value: string): void;
  onBlur(): void;
  error?: string | null | undefined;
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
          placeholder={props.placeholder}
          aria-invalid={Boolean(props.error)}
          aria-describedby={props.error ? `${id}-error` : undefined}
          onChange={(e) => props.onChange(e.target.value)}
          onBlur={props.onBlur}
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
  const [draft, setDraft] = useState<Omit<Draft, 'workspace_id'>>(() => ({
    action_provider: '',
    action_name: '',
    actor_id: '',
    params: '{\n  \n}',
    client_request_id: uuidv7(),
  }));
  const known = useMemo(
    () => (workspaces.data ?? []).map((w) => w.workspace_id),
    [workspaces.data],
  );
  // The workspace picked (null: not yet, which means the one open in the console, else the first).
  const [picked, setPicked] = useState<string | null>(null);
  const [typed, setTyped] = useState('');
  const choice =
    picked ??
    (selected && known.includes(selected)
      ? selected
      : (known[0] ?? (workspaces.data ? NEW_WORKSPACE : '')));
  const full: Draft = { ...draft, workspace_id: choice === NEW_WORKSPACE ? typed : choice };
  // Fields are checked once left (docs/console.md "Enqueue form"), and again as they are fixed.
  const [touched, setTouched] = useState<ReadonlySet<Field>>(new Set());
  const touch = (field: Field) => () => setTouched((t) => new Set(t).add(field));
  const [submitted, setSubmitted] = useState<Draft | null>(null);
  const set = (field: Exclude<Field, 'workspace_id'>) => (value: string) =>
    setDraft((d) => ({ ...d, [field]: value }));
  const params = checkParams(draft.params);
  const failedField = errorField(mutation.error);
  // The core's word on a field stands only while the field still holds what was sent.
  const fieldError = (field: Field): string | null => {
    const local = touched.has(field) ? fieldProblem(field, full) : null;
    if (local) return local;
    const stillSent = submitted !== null && submitted[field] === full[field];
    return failedField === field && stillSent ? (mutation.error as Error).message : null;
  };

  return (
    <form
      className="form enqueue-form"
      aria-label="Enqueue job"
      noValidate
      onSubmit={(event) => {
        event.preventDefault();
        setTouched(new Set(CHECKED_FIELDS));
        if (!params.ok || CHECKED_FIELDS.some((f) => fieldProblem(f, full))) return;
        setSubmitted(full);
        mutation.mutate({
          workspace_id: full.workspace_id.trim(),
          action_provider: full.action_provider.trim(),
          action_name: full.action_name.trim(),
          actor_id: full.actor_id.trim(),
          ...(params.value ? { params: params.value } : {}),
          ...(full.client_request_id.trim()
            ? { client_request_id: full.client_request_id.trim() }
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
      <div className="form-grid">
        <WorkspacePicker
          known={known}
          choice={choice}
          typed={typed}
          onChoose={setPicked}
          onType={setTyped}
          onBlur={touch('workspace_id')}
          error={fieldError('workspace_id')}
        />
        <TextField
          label="Actor"
          value={draft.actor_id}
          onChange={set('actor_id')}
          onBlur={touch('actor_id')}
          error={fieldError('actor_id')}
          placeholder="user-42"
        />
        <TextField
          label="Provider"
          value={draft.action_provider}
          onChange={set('action_provider')}
          onBlur={touch('action_provider')}
          error={fieldError('action_provider')}
          placeholder="google"
        />
        <TextField
          label="Action"
          value={draft.action_name}
          onChange={set('action_name')}
          onBlur={touch('action_name')}
          error={fieldError('action_name')}
          placeholder="gmail.send"
        />
      </div>
      <JsonEditor
        label="Params"
        value={draft.params}
        onChange={set('params')}
        serverError={fieldError('params') ?? undefined}
      />
      <TextField
        label="Request ID"
        value={draft.client_request_id}
        onChange={set('client_request_id')}
        onBlur={touch('client_request_id')}
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
