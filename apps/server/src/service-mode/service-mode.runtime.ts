import { Logger, OnApplicationShutdown, OnModuleInit } from '@nestjs/common';
import { hostname } from 'node:os';
import { AppConfig } from '../config/app-config';
import { Database } from '../database/database';
import { AriGateway } from '../telephony/ari/ari-gateway';
import { AriAsteriskSwitch } from './ari-asterisk-switch';
import { ServiceModeListener } from './domain/service-mode';
import { PgServiceModeNotifications, PgServiceSwitchStore } from './persistence/pg-service-switch-store';
import { ServiceModeMirror } from './service-mode-mirror';
import { ServiceSwitch } from './service-switch';

/**
 * How often each node compares its Asterisk with the stored switch: the delay before a change typed
 * in one node's Asterisk CLI reaches PostgreSQL (and, notified at once, the other nodes), and the
 * safety net for a lost notification. Two ARI reads and one small SELECT a second.
 */
export const SERVICE_MODE_SYNC_MS = 1_000;

/**
 * The shared service switch in the running app: reads PostgreSQL and mirrors it into this node's
 * Asterisk before the Stasis app registers (onModuleInit runs before the ARI connection starts),
 * again at every ARI (re)connection, on every notification and every SERVICE_MODE_SYNC_MS.
 */
export class ServiceModeRuntime implements OnModuleInit, OnApplicationShutdown {
  private readonly log = new Logger('ServiceMode');
  readonly mirror: ServiceModeMirror;
  readonly service: ServiceSwitch;
  private readonly notifications: PgServiceModeNotifications;
  private readonly listeners: ServiceModeListener[];

  constructor(config: AppConfig, db: Database, ari: AriGateway, listeners: readonly ServiceModeListener[] = []) {
    const log = { info: (f: Record<string, unknown>, m: string) => this.log.log(f, m), warn: (f: Record<string, unknown>, m: string) => this.log.warn(f, m) };
    const store = new PgServiceSwitchStore(db);
    this.listeners = [...listeners];
    this.service = new ServiceSwitch(store, this.listeners);
    const node = `${hostname().replace(/[^A-Za-z0-9.-]/g, '-').slice(0, 50)}:${config.http.port}`;
    this.mirror = new ServiceModeMirror({ store, service: this.service, asterisk: new AriAsteriskSwitch(ari.rest), node, intervalMs: SERVICE_MODE_SYNC_MS, log });
    this.notifications = new PgServiceModeNotifications(
      config.database.url,
      (mode) => void this.mirror.notified(mode),
      () => void this.mirror.sync(),
      (reason) => log.warn({ reason }, 'service switch: notifications lost (reconnecting; the periodic check holds meanwhile)'),
    );
    ari.onConnected(() => void this.mirror.sync());
  }

  /**
   * The domain event "the service mode changed to X by Y", for a change this node carried from its
   * Asterisk CLI (a change made with `npm run service` is announced by that command's process).
   */
  onChange(listener: ServiceModeListener): void {
    this.listeners.push(listener);
  }

  async onModuleInit(): Promise<void> {
    await this.mirror.start();
    // Asterisk may be up before the app: give it the stored value before any finder reaches Stasis.
    await this.mirror.sync();
    void this.notifications.start();
  }

  async onApplicationShutdown(): Promise<void> {
    this.mirror.stop();
    await this.notifications.stop();
  }
}
