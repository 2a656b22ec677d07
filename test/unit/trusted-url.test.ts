import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { describe, expect, it } from 'vitest';
import { isTrustedUrl } from '../../electron/security/trusted-url';

const root = '/opt/queuescope/resources/app/dist/renderer';
const page = pathToFileURL(join(root, 'index.html')).href;

describe('isTrustedUrl', () => {
  it.each([
    [page],
    [`${page}?view=jobs#row-3`],
    [pathToFileURL(join(root, 'assets', 'index-abc123.js')).href],
  ])('trusts the console build: %s', (url) => {
    expect(isTrustedUrl(url, root)).toBe(true);
  });

  it.each([
    ['https://evil.example/index.html'],
    ['http://127.0.0.1:5173/index.html'],
    ['file:///etc/passwd'],
    ['file:///opt/queuescope/resources/app/dist/renderer-evil/index.html'],
    ['file:///opt/queuescope/resources/app/dist/renderer/../secrets.json'],
    ['file:///opt/queuescope/resources/app/dist/renderer/%2e%2e/secrets.json'],
    ['file://evil-host/opt/queuescope/resources/app/dist/renderer/index.html'],
    [`file://${root}`],
    ['data:text/html,<script>alert(1)</script>'],
    ['javascript:alert(1)'],
    ['about:blank'],
    ['devtools://devtools/bundled/inspector.html'],
    ['not a url'],
    [''],
  ])('does not trust %s', (url) => {
    expect(isTrustedUrl(url, root)).toBe(false);
  });

  it('accepts the renderer folder given with a trailing separator or dots', () => {
    expect(isTrustedUrl(page, `${root}/`)).toBe(true);
    expect(isTrustedUrl(page, `${root}/assets/..`)).toBe(true);
  });
});
