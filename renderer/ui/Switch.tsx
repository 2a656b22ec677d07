import './switch.css';

export interface SwitchProps {
  checked: boolean;
  onToggle(): void;
  /** Id of the element naming the switch (its accessible name). */
  labelledBy: string;
  disabled?: boolean;
  /** When set, the switch is disabled and this text is its tooltip (read-only mode says why). */
  disabledReason?: string | null;
}

/** An on/off switch (role="switch"): the caller decides what a toggle does, e.g. ask first. */
export function Switch({ checked, onToggle, labelledBy, disabled, disabledReason }: SwitchProps) {
  return (
    <span className="switch-wrap" title={disabledReason ?? undefined}>
      <button
        type="button"
        role="switch"
        aria-checked={checked}
        aria-labelledby={labelledBy}
        aria-description={disabledReason ?? undefined}
        title={disabledReason ?? undefined}
        className={`switch ${checked ? 'switch-on' : 'switch-off'}`}
        disabled={disabled || Boolean(disabledReason)}
        onClick={onToggle}
      >
        <span className="switch-thumb" aria-hidden="true" />
        <span className="switch-text" aria-hidden="true">
          {checked ? 'On' : 'Off'}
        </span>
      </button>
    </span>
  );
}
