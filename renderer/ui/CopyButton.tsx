import type { MouseEvent } from 'react';

/** Copies text: the Clipboard API where the page may use it, else a hidden textarea and copy. */
export async function copyText(text: string): Promise<void> {
  try {
    await navigator.clipboard.writeText(text);
    return;
  } catch {
    // Not permitted (or no Clipboard API): fall back to the selection.
  }
  const area = document.createElement('textarea');
  area.value = text;
  area.setAttribute('readonly', '');
  area.style.position = 'fixed';
  area.style.opacity = '0';
  document.body.append(area);
  area.select();
  document.execCommand('copy');
  area.remove();
}

/** How long the button says "Copied" after a copy. */
const COPIED_MS = 1200;

/**
 * A small icon button that copies `text`, then says "Copied" for a moment. It holds no React state
 * (a table renders one per row): the moment of feedback is set on the button itself.
 */
export function CopyButton({ text, label }: { text: string; label: string }) {
  return (
    <button
      type="button"
      className="copy-button"
      aria-label={label}
      title={label}
      onClick={(event: MouseEvent<HTMLButtonElement>) => {
        // Inside a row, a copy must not also open the job.
        event.stopPropagation();
        const button = event.currentTarget;
        void copyText(text).then(() => {
          button.classList.add('is-copied');
          button.setAttribute('aria-label', 'Copied');
          button.title = 'Copied';
          setTimeout(() => {
            button.classList.remove('is-copied');
            button.setAttribute('aria-label', label);
            button.title = label;
          }, COPIED_MS);
        });
      }}
    >
      <svg viewBox="0 0 16 16" width="13" height="13" aria-hidden="true">
        <path
          d="M5 5V2.5h8.5V11H11M2.5 5H11v8.5H2.5z"
          fill="none"
          stroke="currentColor"
          strokeWidth="1.4"
          strokeLinejoin="round"
        />
      </svg>
    </button>
  );
}
