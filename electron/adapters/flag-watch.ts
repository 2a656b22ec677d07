import type { FlagState, FlagValue } from '../../shared/contract';
import type { QueueCore } from '../core/core';
import { noteExternalFlagChange } from '../core/migration/external-flag';
import type { EventSink } from './event-hub';

export interface FlagWatch {
  /** The flag as the health probe just read it (health-probe.ts reads it every 2 s). */
  seen(state: FlagState): void;
  /** Forgets the last value: the next one read is another Redis's, not a change (profile switch). */
  reset(): void;
}

/**
 * Emits `flag` when the migration flag changes, whoever flipped it, and has a change that did not
 * go through Queuescope recorded in the flag history and the audit (docs/connection.md): the
 * script that records it writes only for the first host that saw the change, so several hosts
 * watching one Redis leave exactly one entry. A read-only host records nothing.
 */
export function watchFlag(core: () => QueueCore, events: EventSink, host: string): FlagWatch {
  let last: FlagValue | null = null;
  /** A change seen whose note failed (Redis went away meanwhile): tried again at the next sighting. */
  let unnoted = false;
  const note = () => {
    const current = core();
    if (current.readOnly) return;
    unnoted = false;
    noteExternalFlagChange(current, host).catch(() => (unnoted = true));
  };
  return {
    seen({ new_schema }) {
      if (new_schema === last) {
        if (unnoted) note();
        return;
      }
      const changed = last !== null;
      last = new_schema;
      events.emit('flag', { new_schema });
      if (changed) note();
    },
    reset() {
      last = null;
      unnoted = false;
    },
  };
}
