import { run } from '../../electron/cli/run';

/** Runs the command line with `env` as its environment, and answers its exit code and output. */
export async function runCli(
  env: Record<string, string>,
  argv: string[],
): Promise<{ code: number; out: string; err: string }> {
  let out = '';
  let err = '';
  const code = await run(argv, {
    stdout: { write: (text: string) => (out += text) },
    stderr: { write: (text: string) => (err += text) },
    env,
  });
  return { code, out, err };
}
