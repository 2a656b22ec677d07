/**
 * The desktop app's own IPC channels beside the contract's (shared/contract/transport.ts): channel
 * names only, so the preload and the main process share them. Connection profiles are contract
 * operations (shared/contract/profiles.ts) and travel on the invoke channel like every other.
 */
export const CANCEL_CHANNEL = 'queuescope:cancel';
/** The renderer says it wants (true) or no longer wants (false) events. */
export const SUBSCRIBE_CHANNEL = 'queuescope:subscribe';
