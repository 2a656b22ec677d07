import { useState } from 'react';
import { useConnection } from '../../app/connection';
import { ErrorNote } from '../../ui/ErrorNote';
import { ManageConnectionsDialog } from './ManageConnectionsDialog';
import { useConnectProfile, useProfiles, useStartSandbox } from './queries';
import './connections.css';

/** Stands for "not one of the saved profiles" (the local sandbox, or the address the app opened). */
const CURRENT = '';
/** Actions listed after the profiles; they are not connections, so the choice snaps back. */
const MANAGE = '__manage';
const SANDBOX = '__sandbox';

/** The desktop app's "Connection" select: the saved profiles, switched in place, and their management. */
export function ProfileSwitcher() {
  const connection = useConnection();
  const list = useProfiles();
  const connect = useConnectProfile();
  const sandbox = useStartSandbox();
  const [managing, setManaging] = useState(false);
  const active = list.data?.profiles.find((p) => p.active);
  return (
    <>
      <label className="control">
        <span className="visually-hidden">Connection</span>
        <select
          aria-label="Connection"
          value={active?.id ?? CURRENT}
          disabled={connect.isPending || sandbox.isPending}
          onChange={(e) => {
            const choice = e.target.value;
            connect.reset();
            sandbox.reset();
            if (choice === MANAGE) setManaging(true);
            else if (choice === SANDBOX) sandbox.mutate();
            else if (choice !== CURRENT) connect.mutate(choice);
          }}
        >
          {!active && <option value={CURRENT}>{connection.label}</option>}
          {list.data?.profiles.map((p) => (
            <option key={p.id} value={p.id}>
              {p.name}
            </option>
          ))}
          <option disabled>───</option>
          <option value={SANDBOX}>Start local sandbox</option>
          <option value={MANAGE}>Manage connections…</option>
        </select>
      </label>
      {(connect.isError || sandbox.isError || list.isError) && (
        <div className="conn-error">
          <ErrorNote
            error={connect.error ?? sandbox.error ?? list.error}
            prefix={
              connect.isError
                ? 'Could not switch connection:'
                : sandbox.isError
                  ? 'Could not start the sandbox:'
                  : 'Could not list connections:'
            }
          />
        </div>
      )}
      <ManageConnectionsDialog open={managing} onClose={() => setManaging(false)} />
    </>
  );
}
