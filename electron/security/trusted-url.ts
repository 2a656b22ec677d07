import { resolve, sep } from 'node:path';
import { fileURLToPath } from 'node:url';

/**
 * True only for the console's own pages: a file: URL (no host) inside the renderer build folder.
 * Everything else (http(s), data:, javascript:, other files, UNC hosts, `..` tricks) is untrusted.
 */
export function isTrustedUrl(url: string, rendererDir: string): boolean {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    return false;
  }
  if (parsed.protocol !== 'file:' || parsed.host !== '') return false;
  let path: string;
  try {
    path = fileURLToPath(parsed);
  } catch {
    return false;
  }
  const root = resolve(rendererDir);
  const target = resolve(path);
  return target.startsWith(root + sep);
}
