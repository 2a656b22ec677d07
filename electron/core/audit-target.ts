import type { OperationName } from '../../shared/contract';
import { repairAudit } from './migration/repair-audit';

/**
 * What an audited write acted on, read from its (validated) input. Who acted is not read from the
 * input: an actor_id there is the job's data (docs/doors.md "The audit's actor").
 */
export function auditSubject(
  operation: OperationName,
  input: unknown,
  output?: unknown,
): { target: string; details?: string; outcome?: string } {
  const i = (input ?? {}) as Record<string, unknown>;
  const o = (output ?? {}) as Record<string, unknown>;
  const str = (v: unknown) => (typeof v === 'string' ? v : undefined);
  const withWs = (id: unknown) =>
    str(i.workspace_id) ? `${str(i.workspace_id)}/${String(id ?? '')}` : String(id ?? '');
  switch (operation) {
    case 'setFlag':
      return { target: `new_schema=${str(i.value)}` };
    case 'enqueue':
      // A generated job id is only known from the result.
      return {
        target: withWs(i.job_id ?? o.job_id ?? '(new job)'),
        ...(o.outcome === 'duplicate' ? { details: `duplicate of ${String(o.job_id)}` } : {}),
      };
    case 'enqueueMany':
      return { target: `${Array.isArray(i.jobs) ? i.jobs.length : 0} jobs` };
    case 'updateStatus':
      return {
        target: withWs(i.job_id),
        details: [
          `status=${str(i.status)}`,
          i.force ? 'forced' : '',
          str(i.reason) ? `reason: ${str(i.reason)}` : '',
        ]
          .filter(Boolean)
          .join('; '),
      };
    case 'removeFromQueue': {
      // The reason and what it did, so the trail alone explains a job that stopped running.
      const ws = str(i.workspace_id) ?? str(o.workspace_id);
      return {
        target: ws ? `${ws}/${String(i.job_id)}` : String(i.job_id ?? ''),
        details: [
          `reason: ${str(i.reason) ?? ''}`,
          o.removed === undefined ? '' : `removed ${String(o.removed)} queue entries`,
          o.status_before === 'pending' ? 'status pending -> failed' : '',
        ]
          .filter(Boolean)
          .join('; '),
      };
    }
    case 'repair':
      return repairAudit(input, output);
    default:
      return {
        target: i.job_id === undefined ? (str(i.workspace_id) ?? '') : withWs(i.job_id),
      };
  }
}
