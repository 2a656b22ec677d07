import { useMutation } from '@tanstack/react-query';
import { useEffect, useState } from 'react';
import type { RepairResult } from '../../../shared/contract';
import { api } from '../../api/client';
import { useOperatorName } from '../../app/operator';
import { Button } from '../../ui/Button';
import { Dialog } from '../../ui/Dialog';
import { ErrorNote } from '../../ui/ErrorNote';
import { CATEGORY_LABELS } from './DivergenceResults';
import { useLongOperation } from './long-operation';
import { ProgressBar } from './ProgressBar';

const SHOWN = 200;

function Plan({ plan }: { plan: RepairResult }) {
  const count = plan.planned_count ?? plan.planned.length;
  return (
    <>
      <p>
        {count} fix{count === 1 ? '' : 'es'} planned from the old schema (the source of truth). Each
        applies only if both copies are still as the check saw them.
      </p>
      <ul className="divergence-plan" aria-label="Repair plan">
        {plan.planned.slice(0, SHOWN).map((p, i) => (
          <li key={`${p.job_id}-${i}`}>
            <span className="mono">{p.job_id}</span> ({CATEGORY_LABELS[p.category]}): {p.action}
          </li>
        ))}
      </ul>
      {count > SHOWN && <p>…and {count - SHOWN} more.</p>}
    </>
  );
}

function Outcome({ result }: { result: RepairResult }) {
  return (
    <div role="status" className="divergence-outcome">
      <p>
        Repaired {result.applied}; skipped {result.skipped_count ?? result.skipped.length}.
      </p>
      {result.skipped.length > 0 && (
        <ul aria-label="Skipped fixes">
          {result.skipped.slice(0, SHOWN).map((s, i) => (
            <li key={`${s.job_id}-${i}`}>
              <span className="mono">{s.job_id}</span>: {s.reason}
            </li>
          ))}
        </ul>
      )}
    </div>
  );
}

/** "Repair…": the dry-run plan first, then the repair on confirm, with progress and its outcome. */
export function RepairDialog({
  reportId,
  onClose,
  onDone,
}: {
  reportId: string | null;
  onClose(): void;
  onDone(): void;
}) {
  const actor = useOperatorName();
  const plan = useMutation({
    mutationFn: (id: string) => api.repair({ report_id: id, dry_run: true, actor_id: actor }),
  });
  const repair = useLongOperation('repair');
  const [result, setResult] = useState<RepairResult | null>(null);
  const [error, setError] = useState<unknown>(null);
  const { mutate } = plan;

  // Mounted per opening, so every opening starts from a fresh plan.
  useEffect(() => {
    if (reportId) mutate(reportId);
  }, [reportId, mutate]);

  const confirm = async () => {
    if (!reportId) return;
    setError(null);
    try {
      setResult(await repair.run({ report_id: reportId, dry_run: false, actor_id: actor }));
    } catch (e) {
      setError(e);
    } finally {
      onDone();
    }
  };

  const fixes = plan.data?.planned_count ?? plan.data?.planned.length ?? 0;
  return (
    <Dialog
      open
      title="Repair divergent jobs"
      onClose={onClose}
      footer={
        <>
          <Button onClick={onClose}>{result ? 'Close' : 'Cancel'}</Button>
          {!result && (
            <Button
              variant="danger"
              disabled={!plan.data || fixes === 0 || repair.running}
              onClick={() => void confirm()}
            >
              Repair {fixes} job{fixes === 1 ? '' : 's'}
            </Button>
          )}
        </>
      }
    >
      {plan.isPending && <p>Working out the plan (dry run, nothing is written)…</p>}
      {plan.error && <ErrorNote error={plan.error} />}
      {plan.data && !result && <Plan plan={plan.data} />}
      {repair.running && (
        <ProgressBar label="Repair" progress={repair.progress} onCancel={repair.cancel} />
      )}
      {result && <Outcome result={result} />}
      <ErrorNote error={error} />
    </Dialog>
  );
}
