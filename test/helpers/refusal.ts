/** The error `action` throws, with its code and details; fails the test when nothing is thrown. */
export function refusal(action: () => unknown) {
  try {
    action();
  } catch (error) {
    return error as Error & { code: string; details?: Record<string, unknown> };
  }
  throw new Error('not refused');
}
