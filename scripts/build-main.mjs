// Bundles the main-process side (Electron main, preload, CLI, benchmarks) with esbuild.
// Lua scripts are imported with `?raw` (as Vite does) and inlined as text.
import { build } from 'esbuild';
import { existsSync } from 'node:fs';
import { rawText } from './raw-text-plugin.mjs';

const common = {
  bundle: true,
  platform: 'node',
  target: 'node20',
  sourcemap: true,
  packages: 'external',
  plugins: [rawText],
  logLevel: 'warning',
};
const esm = {
  ...common,
  format: 'esm',
  banner: {
    js: "import { createRequire as __qsRequire } from 'node:module'; const require = __qsRequire(import.meta.url);",
  },
};

const entries = [
  { in: 'electron/cli/main.ts', out: 'dist-electron/cli.mjs', opts: esm },
  {
    in: 'electron/main/main.ts',
    out: 'dist-electron/main.mjs',
    opts: { ...esm, external: ['electron'] },
  },
  {
    in: 'electron/preload/preload.ts',
    out: 'dist-electron/preload.cjs',
    opts: { ...common, format: 'cjs', external: ['electron'], packages: undefined },
  },
  { in: 'test/bench/enqueue.bench.ts', out: 'dist-electron/bench-enqueue.mjs', opts: esm },
  { in: 'test/bench/migration.bench.ts', out: 'dist-electron/bench-migration.mjs', opts: esm },
  { in: 'test/bench/ui.bench.ts', out: 'dist-electron/bench-ui.mjs', opts: esm },
  { in: 'test/bench/cluster.bench.ts', out: 'dist-electron/bench-cluster.mjs', opts: esm },
];

await Promise.all(
  entries
    .filter((e) => existsSync(e.in))
    .map((e) => build({ ...e.opts, entryPoints: [e.in], outfile: e.out })),
);
