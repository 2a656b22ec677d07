export { WorkspaceNav } from './WorkspaceNav';
export { workspaceKeys, workspacesQueryOptions, useWorkspaces } from './queries';
