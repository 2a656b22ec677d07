import type { FlagValue } from './migration';

/**
 * `not_answering`: connected, but the host's health probe got no reply for a few seconds (a paused,
 * wedged or overloaded Redis); writes are held back until it answers again (docs/connection.md).
 */
export type ConnectionState = 'connecting' | 'ready' | 'not_answering' | 'reconnecting' | 'down';

/** Events pushed from the main process (or web host) to the console. */
export interface EventMap {
  connection: {
    state: ConnectionState;
    detail?: string;
    read_only: boolean;
    label: string;
    /** Round trip of the last health probe that was answered (ms), while a console listens. */
    latency_ms?: number;
  };
  flag: { new_schema: FlagValue };
  /** Something about jobs changed; the console refetches what it shows. */
  jobs: { workspace_id?: string };
  /** Progress of a long-running operation started with an operation id. */
  progress: {
    operation_id: string;
    phase: string;
    done: number;
    total: number | null;
    eta_s?: number | null;
  };
}

export type EventName = keyof EventMap;
export const EVENT_NAMES: EventName[] = ['connection', 'flag', 'jobs', 'progress'];
