import type { FlagValue } from '../../../shared/contract';

/** What turning the flag to `target` does, in the words the confirmation shows. */
export function describeFlagChange(target: FlagValue): { title: string; effects: string[] } {
  if (target === 'on') {
    return {
      title: 'Turn dual-write on?',
      effects: [
        'From the very next enqueue of every client, each new job is written to both schemas: ai:jobs:{job_id} and ai:job:{workspace_id}:{job_id}.',
        'Jobs enqueued before now stay in the old schema only (missing in new) until a backfill copies them.',
        'Status updates and retries keep updating both copies wherever a new copy exists.',
        'Dual-write attempts start to count in Metrics.',
      ],
    };
  }
  return {
    title: 'Turn dual-write off?',
    effects: [
      'From the very next enqueue of every client, new jobs are written to the old schema only; the new schema stops growing.',
      'New-schema copies that already exist are kept, and status updates and retries still update them.',
      'Jobs enqueued from now on will show as missing in new until dual-write is on again and they are backfilled.',
      'Readers that prefer the new schema fall back to the old copy for those jobs.',
    ],
  };
}
