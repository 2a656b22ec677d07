import type { Cluster } from 'ioredis';
import type { EnqueueManyItem } from '../../../shared/contract';
import type { CoreContext } from '../context';
import { durabilityPolicy, isConfirmed } from '../redis/durability';
import { needsConfirmation, unconfirmedError, unconfirmedItems } from '../unconfirmed';
import { confirmOnMasters, masterTickets } from './confirm-masters';

/**
 * Runs a write on the cluster and reports it done only once every master it wrote to has it on
 * the replicas the policy asks for; else it is unconfirmed, as on one server (docs/topologies.md
 * "Acknowledged means durable"). `keysOf` names the keys the call wrote, from its input and output.
 */
export async function confirmedOnCluster<I, O>(
  ctx: CoreContext,
  operation: string,
  input: I,
  keysOf: (input: I, output: O) => readonly string[] | 'all',
  run: () => Promise<O>,
): Promise<O> {
  const cluster = ctx.redis as unknown as Cluster;
  const tickets = masterTickets(cluster);
  const output = await run();
  if (!needsConfirmation(operation)) return output;
  const policy = durabilityPolicy(ctx.config);
  const confirmation = await confirmOnMasters(cluster, keysOf(input, output), policy, tickets);
  if (isConfirmed(confirmation)) return output;
  if (operation === 'enqueueMany') {
    const { jobs } = input as { jobs: unknown[] };
    const { results } = output as { results: EnqueueManyItem[] };
    return { results: unconfirmedItems(jobs, results, confirmation!) } as O;
  }
  throw unconfirmedError(operation, input, output, confirmation!);
}
