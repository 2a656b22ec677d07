/** One step of a walk: the cursor after it, the keys it read, and whether it was the last. */
export interface Step {
  next: string;
  found: string[];
  last: boolean;
}

export interface StepStream<T> {
  /** Where the walk starts (a saved cursor when resuming). */
  cursor: string;
  /** Reads the step at a cursor (a SCAN reply, an index page). */
  read(cursor: string): Promise<Step>;
  /**
   * Works on a step's keys; several run at once, up to `ahead`. It only computes: what it found is
   * handed to `done`, so nothing of a step that is never passed is counted or kept.
   */
  process(found: string[]): Promise<T>;
  /**
   * Called in order once a step's work is done, with what it found: the cursor may now pass it.
   * `stopping` is true for the last call of a cancelled walk.
   */
  done(next: string, read: number, result: T, stopping: boolean): Promise<void>;
  cancelled(): boolean;
  /** Steps read ahead of the oldest one still being worked on. */
  ahead: number;
}

/**
 * Reads steps of keys and works on them without waiting between steps: a few steps are read ahead,
 * so the work always has keys queued. `done` only passes a step once its work has finished, in
 * order; a cancel lets the steps in flight finish first, so a resumed walk neither skips nor
 * repeats. Resolves true when the walk reached its end, false when cancelled.
 */
export async function streamSteps<T>(s: StepStream<T>): Promise<boolean> {
  const window: Array<{ next: string; read: number; work: Promise<T> }> = [];
  let cursor = s.cursor;
  let ended = false;
  let cancelled = false;
  const fill = async () => {
    while (!ended && !cancelled && window.length < s.ahead) {
      const step = await s.read(cursor);
      cursor = step.next;
      ended = step.last;
      const work = s.process(step.found);
      work.catch(() => undefined); // awaited in order below
      window.push({ next: step.next, read: step.found.length, work });
    }
  };
  let filling = fill();
  for (;;) {
    await filling;
    const head = window.shift();
    if (!head) return ended;
    // The freed place is read again while this step's work and `done` run, so Redis always has
    // steps queued and never waits on this process's round trips.
    filling = fill();
    filling.catch(() => undefined); // awaited above, or below on failure
    let result: T;
    try {
      result = await head.work;
    } catch (error) {
      // Let the other steps settle first, so nothing is written after the failure is saved.
      await filling.catch(() => undefined);
      await Promise.allSettled(window.map((w) => w.work));
      throw error;
    }
    cancelled ||= s.cancelled();
    if (cancelled) await filling; // a read already sent still gives a step, worked on before stopping
    const stopping = cancelled && window.length === 0;
    await s.done(head.next, head.read, result, stopping);
    if (stopping) return ended;
  }
}
