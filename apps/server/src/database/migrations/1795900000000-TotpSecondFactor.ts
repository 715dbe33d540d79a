import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * An optional second factor for local accounts (issue 5): TOTP (RFC 6238).
 * - parent_totp: the shared secret, sealed with the encryptor (AES-256-GCM, bound to the account),
 *   pending until a first code confirms it; the last time step used, so no code is accepted twice;
 * - parent_recovery_codes: single-use codes for a lost phone, as keyed hashes only;
 * - second_factor_challenges: "password right, code still due": a short-lived token (hashed), not a session;
 * - second_factor_failures: wrong codes, counted by the lock-out (per account).
 */
export class TotpSecondFactor1795900000000 implements MigrationInterface {
  name = 'TotpSecondFactor1795900000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE TABLE parent_totp (
        parent_id uuid CONSTRAINT pk_parent_totp PRIMARY KEY CONSTRAINT fk_parent_totp_parent REFERENCES parent_accounts(id) ON DELETE CASCADE,
        encryption_key_id text NOT NULL,
        sealed_secret bytea NOT NULL,
        created_at timestamptz NOT NULL DEFAULT now(),
        -- NULL while the enrolment waits for its first code: TOTP is not required yet.
        confirmed_at timestamptz,
        last_used_step bigint,
        CONSTRAINT ck_parent_totp_confirmed_step CHECK (confirmed_at IS NULL OR last_used_step IS NOT NULL)
      )`);

    await q.query(`
      CREATE TABLE parent_recovery_codes (
        parent_id uuid NOT NULL CONSTRAINT fk_parent_recovery_codes_parent REFERENCES parent_accounts(id) ON DELETE CASCADE,
        code_hash bytea NOT NULL CONSTRAINT ck_parent_recovery_codes_hash CHECK (length(code_hash) = 32),
        used_at timestamptz,
        CONSTRAINT pk_parent_recovery_codes PRIMARY KEY (parent_id, code_hash)
      )`);

    await q.query(`
      CREATE TABLE second_factor_challenges (
        token_hash bytea CONSTRAINT pk_second_factor_challenges PRIMARY KEY CONSTRAINT ck_second_factor_challenges_hash CHECK (length(token_hash) = 32),
        parent_id uuid NOT NULL CONSTRAINT fk_second_factor_challenges_parent REFERENCES parent_accounts(id) ON DELETE CASCADE,
        created_at timestamptz NOT NULL DEFAULT now(),
        expires_at timestamptz NOT NULL
      )`);
    await q.query(`CREATE INDEX ix_second_factor_challenges_parent ON second_factor_challenges (parent_id)`);

    await q.query(`
      CREATE TABLE second_factor_failures (
        id bigint GENERATED ALWAYS AS IDENTITY CONSTRAINT pk_second_factor_failures PRIMARY KEY,
        parent_id uuid NOT NULL CONSTRAINT fk_second_factor_failures_parent REFERENCES parent_accounts(id) ON DELETE CASCADE,
        failed_at timestamptz NOT NULL DEFAULT now()
      )`);
    await q.query(`CREATE INDEX ix_second_factor_failures_parent ON second_factor_failures (parent_id, failed_at)`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP TABLE second_factor_failures`);
    await q.query(`DROP TABLE second_factor_challenges`);
    await q.query(`DROP TABLE parent_recovery_codes`);
    await q.query(`DROP TABLE parent_totp`);
  }
}
