import type { Page } from '@playwright/test';

/**
 * Times on the page's own clock (ms since its navigation started): when the "Workspaces" list and
 * the first job row were first painted, and when the pointer went down. Set against the bench's
 * wall clock they separate the console's own time from the browser driver's around it: its
 * polling, and the checks and round trips of its click before the pointer goes down.
 */
export interface PageClock {
  listPainted?: number;
  pointerDown?: number;
  rowsPainted?: number;
}

declare global {
  interface Window {
    __benchClock?: PageClock;
  }
}

/** Before navigation: the observer has to be there when the console's first nodes arrive. */
export async function installPageClock(page: Page): Promise<void> {
  await page.addInitScript(() => {
    const clock: PageClock = (window.__benchClock = {});
    // A frame's rAF callbacks run just before it paints; a task queued there runs once it has.
    const whenPainted = (set: (ms: number) => void) =>
      requestAnimationFrame(() => setTimeout(() => set(performance.now())));
    let listSeen = false;
    let rowsSeen = false;
    const observer = new MutationObserver(() => {
      if (!listSeen && document.querySelector('nav[aria-label="Workspaces"] button')) {
        listSeen = true;
        whenPainted((ms) => (clock.listPainted = ms));
      }
      if (!rowsSeen && document.querySelector('[data-job-id]')) {
        rowsSeen = true;
        observer.disconnect();
        whenPainted((ms) => (clock.rowsPainted = ms));
      }
    });
    observer.observe(document, { childList: true, subtree: true });
    addEventListener('pointerdown', () => (clock.pointerDown ??= performance.now()), {
      capture: true,
    });
  });
}

/** The page's times once its first rows have been painted. */
export async function readPageClock(page: Page): Promise<PageClock> {
  await page.waitForFunction(() => window.__benchClock?.rowsPainted !== undefined);
  return page.evaluate(() => ({ ...window.__benchClock }));
}
