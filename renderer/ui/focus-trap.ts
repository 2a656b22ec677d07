import { useEffect, useRef, type RefObject } from 'react';

const FOCUSABLE =
  'a[href], button:not([disabled]), input:not([disabled]), select:not([disabled]), textarea:not([disabled]), summary, [tabindex]:not([tabindex="-1"])';

function focusables(container: HTMLElement): HTMLElement[] {
  return [...container.querySelectorAll<HTMLElement>(FOCUSABLE)].filter(
    (el) => !el.closest('dialog') && el.getClientRects().length > 0,
  );
}

/**
 * Keeps keyboard focus inside a panel while it is open (docs/triage.md "the job drawer"): it takes
 * focus when it opens, Tab and Shift+Tab cycle through its controls, Escape calls `onEscape`, and
 * on closing focus goes back where it was (or to `fallback()` when that element is gone). A modal
 * dialog opened from the panel keeps its own focus handling.
 */
export function useFocusTrap(
  ref: RefObject<HTMLElement | null>,
  onEscape: () => void,
  fallback?: () => HTMLElement | null,
): void {
  const latest = useRef({ onEscape, fallback });
  useEffect(() => {
    latest.current = { onEscape, fallback };
  });
  useEffect(() => {
    const container = ref.current;
    if (!container) return;
    const previous = document.activeElement instanceof HTMLElement ? document.activeElement : null;
    container.focus({ preventScroll: true });

    const onKeyDown = (event: KeyboardEvent) => {
      if (document.querySelector('dialog[open]')) return;
      const active = document.activeElement;
      const inside = active instanceof Node && container.contains(active);
      if (event.key === 'Escape') {
        // Escape in a box elsewhere (the "Find job" results) belongs to that box.
        if (!inside && active !== document.body) return;
        event.preventDefault();
        latest.current.onEscape();
        return;
      }
      if (event.key !== 'Tab') return;
      const items = focusables(container);
      if (items.length === 0) {
        event.preventDefault();
        container.focus();
        return;
      }
      const first = items[0]!;
      const last = items[items.length - 1]!;
      if (!inside || active === container) {
        event.preventDefault();
        (event.shiftKey ? last : first).focus();
      } else if (event.shiftKey && active === first) {
        event.preventDefault();
        last.focus();
      } else if (!event.shiftKey && active === last) {
        event.preventDefault();
        first.focus();
      }
    };
    // Capture on the document: Tab pressed while focus is outside (a click elsewhere) comes back too.
    document.addEventListener('keydown', onKeyDown, true);
    return () => {
      document.removeEventListener('keydown', onKeyDown, true);
      const back =
        previous && previous !== document.body && previous.isConnected
          ? previous
          : (latest.current.fallback?.() ?? null);
      back?.focus({ preventScroll: true });
    };
  }, [ref]);
}
