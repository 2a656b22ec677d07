import type { ButtonHTMLAttributes } from 'react';

type Variant = 'primary' | 'secondary' | 'danger' | 'ghost';

export interface ButtonProps extends ButtonHTMLAttributes<HTMLButtonElement> {
  variant?: Variant;
  /** When set, the button is disabled and this text is its tooltip (read-only mode says why). */
  disabledReason?: string | null;
  small?: boolean;
}

export function Button({
  variant = 'secondary',
  disabledReason,
  small,
  className,
  disabled,
  title,
  type = 'button',
  ...rest
}: ButtonProps) {
  const blocked = Boolean(disabledReason);
  return (
    <button
      type={type}
      className={['btn', `btn-${variant}`, small ? 'btn-small' : '', className ?? '']
        .filter(Boolean)
        .join(' ')}
      disabled={disabled || blocked}
      title={disabledReason || title}
      aria-description={disabledReason || undefined}
      {...rest}
    />
  );
}
