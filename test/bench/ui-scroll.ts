// Scroll smoothness of the "Jobs" table once every row of a big workspace is loaded: frame times
// while the page sits still (the baseline: headless Chromium without a GPU paints slowly on its
// own) and while the table is scrolled from the last row back to the first, long tasks, and the most rows ever in
// the DOM (virtualisation keeps it to the rows in view).
import type { Page } from '@playwright/test';

export interface ScrollFigures {
  rows_loaded: number;
  load_all_rows_s: number;
  baseline_frame_p50_ms: number;
  baseline_frame_p95_ms: number;
  scroll_frames: number;
  scroll_frame_p50_ms: number;
  scroll_frame_p95_ms: number;
  scroll_frame_max_ms: number;
  scroll_long_tasks: number;
  max_dom_rows: number;
}

/** Scrolls to the end until the table says every row is loaded (aria-rowcount = rows + header). */
async function loadAllRows(page: Page, expected: number, timeoutMs: number): Promise<number> {
  const table = page.getByRole('table', { name: 'Jobs' });
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const rowCount = Number(await table.getAttribute('aria-rowcount'));
    if (rowCount === expected + 1 || Date.now() > deadline) return Math.max(0, rowCount - 1);
    await page.getByTestId('jobs-scroll').evaluate((el) => (el.scrollTop = el.scrollHeight));
    await page.waitForTimeout(20);
  }
}

/** Frame intervals over `frames` animation frames, calling `step(i)` at each (in the page). */
function measureFrames(page: Page, frames: number, scroll: boolean) {
  return page.getByTestId('jobs-scroll').evaluate(
    (el, { frames, scroll }) =>
      new Promise<{ intervals: number[]; longTasks: number; maxRows: number }>((resolve) => {
        const intervals: number[] = [];
        let longTasks = 0;
        let maxRows = 0;
        const observer = new PerformanceObserver((list) => (longTasks += list.getEntries().length));
        observer.observe({ entryTypes: ['longtask'] });
        // Bottom to the second pixel: back at the very top the table drops the pages below the first.
        const from = el.scrollHeight - el.clientHeight;
        const stepPx = (from - 1) / frames;
        let last = performance.now();
        let i = 0;
        const tick = (now: number) => {
          intervals.push(now - last);
          last = now;
          maxRows = Math.max(maxRows, el.querySelectorAll('[data-job-id]').length);
          if (++i >= frames) {
            observer.disconnect();
            resolve({ intervals, longTasks, maxRows });
            return;
          }
          if (scroll) el.scrollTop = Math.max(1, Math.round(from - stepPx * i));
          requestAnimationFrame(tick);
        };
        requestAnimationFrame((now) => {
          last = now;
          requestAnimationFrame(tick);
        });
      }),
    { frames, scroll },
  );
}

const percentile = (xs: number[], p: number) => {
  const sorted = [...xs].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))] ?? 0;
};
const round = (n: number) => Math.round(n * 10) / 10;

/** The page must show the workspace's jobs table. */
export async function measureScroll(page: Page, expectedRows: number): Promise<ScrollFigures> {
  const started = performance.now();
  const loaded = await loadAllRows(page, expectedRows, 300_000);
  const loadS = (performance.now() - started) / 1000;
  await page.waitForTimeout(500);
  const still = await measureFrames(page, 120, false);
  const scrolled = await measureFrames(page, 600, true);
  return {
    rows_loaded: loaded,
    load_all_rows_s: Math.round(loadS * 100) / 100,
    baseline_frame_p50_ms: round(percentile(still.intervals, 50)),
    baseline_frame_p95_ms: round(percentile(still.intervals, 95)),
    scroll_frames: scrolled.intervals.length,
    scroll_frame_p50_ms: round(percentile(scrolled.intervals, 50)),
    scroll_frame_p95_ms: round(percentile(scrolled.intervals, 95)),
    scroll_frame_max_ms: round(Math.max(...scrolled.intervals)),
    scroll_long_tasks: scrolled.longTasks,
    max_dom_rows: Math.max(still.maxRows, scrolled.maxRows),
  };
}

/** Scrolling's p95 frame over the still page's: 1 means scrolling costs no frame time. */
export const scrollRatio = (f: ScrollFigures) =>
  round((f.scroll_frame_p95_ms / Math.max(f.baseline_frame_p95_ms, 0.1)) * 100) / 100;

/** Smooth: no long task (> 50 ms) while scrolling, and p95 frames within 1.5x the still page. */
export const isSmooth = (f: ScrollFigures) => f.scroll_long_tasks === 0 && scrollRatio(f) <= 1.5;

export function describeScroll(f: ScrollFigures): string[] {
  return [
    `scrolling all ${f.rows_loaded.toLocaleString('en-US')} rows (loaded in ${f.load_all_rows_s} s) bottom to top in ${f.scroll_frames} frames: frame p50 ${f.scroll_frame_p50_ms} ms, p95 ${f.scroll_frame_p95_ms} ms, max ${f.scroll_frame_max_ms} ms; ${f.scroll_long_tasks} long tasks; at most ${f.max_dom_rows} rows in the DOM [smooth: no long task, p95 <= 1.5x the still page]`,
    `  ratio to the still page (p95 ${f.baseline_frame_p95_ms} ms, p50 ${f.baseline_frame_p50_ms} ms): ${scrollRatio(f)}x`,
  ];
}
