import { z } from 'zod';
import { operation } from './operation';

/** What stands behind the address Queuescope was given (docs/topologies.md). */
export type TopologyKind = 'standalone' | 'sentinel' | 'cluster';

export interface ConnectionInfo {
  topology: TopologyKind;
  /** One line for people, e.g. "Sentinel master orders, primary 10.0.0.5:6379, 1 replica". */
  summary: string;
  /** The server talked to (the current primary under Sentinel); null while not connected. */
  server: string | null;
  redis_version: string | null;
  tls: boolean;
  /** Replicas connected to that server. */
  replicas: number;
  sentinel?: { master_name: string; sentinels: string[] };
  /** The masters serving hash slots, and CLUSTER INFO's cluster_state. */
  cluster?: { masters: string[]; state: string };
  /** False where operations would be refused; every topology serves the contract now. */
  supported: boolean;
  note?: string;
  /**
   * How a write is confirmed before it is reported done: WAIT for `replicas` (0: the primary's
   * reply alone) within `timeout_ms`; `policy` auto follows the primary's replicas.
   */
  durability: { replicas: number; timeout_ms: number; policy: 'auto' | 'fixed' };
}

export const connectionOperations = {
  connectionInfo: operation<ConnectionInfo>()({
    summary:
      'Where Queuescope is connected: standalone, Sentinel (master name, current primary) or Cluster (masters), and how writes are confirmed.',
    writes: false,
    input: z.object({}).strict().optional(),
  }),
};
