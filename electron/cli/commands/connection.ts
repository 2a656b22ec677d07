import type { Command } from 'commander';
import { contract, type ConnectionInfo } from '../../../shared/contract';
import { QueuescopeError } from '../../core/errors';
import type { CliSession } from '../session';

/** `topology`: what the address stands for and how writes are confirmed (docs/topologies.md). */
export function addConnectionCommand(program: Command, session: CliSession): void {
  program
    .command('topology')
    .description(contract.connectionInfo.summary)
    .action(async (_opts, cmd: Command) => {
      session.use(cmd);
      const info = await session.invoke('connectionInfo', {});
      session.output(info, () => topologyText(info));
    });
}

/** The summary line, then the parts an operator checks: sentinels, masters, durability. */
export function topologyText(info: ConnectionInfo): string {
  const lines = [info.summary];
  if (info.sentinel) lines.push(`  sentinels: ${info.sentinel.sentinels.join(', ')}`);
  if (info.cluster) lines.push(`  masters: ${info.cluster.masters.join(', ') || 'none'}`);
  if (info.note) lines.push(`  ${info.note}`);
  return lines.join('\n');
}

/**
 * The topology line `serve` prints before it serves (a cluster with its masters, docs/topologies.md
 * "Seeing the topology"). A refused login or a failed TLS handshake stops it there (the console
 * would only show failures); a Redis that is merely not up yet is reported, and the console shows
 * it as down until it answers.
 */
export async function topologyAtStart(session: CliSession): Promise<ConnectionInfo | string> {
  let info: ConnectionInfo;
  try {
    info = await session.invoke('connectionInfo', {});
  } catch (error) {
    if (!(error instanceof QueuescopeError) || error.code !== 'REDIS_UNAVAILABLE') throw error;
    if (error.details?.reason) throw error;
    return `Redis is not reachable yet (${error.message}); the console shows it as down until it answers.`;
  }
  return info;
}

/** One line for the terminal: the topology summary, or why it is not known yet. */
export function topologyLine(topology: ConnectionInfo | string): string {
  return typeof topology === 'string' ? `Redis: ${topology}` : `Redis: ${topology.summary}`;
}
