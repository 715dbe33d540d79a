import { readdirSync, readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { LANGUAGES } from '../../apps/server/src/languages';
import { CURRENT_TERMS_VERSION, LEGAL_DOCUMENTS, legalDocumentView } from '../../apps/server/src/portal/legal/legal-documents';
import { PortalClient, linkedChild, portalTestConfig, signedInParent, usePortalApp } from '../support/portal-app';
const WEB = resolve(__dirname, '../../apps/server/src/portal/web');

describe('the terms of use and the privacy statement (/terms, /privacy, /api/v1/legal) and the consent they ask for', () => {
  const operator = { name: 'Commune de Test — service Prévention', contact: 'Rue du Test 1, 1000 Bruxelles' };
  const config = portalTestConfig({ DEFAULT_LANGUAGE: 'nl', OPERATOR_NAME: operator.name, OPERATOR_CONTACT: operator.contact });
  const portal = usePortalApp(config);

  async function parentWithChild(): Promise<{ client: PortalClient; childId: string }> {
    const { client } = await signedInParent(portal);
    return { client, childId: await linkedChild(portal, client) };
  }

  it.each(['terms', 'privacy'] as const)('given anyone, signed in or not, when they ask for the %s in each language, then they get that version in that language', async (id) => {
    const anonymous = new PortalClient(portal.baseUrl);
    for (const language of LANGUAGES) {
      const response = await anonymous.get(`/api/v1/legal/${id}?language=${language}`);
      expect([language, response.status]).toEqual([language, 200]);
      const { title, sections } = legalDocumentView(id, language, operator);
      expect(response.body).toEqual({ document: id, version: LEGAL_DOCUMENTS[id].version, effectiveOn: LEGAL_DOCUMENTS[id].effectiveOn, language, title, sections });
    }
    const titles = await Promise.all(LANGUAGES.map(async (l) => (await anonymous.get(`/api/v1/legal/${id}?language=${l}`)).body.title));
    expect(new Set(titles).size).toBe(4);
    // Without a language: the deployment's default (DEFAULT_LANGUAGE).
    expect((await anonymous.get(`/api/v1/legal/${id}`)).body).toMatchObject({ language: 'nl', title: LEGAL_DOCUMENTS[id].texts.nl.title });
  });

  it('given OPERATOR_NAME and OPERATOR_CONTACT, then the privacy statement served in every language names the operator and how to reach it', async () => {
    const anonymous = new PortalClient(portal.baseUrl);
    for (const language of LANGUAGES) {
      const text = JSON.stringify((await anonymous.get(`/api/v1/legal/privacy?language=${language}`)).body.sections);
      expect([language, text.includes(operator.name), text.includes(operator.contact), /\{(operator|contact)\}/.test(text)]).toEqual([language, true, true, false]);
    }
  });

  it('given a wrong document, language or parameter, then 404 or a per-field 400', async () => {
    const client = new PortalClient(portal.baseUrl);
    expect(await client.get('/api/v1/legal/cookies')).toMatchObject({ status: 404, body: { error: 'not-found' } });
    expect(await client.get('/api/v1/legal/__proto__')).toMatchObject({ status: 404, body: { error: 'not-found' } });
    const language = await client.get('/api/v1/legal/terms?language=es');
    expect(language.status).toBe(400);
    expect(language.body.fields).toEqual([{ field: 'language', code: 'isIn', message: 'the language must be fr, nl, de or en' }]);
    expect((await client.get('/api/v1/legal/terms?version=2025-01')).body.fields).toEqual([{ field: 'version', code: 'unknown-field', message: 'version is not a field of this request' }]);
  });

  it('serves the web UI at /terms and /privacy under the same strict Content-Security-Policy, with links to both from every page', async () => {
    const index = await (await fetch(`${portal.baseUrl}/`)).text();
    expect(index).toContain('href="/terms"');
    expect(index).toContain('href="/privacy"');
    for (const path of ['/terms', '/privacy']) {
      const response = await fetch(`${portal.baseUrl}${path}`);
      expect([path, response.status, response.headers.get('content-type')]).toEqual([path, 200, 'text/html; charset=utf-8']);
      expect(await response.text()).toBe(index);
      const policy = response.headers.get('content-security-policy') ?? '';
      expect(policy).toContain("script-src 'self'");
      expect(policy).toContain("style-src 'self'");
      expect(policy).not.toMatch(/unsafe|https?:/);
    }
  });

  it('given the current terms version, then the activation check, the cascade view and the document the UI shows all use it, and the page holds no version of its own', async () => {
    const { client, childId } = await parentWithChild();
    expect((await client.put(`/api/v1/children/${childId}/cascade`, { numbers: [{ number: '0470 12 34 56', label: 'Mum' }] })).body.currentTermsVersion).toBe(CURRENT_TERMS_VERSION);
    expect((await client.get('/api/v1/legal/terms?language=fr')).body.version).toBe(CURRENT_TERMS_VERSION);
    const modules = (folder: string): string[] => readdirSync(folder, { withFileTypes: true }).flatMap((e) => (e.isDirectory() ? modules(resolve(folder, e.name)) : [resolve(folder, e.name)]));
    const page = [resolve(WEB, 'app.js'), ...modules(resolve(WEB, 'js'))].map((file) => readFileSync(file, 'utf8')).join('\n');
    expect(page).not.toMatch(/['"`]\d{4}-\d{2}['"`]/);
    expect(page).not.toContain('FALLBACK_TERMS_VERSION');
    // The activation (the cascade screen) sends the version of the terms text it showed.
    const script = readFileSync(resolve(WEB, 'js/screens/cascade.js'), 'utf8');
    expect(script).toContain("legalDocument('terms')");
    expect(script).toContain('const termsVersion = terms.version;');
  });

  it('given an outdated or unknown terms version, when a parent activates, then a per-field refusal names the current version and nothing changes', async () => {
    const { client, childId } = await parentWithChild();
    expect((await client.put(`/api/v1/children/${childId}/cascade`, { numbers: [{ number: '0470 12 34 56', label: 'Mum' }] })).status).toBe(200);
    const [{ id: cascadeId }] = await portal.db.query(`SELECT id FROM cascades WHERE child_id = $1`, [childId]);
    const snapshot = () => portal.db.query(`SELECT status, activated_at, terms_version, terms_accepted_at, updated_at FROM cascades WHERE id = $1`, [cascadeId]);
    const activations = async () => (await portal.db.query(`SELECT count(*)::int AS n FROM audit_events WHERE subject_id = $1 AND action = 'cascade.activated'`, [cascadeId]))[0].n;
    const draft = await snapshot();

    for (const [version, code] of [['2025-01', 'outdated'], ['2099-12', 'unknown'], ['', 'unknown']] as const) {
      const refused = await client.post(`/api/v1/children/${childId}/cascade/activation`, { termsVersion: version });
      expect([version, refused.status]).toEqual([version, 400]);
      expect(refused.body.fields).toEqual([{ field: 'termsVersion', code, message: expect.stringContaining(`current version (${CURRENT_TERMS_VERSION})`) }]);
    }
    expect(await snapshot()).toEqual(draft);
    expect(draft[0]).toMatchObject({ status: 'draft', terms_version: null, terms_accepted_at: null });
    expect(await activations()).toBe(0);

    const accepted = await client.post(`/api/v1/children/${childId}/cascade/activation`, { termsVersion: CURRENT_TERMS_VERSION });
    expect(accepted.status).toBe(200);
    expect(accepted.body).toMatchObject({ status: 'active', termsVersion: CURRENT_TERMS_VERSION });
    const active = await snapshot();
    // An active cascade keeps its consent when an outdated version is sent again.
    expect((await client.post(`/api/v1/children/${childId}/cascade/activation`, { termsVersion: '2025-01' })).status).toBe(400);
    expect(await snapshot()).toEqual(active);
    expect(await activations()).toBe(1);
  });
});
