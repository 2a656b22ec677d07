import type { RefObject } from 'react';
import type { JobRow } from '../../../shared/contract';
import { isModalOpen, isTypingTarget, useGlobalKeydown } from '../../app/keyboard';
import { useActiveIndex, useJobsUiActions } from './jobs-ui-store';

/** `/` search, `j`/`k` move, `Enter` open, `Esc` close: the table is usable without a mouse. */
export function useJobsKeyboard(rows: JobRow[], searchRef: RefObject<HTMLInputElement | null>) {
  const activeIndex = useActiveIndex();
  const { activeRowMoved, jobOpened, jobClosed } = useJobsUiActions();
  useGlobalKeydown((event) => {
    if (isModalOpen() || event.metaKey || event.ctrlKey || event.altKey) return;
    const typing = isTypingTarget(event.target);
    if (event.key === 'Escape') {
      if (typing) (event.target as HTMLElement).blur();
      else jobClosed();
      return;
    }
    if (typing) return;
    if (event.key === '/') {
      event.preventDefault();
      searchRef.current?.focus();
    } else if (event.key === 'j' || event.key === 'k') {
      event.preventDefault();
      activeRowMoved(event.key === 'j' ? 1 : -1, rows.length);
    } else if (event.key === 'Enter') {
      const onControl =
        event.target instanceof HTMLElement && event.target.closest('button, a, [role="link"]');
      const row = rows[activeIndex];
      if (!onControl && row) {
        event.preventDefault();
        jobOpened(row.job_id, activeIndex);
      }
    }
  });
}
