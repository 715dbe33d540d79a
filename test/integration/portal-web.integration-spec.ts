import { readdirSync, readFileSync } from 'node:fs';
import { request as httpRequest } from 'node:http';
import { relative, resolve } from 'node:path';
import { DEFAULT_ALLOWED_COUNTRIES } from '../../apps/server/src/cascades/domain/allowed-destinations';
import { LANGUAGE_NAMES, LANGUAGES } from '../../apps/server/src/languages';
import { DEFAULT_COUNTRY, LABEL_MAX_LENGTH, MAX_CASCADE_NUMBERS } from '../../apps/server/src/portal/domain/cascade-numbers';
import { webDirectory } from '../../apps/server/src/portal/http/web.controller';
import { csp, portalTestConfig, usePortalApp } from '../support/portal-app';

const WEB = resolve(__dirname, '../../apps/server/src/portal/web');

/** The page's modules: app.js and every file under js/, by their path in the web directory. */
function scripts(): string[] {
  const walk = (folder: string): string[] => readdirSync(folder, { withFileTypes: true }).flatMap((e) => (e.isDirectory() ? walk(resolve(folder, e.name)) : [resolve(folder, e.name)]));
  return ['app.js', ...walk(resolve(WEB, 'js')).map((path) => relative(WEB, path))];
}
const allScripts = () => scripts().map((path) => readFileSync(resolve(WEB, path), 'utf8')).join('\n');

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

/**
 * The keys the page asks for by name: every t('...') call, and for plural('...') its `.other` form
 * (the one every language has). Keys named after an API code (`error.<code>`) are looked up with a
 * fallback, so only their presence in every language is checked (the same keys in each file).
 */
function keysUsedBy(script: string): string[] {
  const named = [...script.matchAll(/\bt\(\s*'([^']+)'/g)].map((m) => m[1]);
  const plurals = [...script.matchAll(/\bplural\(\s*'([^']+)'/g)].map((m) => `${m[1]}.other`);
  return [...new Set([...named, ...plurals])].sort();
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
    for (const path of ['/verify-email', '/reset-password']) {
      const response = await fetch(`${portal.baseUrl}${path}`);
      expect([path, response.status, response.headers.get('content-type')]).toEqual([path, 200, 'text/html; charset=utf-8']);
    }
  });

  it('serves app.js, its modules, the languages, the cascade rules, app.css and the four i18n files with their content types', async () => {
    const expectations: [string, RegExp][] = [
      ...scripts().map((path): [string, RegExp] => [`/${path}`, /^text\/javascript; charset=utf-8/]),
      ['/languages.js', /^text\/javascript; charset=utf-8/],
      ['/cascade-rules.js', /^text\/javascript; charset=utf-8/],
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
    for (const path of scripts()) expect([path, await (await fetch(`${portal.baseUrl}/${path}`)).text()]).toEqual([path, readFileSync(resolve(WEB, path), 'utf8')]);
    expect(scripts()).toEqual(expect.arrayContaining(['app.js', 'js/i18n.js', 'js/api.js', 'js/forms.js', 'js/screens/sign-in.js', 'js/screens/cascade.js']));
    // The page's languages are the server's own list, not a copy.
    const languages = await (await fetch(`${portal.baseUrl}/languages.js`)).text();
    expect(languages).toContain(`export const LANGUAGES = ${JSON.stringify(LANGUAGES)};`);
    expect(languages).toContain(`export const LANGUAGE_NAMES = ${JSON.stringify(LANGUAGE_NAMES)};`);
    expect(allScripts()).not.toMatch(/'fr',\s*'nl'|"fr",\s*"nl"/);
  });

  it("serves a cascade's rules from the server's own values, and the page keeps no copy of them", async () => {
    const rules = await (await fetch(`${portal.baseUrl}/cascade-rules.js`)).text();
    expect(rules).toContain(`export const MAX_NUMBERS = ${MAX_CASCADE_NUMBERS};`);
    expect(rules).toContain(`export const LABEL_MAX_LENGTH = ${LABEL_MAX_LENGTH};`);
    expect(rules).toContain(`export const DEFAULT_COUNTRY = ${JSON.stringify(DEFAULT_COUNTRY)};`);
    // No ALLOWED_NUMBER_COUNTRIES in the test configuration: the default list.
    expect(rules).toContain(`export const COUNTRIES = ${JSON.stringify(DEFAULT_ALLOWED_COUNTRIES)};`);
    const script = allScripts();
    expect(script).not.toMatch(/'BE',\s*'NL'|"BE",\s*"NL"/);
    expect(script).not.toMatch(/\b(MAX_NUMBERS|LABEL_MAX_LENGTH|DEFAULT_COUNTRY|COUNTRIES)\s*=/);
    expect(script).not.toMatch(/maxlength: '\d+'.*bind: \[row/);
    for (const language of LANGUAGES) {
      const messages = JSON.parse(readFileSync(resolve(WEB, `i18n/${language}.json`), 'utf8')) as Record<string, string>;
      expect([language, messages['fieldError.label'], messages['fieldError.numbers.too-many'], messages['cascade.help']]).toEqual([language, expect.stringContaining('{max}'), expect.stringContaining('{max}'), expect.stringContaining('{max}')]);
    }
  });

  it('finds its files from the sources (and from dist/, by climbing back to the repo root)', () => {
    expect(webDirectory()).toBe(WEB);
  });

  it('has every key the page uses in all four languages, and the same keys in each', () => {
    const used = keysUsedBy(allScripts());
    expect(used.length).toBeGreaterThan(50);
    const english = Object.keys(JSON.parse(readFileSync(resolve(WEB, 'i18n/en.json'), 'utf8'))).sort();
    for (const language of LANGUAGES) {
      const messages = JSON.parse(readFileSync(resolve(WEB, `i18n/${language}.json`), 'utf8')) as Record<string, unknown>;
      expect([language, used.filter((key) => typeof messages[key] !== 'string' || messages[key] === '')]).toEqual([language, []]);
      expect([language, Object.keys(messages).sort()]).toEqual([language, english]);
    }
  });

  it('keeps API data out of innerHTML: the page never writes HTML from strings', () => {
    const script = allScripts();
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
      '/js/../package.json',
      '/js/%2e%2e%2fapp.js',
      '/js/screens/..%2f..%2f..%2f..%2f..%2f..%2f..%2fpackage.json',
      '/js/nope.js',
      '/js/i18n.ts',
      '/js/screens/nope.js',
      '/js/screens/sign-in.js/x',
    ];
    for (const path of paths) {
      const response = await rawGet(portal.baseUrl, path);
      expect([path, response.status]).toEqual([path, 404]);
      expect(response.body).not.toContain(packageJson.slice(0, 40));
      expect(response.body).not.toContain('"dependencies"');
    }
  });
});

describe('the cascade rules of a deployment that dials fewer countries (ALLOWED_NUMBER_COUNTRIES=NL,BE)', () => {
  const portal = usePortalApp(portalTestConfig({ ALLOWED_NUMBER_COUNTRIES: 'NL,BE' }));

  it("offers the page only the deployment's countries", async () => {
    const rules = await (await fetch(`${portal.baseUrl}/cascade-rules.js`)).text();
    expect(rules).toContain('export const COUNTRIES = ["NL","BE"];');
    expect(rules).toContain(`export const MAX_NUMBERS = ${MAX_CASCADE_NUMBERS};`);
  });
});
