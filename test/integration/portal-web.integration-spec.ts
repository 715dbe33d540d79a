import { readFileSync } from 'node:fs';
import { request as httpRequest } from 'node:http';
import { resolve } from 'node:path';
import { webDirectory } from '../../apps/server/src/portal/http/web.controller';
import { csp, portalTestConfig, usePortalApp } from '../support/portal-app';

const WEB = resolve(__dirname, '../../apps/server/src/portal/web');
const LANGUAGES = ['fr', 'nl', 'de', 'en'];

/** A GET with the path sent exactly as written (fetch would normalise `/../`). */
function rawGet(baseUrl: string, path: string): Promise<{ status: number; body: string }> {
  const url = new URL(baseUrl);
  return new Promise((done, fail) => {
    const req = httpRequest({ host: url.hostname, port: url.port, path, method: 'GET' }, (res) => {
      let body = '';
      res.setEncoding('utf8');
      res.on('data', (chunk: string) => (body += chunk));
      res.on('end', () => done({ status: res.statusCode ?? 0, body }));
    });
    req.on('error', fail);
    req.end();
  });
}

/** The keys app.js asks for: every t('...') call (t is only ever called with a literal key). */
function keysUsedBy(script: string): string[] {
  return [...new Set([...script.matchAll(/\bt\(\s*'([^']+)'/g)].map((m) => m[1]))].sort();
}

describe('the parents web UI at / (static files served by the portal)', () => {
  const portal = usePortalApp(portalTestConfig());

  it('serves the page at / with a strict Content-Security-Policy, and no inline script or style in it', async () => {
    const response = await fetch(`${portal.baseUrl}/`);
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toMatch(/^text\/html; charset=utf-8/);
    const html = await response.text();
    expect(html).toContain('<script type="module" src="/app.js"></script>');
    expect(html).toContain('<link rel="stylesheet" href="/app.css">');

    const policy = csp(response.headers.get('content-security-policy'));
    expect(policy.get('default-src')).toEqual(["'self'"]);
    expect(policy.get('script-src')).toEqual(["'self'"]);
    expect(policy.get('style-src')).toEqual(["'self'"]);
    expect(policy.get('connect-src')).toEqual(["'self'"]);
    expect(policy.get('object-src')).toEqual(["'none'"]);
    expect(policy.get('frame-ancestors')).toEqual(["'none'"]);
    for (const [name, sources] of policy) {
      // Nothing inline, nothing evaluated, no other origin.
      expect([name, sources.filter((s) => /unsafe|https?:|data:|\*|nonce-|sha\d+-/.test(s))]).toEqual([name, []]);
    }
    expect(response.headers.get('x-content-type-options')).toBe('nosniff');

    // The page respects its own policy: scripts only from files, no style attributes or blocks, no handlers.
    expect(html).not.toMatch(/<script(?![^>]*\bsrc=)[^>]*>/i);
    expect(html).not.toMatch(/<style\b/i);
    expect(html).not.toMatch(/\sstyle=/i);
    expect(html).not.toMatch(/\son[a-z]+=/i);
    expect(html).not.toMatch(/https?:\/\//i);
  });

  it('serves the page at the paths of the links we mail', async () => {
    for (const path of ['/verify-email?token=abc', '/reset-password?token=abc']) {
      const response = await fetch(`${portal.baseUrl}${path}`);
      expect([path, response.status, response.headers.get('content-type')]).toEqual([path, 200, 'text/html; charset=utf-8']);
    }
  });

  it('serves app.js, app.css and the four i18n files with their content types', async () => {
    const expectations: [string, RegExp][] = [
      ['/app.js', /^text\/javascript; charset=utf-8/],
      ['/app.css', /^text\/css; charset=utf-8/],
      ...LANGUAGES.map((l): [string, RegExp] => [`/i18n/${l}.json`, /^application\/json; charset=utf-8/]),
    ];
    for (const [path, type] of expectations) {
      const response = await fetch(`${portal.baseUrl}${path}`);
      expect([path, response.status]).toEqual([path, 200]);
      expect(response.headers.get('content-type')).toMatch(type);
      expect(response.headers.get('content-security-policy')).toContain("script-src 'self'");
    }
    const nl = (await (await fetch(`${portal.baseUrl}/i18n/nl.json`)).json()) as Record<string, string>;
    expect(nl['signIn.submit']).toBe('Aanmelden');
    expect(await (await fetch(`${portal.baseUrl}/app.js`)).text()).toBe(readFileSync(resolve(WEB, 'app.js'), 'utf8'));
  });

  it('finds its files from the sources (and from dist/, by climbing back to the repo root)', () => {
    expect(webDirectory()).toBe(WEB);
  });

  it('has every key app.js uses in all four languages, and the same keys in each', () => {
    const used = keysUsedBy(readFileSync(resolve(WEB, 'app.js'), 'utf8'));
    expect(used.length).toBeGreaterThan(50);
    const english = Object.keys(JSON.parse(readFileSync(resolve(WEB, 'i18n/en.json'), 'utf8'))).sort();
    for (const language of LANGUAGES) {
      const messages = JSON.parse(readFileSync(resolve(WEB, `i18n/${language}.json`), 'utf8')) as Record<string, unknown>;
      expect([language, used.filter((key) => typeof messages[key] !== 'string' || messages[key] === '')]).toEqual([language, []]);
      expect([language, Object.keys(messages).sort()]).toEqual([language, english]);
    }
  });

  it('keeps API data out of innerHTML: app.js never writes HTML from strings', () => {
    const script = readFileSync(resolve(WEB, 'app.js'), 'utf8');
    expect(script).not.toMatch(/\.(innerHTML|outerHTML)\s*=|insertAdjacentHTML|document\.write|\beval\(|new Function\(/);
    expect(script).toContain("headers['X-CSRF-Token'] = csrfCookie()");
    expect(script).toContain("credentials: 'same-origin'");
  });

  it('serves nothing else: unknown paths, other languages and path tricks answer 404 without leaking files', async () => {
    const packageJson = readFileSync(resolve(__dirname, '../../package.json'), 'utf8');
    const paths = [
      '/../package.json',
      '/%2e%2e/package.json',
      '/i18n/../../../../../../package.json',
      '/i18n/..%2f..%2f..%2f..%2f..%2f..%2fpackage.json',
      '/i18n/%2e%2e%2fapp.js',
      '/i18n/xx.json',
      '/i18n/nl.js',
      '/package.json',
      '/index.html.bak',
      '/web/app.js',
      '/apps/server/src/portal/web/app.js',
      '/app.ts',
    ];
    for (const path of paths) {
      const response = await rawGet(portal.baseUrl, path);
      expect([path, response.status]).toEqual([path, 404]);
      expect(response.body).not.toContain(packageJson.slice(0, 40));
      expect(response.body).not.toContain('"dependencies"');
    }
  });
});
