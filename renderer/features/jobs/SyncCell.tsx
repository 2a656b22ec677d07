import type { SyncState } from '../../../shared/contract';

/** A row's sync state in words: in sync, a missing copy, or the fields that differ. */
export function syncText(sync: SyncState): string {
  switch (sync.state) {
    case 'in_sync':
      return 'in sync';
    case 'missing_in_new':
      return 'missing in new';
    case 'missing_in_old':
      return 'missing in old';
    case 'mismatch':
      return `differs: ${sync.fields.join(', ')}`;
    case 'workspace_mismatch':
      return `workspace differs (old: ${sync.old_workspace})`;
  }
}

export function SyncCell({ sync }: { sync: SyncState }) {
  const text = syncText(sync);
  return (
    <span className={`sync sync-${sync.state}`} title={text}>
      {text}
    </span>
  );
}
