import { CanActivate, RequestMethod, Type } from '@nestjs/common';
import { GUARDS_METADATA, METHOD_METADATA, PATH_METADATA } from '@nestjs/common/constants';
import { ModulesContainer } from '@nestjs/core';
import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import { DocumentBuilder, OpenAPIObject, SwaggerModule } from '@nestjs/swagger';
import { ThrottlerGuard } from '@nestjs/throttler';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { IngestErrorView } from '../../cards/http/authority-cards.views';
import { AuthorityTokenGuard } from '../../cards/http/authority-token.guard';
import { CSRF_COOKIE, SESSION_COOKIE } from './cookies';
import { CsrfGuard } from './csrf.guard';
import { PortalErrorView } from './dto/views';
import { SessionGuard } from './session.guard';

export const API_DOCS_PATH = '/api/docs';
export const API_DOCS_JSON_PATH = '/api/docs-json';
/** What the document describes: the JSON API (not the web UI's files, /health or /metrics). */
export const API_PREFIX = '/api/v1/';

/** One route as the controllers declare it, with its guards (class and method). */
export interface ApiRoute {
  method: string;
  /** OpenAPI style: `/api/v1/children/{childId}/calls`. */
  path: string;
  guards: Type<CanActivate>[];
}

const SAFE_METHODS = new Set(['GET', 'HEAD', 'OPTIONS']);

function asList(value: unknown): string[] {
  if (value === undefined) return [''];
  return Array.isArray(value) ? (value as string[]) : [String(value)];
}

/** Every route of every controller of the app, from Nest's own metadata (what the router serves). */
export function apiRoutes(app: NestFastifyApplication): ApiRoute[] {
  const routes: ApiRoute[] = [];
  const seen = new Set<Function>();
  for (const module of app.get(ModulesContainer).values()) {
    for (const wrapper of module.controllers.values()) {
      const controller = wrapper.metatype as Type<unknown> | null;
      if (!controller || seen.has(controller)) continue;
      seen.add(controller);
      const classGuards = (Reflect.getMetadata(GUARDS_METADATA, controller) ?? []) as Type<CanActivate>[];
      for (const name of Object.getOwnPropertyNames(controller.prototype)) {
        const handler = (controller.prototype as Record<string, unknown>)[name];
        if (name === 'constructor' || typeof handler !== 'function' || Reflect.getMetadata(METHOD_METADATA, handler) === undefined) continue;
        const method = RequestMethod[Reflect.getMetadata(METHOD_METADATA, handler) as RequestMethod];
        const guards = [...classGuards, ...((Reflect.getMetadata(GUARDS_METADATA, handler) ?? []) as Type<CanActivate>[])];
        for (const base of asList(Reflect.getMetadata(PATH_METADATA, controller))) {
          for (const own of asList(Reflect.getMetadata(PATH_METADATA, handler))) {
            const joined = [base, own].map((part) => part.replace(/^\/+|\/+$/g, '')).filter((part) => part !== '').join('/');
            routes.push({ method, path: `/${joined}`.replace(/:([A-Za-z0-9_]+)/g, '{$1}'), guards });
          }
        }
      }
    }
  }
  return routes;
}

/** The security a route needs, read from its guards, so the document cannot drift from the code. */
function securityOf(route: ApiRoute): Record<string, string[]> {
  const requirement: Record<string, string[]> = {};
  if (route.guards.includes(SessionGuard)) requirement.session = [];
  if (route.guards.includes(CsrfGuard) && !SAFE_METHODS.has(route.method)) requirement.csrf = [];
  if (route.guards.includes(AuthorityTokenGuard)) requirement.authority = [];
  return requirement;
}

type Operation = { security?: Record<string, string[]>[]; responses: Record<string, unknown>; requestBody?: unknown; parameters?: { in: string; name: string }[] };

const errorResponse = (description: string, schema: string) => ({ description, content: { 'application/json': { schema: { $ref: `#/components/schemas/${schema}` } } } });

/**
 * Completes what the decorators say with what the guards and pipes do: the security each
 * operation needs and the refusals every portal route shares (400 per field, 401, 403, 404, 429).
 */
export function completeDocument(document: OpenAPIObject, routes: ApiRoute[]): OpenAPIObject {
  for (const path of Object.keys(document.paths)) if (!path.startsWith(API_PREFIX)) delete document.paths[path];
  for (const route of routes) {
    const operation = (document.paths[route.path] as Record<string, Operation> | undefined)?.[route.method.toLowerCase()];
    if (!operation) continue;
    for (const parameter of operation.parameters ?? []) {
      if (parameter.in === 'path' && parameter.name === 'childId') Object.assign(parameter, { description: 'The id of a child linked to this account.', schema: { type: 'string', format: 'uuid' } });
    }
    const requirement = securityOf(route);
    if (Object.keys(requirement).length > 0) operation.security = [requirement];
    const add = (status: string, response: unknown) => {
      operation.responses[status] ??= response;
    };
    if (route.path.startsWith(`${API_PREFIX}authority/`)) {
      add('401', errorResponse('No valid authority token.', IngestErrorView.name));
      continue;
    }
    const validated = operation.requestBody !== undefined || (operation.parameters ?? []).some((p) => p.in === 'query');
    if (validated) add('400', errorResponse('Refused: the per-field messages say why (`fields`); nothing changed.', PortalErrorView.name));
    if (requirement.session) add('401', errorResponse('Not signed in, or the session expired (15 minutes idle, 12 hours in all).', PortalErrorView.name));
    if (requirement.csrf) add('403', errorResponse('Missing or wrong X-CSRF-Token header.', PortalErrorView.name));
    if (route.path.includes('{')) add('404', errorResponse('Not found; a child another family manages is not found either.', PortalErrorView.name));
    if (route.guards.includes(ThrottlerGuard)) add('429', errorResponse('Too many requests from this address (PORTAL_RATE_LIMIT_PER_MINUTE).', PortalErrorView.name));
  }
  return document;
}

const DESCRIPTION = [
  "The parents' portal API and the issuing authority's card ingest. JSON in and out.",
  `Sessions: \`POST /api/v1/auth/sign-in\` sets the \`${SESSION_COOKIE}\` cookie (HttpOnly, SameSite=Strict; named \`__Host-${SESSION_COOKIE}\` and Secure when the portal is https), which the browser sends by itself; a session ends after 15 minutes idle or 12 hours in all.`,
  `CSRF: every POST, PUT and DELETE needs the X-CSRF-Token header equal to the \`${CSRF_COOKIE}\` cookie (\`__Host-${CSRF_COOKIE}\` when the portal is https; \`GET /api/v1/auth/csrf\` sets it and returns its value). Signed in, the token is bound to the session: sign-in sets a new one. To try requests from this page, sign in on the portal in this browser, then put the token under "Authorize" → csrf.`,
  'Errors: `{statusCode, error, message, fields: [{field, code, message}]}`.',
].join('\n\n');

function kebab(name: string): string {
  return name.replace(/[A-Z]/g, (c) => `-${c.toLowerCase()}`);
}

export function cspHeader(directives: Readonly<Record<string, readonly string[]>>): string {
  return Object.entries(directives)
    .map(([name, sources]) => `${kebab(name)} ${sources.join(' ')}`)
    .join(';');
}

/**
 * The OpenAPI document at /api/docs-json, made by @nestjs/swagger from the controllers and DTOs.
 * Swagger UI at /api/docs is served by ApiDocsController from the swagger-ui-dist package (no
 * CDN); Swagger UI writes inline styles and uses data: images for its icons, so /api/docs and its
 * files only get `style-src 'unsafe-inline'` and `img-src data:` on top of the portal's strict
 * policy. Scripts stay 'self' only, and every other path keeps the strict policy. Call before the
 * app initialises.
 */
export function registerApiDocs(app: NestFastifyApplication, portalCsp: Readonly<Record<string, readonly string[]>>): void {
  const config = new DocumentBuilder()
    .setTitle('Allo Parents API')
    .setDescription(DESCRIPTION)
    .setVersion('1')
    .addTag('auth', 'Accounts and sessions')
    .addTag('account', 'My account: see, export, delete')
    .addTag('children', 'Children, their cascades and call history')
    .addTag('legal', 'Terms of use and privacy statement')
    .addTag('authority', "The issuing authority's card ingest")
    .addCookieAuth(SESSION_COOKIE, { type: 'apiKey', in: 'cookie', name: SESSION_COOKIE, description: 'The session cookie set by sign-in.' }, 'session')
    .addApiKey({ type: 'apiKey', in: 'header', name: 'X-CSRF-Token', description: `The value of the ${CSRF_COOKIE} cookie (GET /api/v1/auth/csrf).` }, 'csrf')
    .addBearerAuth({ type: 'http', scheme: 'bearer', description: 'An authority token (`npm run authority:token -- create NAME`).' }, 'authority')
    .build();
  const document = () => completeDocument(SwaggerModule.createDocument(app, config, { extraModels: [PortalErrorView, IngestErrorView] }), apiRoutes(app));
  // The document only: Nest's own UI route would need @fastify/static and inline <style> blocks.
  SwaggerModule.setup(API_DOCS_PATH, app, document, { ui: false, raw: ['json'], jsonDocumentUrl: API_DOCS_JSON_PATH });

  const docsCsp = cspHeader({ ...portalCsp, styleSrc: [...(portalCsp.styleSrc ?? []), "'unsafe-inline'"], imgSrc: [...(portalCsp.imgSrc ?? []), 'data:'] });
  app
    .getHttpAdapter()
    .getInstance()
    .addHook('onSend', async (request: FastifyRequest, reply: FastifyReply, payload: unknown) => {
      const path = request.url.split('?')[0];
      if (path === API_DOCS_PATH || path.startsWith(`${API_DOCS_PATH}/`)) void reply.header('content-security-policy', docsCsp);
      return payload;
    });
}
