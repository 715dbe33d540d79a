import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * The portal's rate limits, counted in PostgreSQL so they hold across app processes and restarts:
 * one row per limited route and client (the key is a SHA-256 of both: no address is stored), its
 * hits in the current window and when the window ends. Expired rows are purged by the housekeeping.
 */
export class PortalRateLimits1796800000000 implements MigrationInterface {
  name = 'PortalRateLimits1796800000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE TABLE portal_rate_limits (
        key text NOT NULL,
        hits integer NOT NULL,
        expires_at timestamptz NOT NULL,
        CONSTRAINT pk_portal_rate_limits PRIMARY KEY (key),
        CONSTRAINT ck_portal_rate_limits_key CHECK (key ~ '^[0-9a-f]{64}$'),
        CONSTRAINT ck_portal_rate_limits_hits CHECK (hits > 0)
      )`);
    await q.query(`CREATE INDEX ix_portal_rate_limits_expires_at ON portal_rate_limits (expires_at)`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP TABLE portal_rate_limits`);
  }
}
