import { useQuery, useQueryClient } from '@tanstack/react-query';
import { useEffect } from 'react';
import type { FlagState } from '../../shared/contract';
import { subscribe } from '../api/client';
import { flagQueryOptions, migrationKeys } from '../features/migration/queries';
import { useNavigationActions } from './navigation';
import './banners.css';

/**
 * The flag for the banner: read once, then kept current by the host's `flag` event (which it
 * sends on connect and on every change, whoever made it), so it costs no Redis command of its own.
 */
function useFlagFromEvents() {
  const queryClient = useQueryClient();
  useEffect(
    () =>
      subscribe((event) => {
        if (event.name !== 'flag') return;
        const { new_schema } = event.payload as { new_schema: FlagState['new_schema'] };
        queryClient.setQueryData<FlagState>(migrationKeys.flag(), (previous) => ({
          new_schema,
          source: previous?.source ?? 'redis',
        }));
      }),
    [queryClient],
  );
  return useQuery({ ...flagQueryOptions(), staleTime: Infinity }).data;
}

/** On every screen while dual-write is off: what that means, and the way to the switch (docs/triage.md). */
export function DualWriteBanner() {
  const flag = useFlagFromEvents();
  const { viewChosen } = useNavigationActions();
  if (flag?.new_schema !== 'off') return null;
  return (
    <div className="banner banner-dual-write" role="status" aria-label="Dual-write is off">
      <span>
        <strong>Dual-write is off.</strong> New jobs are written to the old schema only, so each one
        enqueued now will need a backfill before the new schema can be trusted.
      </span>
      <a
        href="#/migration"
        className="banner-link"
        onClick={(event) => {
          event.preventDefault();
          viewChosen('migration');
        }}
      >
        Open Migration
      </a>
    </div>
  );
}
