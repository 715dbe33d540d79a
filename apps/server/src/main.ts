import 'reflect-metadata';
import { NestFactory } from '@nestjs/core';
import { FastifyAdapter, NestFastifyApplication } from '@nestjs/platform-fastify';
import { Logger } from 'nestjs-pino';
import { AppModule } from './app.module';
import { AUTHORITY_BATCH_PATHS } from './cards/http/authority-cards.controller';
import { AppConfig, loadConfig } from './config/app-config';
import { ConfigError } from './config/environment';
import { routeByListener } from './metrics/operators-listener';
import { registerPortalHttp } from './portal/http/portal-http';

/** Every request body but the authority's batches: a form of the portal is a few hundred bytes. */
export const DEFAULT_BODY_LIMIT_BYTES = 32 * 1024;

/**
 * Fastify as the app uses it: bodies up to 32 KiB, except the authority's batch endpoints, whose
 * limit (HTTP_BODY_LIMIT_BYTES) fits 10,000 cards; larger bodies get 413 before they are parsed.
 * X-Forwarded-For/-Proto count only from the configured proxies (request.ip is then the client
 * the proxy saw; from anyone else the headers are ignored and request.ip is the peer). The same
 * application answers on the operators' listener (metrics/operators-listener.ts); each listener
 * answers only its own paths.
 */
export function createHttpAdapter(config: AppConfig): FastifyAdapter {
  const { trustedProxies } = config.http;
  const adapter = new FastifyAdapter({ bodyLimit: DEFAULT_BODY_LIMIT_BYTES, trustProxy: trustedProxies.length > 0 ? trustedProxies : false });
  adapter.getInstance().addHook('onRequest', routeByListener);
  adapter.getInstance().addHook('onRoute', (route) => {
    if (AUTHORITY_BATCH_PATHS.includes(route.url)) route.bodyLimit = config.http.bodyLimitBytes;
  });
  return adapter;
}

export async function createApp(config: AppConfig): Promise<NestFastifyApplication> {
  const app = await NestFactory.create<NestFastifyApplication>(AppModule.forRoot(config), createHttpAdapter(config), {
    bufferLogs: true,
  });
  app.useLogger(app.get(Logger));
  await registerPortalHttp(app);
  // SIGTERM/SIGINT close the HTTP server, the ARI connection and the database pool in order.
  app.enableShutdownHooks();
  return app;
}

async function main(): Promise<void> {
  let config: AppConfig;
  try {
    config = loadConfig(process.env);
  } catch (error) {
    if (error instanceof ConfigError) {
      process.stderr.write(`Allo Parents cannot start: ${error.message}\n`);
      process.exit(78); // EX_CONFIG
    }
    throw error;
  }
  const app = await createApp(config);
  await app.listen(config.http.port, config.http.host);
  app.get(Logger).log({ url: `http://${config.http.host}:${config.http.port}` }, 'Allo Parents listening');
  if (!config.operator) app.get(Logger).warn('the privacy statement names no data controller: set OPERATOR_NAME and OPERATOR_CONTACT');
  if (config.portal.publicUrl.startsWith('https:') && config.http.trustedProxies.length === 0) {
    app.get(Logger).warn('PORTAL_PUBLIC_URL is https but TRUSTED_PROXIES is unset: behind a TLS proxy, every parent counts as the proxy\'s address in the rate limits (set TRUSTED_PROXIES to the proxy\'s address)');
  }
}

if (require.main === module) {
  main().catch((error: unknown) => {
    process.stderr.write(`Allo Parents failed to start: ${(error as Error).stack ?? String(error)}\n`);
    process.exit(1);
  });
}
