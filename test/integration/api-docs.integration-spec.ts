import { readdirSync } from 'node:fs';
import { resolve } from 'node:path';
import { getMetadataStorage } from 'class-validator';
import { API_PREFIX, apiRoutes } from '../../apps/server/src/portal/http/api-docs';
import { csp, portalTestConfig, usePortalApp } from '../support/portal-app';

type Json = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any

describe('the API documentation: OpenAPI at /api/docs-json, Swagger UI at /api/docs, on the operators\' listener', () => {
  const portal = usePortalApp(portalTestConfig());
  let document: Json;

  beforeAll(async () => {
    const response = await fetch(`${portal.operatorsUrl}/api/docs-json`);
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toMatch(/^application\/json/);
    document = (await response.json()) as Json;
  });

  const operations = () =>
    Object.entries(document.paths as Json).flatMap(([path, item]) => Object.entries(item as Json).map(([method, operation]) => ({ key: `${method.toUpperCase()} ${path}`, operation: operation as Json })));

  it('lists exactly the routes the controllers serve under /api/v1, each with a summary, a tag and its success answer described', () => {
    const served = apiRoutes(portal.app)
      .filter((route) => route.path.startsWith(API_PREFIX))
      .map((route) => `${route.method} ${route.path}`)
      .sort();
    // The catalogue itself is read from the controllers: a sanity check that it sees them.
    expect(served).toEqual(expect.arrayContaining(['GET /api/v1/children/{childId}/calls', 'GET /api/v1/legal/{document}', 'POST /api/v1/auth/sign-in', 'POST /api/v1/authority/cards']));
    expect(served.length).toBeGreaterThanOrEqual(20);
    expect(document.openapi).toMatch(/^3\./);
    expect(operations().map((o) => o.key).sort()).toEqual(served);

    for (const { key, operation } of operations()) {
      const undocumented: string[] = [];
      if (!operation.summary) undocumented.push('summary (@ApiOperation)');
      if (!(operation.tags?.length > 0)) undocumented.push('tag (@ApiTags)');
      // A success is a 2xx answer, or the 303 of a browser navigation (OpenID Connect).
      const success = Object.entries(operation.responses as Json).filter(([status]) => /^(2\d\d|303)$/.test(status));
      if (success.length !== 1 || !success[0][1].description) undocumented.push('one described success response (@ApiOkResponse...)');
      for (const [status, response] of success) if (/^2/.test(status) && status !== '204' && !Object.values((response.content ?? {}) as Json).some((media) => media.schema)) undocumented.push(`a schema for ${status}`);
      expect([key, undocumented]).toEqual([key, []]);
    }
  });

  it('describes every request body and every answer with a schema whose fields are documented (ApiProperty)', () => {
    const schemas = document.components.schemas as Json;
    const referenced = new Set<string>();
    const collect = (node: unknown): void => {
      if (Array.isArray(node)) node.forEach(collect);
      else if (node && typeof node === 'object') {
        for (const [name, value] of Object.entries(node)) {
          if (name === '$ref' && typeof value === 'string') {
            const schema = value.replace('#/components/schemas/', '');
            if (!referenced.has(schema)) {
              referenced.add(schema);
              collect(schemas[schema]);
            }
          } else collect(value);
        }
      }
    };
    collect(document.paths);
    for (const { key, operation } of operations()) {
      if (operation.requestBody) expect([key, operation.requestBody.content?.['application/json']?.schema?.$ref]).toEqual([key, expect.stringMatching(/^#\/components\/schemas\//)]);
    }
    for (const name of ['RegisterDto', 'SaveCascadeDto', 'CascadeNumberDto', 'ActivateCascadeDto', 'CallViewDoc', 'CascadeViewDoc', 'PortalErrorView', 'CardsBatchDoc', 'IngestReportView']) expect(referenced).toContain(name);
    for (const name of referenced) {
      const properties = Object.keys(schemas[name]?.properties ?? {});
      expect([name, properties.length > 0]).toEqual([name, true]);
    }
    expect(Object.keys(schemas.SaveCascadeDto.properties)).toEqual(['numbers', 'language']);

    // Every field a request DTO validates is in its schema: a field without @ApiProperty fails here.
    const dtoDirectory = resolve(__dirname, '../../apps/server/src/portal/http/dto');
    const dtos = readdirSync(dtoDirectory)
      .filter((file) => file.endsWith('.dto.ts'))
      .flatMap((file) => Object.values(require(resolve(dtoDirectory, file)) as Record<string, unknown>))
      .filter((value): value is Function => typeof value === 'function');
    expect(dtos.length).toBeGreaterThanOrEqual(10);
    const queryParameters = new Set(operations().flatMap(({ operation }) => ((operation.parameters ?? []) as Json[]).filter((p) => p.in === 'query' && p.description).map((p) => p.name as string)));
    for (const dto of dtos) {
      const validated = [...new Set(getMetadataStorage().getTargetValidationMetadatas(dto, '', true, false).map((m) => m.propertyName))].sort();
      // A body DTO is a schema; a query DTO becomes described query parameters.
      const documented = referenced.has(dto.name) ? Object.keys(schemas[dto.name].properties) : validated.filter((name) => queryParameters.has(name));
      expect([dto.name, documented.sort()]).toEqual([dto.name, validated]);
    }
    expect(schemas.CallViewDoc.required).toEqual(expect.arrayContaining(['id', 'startedAt', 'outcome', 'answeredBy', 'legs']));
  });

  it('states the security each route needs, read from its guards: the session cookie, the X-CSRF-Token header, the authority token', () => {
    expect(document.components.securitySchemes).toEqual({
      session: expect.objectContaining({ type: 'apiKey', in: 'cookie', name: 'ap_session' }),
      csrf: expect.objectContaining({ type: 'apiKey', in: 'header', name: 'X-CSRF-Token' }),
      authority: expect.objectContaining({ type: 'http', scheme: 'bearer' }),
    });
    const security = (method: string, path: string) => (document.paths[path][method].security ?? []) as Json[];
    expect(security('get', '/api/v1/children/{childId}/calls')).toEqual([{ session: [] }]);
    expect(security('put', '/api/v1/children/{childId}/cascade')).toEqual([{ session: [], csrf: [] }]);
    expect(security('post', '/api/v1/auth/register')).toEqual([{ csrf: [] }]);
    expect(security('get', '/api/v1/auth/csrf')).toEqual([]);
    expect(security('get', '/api/v1/legal/{document}')).toEqual([]);
    expect(security('post', '/api/v1/authority/cards')).toEqual([{ authority: [] }]);
    const calls = document.paths['/api/v1/children/{childId}/calls'].get.responses as Json;
    expect(Object.keys(calls).sort()).toEqual(['200', '401', '404']);
    expect(Object.keys(document.paths['/api/v1/children/links'].post.responses as Json).sort()).toEqual(['201', '400', '401', '403', '429']);
  });

  it('serves Swagger UI at /api/docs from local files only, with the portal CSP relaxed for styles and data: images there and nowhere else', async () => {
    const page = await fetch(`${portal.operatorsUrl}/api/docs`);
    expect(page.status).toBe(200);
    expect(page.headers.get('content-type')).toMatch(/^text\/html/);
    const html = await page.text();
    expect(html).toContain('id="swagger-ui"');
    // Local files only, and nothing inline on the page itself.
    expect(html).not.toMatch(/https?:|\/\/[a-z]/i);
    expect(html).not.toMatch(/<script(?![^>]*\bsrc=)[^>]*>/i);
    expect(html).not.toMatch(/<style\b|\sstyle=|\son[a-z]+=/i);
    const assets = [...html.matchAll(/\s(?:src|href)="([^"]+)"/g)].map((m) => m[1]);
    expect(assets).toEqual(expect.arrayContaining(['/api/docs/swagger-ui-bundle.js', '/api/docs/swagger-ui-standalone-preset.js', '/api/docs/init.js', '/api/docs/swagger-ui.css']));
    for (const asset of assets) {
      const response = await fetch(`${portal.operatorsUrl}${asset}`);
      expect([asset, response.status]).toEqual([asset, 200]);
      expect((await response.arrayBuffer()).byteLength).toBeGreaterThan(100);
    }
    const init = await (await fetch(`${portal.operatorsUrl}/api/docs/init.js`)).text();
    expect(init).toContain("url: '/api/docs-json'");
    expect(init).toContain('validatorUrl: null');
    for (const path of ['/api/docs/index.html', '/api/docs/swagger-initializer.js', '/api/docs/..%2Fpackage.json', '/api/docs/swagger-ui.js.map']) {
      expect([path, (await fetch(`${portal.operatorsUrl}${path}`)).status]).toEqual([path, 404]);
    }

    const docsPolicy = csp(page.headers.get('content-security-policy'));
    expect(docsPolicy.get('script-src')).toEqual(["'self'"]);
    expect(docsPolicy.get('style-src')).toEqual(["'self'", "'unsafe-inline'"]);
    expect(docsPolicy.get('img-src')).toEqual(["'self'", 'data:']);
    expect(docsPolicy.get('connect-src')).toEqual(["'self'"]);
    expect(docsPolicy.get('frame-ancestors')).toEqual(["'none'"]);
    expect(csp((await fetch(`${portal.operatorsUrl}/api/docs/swagger-ui.css`)).headers.get('content-security-policy')).get('style-src')).toEqual(["'self'", "'unsafe-inline'"]);
    for (const path of ['/', '/api/v1/auth/csrf', '/api/docs-json', '/app.js', '/api/v1/legal/terms']) {
      const strict = csp((await fetch(`${path.startsWith('/api/docs') ? portal.operatorsUrl : portal.baseUrl}${path}`)).headers.get('content-security-policy'));
      expect([path, strict.get('style-src'), strict.get('img-src')]).toEqual([path, ["'self'"], ["'self'"]]);
    }
  });
  it('given the public listener, then it answers 404 for the API documentation and /metrics; the operators\' listener answers them and 404 for the portal', async () => {
    for (const path of ['/api/docs', '/api/docs/', '/api/docs/init.js', '/api/docs/swagger-ui-bundle.js', '/api/docs-json', '/api/docs-json?x=1', '/metrics']) {
      const response = await fetch(`${portal.baseUrl}${path}`);
      expect([path, response.status]).toEqual([path, 404]);
      expect(await response.json()).toEqual({ statusCode: 404, error: 'Not Found', message: `Cannot GET ${path.split('?')[0]}` });
    }
    expect(new URL(portal.operatorsUrl).hostname).toBe('127.0.0.1');
    expect(new URL(portal.operatorsUrl).port).not.toBe(new URL(portal.baseUrl).port);
    // (/health is the app's, which this portal-only app has not: monitoring.integration-spec.ts checks it there.)
    for (const path of ['/api/docs', '/api/docs-json', '/metrics']) {
      expect([path, (await fetch(`${portal.operatorsUrl}${path}`)).status]).toEqual([path, 200]);
    }
    expect(await (await fetch(`${portal.operatorsUrl}/metrics`)).text()).toContain('# HELP');
    for (const path of ['/', '/app.js', '/api/v1/auth/csrf', '/api/v1/legal/terms', '/reset-password']) {
      expect([path, (await fetch(`${portal.operatorsUrl}${path}`)).status]).toEqual([path, 404]);
    }
    expect((await fetch(`${portal.operatorsUrl}/api/v1/auth/sign-in`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{}' })).status).toBe(404);
  });
});
