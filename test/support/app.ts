import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import { AppConfig } from '../../apps/server/src/config/app-config';
import { createApp } from '../../apps/server/src/main';
import { waitFor } from './processes';

/** The real app, in-process, listening on the test HTTP port. */
export async function startApp(config: AppConfig): Promise<NestFastifyApplication> {
  const app = await createApp(config);
  await app.listen(config.http.port, config.http.host);
  return app;
}

export async function health(config: AppConfig): Promise<{ status: number; body: Record<string, unknown> }> {
  const response = await fetch(`http://${config.http.host}:${config.http.port}/health`);
  return { status: response.status, body: (await response.json()) as Record<string, unknown> };
}

export function waitForHealth(config: AppConfig, expected: Record<string, unknown>, timeoutMs = 30_000) {
  return waitFor(`/health to report ${JSON.stringify(expected)}`, async () => {
    const { body } = await health(config);
    return Object.entries(expected).every(([k, v]) => body[k] === v) ? body : undefined;
  }, timeoutMs, 250);
}
