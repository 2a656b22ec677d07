import { SingleBar } from 'cli-progress';
import type { Progress } from '../core/context';
import type { CliStream } from './io';

/** A progress bar on a terminal (stderr), fed by an operation's onProgress callback. */
export function startProgress(stream: CliStream): {
  update: (p: Progress) => void;
  stop: () => void;
} {
  const bar = new SingleBar({
    stream: stream as NodeJS.WritableStream,
    format: '{phase} [{bar}] {value}/{totalText} {etaText}',
    hideCursor: true,
    clearOnComplete: true,
    noTTYOutput: false,
  });
  let started = false;
  return {
    update(p) {
      const payload = {
        phase: p.phase.padEnd(10),
        totalText: p.total === null ? '?' : String(p.total),
        etaText: typeof p.eta_s === 'number' ? `ETA ${Math.ceil(p.eta_s)}s` : '',
      };
      // An unknown total still moves the bar: it then shows how much has been done so far.
      const total = p.total ?? Math.max(p.done, 1);
      if (!started) {
        bar.start(total, p.done, payload);
        started = true;
      } else {
        bar.setTotal(total);
        bar.update(p.done, payload);
      }
    },
    stop() {
      if (started) bar.stop();
    },
  };
}
