import { readFileSync } from 'node:fs';
import { describe, expect, it, vi } from 'vitest';
import { CONTENT_SECURITY_POLICY } from '../../electron/security/csp';
import { hardenApp, hardenContents, hardenSession } from '../../electron/security/harden';
import { secureWebPreferences } from '../../electron/security/web-preferences';

type Handler = (...args: unknown[]) => unknown;

function fakeContents() {
  const on = new Map<string, Handler>();
  let openHandler: Handler | null = null;
  return {
    on: (name: string, fn: Handler) => void on.set(name, fn),
    setWindowOpenHandler: (fn: Handler) => void (openHandler = fn),
    fire(name: string) {
      const event = {
        defaultPrevented: false,
        preventDefault: () => (event.defaultPrevented = true),
      };
      on.get(name)?.(event, 'https://evil.example/');
      return event.defaultPrevented;
    },
    open: (url: string) => openHandler?.({ url }),
  };
}

describe('window security settings', () => {
  it('isolate and sandbox the console, without Node or webviews', () => {
    expect(secureWebPreferences('/app/preload.cjs')).toEqual({
      preload: '/app/preload.cjs',
      contextIsolation: true,
      sandbox: true,
      nodeIntegration: false,
      nodeIntegrationInWorker: false,
      nodeIntegrationInSubFrames: false,
      webSecurity: true,
      allowRunningInsecureContent: false,
      webviewTag: false,
      navigateOnDragDrop: false,
      spellcheck: false,
    });
  });

  it('deny window.open and cancel navigation, redirects and webviews in every web contents', () => {
    const created: Handler[] = [];
    hardenApp({
      on: ((name: string, fn: Handler) =>
        void (name === 'web-contents-created' && created.push(fn))) as never,
    });
    const contents = fakeContents();
    created[0]!({}, contents);
    expect(contents.open('https://evil.example/')).toEqual({ action: 'deny' });
    expect(contents.open('file:///anything')).toEqual({ action: 'deny' });
    for (const name of ['will-navigate', 'will-redirect', 'will-attach-webview']) {
      expect(contents.fire(name), name).toBe(true);
    }
  });

  it('refuse every permission request and send the CSP header on every response', () => {
    let request: Handler = () => undefined;
    let check: Handler = () => true;
    let headers: Handler = () => undefined;
    hardenSession({
      setPermissionRequestHandler: (fn: Handler) => void (request = fn),
      setPermissionCheckHandler: (fn: Handler) => void (check = fn),
      webRequest: { onHeadersReceived: (fn: Handler) => void (headers = fn) },
    } as never);
    const granted = vi.fn();
    for (const permission of ['media', 'geolocation', 'notifications', 'clipboard-read']) {
      request({}, permission, granted);
    }
    expect(granted.mock.calls).toEqual([[false], [false], [false], [false]]);
    expect(check({}, 'media')).toBe(false);
    const answer = vi.fn();
    headers({ responseHeaders: { 'X-Other': ['1'] } }, answer);
    expect(answer).toHaveBeenCalledWith({
      responseHeaders: {
        'X-Other': ['1'],
        'Content-Security-Policy': [CONTENT_SECURITY_POLICY],
        'X-Content-Type-Options': ['nosniff'],
      },
    });
  });

  it('hardens a window created by any path, not just the first one', () => {
    const contents = fakeContents();
    hardenContents(contents as never);
    expect(contents.open('about:blank')).toEqual({ action: 'deny' });
  });
});

describe('Content-Security-Policy', () => {
  const directives = (policy: string) =>
    new Map(
      policy
        .split(';')
        .map((d) => d.trim().split(/\s+/))
        .map(([name, ...v]) => [name!, v]),
    );

  it('allows only the console own scripts: no inline script, no eval, no plugins, no framing', () => {
    const csp = directives(CONTENT_SECURITY_POLICY);
    expect(csp.get('script-src')).toEqual(["'self'"]);
    expect(csp.get('object-src')).toEqual(["'none'"]);
    expect(csp.get('frame-ancestors')).toEqual(["'none'"]);
    expect(csp.get('base-uri')).toEqual(["'none'"]);
    expect(csp.get('connect-src')).toEqual(["'self'"]);
    expect(CONTENT_SECURITY_POLICY).not.toMatch(/unsafe-eval|\*/);
  });

  it('is also in the page itself, with the same script rules', () => {
    const html = readFileSync('renderer/index.html', 'utf8');
    const meta = /<meta\s+http-equiv="Content-Security-Policy"\s+content="([^"]+)"/.exec(html);
    expect(meta, 'CSP meta tag in renderer/index.html').not.toBeNull();
    const csp = directives(meta![1]!);
    expect(csp.get('script-src')).toEqual(["'self'"]);
    expect(csp.get('object-src')).toEqual(["'none'"]);
    expect(meta![1]).not.toMatch(/unsafe-eval/);
  });
});
