import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Sign-in with OpenID Connect: an identity at a provider (issuer + subject) belongs to
 * one parent account. The subject is stored as a keyed hash (Pseudonymizer, kind 'oidc-subject'):
 * a federal login's subject can be a national register number, and only equality is needed.
 * A parent account created this way has no password (password_hash stays NULL).
 */
export class OidcIdentities1796100000000 implements MigrationInterface {
  name = 'OidcIdentities1796100000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE TABLE parent_oidc_identities (
        issuer text NOT NULL CONSTRAINT ck_parent_oidc_identities_issuer CHECK (issuer <> ''),
        subject_hash bytea NOT NULL CONSTRAINT ck_parent_oidc_identities_subject_hash CHECK (length(subject_hash) = 32),
        parent_id uuid NOT NULL CONSTRAINT fk_parent_oidc_identities_parent REFERENCES parent_accounts(id) ON DELETE CASCADE,
        created_at timestamptz NOT NULL DEFAULT now(),
        last_used_at timestamptz NOT NULL DEFAULT now(),
        -- One account per identity: unique (issuer, subject).
        CONSTRAINT pk_parent_oidc_identities PRIMARY KEY (issuer, subject_hash)
      )`);
    await q.query(`CREATE INDEX ix_parent_oidc_identities_parent ON parent_oidc_identities (parent_id)`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP TABLE parent_oidc_identities`);
  }
}
