#!/usr/bin/env node
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

const cli = fileURLToPath(new URL('../dist-electron/cli.mjs', import.meta.url));
if (!existsSync(cli)) {
  process.stderr.write(
    'queuescope is not built yet. Run `npm run build` in the Queuescope folder, then try again.\n',
  );
  process.exit(5);
}
await import(cli);
