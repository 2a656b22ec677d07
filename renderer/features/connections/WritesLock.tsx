import { useState } from 'react';
import type { ProfileView } from '../../../shared/contract/profiles';
import { Button } from '../../ui/Button';
import { Dialog } from '../../ui/Dialog';
import { ErrorNote } from '../../ui/ErrorNote';
import { useProfiles, useSetWritesUnlocked } from './queries';

/**
 * "Unlock writes" / "Lock writes" for the active profile. Unlocking asks first, naming the Redis,
 * because from then on the console's writes land there. The write controls themselves follow the
 * host's `connection` event, not this button.
 */
export function WritesLock() {
  const active = useProfiles().data?.profiles.find((p) => p.active);
  const lock = useSetWritesUnlocked();
  const [confirming, setConfirming] = useState(false);
  if (!active) return null;
  return (
    <>
      {active.writes_unlocked ? (
        <Button
          small
          disabled={lock.isPending}
          title={`Make ${active.name} read-only again`}
          onClick={() => lock.mutate({ id: active.id, unlocked: false })}
        >
          Lock writes
        </Button>
      ) : (
        <Button
          small
          variant="danger"
          disabled={lock.isPending}
          title={`Allow writes to ${active.url}`}
          onClick={() => {
            lock.reset();
            setConfirming(true);
          }}
        >
          Unlock writes
        </Button>
      )}
      {lock.isError && !confirming && (
        <div className="conn-error">
          <ErrorNote error={lock.error} prefix="Could not change the write lock:" />
        </div>
      )}
      <Dialog open={confirming} title="Unlock writes?" onClose={() => setConfirming(false)}>
        {confirming && (
          <UnlockConfirm
            profile={active}
            pending={lock.isPending}
            error={lock.error}
            onCancel={() => setConfirming(false)}
            onConfirm={() =>
              lock.mutate(
                { id: active.id, unlocked: true },
                { onSuccess: () => setConfirming(false) },
              )
            }
          />
        )}
      </Dialog>
    </>
  );
}

interface ConfirmProps {
  profile: ProfileView;
  pending: boolean;
  error: unknown;
  onCancel(): void;
  onConfirm(): void;
}

function UnlockConfirm({ profile, pending, error, onCancel, onConfirm }: ConfirmProps) {
  return (
    <div className="form">
      <p className="warning-text">
        Writes from this console will reach <code className="conn-url">{profile.url}</code> (
        {profile.name}): enqueue, retry, forced status changes and the migration flag change data
        there at once. Writes stay unlocked for this profile and this target until you lock them,
        change its host, port, database, user or TLS, or quit the app.
      </p>
      {Boolean(error) && <ErrorNote error={error} />}
      <div className="dialog-footer">
        <Button onClick={onCancel}>Cancel</Button>
        <Button variant="danger" disabled={pending} onClick={onConfirm}>
          Yes, unlock writes
        </Button>
      </div>
    </div>
  );
}
