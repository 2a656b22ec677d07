import { spawn } from 'node:child_process';
import type { ClusterNode } from './redis-cluster';

/** A node's cluster id (CLUSTER MYID). */
export async function nodeId(node: ClusterNode): Promise<string> {
  return String(await node.client().call('CLUSTER', 'MYID'));
}

/**
 * Starts `redis-cli --cluster reshard` moving `slots` slots (and their keys) from one master to
 * another, as an operator would; resolves once it has started, with its end as a promise.
 */
export async function startReshard(
  from: ClusterNode,
  to: ClusterNode,
  slots: number,
  /** Keys per MIGRATE (redis-cli's default is 10); 1 makes a slot's move slow enough to watch. */
  pipeline = 10,
): Promise<{ done: Promise<void> }> {
  const [fromId, toId] = await Promise.all([nodeId(from), nodeId(to)]);
  const child = spawn(
    'redis-cli',
    [
      '--cluster',
      'reshard',
      `127.0.0.1:${from.port}`,
      '--cluster-from',
      fromId,
      '--cluster-to',
      toId,
      '--cluster-slots',
      String(slots),
      '--cluster-pipeline',
      String(pipeline),
      '--cluster-yes',
    ],
    { stdio: ['ignore', 'pipe', 'pipe'] },
  );
  let output = '';
  child.stdout.on('data', (chunk: Buffer) => (output += chunk.toString()));
  child.stderr.on('data', (chunk: Buffer) => (output += chunk.toString()));
  const done = new Promise<void>((resolve, reject) =>
    child.once('exit', (code) =>
      code === 0 ? resolve() : reject(new Error(`reshard exited ${code}: ${output.slice(-2000)}`)),
    ),
  );
  done.catch(() => undefined);
  return { done };
}
