import { useRef, useState, type KeyboardEvent } from 'react';
import type { FindJobResult, FoundJob } from '../../../shared/contract';
import { useNavigationActions } from '../../app/navigation';
import { ErrorNote } from '../../ui/ErrorNote';
import { StatusChip } from '../../ui/StatusChip';
import { useJobsUiActions } from '../jobs/jobs-ui-store';
import { useFindJob, type FindState } from './useFindJob';
import './find.css';

const count = (n: number) => n.toLocaleString('en-US');

/** How far a search got, in words. */
function progressText(result: FindJobResult | null): string {
  if (!result || result.keyspace === 0) return 'Looking up the id…';
  const share = Math.min(1, result.scanned / result.keyspace);
  return `Searched about ${Math.floor(share * 100)} % of ${count(result.keyspace)} keys`;
}

/**
 * "Find job" in the top bar: any job id, a part of one, or a key, opened in its own workspace from
 * any screen (docs/triage.md "Find any job").
 */
export function FindJob() {
  const [query, setQuery] = useState('');
  /** The text of the search shown, which the box may no longer hold. */
  const [searched, setSearched] = useState('');
  const [open, setOpen] = useState(false);
  const { state, search, stop, reset } = useFindJob();
  const { workspaceSelected } = useNavigationActions();
  const { jobLinked } = useJobsUiActions();
  const input = useRef<HTMLInputElement>(null);
  const results = useRef<HTMLDivElement>(null);

  const openJob = (match: FoundJob) => {
    if (!match.workspace_id) return;
    setOpen(false);
    reset();
    jobLinked(match.workspace_id, match.job_id);
    workspaceSelected(match.workspace_id);
  };

  const close = () => {
    stop();
    setOpen(false);
  };

  const onKeyDown = (event: KeyboardEvent) => {
    if (event.key === 'Escape' && open) {
      event.preventDefault();
      event.stopPropagation();
      close();
      input.current?.focus();
    } else if (event.key === 'ArrowDown' && open) {
      event.preventDefault();
      results.current?.querySelector<HTMLButtonElement>('button.find-match')?.focus();
    }
  };

  return (
    <form
      role="search"
      aria-label="Find any job"
      className="find-job"
      onKeyDown={onKeyDown}
      onSubmit={(event) => {
        event.preventDefault();
        const text = query.trim();
        if (!text) return;
        setSearched(text);
        setOpen(true);
        void search(text).then((result) => {
          const only = result?.unique ? result.matches[0] : undefined;
          if (only?.workspace_id) openJob(only);
        });
      }}
    >
      <input
        ref={input}
        type="search"
        aria-label="Find job"
        placeholder="Find job by id…"
        title="Any job id, a unique part of one, or a Redis key; Enter searches every workspace"
        value={query}
        onChange={(e) => setQuery(e.target.value)}
      />
      {open && state.phase !== 'idle' && (
        <div ref={results} className="find-results" role="region" aria-label="Find job results">
          <Results
            state={state}
            query={searched}
            onOpen={openJob}
            onStop={stop}
            onGoOn={(cursor) => void search(searched, cursor)}
          />
          <button
            type="button"
            className="btn btn-ghost btn-small find-close"
            aria-label="Close results"
            onClick={close}
          >
            ✕
          </button>
        </div>
      )}
    </form>
  );
}

function Results({
  state,
  query,
  onOpen,
  onStop,
  onGoOn,
}: {
  state: Exclude<FindState, { phase: 'idle' }>;
  query: string;
  onOpen(match: FoundJob): void;
  onStop(): void;
  onGoOn(cursor: string): void;
}) {
  const result = state.result;
  const matches = result?.matches ?? [];
  return (
    <>
      <p className="find-status" aria-live="polite">
        {state.phase === 'searching' && (
          <>
            <span className="spinner" aria-hidden="true" /> {progressText(result)}…{' '}
            <button type="button" className="btn btn-ghost btn-small" onClick={onStop}>
              Stop
            </button>
          </>
        )}
        {state.phase === 'stopped' && (
          <>
            Stopped: {progressText(result).toLowerCase()}.{' '}
            {result?.cursor && (
              <button
                type="button"
                className="btn btn-ghost btn-small"
                onClick={() => onGoOn(result.cursor!)}
              >
                Search on
              </button>
            )}
          </>
        )}
        {state.phase === 'done' && result && matches.length === 0 && (
          <>No job id contains “{query}”: every key was searched.</>
        )}
        {state.phase === 'done' && result?.truncated && (
          <>More than {matches.length} jobs match; type more of the id.</>
        )}
        {state.phase === 'done' && result && matches.length > 1 && !result.truncated && (
          <>{matches.length} jobs match; pick one.</>
        )}
      </p>
      {state.phase === 'error' && <ErrorNote error={state.error} prefix="Find failed:" />}
      {matches.length > 0 && (
        <ul className="find-matches" aria-label="Matching jobs">
          {matches.map((m) => (
            <li key={m.job_id}>
              <button
                type="button"
                className="find-match"
                disabled={!m.workspace_id}
                title={
                  m.workspace_id
                    ? `Open in ${m.workspace_id}`
                    : 'No workspace is known for this job'
                }
                onClick={() => onOpen(m)}
              >
                <span className="mono find-id">
                  <Highlighted text={m.job_id} part={query} />
                </span>
                <span className="muted">{m.workspace_id ?? 'no workspace'}</span>
                <StatusChip status={m.status} />
              </button>
            </li>
          ))}
        </ul>
      )}
    </>
  );
}

/** The id with the part that was searched for marked (any case), so near-identical ids read apart. */
function Highlighted({ text, part }: { text: string; part: string }) {
  const at = part ? text.toLowerCase().indexOf(part.toLowerCase()) : -1;
  if (at < 0) return <>{text}</>;
  return (
    <>
      {text.slice(0, at)}
      <mark>{text.slice(at, at + part.length)}</mark>
      {text.slice(at + part.length)}
    </>
  );
}
