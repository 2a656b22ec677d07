import { existsSync } from 'node:fs';
import { readFile, stat } from 'node:fs/promises';
import { dirname, extname, join, normalize, resolve, sep } from 'node:path';
import { fileURLToPath } from 'node:url';

const TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.mjs': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.json': 'application/json; charset=utf-8',
  '.map': 'application/json; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.ico': 'image/x-icon',
  '.woff2': 'font/woff2',
  '.txt': 'text/plain; charset=utf-8',
};

/**
 * The renderer build (`vite build` → dist/renderer), found by walking up from this module so it
 * works from the TypeScript sources (tests) and from the bundle in dist-electron/ alike.
 */
export function findRendererDir(from = dirname(fileURLToPath(import.meta.url))): string | null {
  let dir = from;
  for (;;) {
    const candidate = join(dir, 'dist', 'renderer');
    if (existsSync(join(candidate, 'index.html'))) return candidate;
    const parent = dirname(dir);
    if (parent === dir) return null;
    dir = parent;
  }
}

export interface StaticFile {
  body: Buffer;
  type: string;
  /** Hashed asset names never change content, so browsers may keep them. */
  immutable: boolean;
}

/**
 * The file for a request path, never outside `root`. Paths without an extension get index.html
 * (the console's own views); a missing file with an extension is null (404).
 */
export async function readStaticFile(root: string, pathname: string): Promise<StaticFile | null> {
  let decoded: string;
  try {
    decoded = decodeURIComponent(pathname);
  } catch {
    return null;
  }
  if (decoded.includes('\0')) return null;
  const base = resolve(root);
  const wanted = resolve(base, '.' + normalize('/' + decoded));
  if (wanted !== base && !wanted.startsWith(base + sep)) return null;
  const file = extname(wanted) === '' ? join(base, 'index.html') : wanted;
  try {
    if (!(await stat(file)).isFile()) return null;
    return {
      body: await readFile(file),
      type: TYPES[extname(file)] ?? 'application/octet-stream',
      immutable: file.startsWith(join(base, 'assets') + sep),
    };
  } catch {
    return null;
  }
}
