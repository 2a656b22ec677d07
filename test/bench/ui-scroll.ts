// Scroll smoothness of the "Jobs" table once every row of a big workspace is loaded. Frame times
// are compared with the same page standing still (headless Chromium without a GPU paints slowly on
// its own). Two speeds: wheel scrolling (100 px a frame, what a mouse wheel or trackpad gives) from
// the middle of the table, and a fling from the last row to the first in 600 frames (~170 rows a
// frame, every frame all new rows). Also long tasks, and the most rows ever in the DOM
// (virtualisation keeps it to the rows in view).
import type { Page } from '@playwright/test';

interface FrameStats {
  p50: number;
  p95: number;
  max: number;
  longTasks: number;
  maxRows: number;
}

export interface ScrollFigures {
  rows_loaded: number;
  load_all_rows_s: number;
  still_frame_p50_ms: number;
  still_frame_p95_ms: number;
  wheel_frame_p50_ms: number;
  wheel_frame_p95_ms: number;
  wheel_frame_max_ms: number;
  wheel_long_tasks: number;
  /** API calls the page made while wheel scrolling through loaded rows (expected: none). */
  wheel_api_calls: number;
  fling_frame_p50_ms: number;
  fling_frame_p95_ms: number;
  fling_frame_max_ms: number;
  fling_long_tasks: number;
  max_dom_rows: number;
}

const FRAMES = 600;
const WHEEL_PX_PER_FRAME = 100;
/** Frames left to settle after the jump to a measurement's start position. */
const SETTLE_FRAMES = 10;

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

type Motion = 'still' | 'wheel' | 'fling';

/** Frame intervals over `frames` animation frames while the table moves as `motion` says. */
async function measureFrames(page: Page, frames: number, motion: Motion): Promise<FrameStats> {
  const { intervals, longTasks, maxRows } = await page.getByTestId('jobs-scroll').evaluate(
    (el, { frames, motion, wheelPx, settleFrames }) =>
      new Promise<{ intervals: number[]; longTasks: number; maxRows: number }>((resolve) => {
        const intervals: number[] = [];
        let longTasks = 0;
        let maxRows = 0;
        const observer = new PerformanceObserver((list) => (longTasks += list.getEntries().length));
        // Never back to the very top: there the table drops the pages below the first.
        const bottom = el.scrollHeight - el.clientHeight;
        const flingStep = (bottom - 1) / frames;
        if (motion === 'fling') el.scrollTop = bottom;
        if (motion === 'wheel') el.scrollTop = Math.round(bottom / 2);
        const start = el.scrollTop;
        let last = 0;
        let i = 0;
        // The jump to the start position renders a whole new view at once (a long task of its
        // own, like pressing End); counting starts once it has settled.
        let settling = settleFrames;
        const settle = () => {
          if (--settling > 0) return requestAnimationFrame(settle);
          observer.observe({ entryTypes: ['longtask'] });
          requestAnimationFrame((now) => {
            last = now;
            requestAnimationFrame(tick);
          });
        };
        const tick = (now: number) => {
          intervals.push(now - last);
          last = now;
          maxRows = Math.max(maxRows, el.querySelectorAll('[data-job-id]').length);
          if (++i >= frames) {
            observer.disconnect();
            resolve({ intervals, longTasks, maxRows });
            return;
          }
          if (motion === 'fling') el.scrollTop = Math.max(1, Math.round(bottom - flingStep * i));
          if (motion === 'wheel') el.scrollTop = start + wheelPx * i;
          requestAnimationFrame(tick);
        };
        requestAnimationFrame(settle);
      }),
    { frames, motion, wheelPx: WHEEL_PX_PER_FRAME, settleFrames: SETTLE_FRAMES },
  );
  return {
    p50: percentile(intervals, 50),
    p95: percentile(intervals, 95),
    max: round(Math.max(...intervals)),
    longTasks,
    maxRows,
  };
}

function percentile(xs: number[], p: number): number {
  const sorted = [...xs].sort((a, b) => a - b);
  return round(sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))] ?? 0);
}
const round = (n: number, digits = 1) => Math.round(n * 10 ** digits) / 10 ** digits;

/** The page must show the workspace's jobs table. */
export async function measureScroll(page: Page, expectedRows: number): Promise<ScrollFigures> {
  const started = performance.now();
  const loaded = await loadAllRows(page, expectedRows, 300_000);
  const loadS = (performance.now() - started) / 1000;
  await page.waitForTimeout(500);
  const still = await measureFrames(page, 120, 'still');
  let apiCalls = 0;
  const countCall = (request: { url(): string }) => {
    if (new URL(request.url()).pathname.startsWith('/api/')) apiCalls++;
  };
  page.on('request', countCall);
  const wheel = await measureFrames(page, FRAMES, 'wheel');
  page.off('request', countCall);
  const fling = await measureFrames(page, FRAMES, 'fling');
  return {
    rows_loaded: loaded,
    load_all_rows_s: round(loadS, 2),
    still_frame_p50_ms: still.p50,
    still_frame_p95_ms: still.p95,
    wheel_frame_p50_ms: wheel.p50,
    wheel_frame_p95_ms: wheel.p95,
    wheel_frame_max_ms: wheel.max,
    wheel_long_tasks: wheel.longTasks,
    wheel_api_calls: apiCalls,
    fling_frame_p50_ms: fling.p50,
    fling_frame_p95_ms: fling.p95,
    fling_frame_max_ms: fling.max,
    fling_long_tasks: fling.longTasks,
    max_dom_rows: Math.max(still.maxRows, wheel.maxRows, fling.maxRows),
  };
}

/** Wheel scrolling's p95 frame over the still page's: 1 means scrolling costs no frame time. */
export const scrollRatio = (f: ScrollFigures) =>
  round(f.wheel_frame_p95_ms / Math.max(f.still_frame_p95_ms, 0.1), 2);

/** Smooth: wheel scrolling with no long task (> 50 ms) and p95 frames within 1.5x the still page. */
export const isSmooth = (f: ScrollFigures) => f.wheel_long_tasks === 0 && scrollRatio(f) <= 1.5;

export function describeScroll(f: ScrollFigures): string[] {
  return [
    `all ${f.rows_loaded.toLocaleString('en-US')} rows loaded by scrolling in ${f.load_all_rows_s} s; at most ${f.max_dom_rows} rows ever in the DOM`,
    `wheel scrolling (${WHEEL_PX_PER_FRAME} px a frame, ${FRAMES} frames): frame p50 ${f.wheel_frame_p50_ms} ms, p95 ${f.wheel_frame_p95_ms} ms, max ${f.wheel_frame_max_ms} ms; ${f.wheel_long_tasks} long tasks; ${f.wheel_api_calls} API calls [smooth: no long task, p95 <= 1.5x the still page]`,
    `  ratio to the still page (p95 ${f.still_frame_p95_ms} ms, p50 ${f.still_frame_p50_ms} ms): ${scrollRatio(f)}x`,
    `fling, last row to first in ${FRAMES} frames: frame p50 ${f.fling_frame_p50_ms} ms, p95 ${f.fling_frame_p95_ms} ms, max ${f.fling_frame_max_ms} ms; ${f.fling_long_tasks} long tasks`,
  ];
}
