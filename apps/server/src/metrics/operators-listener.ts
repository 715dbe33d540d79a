import { Inject, Injectable, Logger, OnApplicationBootstrap, OnApplicationShutdown } from '@nestjs/common';
import { HttpAdapterHost } from '@nestjs/core';
import type { FastifyInstance, FastifyReply, FastifyRequest, HookHandlerDoneFunction } from 'fastify';
import { AddressInfo } from 'node:net';
import { IncomingMessage, RequestListener, Server, ServerResponse, createServer } from 'node:http';
import { APP_CONFIG, AppConfig } from '../config/app-config';

/** Marks a request that came in on the operators' listener. */
const ON_OPERATORS_LISTENER = Symbol('on the operators listener');

/** What only operators read: Prometheus's /metrics and the API documentation (page and OpenAPI document). */
export function isOperatorsPath(path: string): boolean {
  return path === '/metrics' || path === '/api/docs-json' || path === '/api/docs' || path.startsWith('/api/docs/');
}

/**
 * Which requests each listener answers, as a Fastify onRequest hook (createHttpAdapter adds it):
 * the public listener (HTTP_PORT) answers 404 for the operators' paths, the operators' listener
 * (METRICS_HOST:METRICS_PORT) answers only those and /health.
 */
export function routeByListener(request: FastifyRequest, reply: FastifyReply, done: HookHandlerDoneFunction): void {
  const url = request.raw.url ?? '/';
  const query = url.indexOf('?');
  const path = query === -1 ? url : url.slice(0, query);
  const operators = (request.raw as IncomingMessage & { [ON_OPERATORS_LISTENER]?: boolean })[ON_OPERATORS_LISTENER] === true;
  if (operators ? isOperatorsPath(path) || path === '/health' : !isOperatorsPath(path)) {
    done();
    return;
  }
  void reply.code(404).type('application/json; charset=utf-8').send({ statusCode: 404, error: 'Not Found', message: `Cannot ${request.method} ${path}` });
}

/**
 * The operators' listener: /metrics, the API documentation and /health on METRICS_HOST:METRICS_PORT
 * (127.0.0.1:9464 by default), never on the portal's public listener, whatever proxy sits in front
 * of it. The same Fastify application answers on both (one set of routes, hooks and headers); the
 * onRequest hook above keeps each listener to its paths.
 */
@Injectable()
export class OperatorsListener implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly log = new Logger('Operators');
  private server: Server | null = null;

  constructor(
    private readonly adapterHost: HttpAdapterHost,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {}

  async onApplicationBootstrap(): Promise<void> {
    const instance = this.adapterHost.httpAdapter?.getInstance<FastifyInstance>();
    if (!instance) return; // an application context without HTTP (an ops command, the demo's seeding)
    await instance.ready();
    const [handler] = instance.server.listeners('request') as RequestListener[];
    const server = createServer((request: IncomingMessage, response: ServerResponse) => {
      (request as IncomingMessage & { [ON_OPERATORS_LISTENER]?: boolean })[ON_OPERATORS_LISTENER] = true;
      handler(request, response);
    });
    const { host, port } = this.config.operatorsListener;
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(port, host, () => resolve());
    });
    this.server = server;
    this.log.log(`metrics and API documentation on ${this.url()}`);
  }

  /** http://host:port of the listener (its real port when the configuration asked for any free one). */
  url(): string {
    const address = this.server?.address() as AddressInfo | null | undefined;
    if (!address) throw new Error('the operators listener is not listening');
    return `http://${this.config.operatorsListener.host}:${address.port}`;
  }

  async onApplicationShutdown(): Promise<void> {
    const server = this.server;
    this.server = null;
    if (server) {
      server.closeAllConnections();
      await new Promise((resolve) => server.close(resolve));
    }
  }
}
