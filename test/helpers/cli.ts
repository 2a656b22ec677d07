import { run } from '../../electron/cli/run';

/**
 * Runs the command line in-process with `env` as its environment, and answers its exit code, what
 * it printed, and that output read as JSON on demand (stdout, or the error printed on stderr).
 */
export async function runCli(env: Record<string, string>, argv: string[]) {
  let out = '';
  let err = '';
  const code = await run(argv, {
    stdout: { write: (text: string) => (out += text) },
    stderr: { write: (text: string) => (err += text) },
    env,
  });
  return { code, out, err, json: () => JSON.parse(out), error: () => JSON.parse(err) };
}
