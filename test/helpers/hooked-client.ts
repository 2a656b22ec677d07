/**
 * Called once a hooked client's script call (by its command name) or transaction ('multi', once
 * EXEC answered) has its reply; may write or throw.
 */
export type AfterCommand = (command: string, nth: number) => Promise<void>;

/**
 * The client itself, whose calls of scripts named `scriptPrefix…` and whose transactions run
 * `after` once answered: another client's write between two steps, a crash (a throw) right after
 * one, or a replica stopped before the next. Every command is the real one; only the moment is
 * chosen.
 */
export function hookedClient<T extends object>(
  client: T,
  scriptPrefix: string,
  after: AfterCommand,
): T {
  const counts = new Map<string, number>();
  const answered = async (command: string) => {
    const nth = (counts.get(command) ?? 0) + 1;
    counts.set(command, nth);
    await after(command, nth);
  };
  return new Proxy(client, {
    get(target, prop, receiver) {
      const value = Reflect.get(target, prop, receiver) as unknown;
      if (typeof value !== 'function') return value;
      const fn = (value as (...a: unknown[]) => unknown).bind(target);
      if (prop === 'multi')
        return (...args: unknown[]) => {
          const tx = fn(...args) as { exec: (...a: unknown[]) => Promise<unknown> };
          const exec = tx.exec.bind(tx);
          tx.exec = async (...a: unknown[]) => {
            const replies = await exec(...a);
            await answered('multi');
            return replies;
          };
          return tx;
        };
      if (typeof prop !== 'string' || !prop.startsWith(scriptPrefix)) return fn;
      return async (...args: unknown[]) => {
        const reply = await fn(...args);
        await answered(prop);
        return reply;
      };
    },
  });
}
