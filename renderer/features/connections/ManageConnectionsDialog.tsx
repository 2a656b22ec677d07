import { useState } from 'react';
import type { ProfileView } from '../../../shared/contract/profiles';
import { Button } from '../../ui/Button';
import { Dialog } from '../../ui/Dialog';
import { ErrorNote } from '../../ui/ErrorNote';
import { ProfileForm } from './ProfileForm';
import { useProfiles, useRemoveProfile, useStartSandbox } from './queries';

interface Props {
  open: boolean;
  onClose(): void;
}

/** What the dialog shows: the list, or the form for a new (null) or an existing profile. */
type Editing = { profile: ProfileView | null } | null;

/** "Manage connections…": add, edit and remove profiles, or start the private local sandbox. */
export function ManageConnectionsDialog({ open, onClose }: Props) {
  const storage = useProfiles().data?.password_storage;
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
            profile={editing.profile}
            storage={storage}
            onDone={() => setEditing(null)}
          />
        ) : (
          <ProfileList onEdit={(profile) => setEditing({ profile })} onClose={close} />
        ))}
    </Dialog>
  );
}

interface ListProps {
  onEdit(profile: ProfileView | null): void;
  onClose(): void;
}

const PASSWORD_META = {
  stored: 'password stored',
  session: 'password for this session',
  none: 'no password',
} as const;

function ProfileList({ onEdit, onClose }: ListProps) {
  const list = useProfiles();
  const remove = useRemoveProfile();
  const sandbox = useStartSandbox();
  const [removing, setRemoving] = useState<string | null>(null);
  return (
    <div className="form">
      {list.isError && <ErrorNote error={list.error} prefix="Could not list connections:" />}
      {list.data?.profiles.length === 0 && (
        <p className="muted">No saved connections yet. Add one, or start the local sandbox.</p>
      )}
      <ul className="profile-list" aria-label="Saved connections">
        {list.data?.profiles.map((p) => (
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
                  PASSWORD_META[p.password],
                  p.sentinel_password !== 'none' &&
                    `sentinel ${PASSWORD_META[p.sentinel_password]}`,
                ]
                  .filter(Boolean)
                  .join(' · ')}
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
