import fastifyCookie from '@fastify/cookie';
import fastifyHelmet from '@fastify/helmet';
import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import { registerApiDocs } from './api-docs';

/**
 * The Fastify plugins the portal needs, registered before the app initialises: cookies
 * (@fastify/cookie) and security headers (@fastify/helmet: CSP, HSTS, nosniff, frame-ancestors,
 * referrer policy...), and the API documentation at /api/docs. Called by createApp and by the
 * portal's test app.
 */
export async function registerPortalHttp(app: NestFastifyApplication): Promise<void> {
  await app.register(fastifyCookie as never);
  await app.register(fastifyHelmet as never, {
    contentSecurityPolicy: { useDefaults: false, directives: PORTAL_CSP },
    referrerPolicy: { policy: 'no-referrer' },
  } as never);
  // The API's OpenAPI document and Swagger UI (/api/docs), with their own, narrowly relaxed CSP.
  registerApiDocs(app, PORTAL_CSP);
}

/** Strict for the web UI at `/` (portal/web): its script and style are files of our own, nothing inline, no CDN. */
export const PORTAL_CSP: Readonly<Record<string, readonly string[]>> = {
  defaultSrc: ["'self'"],
  scriptSrc: ["'self'"],
  styleSrc: ["'self'"],
  imgSrc: ["'self'"],
  fontSrc: ["'self'"],
  connectSrc: ["'self'"],
  frameAncestors: ["'none'"],
  formAction: ["'self'"],
  objectSrc: ["'none'"],
  baseUri: ["'self'"],
  scriptSrcAttr: ["'none'"],
};
