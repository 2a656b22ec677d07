import { Time } from './Time';

/**
 * Says that the figures beside it are the last ones read, and when (docs/console.md): shown while
 * Redis is down or not answering, or after a refresh failed. The data itself stays on screen.
 */
export function StaleMark({ readAt, why }: { readAt: number; why?: string | undefined }) {
  return (
    <span className="stale-mark" role="status" title={why}>
      Stale · read <Time iso={readAt} />
    </span>
  );
}
