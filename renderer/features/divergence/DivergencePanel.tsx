import { useQueryClient } from '@tanstack/react-query';
import { useState } from 'react';
import type { RepairResult } from '../../../shared/contract';
import { useWriteBlockReason } from '../../app/connection';
import { useOperatorName } from '../../app/operator';
import { Button } from '../../ui/Button';
import { ErrorNote } from '../../ui/ErrorNote';
import { useChosenReportId, useDivergenceActions } from './divergence-ui-store';
import { DivergenceResults } from './DivergenceResults';
import { DivergenceTrend } from './DivergenceTrend';
import { useLongOperation } from './long-operation';
import { ProgressBar } from './ProgressBar';
import { divergenceKeys, useReports } from './queries';
import { RepairDialog } from './RepairDialog';
import './divergence.css';

/** The migration's divergence tools: check (with cancel and resume), results, repair, backfill, trend. */
export function DivergencePanel() {
  const queryClient = useQueryClient();
  const reports = useReports();
  const chosen = useChosenReportId();
  const actions = useDivergenceActions();
  const blockReason = useWriteBlockReason();
  const actor = useOperatorName();
  const check = useLongOperation('divergenceCheck');
  const backfill = useLongOperation('repair');
  const [error, setError] = useState<unknown>(null);
  const [repairOpen, setRepairOpen] = useState(false);
  const [backfilled, setBackfilled] = useState<RepairResult | null>(null);

  const latest = reports.data?.[0] ?? null;
  const reportId = chosen ?? latest?.id ?? null;
  const busy = check.running || backfill.running;
  const refresh = () => void queryClient.invalidateQueries({ queryKey: divergenceKeys.all });

  const runCheck = async (resume: boolean) => {
    setError(null);
    try {
      const report = await check.run(
        resume && latest ? { resume: true, report_id: latest.id } : {},
      );
      actions.reportChosen(report.id);
    } catch (e) {
      setError(e);
    } finally {
      refresh();
    }
  };

  const runBackfill = async () => {
    setError(null);
    setBackfilled(null);
    try {
      setBackfilled(await backfill.run({ backfill: true, dry_run: false, actor_id: actor }));
    } catch (e) {
      setError(e);
    } finally {
      refresh();
    }
  };

  return (
    <section className="panel divergence-panel" aria-labelledby="divergence-title">
      <h2 id="divergence-title" className="panel-title">
        Divergence between the schemas
      </h2>
      <div className="divergence-actions">
        <Button variant="primary" disabled={busy} onClick={() => void runCheck(false)}>
          Run divergence check
        </Button>
        {latest && latest.state !== 'completed' && !busy && (
          <Button onClick={() => void runCheck(true)}>Resume check</Button>
        )}
        <Button
          disabled={busy || !reportId}
          disabledReason={blockReason}
          onClick={() => setRepairOpen(true)}
        >
          Repair…
        </Button>
        <Button disabled={busy} disabledReason={blockReason} onClick={() => void runBackfill()}>
          Backfill
        </Button>
      </div>
      {check.running && (
        <ProgressBar label="Divergence check" progress={check.progress} onCancel={check.cancel} />
      )}
      {backfill.running && (
        <ProgressBar label="Backfill" progress={backfill.progress} onCancel={backfill.cancel} />
      )}
      {backfilled && (
        <p role="status" className="divergence-outcome">
          Backfill copied {backfilled.applied} job{backfilled.applied === 1 ? '' : 's'} to the new
          schema; skipped {backfilled.skipped_count ?? backfilled.skipped.length}.
        </p>
      )}
      <ErrorNote error={error} />
      {reports.error && <ErrorNote error={reports.error} />}
      {reportId ? (
        <DivergenceResults reportId={reportId} />
      ) : (
        reports.data && <p className="divergence-empty">No divergence check has run yet.</p>
      )}
      <DivergenceTrend reports={reports.data ?? []} />
      {repairOpen && (
        <RepairDialog reportId={reportId} onClose={() => setRepairOpen(false)} onDone={refresh} />
      )}
    </section>
  );
}
