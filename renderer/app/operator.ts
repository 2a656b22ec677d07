import { create } from 'zustand';
import { persist } from 'zustand/middleware';

/**
 * The name of the person at this console. On the web host the browser declares it with every call
 * and the host audits writes as this name beside its own OS user; the desktop app audits its OS
 * user instead (docs/doors.md "The audit's actor"). Either way it is written into the jobs this
 * console retries (retried_by).
 */
interface OperatorState {
  name: string;
  actions: { operatorRenamed(name: string): void };
}

const useOperatorStore = create<OperatorState>()(
  persist(
    (set) => ({
      name: 'console',
      actions: { operatorRenamed: (name) => set({ name }) },
    }),
    { name: 'queuescope-operator', partialize: (s) => ({ name: s.name }) },
  ),
);

export const useOperatorName = () => useOperatorStore((s) => s.name);
export const useOperatorActions = () => useOperatorStore((s) => s.actions);

/** The declared name outside React, for the web host bridge's operator header. */
export const currentOperatorName = (): string => useOperatorStore.getState().name;

/** True in a browser on the web host, where the console declares its operator; false on the desktop. */
export const declaresOperator = (): boolean => typeof window === 'undefined' || !window.queuescope;

/** Who the audit trail will name for this console's writes, in words. */
export function useAuditedAs(): string {
  const name = useOperatorName();
  return declaresOperator() ? name.trim() || 'undeclared' : 'your OS user';
}
