import type { EventEnvelope, EventMap, EventName } from '../../shared/contract';

export type EventListener = (event: EventEnvelope) => void;

/** Where doors and watchers push events; the dispatcher only needs this much. */
export interface EventSink {
  emit<N extends EventName>(name: N, payload: EventMap[N]): void;
  /** Jobs changed (a write went through); coalesced so a burst of writes is one event. */
  jobsChanged(workspaceId?: string): void;
}

/** States a late subscriber must see at once instead of waiting for the next change. */
const REPLAYED: EventName[] = ['connection', 'flag'];

/**
 * Fans events out to the console windows or SSE streams subscribed right now. Watchers that cost
 * Redis traffic (the flag poll) run only while someone listens, via onActiveChange.
 */
export class EventHub implements EventSink {
  private readonly listeners = new Set<EventListener>();
  private readonly latest = new Map<EventName, EventEnvelope>();
  private readonly activeWatchers = new Set<(active: boolean) => void>();
  private pendingJobs: Set<string> | 'all' | null = null;
  private jobsTimer: NodeJS.Timeout | null = null;

  constructor(private readonly jobsCoalesceMs = 500) {}

  get subscribers(): number {
    return this.listeners.size;
  }

  subscribe(listener: EventListener): () => void {
    this.listeners.add(listener);
    for (const name of REPLAYED) {
      const last = this.latest.get(name);
      if (last) listener(last);
    }
    if (this.listeners.size === 1) this.notifyActive(true);
    return () => {
      if (!this.listeners.delete(listener)) return;
      if (this.listeners.size === 0) this.notifyActive(false);
    };
  }

  /** Calls `watcher(true)` when the first subscriber arrives and `watcher(false)` when the last leaves. */
  onActiveChange(watcher: (active: boolean) => void): () => void {
    this.activeWatchers.add(watcher);
    if (this.listeners.size > 0) watcher(true);
    return () => void this.activeWatchers.delete(watcher);
  }

  emit<N extends EventName>(name: N, payload: EventMap[N]): void {
    const event = { name, payload } as EventEnvelope;
    if (REPLAYED.includes(name)) this.latest.set(name, event);
    for (const listener of [...this.listeners]) {
      try {
        listener(event);
      } catch {
        // One broken stream must not keep the event from the others.
      }
    }
  }

  /** The last value of a replayed event, if any was emitted. */
  last<N extends EventName>(name: N): EventMap[N] | undefined {
    return this.latest.get(name)?.payload as EventMap[N] | undefined;
  }

  jobsChanged(workspaceId?: string): void {
    if (workspaceId === undefined) this.pendingJobs = 'all';
    else if (this.pendingJobs !== 'all') {
      this.pendingJobs ??= new Set();
      this.pendingJobs.add(workspaceId);
    }
    if (this.jobsTimer) return;
    this.jobsTimer = setTimeout(() => this.flushJobs(), this.jobsCoalesceMs);
    this.jobsTimer.unref();
  }

  private flushJobs(): void {
    const pending = this.pendingJobs;
    this.pendingJobs = null;
    this.jobsTimer = null;
    if (pending === null) return;
    const only = pending !== 'all' && pending.size === 1 ? [...pending][0] : undefined;
    this.emit('jobs', only === undefined ? {} : { workspace_id: only });
  }

  private notifyActive(active: boolean): void {
    for (const watcher of this.activeWatchers) watcher(active);
  }

  close(): void {
    if (this.jobsTimer) clearTimeout(this.jobsTimer);
    this.jobsTimer = null;
    this.listeners.clear();
    this.activeWatchers.clear();
  }
}
