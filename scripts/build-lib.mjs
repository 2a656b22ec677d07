// Builds the library door (`import … from 'queuescope'`): dist-lib/index.mjs, bundled by esbuild
// with every package left external, and dist-lib/index.d.ts, its types in one file. The entry is
// electron/lib/index.ts; tsconfig.lib.json compiles only what it imports, so nothing of Electron,
// React or the renderer can reach the bundle or its types.
import { build } from 'esbuild';
import { generateDtsBundle } from 'dts-bundle-generator';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { rawText } from './raw-text-plugin.mjs';

const entry = 'electron/lib/index.ts';
const outDir = 'dist-lib';
// Packages the bundle may import: the package's own dependencies, and nothing of the doors.
const forbidden = ['electron', 'react', 'react-dom', 'commander', 'cli-progress'];

mkdirSync(outDir, { recursive: true });
const result = await build({
  entryPoints: [entry],
  outfile: `${outDir}/index.mjs`,
  bundle: true,
  platform: 'node',
  target: 'node20',
  format: 'esm',
  packages: 'external',
  plugins: [rawText],
  metafile: true,
  logLevel: 'warning',
});

const imported = Object.values(result.metafile.outputs)
  .flatMap((output) => output.imports)
  .filter((i) => i.external)
  .map((i) => i.path);
const leaked = imported.filter((path) =>
  forbidden.some((name) => path === name || path.startsWith(`${name}/`)),
);
if (leaked.length > 0) {
  throw new Error(`The library bundle imports ${leaked.join(', ')}: it must not.`);
}
const { dependencies } = JSON.parse(readFileSync('package.json', 'utf8'));
const undeclared = imported.filter(
  (path) => !path.startsWith('node:') && !Object.hasOwn(dependencies, packageName(path)),
);
if (undeclared.length > 0) {
  throw new Error(`The library bundle imports ${undeclared.join(', ')}, not in dependencies.`);
}

const [types] = generateDtsBundle(
  [{ filePath: entry, noCheck: true, output: { noBanner: true, exportReferencedTypes: false } }],
  { preferredConfigPath: 'tsconfig.lib.json' },
);
writeFileSync(`${outDir}/index.d.ts`, types);

function packageName(path) {
  const parts = path.split('/');
  return path.startsWith('@') ? parts.slice(0, 2).join('/') : parts[0];
}
