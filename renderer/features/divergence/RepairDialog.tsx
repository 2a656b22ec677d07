import { useEffect, useState } from 'react';
import type { DivergenceCategory, DivergenceReport, RepairResult } from '../../../shared/contract';
import { DIVERGENCE_CATEGORIES } from '../../../shared/contract/names';
import { useWriteBlockReason } from '../../app/connection';
import { useOperatorName } from '../../app/operator';
import { Button } from '../../ui/Button';
import { Dialog } from '../../ui/Dialog';
import { ErrorNote } from '../../ui/ErrorNote';
import { Time } from '../../ui/Time';
import { CATEGORY_LABELS } from './categories';
import { useLongOperation } from './long-operation';
import { ProgressBar } from './ProgressBar';
import { plural } from '../../ui/plural';

const SHOWN = 200;
/** What a backfill repairs (docs/repair.md): the jobs that have no new copy yet. */
const BACKFILL: DivergenceCategory[] = ['missing_in_new', 'awaiting_backfill'];

export type RepairMode = 'repair' | 'backfill';

const TEXT = {
  repair: { title: 'Repair divergent jobs', verb: 'Repair', done: 'Repaired' },
  backfill: { title: 'Backfill the new schema', verb: 'Backfill', done: 'Backfilled' },
} as const;

function Plan({ plan, mode }: { plan: RepairResult; mode: RepairMode }) {
  const count = plan.planned_count ?? plan.planned.length;
  const byCategory = Object.entries(plan.planned_by_category ?? {}) as Array<
    [DivergenceCategory, number]
  >;
  return (
    <>
      <p>
        Dry run: {plural(count, 'fix', 'fixes')} planned from the old schema (the source of truth),
        nothing written yet. Each applies only if both copies are still as the check saw them.
      </p>
      {byCategory.length > 0 && (
        <ul className="repair-counts" aria-label={`${TEXT[mode].verb} counts`}>
          {byCategory.map(([category, n]) => (
            <li key={category}>
              <strong>{n.toLocaleString()}</strong> {CATEGORY_LABELS[category]}
            </li>
          ))}
        </ul>
      )}
      <ul className="divergence-plan" aria-label="Repair plan">
        {plan.planned.slice(0, SHOWN).map((p, i) => (
          <li key={`${p.job_id}-${i}`}>
            <span className="mono">{p.job_id}</span> ({CATEGORY_LABELS[p.category]}): {p.action}
          </li>
        ))}
      </ul>
      {count > SHOWN && <p>…and {(count - SHOWN).toLocaleString()} more.</p>}
    </>
  );
}

function Outcome({ result, mode }: { result: RepairResult; mode: RepairMode }) {
  const unknown = result.unknown_count ?? 0;
  return (
    <div role="status" className="divergence-outcome">
      <p>
        {TEXT[mode].done} {result.applied}; skipped {result.skipped_count ?? result.skipped.length}
        {unknown ? `; ${unknown} of unknown outcome (run a check to know)` : ''}.
        {result.report_id && ' The report below marks each job it tried.'}
      </p>
      {result.stopped && <ErrorNote error={result.stopped.error} prefix="Stopped:" />}
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

/** Category checkboxes of a repair: the report's categories that hold anything. */
function CategoryChoice({
  report,
  chosen,
  onChange,
  disabled,
}: {
  report: DivergenceReport;
  chosen: DivergenceCategory[];
  onChange(next: DivergenceCategory[]): void;
  disabled: boolean;
}) {
  const present = DIVERGENCE_CATEGORIES.filter((c) => report.counts[c] > 0);
  return (
    <fieldset className="repair-categories">
      <legend>Repair these categories</legend>
      {present.map((c) => (
        <label key={c} className="check-label">
          <input
            type="checkbox"
            checked={chosen.includes(c)}
            disabled={disabled}
            onChange={(e) =>
              onChange(
                e.target.checked
                  ? DIVERGENCE_CATEGORIES.filter((x) => x === c || chosen.includes(x))
                  : chosen.filter((x) => x !== c),
              )
            }
          />
          {CATEGORY_LABELS[c]} ({report.counts[c].toLocaleString()})
        </label>
      ))}
    </fieldset>
  );
}

/**
 * "Repair…" and "Backfill…" (docs/repair.md): the dry-run plan with its counts first, then the
 * repair on confirm, with progress and its outcome. A repair works from the chosen report and the
 * categories ticked; a backfill from the chosen report, or from a fresh check when there is none.
 */
export function RepairDialog({
  mode,
  report,
  onClose,
  onDone,
}: {
  mode: RepairMode;
  report: DivergenceReport | null;
  onClose(): void;
  onDone(): void;
}) {
  const actor = useOperatorName();
  const blocked = useWriteBlockReason();
  const planning = useLongOperation('repair');
  const repair = useLongOperation('repair');
  const [categories, setCategories] = useState<DivergenceCategory[]>(() =>
    report ? DIVERGENCE_CATEGORIES.filter((c) => report.counts[c] > 0) : BACKFILL,
  );
  // The plan of one selection of categories; a plan of another selection is not shown.
  const [planned, setPlanned] = useState<{
    wanted: string;
    plan?: RepairResult;
    error?: unknown;
  }>();
  const [result, setResult] = useState<RepairResult | null>(null);
  const [error, setError] = useState<unknown>(null);
  const { run: runPlan } = planning;
  const reportId = report?.id;
  const wanted = categories.join(',');
  const plan = planned?.wanted === wanted ? (planned.plan ?? null) : null;
  const planError = planned?.wanted === wanted ? planned.error : null;

  // Mounted per opening: every opening, and every change of categories, plans afresh.
  useEffect(() => {
    let current = true;
    if (mode === 'repair' && wanted === '') return;
    void (async () => {
      try {
        const planned = await runPlan({
          ...(reportId ? { report_id: reportId } : {}),
          ...(mode === 'backfill'
            ? { backfill: true }
            : { categories: wanted.split(',') as DivergenceCategory[] }),
          dry_run: true,
          actor_id: actor,
        });
        if (current) setPlanned({ wanted, plan: planned });
      } catch (e) {
        if (current) setPlanned({ wanted, error: e });
      } finally {
        // A backfill without a report ran a check first: the panel shows its new report.
        if (current && !reportId) onDone();
      }
    })();
    return () => {
      current = false;
    };
    // eslint-disable-next-line react-hooks/exhaustive-deps -- plan once per opening and selection
  }, [mode, reportId, wanted, runPlan]);

  const confirm = async () => {
    if (!plan?.report_id) return;
    setError(null);
    try {
      setResult(
        await repair.run({
          report_id: plan.report_id,
          ...(mode === 'backfill' ? { backfill: true } : { categories }),
          dry_run: false,
          actor_id: actor,
        }),
      );
    } catch (e) {
      setError(e);
    } finally {
      onDone();
    }
  };

  const fixes = plan ? (plan.planned_count ?? plan.planned.length) : 0;
  const text = TEXT[mode];
  return (
    <Dialog
      open
      title={text.title}
      onClose={onClose}
      footer={
        <>
          <Button onClick={onClose}>{result ? 'Close' : 'Cancel'}</Button>
          {!result && (
            <Button
              variant="danger"
              disabledReason={blocked}
              disabled={!plan || fixes === 0 || repair.running}
              onClick={() => void confirm()}
            >
              {text.verb} {plural(fixes, 'job')}
            </Button>
          )}
        </>
      }
    >
      <p className="muted repair-source">
        {report ? (
          <>
            From the check of {report.workspace_id ?? 'every workspace'} started{' '}
            <Time iso={report.started_at} />.
          </>
        ) : (
          'No check has run yet: a check runs first and is kept as a report.'
        )}{' '}
        {mode === 'backfill' &&
          'A backfill writes the new copy of each job that has none (missing in new, awaiting backfill).'}
      </p>
      {mode === 'repair' && report && (
        <CategoryChoice
          report={report}
          chosen={categories}
          onChange={setCategories}
          disabled={repair.running || result !== null}
        />
      )}
      {mode === 'repair' && categories.length === 0 && <p>Tick a category to plan its repair.</p>}
      {planning.running && (
        <ProgressBar label="Dry run" progress={planning.progress} onCancel={planning.cancel} />
      )}
      {plan && !result && <Plan plan={plan} mode={mode} />}
      {repair.running && (
        <ProgressBar label={text.verb} progress={repair.progress} onCancel={repair.cancel} />
      )}
      {result && <Outcome result={result} mode={mode} />}
      <ErrorNote error={planError} prefix="The dry run failed:" />
      <ErrorNote error={error} />
    </Dialog>
  );
}
