export interface ServeOptions {
  redisUrl?: string;
  readOnly: boolean;
  port?: number;
}

/** Starts the loopback web host; resolves once it listens. */
export async function serve(
  _options: ServeOptions,
): Promise<{ url: string; close(): Promise<void> }> {
  throw new Error('the web host is not available in this build');
}
