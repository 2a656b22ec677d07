import { create } from 'zustand';
import { persist } from 'zustand/middleware';

/** The name written to the audit trail for the writes this console makes (retry, forced status). */
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
