import { Inject, Injectable, Logger, OnApplicationBootstrap, OnApplicationShutdown } from '@nestjs/common';
import type { Client } from 'ari-client';
import { APP_CONFIG, AppConfig } from '../../config/app-config';
import { Metrics } from '../../metrics/metrics';
import { AriCallControl } from './ari-call-control';
import { AriConnection, AriState } from './ari-connection';
import { AriRest } from './ari-rest';

/** A raw ARI event as Asterisk sends it (the fields we use are typed where we use them). */
export interface AriEvent {
  type: string;
  application?: string;
  [field: string]: unknown;
}

/**
 * The app's single link to Asterisk: owns the websocket connection and the pool of REST
 * connections for the life of the process, hands ARI events to whoever subscribed (the
 * call-flow registry, the announcement calls) and gives them one CallControl.
 */
@Injectable()
export class AriGateway implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly log = new Logger('Ari');
  readonly connection: AriConnection;
  /** ARI's REST side, one bounded pool for the whole app (it must fit http.conf's sessionlimit). */
  readonly rest: AriRest;
  readonly control: AriCallControl;

  constructor(@Inject(APP_CONFIG) config: AppConfig, metrics: Metrics) {
    this.connection = new AriConnection(config.ari, {
      info: (fields, message) => this.log.log(fields, message),
      warn: (fields, message) => this.log.warn(fields, message),
    });
    this.rest = new AriRest(
      { url: config.ari.url, username: config.ari.username, password: config.ari.password, connections: config.ari.httpConnections },
      {
        retried: () => metrics.ariRequestRetries.inc(),
        failed: (_operation, status) => metrics.ariRequestFailures.inc({ status: String(status) }),
      },
    );
    this.control = new AriCallControl(this.rest, config.ari.app);
    this.connection.on('state', (state: AriState) => metrics.ariUp.set(state === 'up' ? 1 : 0));
  }

  get state(): AriState {
    return this.connection.state;
  }

  get client(): Client | undefined {
    return this.connection.client;
  }

  /** Each subscriber's fault is logged and stays its own: it never stops the other subscribers or the process. */
  onEvent(listener: (event: AriEvent) => void): void {
    this.connection.on('event', (event: AriEvent) => {
      try {
        listener(event);
      } catch (error) {
        this.log.warn({ event: event.type, reason: (error as Error).message }, 'could not route an ARI event');
      }
    });
  }

  onConnected(listener: (client: Client) => void): void {
    this.connection.on('connected', listener);
  }

  onApplicationBootstrap(): void {
    this.connection.start();
  }

  async onApplicationShutdown(): Promise<void> {
    await this.connection.stop();
    await this.rest.close();
  }
}
