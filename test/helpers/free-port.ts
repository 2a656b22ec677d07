import { readFileSync } from 'node:fs';
import { createServer } from 'node:net';

/** The first port the kernel hands out to outgoing connections (Linux), else the IANA default. */
function ephemeralLow(): number {
  try {
    const [low] = readFileSync('/proc/sys/net/ipv4/ip_local_port_range', 'utf8')
      .trim()
      .split(/\s+/);
    return Number(low) || 49152;
  } catch {
    return 49152;
  }
}

function bindable(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const server = createServer();
    server.once('error', () => resolve(false));
    server.listen(port, '127.0.0.1', () => server.close(() => resolve(true)));
  });
}

/**
 * A free loopback port for a test's redis-server, below the kernel's range for outgoing
 * connections: a port from that range (what listening on port 0 gives) can be taken by any client
 * socket of the suite between the check and redis-server's bind, and the server then never starts.
 * Picked at random so the files running side by side rarely try the same one.
 */
export async function freePort(): Promise<number> {
  const high = Math.min(ephemeralLow(), 65536) - 1;
  const low = 10_000;
  for (let tries = 0; tries < 200; tries++) {
    const port = low + Math.floor(Math.random() * (high - low));
    if (await bindable(port)) return port;
  }
  throw new Error(`no free loopback port between ${low} and ${high}`);
}
