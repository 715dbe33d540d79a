import { Inject, Injectable, Logger, OnApplicationBootstrap, OnApplicationShutdown } from '@nestjs/common';
import { Server, createServer } from 'node:http';
import { APP_CONFIG, AppConfig } from '../config/app-config';
import { Metrics } from './metrics';

export const METRICS_CONTENT_TYPE = 'text/plain; version=0.0.4';

/**
 * /metrics on a listener of its own (METRICS_HOST:METRICS_PORT, loopback by default), apart from
 * the portal's: Prometheus reaches it, the public never does, whatever proxy sits in front of the
 * portal. Serves GET /metrics and nothing else. Idle when METRICS_PORT is unset.
 */
@Injectable()
export class MetricsListener implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly log = new Logger('Metrics');
  private server: Server | null = null;

  constructor(
    private readonly metrics: Metrics,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {}

  async onApplicationBootstrap(): Promise<void> {
    const listener = this.config.metricsListener;
    if (!listener) return;
    const server = createServer((request, response) => {
      if (request.method !== 'GET' || (request.url ?? '').split('?')[0] !== '/metrics') {
        response.writeHead(404, { 'content-type': 'text/plain' }).end('not found: only GET /metrics here\n');
        return;
      }
      this.metrics.registry.metrics().then(
        (text) => response.writeHead(200, { 'content-type': METRICS_CONTENT_TYPE }).end(text),
        () => response.writeHead(500, { 'content-type': 'text/plain' }).end('the metrics could not be collected\n'),
      );
    });
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(listener.port, listener.host, () => resolve());
    });
    this.server = server;
    this.log.log(`metrics on http://${listener.host}:${listener.port}/metrics`);
  }

  async onApplicationShutdown(): Promise<void> {
    const server = this.server;
    this.server = null;
    if (server) await new Promise((resolve) => server.close(resolve));
  }
}
