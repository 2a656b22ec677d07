// Bundles the main-process side (Electron main, preload, CLI, benchmarks) with esbuild.
// Lua scripts are imported with `?raw` (as Vite does) and inlined as text.
import { build } from 'esbuild';
import { existsSync, readFileSync } from 'node:fs';
import { dirname, resolve } from 'node:path';

const rawText = {
  name: 'raw-text',
  setup(b) {
    b.onResolve({ filter: /\?raw$/ }, (args) => ({
      path: resolve(args.resolveDir, args.path.replace(/\?raw$/, '')),
      namespace: 'raw',
    }));
    b.onLoad({ filter: /.*/, namespace: 'raw' }, (args) => ({
      contents: readFileSync(args.path, 'utf8'),
      loader: 'text',
      resolveDir: dirname(args.path),
    }));
  },
};

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
];

await Promise.all(
  entries
    .filter((e) => existsSync(e.in))
    .map((e) => build({ ...e.opts, entryPoints: [e.in], outfile: e.out })),
);
