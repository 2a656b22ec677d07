import { useEffect, useRef } from 'react';

/** True when the key belongs to something the user is typing into. */
export function isTypingTarget(target: EventTarget | null): boolean {
  return (
    target instanceof HTMLElement &&
    Boolean(target.closest('input, textarea, select, [contenteditable="true"]'))
  );
}

/** A modal owns the keyboard while it is open (its own Esc closes it). */
export function isModalOpen(): boolean {
  return document.querySelector('dialog[open]') !== null;
}

/** A document-level keydown handler that always sees the latest render's values. */
export function useGlobalKeydown(handler: (event: KeyboardEvent) => void): void {
  const latest = useRef(handler);
  useEffect(() => {
    latest.current = handler;
  });
  useEffect(() => {
    const listener = (event: KeyboardEvent) => latest.current(event);
    document.addEventListener('keydown', listener);
    return () => document.removeEventListener('keydown', listener);
  }, []);
}
