import { useState } from 'react';
import type { ProfilesApi, ProfileView } from '../../../electron/preload/desktop-api';
import { Button } from '../../ui/Button';
import { Dialog } from '../../ui/Dialog';
import { ErrorNote } from '../../ui/ErrorNote';
import { ProfileForm } from './ProfileForm';
import { useProfileList, useRemoveProfile, useStartSandbox } from './queries';

interface Props {
  open: boolean;
  profiles: ProfilesApi;
  onClose(): void;
}

/** What the dialog shows: the list, or the form for a new (null) or an existing profile. */
type Editing = { profile: ProfileView | null } | null;

/** "Manage connections…": add, edit and remove profiles, or start the private local sandbox. */
export function ManageConnectionsDialog({ open, profiles, onClose }: Props) {
  const [editing, setEditing] = useState<Editing>(null);
  const close = () => {
    setEditing(null);
    onClose();
  };
  const title = !editing
    ? 'Connections'
    : editing.profile
      ? `Edit ${editing.profile.name}`
      : 'New connection';
  return (
    <Dialog open={open} title={title} onClose={close}>
      {open &&
        (editing ? (
          <ProfileForm
            profiles={profiles}
            profile={editing.profile}
            onDone={() => setEditing(null)}
          />
        ) : (
          <ProfileList
            profiles={profiles}
            onEdit={(profile) => setEditing({ profile })}
            onClose={close}
          />
        ))}
    </Dialog>
  );
}

interface ListProps {
  profiles: ProfilesApi;
  onEdit(profile: ProfileView | null): void;
  onClose(): void;
}

function ProfileList({ profiles, onEdit, onClose }: ListProps) {
  const list = useProfileList(profiles);
  const remove = useRemoveProfile(profiles);
  const sandbox = useStartSandbox(profiles);
  const [removing, setRemoving] = useState<string | null>(null);
  return (
    <div className="form">
      {list.isError && <ErrorNote error={list.error} prefix="Could not list connections:" />}
      {list.data?.length === 0 && (
        <p className="muted">No saved connections yet. Add one, or start the local sandbox.</p>
      )}
      <ul className="profile-list" aria-label="Saved connections">
        {list.data?.map((p) => (
          <li key={p.id} className="profile-row" aria-label={p.name}>
            <div className="profile-summary">
              <strong>{p.name}</strong>
              {p.active && <span className="profile-tag">in use</span>}
              {p.writes_unlocked && <span className="profile-tag profile-tag-warn">writes on</span>}
              <code className="conn-url">{p.url}</code>
              <span className="muted profile-meta">
                {[
                  p.tls ? 'TLS' : 'no TLS',
                  p.username ? `user ${p.username}` : 'default user',
                  p.has_password ? 'password stored' : 'no password',
                ].join(' · ')}
              </span>
            </div>
            {removing === p.id ? (
              <div className="profile-actions">
                <span>Remove {p.name}?</span>
                <Button
                  small
                  variant="danger"
                  disabled={remove.isPending}
                  onClick={() => remove.mutate(p.id, { onSuccess: () => setRemoving(null) })}
                >
                  Remove
                </Button>
                <Button small onClick={() => setRemoving(null)}>
                  Keep
                </Button>
              </div>
            ) : (
              <div className="profile-actions">
                <Button small aria-label={`Edit ${p.name}`} onClick={() => onEdit(p)}>
                  Edit
                </Button>
                <Button
                  small
                  aria-label={`Remove ${p.name}`}
                  onClick={() => {
                    remove.reset();
                    setRemoving(p.id);
                  }}
                >
                  Remove
                </Button>
              </div>
            )}
          </li>
        ))}
      </ul>
      {remove.isError && <ErrorNote error={remove.error} prefix="Could not remove:" />}
      {sandbox.isError && <ErrorNote error={sandbox.error} prefix="Could not start the sandbox:" />}
      <div className="dialog-footer">
        <Button
          disabled={sandbox.isPending}
          title="A private Redis on this machine, for trying things out; writes are allowed there"
          onClick={() => sandbox.mutate(undefined, { onSuccess: onClose })}
        >
          {sandbox.isPending ? 'Starting…' : 'Start local sandbox'}
        </Button>
        <span className="spacer" />
        <Button onClick={onClose}>Close</Button>
        <Button variant="primary" onClick={() => onEdit(null)}>
          Add connection
        </Button>
      </div>
    </div>
  );
}
