import { useState } from 'react';
import type { FlagValue } from '../../../shared/contract';
import { useConnectionStale, useWriteBlockReason } from '../../app/connection';
import { useAuditedAs } from '../../app/operator';
import { Button } from '../../ui/Button';
import { Dialog } from '../../ui/Dialog';
import { ErrorNote } from '../../ui/ErrorNote';
import { StaleMark } from '../../ui/StaleMark';
import { Switch } from '../../ui/Switch';
import { describeFlagChange } from './flag-change';
import { useFlag, useSetFlag } from './queries';

export function FlagSwitch() {
  const flag = useFlag();
  const away = useConnectionStale();
  const setFlag = useSetFlag();
  const blockReason = useWriteBlockReason();
  const operator = useAuditedAs();
  const [target, setTarget] = useState<FlagValue | null>(null);
  const on = flag.data?.new_schema === 'on';
  const change = target ? describeFlagChange(target) : null;

  const confirm = () => {
    if (!target) return;
    setFlag.mutate(target, { onSuccess: () => setTarget(null) });
  };

  return (
    <section className="panel migration-flag" aria-labelledby="flag-label">
      <div className="migration-flag-row">
        <div>
          <h2 id="flag-label" className="panel-title">
            Dual-write to new schema
          </h2>
          <p className="muted">
            {flag.data === undefined
              ? 'Reading the flag…'
              : on
                ? 'On: every enqueue writes the job to both the old and the new schema.'
                : 'Off: enqueues write the old schema only.'}
          </p>
        </div>
        <Switch
          checked={on}
          labelledBy="flag-label"
          disabled={flag.data === undefined || setFlag.isPending}
          disabledReason={blockReason}
          onToggle={() => {
            setFlag.reset();
            setTarget(on ? 'off' : 'on');
          }}
        />
      </div>
      <dl className="facts">
        <dt>Stored in</dt>
        <dd>
          {flag.data?.source === 'env' ? (
            <>
              Not set in Redis: <code>AI_JOBS_NEW_SCHEMA</code> decides ({flag.data.new_schema})
            </>
          ) : (
            <code>ai:flags:new_schema</code>
          )}
        </dd>
        <dt>Follows Redis</dt>
        <dd>
          live: a change made by any other client, even redis-cli, shows up here within seconds
          {(flag.isError || away) && flag.data && (
            <>
              {' '}
              <StaleMark readAt={flag.dataUpdatedAt} />
            </>
          )}
        </dd>
      </dl>
      {!target && <ErrorNote error={setFlag.error} prefix="The flag was not changed." />}
      <Dialog
        open={target !== null}
        title={change?.title ?? ''}
        onClose={() => setTarget(null)}
        footer={
          <>
            <Button onClick={() => setTarget(null)}>Cancel</Button>
            <Button
              variant={target === 'off' ? 'danger' : 'primary'}
              onClick={confirm}
              disabled={setFlag.isPending}
              disabledReason={blockReason}
            >
              {target === 'on' ? 'Turn dual-write on' : 'Turn dual-write off'}
            </Button>
          </>
        }
      >
        <p>What will change:</p>
        <ul className="effects">
          {change?.effects.map((effect) => (
            <li key={effect}>{effect}</li>
          ))}
        </ul>
        <p className="muted">
          Recorded in the audit trail as <strong>{operator}</strong>.
        </p>
        {target && flag.data?.new_schema === target && (
          <p className="note">
            Another client has already set it {target}; confirming keeps it so.
          </p>
        )}
        <ErrorNote error={setFlag.error} />
      </Dialog>
    </section>
  );
}
