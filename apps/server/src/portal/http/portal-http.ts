import fastifyCookie from '@fastify/cookie';
import fastifyHelmet from '@fastify/helmet';
import type { NestFastifyApplication } from '@nestjs/platform-fastify';

/**
 * The Fastify plugins the portal needs, registered before the app initialises: cookies
 * (@fastify/cookie) and security headers (@fastify/helmet: CSP, HSTS, nosniff, frame-ancestors,
 * referrer policy...). Called by createApp and by the portal's test app.
 */
export async function registerPortalHttp(app: NestFastifyApplication): Promise<void> {
  await app.register(fastifyCookie as never);
  await app.register(fastifyHelmet as never, {
    // Strict for the web UI at `/` (portal/web): its script and style are files of our own, nothing inline, no CDN.
    contentSecurityPolicy: {
      useDefaults: false,
      directives: {
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
      },
    },
    referrerPolicy: { policy: 'no-referrer' },
  } as never);
}
