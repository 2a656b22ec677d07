import { run } from './run';

// Ctrl-C or SIGTERM: the first asks the running command to stop cleanly (cancel a check, close the
// web host, stop the demo worker); a second Ctrl-C leaves at once.
const interrupt = new AbortController();
const onSignal = () => {
  if (interrupt.signal.aborted) process.exit(130);
  interrupt.abort();
};
process.on('SIGINT', onSignal);
process.on('SIGTERM', onSignal);

const code = await run(process.argv.slice(2), {
  stdout: process.stdout,
  stderr: process.stderr,
  env: process.env,
  stdin: process.stdin,
  signal: interrupt.signal,
});
// Leave now: a reconnecting Redis client or an idle socket must not keep a finished command alive.
process.exit(code);
