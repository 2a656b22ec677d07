import { useQueryClient } from '@tanstack/react-query';
import { useState } from 'react';
import { useWriteBlockReason } from '../../app/connection';
import { Button } from '../../ui/Button';
import { ErrorNote } from '../../ui/ErrorNote';
import { workspaceKeys } from '../workspaces/queries';
import { CheckScope } from './CheckScope';
import { useCheckScope, useChosenReportId, useDivergenceActions } from './divergence-ui-store';
import { DivergenceResults } from './DivergenceResults';
import { DivergenceTrend } from './DivergenceTrend';
import { useLongOperation } from './long-operation';
import { ProgressBar } from './ProgressBar';
import { divergenceKeys, useReports } from './queries';
import { RepairDialog, type RepairMode } from './RepairDialog';
import './divergence.css';

/** The migration's divergence tools: check (scoped, with cancel and resume), results, repair, backfill, trend. */
export function DivergencePanel() {
  const queryClient = useQueryClient();
  const reports = useReports();
  const chosen = useChosenReportId();
  const scope = useCheckScope();
  const actions = useDivergenceActions();
  const blockReason = useWriteBlockReason();
  const check = useLongOperation('divergenceCheck');
  const [error, setError] = useState<unknown>(null);
  const [dialog, setDialog] = useState<RepairMode | null>(null);

  const latest = reports.data?.[0] ?? null;
  const shown = (chosen ? reports.data?.find((r) => r.id === chosen) : latest) ?? null;
  const reportId = chosen ?? latest?.id ?? null;
  // A check or repair changes what the workspaces list marks as divergent (its ≠ badges).
  const refresh = () => {
    void queryClient.invalidateQueries({ queryKey: divergenceKeys.all });
    void queryClient.invalidateQueries({ queryKey: workspaceKeys.all });
  };

  const runCheck = async (resume: boolean) => {
    setError(null);
    try {
      const report = await check.run(
        resume && latest
          ? { resume: true, report_id: latest.id }
          : scope
            ? { workspace_id: scope }
            : {},
      );
      actions.reportChosen(report.id);
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
        <CheckScope disabled={check.running} />
        <Button variant="primary" disabled={check.running} onClick={() => void runCheck(false)}>
          Run divergence check
        </Button>
        {latest && latest.state !== 'completed' && !check.running && (
          <Button onClick={() => void runCheck(true)}>Resume check</Button>
        )}
        <Button
          disabled={check.running || !shown}
          title={shown ? undefined : 'Run a divergence check first'}
          disabledReason={blockReason}
          onClick={() => setDialog('repair')}
        >
          Repair…
        </Button>
        <Button
          disabled={check.running}
          disabledReason={blockReason}
          onClick={() => setDialog('backfill')}
        >
          Backfill…
        </Button>
      </div>
      {check.running && (
        <ProgressBar label="Divergence check" progress={check.progress} onCancel={check.cancel} />
      )}
      <ErrorNote error={error} />
      {reports.error && <ErrorNote error={reports.error} />}
      {reportId ? (
        <DivergenceResults reportId={reportId} />
      ) : (
        reports.data && <p className="divergence-empty">No divergence check has run yet.</p>
      )}
      <DivergenceTrend reports={reports.data ?? []} />
      {dialog && (
        <RepairDialog
          key={dialog}
          mode={dialog}
          report={shown}
          onClose={() => setDialog(null)}
          onDone={refresh}
        />
      )}
    </section>
  );
}
