import type { Client } from 'pg';
import { Database } from '../../database/database';
import { clientFor } from '../../database/primary-locator';
import { ServiceMode, ServiceSwitchState, ServiceSwitchStore, isServiceMode } from '../domain/service-mode';

/** The NOTIFY channel the table's trigger announces every change on (migration ServiceSwitch). */
export const SERVICE_MODE_CHANNEL = 'service_mode';

/** The switch's row; a change and its audit event commit together. */
export class PgServiceSwitchStore extends ServiceSwitchStore {
  constructor(private readonly db: Database) {
    super();
  }

  async read(): Promise<ServiceSwitchState> {
    const { rows } = await this.db.query<{ mode: ServiceMode; changed_by: string; changed_at: Date }>(`SELECT mode, changed_by, changed_at FROM service_switch`);
    const row = rows[0];
    if (!row) throw new Error('the service switch row is missing (migrations not applied?)');
    return { mode: row.mode, changedBy: row.changed_by, changedAt: row.changed_at };
  }

  async change(mode: ServiceMode, changedBy: string): Promise<{ before: ServiceMode } | null> {
    return this.db.transaction(async (tx) => {
      const { rows } = await tx.query<{ before: ServiceMode }>(
        `UPDATE service_switch s SET mode = $1, changed_by = $2, changed_at = now()
           FROM (SELECT mode AS before FROM service_switch FOR UPDATE) old
          WHERE s.mode IS DISTINCT FROM $1
          RETURNING old.before`,
        [mode, changedBy],
      );
      if (rows.length === 0) return null;
      await tx.query(
        `INSERT INTO audit_events (actor_kind, actor_id, action, subject_kind, subject_id, details) VALUES ('operator', $1, $2, 'service', NULL, $3::jsonb)`,
        [changedBy, mode === 'suspended' ? 'service.suspended' : 'service.resumed', JSON.stringify({ mode, before: rows[0].before })],
      );
      return { before: rows[0].before };
    });
  }
}

/**
 * A connection of its own that LISTENs for the switch's changes. It reconnects by itself after
 * `retryMs` when PostgreSQL drops it; `onReconnected` lets the caller re-read what it may have missed.
 */
export class PgServiceModeNotifications {
  private client: Client | undefined;
  private stopped = false;
  private retry: NodeJS.Timeout | undefined;

  constructor(
    private readonly url: string,
    private readonly onMode: (mode: ServiceMode) => void,
    private readonly onConnected: () => void,
    private readonly onError: (reason: string) => void,
    private readonly retryMs = 2_000,
  ) {}

  async start(): Promise<void> {
    this.stopped = false;
    await this.connect();
  }

  async stop(): Promise<void> {
    this.stopped = true;
    clearTimeout(this.retry);
    const client = this.client;
    this.client = undefined;
    await client?.end().catch(() => undefined);
  }

  private async connect(): Promise<void> {
    if (this.stopped) return;
    const client = clientFor(this.url);
    const lost = (reason: string) => {
      if (this.client !== client) return;
      this.client = undefined;
      void client.end().catch(() => undefined);
      this.onError(reason);
      if (!this.stopped) this.retry = setTimeout(() => void this.connect(), this.retryMs);
    };
    client.on('error', (error) => lost(error.message));
    client.on('end', () => lost('connection ended'));
    client.on('notification', (n) => {
      if (n.channel === SERVICE_MODE_CHANNEL && isServiceMode(n.payload)) this.onMode(n.payload);
    });
    this.client = client;
    try {
      await client.connect();
      await client.query(`LISTEN ${SERVICE_MODE_CHANNEL}`);
      this.onConnected();
    } catch (error) {
      lost((error as Error).message);
    }
  }
}
