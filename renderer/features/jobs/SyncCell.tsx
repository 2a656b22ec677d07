import type { SyncState } from '../../../shared/contract';
import { syncText } from '../../../shared/contract/job';

export function SyncCell({ sync }: { sync: SyncState }) {
  const text = syncText(sync);
  return (
    <span className={`sync sync-${sync.state}`} title={text}>
      {text}
    </span>
  );
}
