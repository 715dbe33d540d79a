import { Inject, Injectable, Logger, OnApplicationBootstrap, OnApplicationShutdown } from '@nestjs/common';
import type { Client } from 'ari-client';
import { APP_CONFIG, AppConfig } from '../../config/app-config';
import { Metrics } from '../../metrics/metrics';
import { AriCallControl } from './ari-call-control';
import { AriConnection, AriState } from './ari-connection';
import { StasisAdapter } from '../runtime/stasis-adapter.port';
import { AriEventOf } from './ari-events';
import { AppChannel, AriRest, channelsInAppAfterConnect } from './ari-rest';
import { TRUNK_ENDPOINT, trunkStatus, TrunkStatus } from '../trunk/trunk-status';

/** A raw ARI event as Asterisk sends it (the fields we use are typed where we use them). */
export interface AriEvent {
  type: string;
  application?: string;
  [field: string]: unknown;
}

/**
 * The app's single link to Asterisk: owns the websocket connection and the pool of REST
 * connections for the life of the process, hands ARI events to the Stasis router (the one
 * StasisAdapter), gives every call kind one CallControl, and reports whether ARI is up.
 */
@Injectable()
export class AriGateway implements StasisAdapter, OnApplicationBootstrap, OnApplicationShutdown {
  private readonly log = new Logger('Ari');
  readonly connection: AriConnection;
  /** ARI's REST side, one bounded pool for the whole app (it must fit http.conf's sessionlimit). */
  readonly rest: AriRest;
  readonly control: AriCallControl;

  constructor(@Inject(APP_CONFIG) private readonly config: AppConfig, metrics: Metrics) {
    this.connection = new AriConnection(config.ari, {
      info: (fields, message) => this.log.log(fields, message),
      warn: (fields, message) => this.log.warn(fields, message),
    });
    this.rest = new AriRest(
      { url: config.ari.url, username: config.ari.username, password: config.ari.password, connections: config.ari.httpConnections },
      {
        retried: () => metrics.ariRequestRetries.inc(),
        failed: (_operation, status) => metrics.ariRequestFailures.inc({ status: String(status) }),
        timed: (_operation, seconds) => metrics.ariRequestDuration.observe(seconds),
      },
    );
    metrics.ariPoolLoad = () => this.rest.load;
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
  onEvent(listener: (event: AriEventOf) => void): void {
    this.connection.on('event', (event: AriEvent) => {
      try {
        listener(event as unknown as AriEventOf);
      } catch (error) {
        this.log.warn({ event: event.type, reason: (error as Error).message }, 'could not route an ARI event');
      }
    });
  }

  onConnected(listener: (client: Client) => void): void {
    this.connection.on('connected', listener);
  }

  channelsInApp(): Promise<AppChannel[]> {
    return channelsInAppAfterConnect(this.rest, this.config.ari.app, { warn: (fields, message) => this.log.warn(fields, message) });
  }

  bridges(): Promise<{ id: string; channels: string[] }[]> {
    return this.rest.request<{ id: string; channels: string[] }[]>('GET', '/bridges');
  }

  /** The trunk as Asterisk's qualify sees it (ARI's endpoint state and Asterisk's start time); never places a call. */
  async trunkStatus(): Promise<TrunkStatus> {
    const qualifySeconds = this.config.sip.trunkQualifySeconds;
    if (qualifySeconds === 0 || this.state !== 'up') return trunkStatus({ qualifySeconds, endpointState: null, asteriskUpSeconds: null });
    try {
      const [endpoint, info] = await Promise.all([
        this.rest.request<{ state?: 'online' | 'offline' | 'unknown' }>('GET', `/endpoints/PJSIP/${TRUNK_ENDPOINT}`),
        this.rest.request<{ status?: { startup_time?: string } }>('GET', '/asterisk/info', { only: 'status' }),
      ]);
      const startedAt = Date.parse(info.status?.startup_time ?? '');
      return trunkStatus({
        qualifySeconds,
        endpointState: endpoint.state ?? 'unknown',
        asteriskUpSeconds: Number.isNaN(startedAt) ? null : (Date.now() - startedAt) / 1000,
      });
    } catch {
      return trunkStatus({ qualifySeconds, endpointState: null, asteriskUpSeconds: null });
    }
  }

  async deleteBridge(bridgeId: string): Promise<void> {
    await this.rest.request('DELETE', `/bridges/${encodeURIComponent(bridgeId)}`);
  }

  onApplicationBootstrap(): void {
    this.connection.start();
  }

  async onApplicationShutdown(): Promise<void> {
    await this.connection.stop();
    await this.rest.close();
  }
}
