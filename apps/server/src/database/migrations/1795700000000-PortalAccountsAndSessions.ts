import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * The parents' portal (issue 5):
 * - parent accounts get a password hash (argon2id, PHC string) and the time the e-mail was verified;
 * - sessions live server-side: the cookie carries 32 random bytes, the table only their SHA-256;
 *   a session ends 15 minutes after its last use or 12 hours after it began (checked on use);
 * - one-time tokens mailed to parents (e-mail verification, password reset), stored hashed;
 * - failed attempts at linking a child (wrong code, unknown number), keyed by hashes only, which
 *   the lock-out rule counts (5 per national number or per account within an hour).
 */
export class PortalAccountsAndSessions1795700000000 implements MigrationInterface {
  name = 'PortalAccountsAndSessions1795700000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      ALTER TABLE parent_accounts
        ADD COLUMN password_hash text,
        ADD COLUMN email_verified_at timestamptz,
        ADD CONSTRAINT ck_parent_accounts_password_hash CHECK (password_hash IS NULL OR password_hash LIKE '$argon2id$%')`);

    await q.query(`
      CREATE TABLE portal_sessions (
        id_hash bytea CONSTRAINT pk_portal_sessions PRIMARY KEY CONSTRAINT ck_portal_sessions_id_hash CHECK (length(id_hash) = 32),
        parent_id uuid NOT NULL CONSTRAINT fk_portal_sessions_parent REFERENCES parent_accounts(id) ON DELETE CASCADE,
        created_at timestamptz NOT NULL DEFAULT now(),
        last_seen_at timestamptz NOT NULL DEFAULT now()
      )`);
    await q.query(`CREATE INDEX ix_portal_sessions_parent ON portal_sessions (parent_id)`);
    // Sweeping expired sessions without a scan.
    await q.query(`CREATE INDEX ix_portal_sessions_last_seen ON portal_sessions (last_seen_at)`);

    await q.query(`
      CREATE TABLE parent_tokens (
        token_hash bytea CONSTRAINT pk_parent_tokens PRIMARY KEY CONSTRAINT ck_parent_tokens_token_hash CHECK (length(token_hash) = 32),
        parent_id uuid NOT NULL CONSTRAINT fk_parent_tokens_parent REFERENCES parent_accounts(id) ON DELETE CASCADE,
        purpose text NOT NULL CONSTRAINT ck_parent_tokens_purpose CHECK (purpose IN ('verify-email', 'reset-password')),
        created_at timestamptz NOT NULL DEFAULT now(),
        expires_at timestamptz NOT NULL,
        used_at timestamptz
      )`);
    await q.query(`CREATE INDEX ix_parent_tokens_parent ON parent_tokens (parent_id, purpose)`);

    await q.query(`
      CREATE TABLE link_attempts (
        id bigint GENERATED ALWAYS AS IDENTITY CONSTRAINT pk_link_attempts PRIMARY KEY,
        -- 'national-number': the keyed hash of the number typed; 'account': SHA-256 of the account id.
        subject_kind text NOT NULL CONSTRAINT ck_link_attempts_subject_kind CHECK (subject_kind IN ('national-number', 'account')),
        subject_hash bytea NOT NULL,
        failed_at timestamptz NOT NULL DEFAULT now()
      )`);
    await q.query(`CREATE INDEX ix_link_attempts_subject ON link_attempts (subject_kind, subject_hash, failed_at)`);
    await q.query(`CREATE INDEX ix_link_attempts_failed_at ON link_attempts (failed_at)`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP TABLE link_attempts`);
    await q.query(`DROP TABLE parent_tokens`);
    await q.query(`DROP TABLE portal_sessions`);
    await q.query(`
      ALTER TABLE parent_accounts
        DROP CONSTRAINT ck_parent_accounts_password_hash,
        DROP COLUMN email_verified_at,
        DROP COLUMN password_hash`);
  }
}
