import { Button } from '../../ui/Button';
import type { Progress } from './long-operation';

/** A running operation's progress: phase, done / estimated total, ETA, and a cancel button. */
export function ProgressBar({
  label,
  progress,
  onCancel,
}: {
  label: string;
  progress: Progress | null;
  onCancel?: () => void;
}) {
  const total = progress?.total ?? null;
  const done = progress?.done ?? 0;
  const percent = total ? Math.min(100, Math.round((done / total) * 100)) : null;
  return (
    <div className="divergence-progress" aria-label={`${label} progress`}>
      <div
        className="divergence-progress-track"
        role="progressbar"
        aria-label={label}
        aria-valuemin={0}
        aria-valuemax={100}
        {...(percent !== null ? { 'aria-valuenow': percent } : {})}
      >
        <div className="divergence-progress-fill" style={{ width: `${percent ?? 5}%` }} />
      </div>
      <span className="divergence-progress-text">
        {label}: {progress ? progress.phase : 'starting'} · {done.toLocaleString()}
        {total ? ` / ~${total.toLocaleString()}` : ''}
        {progress?.eta_s != null ? ` · about ${progress.eta_s} s left` : ''}
      </span>
      {onCancel && (
        <Button small onClick={onCancel}>
          Cancel
        </Button>
      )}
    </div>
  );
}
