import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * What the issuing authority sends and what the retention job needs:
 * - cards carry the child's names and the contact code sealed with AES-256-GCM (`sealed`, one
 *   value per card, with the id of the key that sealed it) and an idempotency key (a keyed hash
 *   of national number + issue date + code), so a retried batch or import adds nothing;
 * - `seq` orders cards issued on the same day; a card superseded by a newer one loses its sealed
 *   values (the old code no longer opens anything, the old names are not needed);
 * - cascades record since when they are inactive (kept by a trigger, whoever writes the status),
 *   which is what the parent-account retention rule counts from;
 * - parent accounts and their links to children (several guardians per child);
 * - an audit trail of who changed what, with ids and counts only, never personal values;
 * - the authority's API tokens, stored as SHA-256 hashes.
 */
export class CardsIngestAndRetention1795600000000 implements MigrationInterface {
  name = 'CardsIngestAndRetention1795600000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      ALTER TABLE cards
        ADD COLUMN seq bigint GENERATED ALWAYS AS IDENTITY,
        ADD COLUMN ingest_key bytea,
        ADD COLUMN sealed bytea,
        ADD COLUMN encryption_key_id text,
        ADD COLUMN superseded_at timestamptz,
        ADD CONSTRAINT uq_cards_ingest_key UNIQUE (ingest_key),
        ADD CONSTRAINT ck_cards_sealed_key CHECK ((sealed IS NULL) = (encryption_key_id IS NULL))`);
    // The newest card of a child: latest issue date, then latest ingested.
    await q.query(`DROP INDEX ix_cards_child_issued`);
    await q.query(`CREATE INDEX ix_cards_child_issued ON cards (child_id, issued_on DESC, seq DESC)`);
    // Key rotation finds what the current key did not seal without reading the whole table.
    await q.query(`CREATE INDEX ix_cards_encryption_key_id ON cards (encryption_key_id) WHERE sealed IS NOT NULL`);

    await q.query(`ALTER TABLE cascades ADD COLUMN inactive_since timestamptz`);
    await q.query(`UPDATE cascades SET inactive_since = COALESCE(updated_at, created_at) WHERE status <> 'active'`);
    await q.query(`
      CREATE FUNCTION cascades_track_inactive_since() RETURNS trigger LANGUAGE plpgsql AS $$
      BEGIN
        IF NEW.status = 'active' THEN
          NEW.inactive_since := NULL;
        ELSIF TG_OP = 'INSERT' THEN
          NEW.inactive_since := COALESCE(NEW.inactive_since, now());
        ELSIF OLD.status = 'active' THEN
          NEW.inactive_since := now();
        ELSE
          NEW.inactive_since := COALESCE(NEW.inactive_since, OLD.inactive_since, now());
        END IF;
        RETURN NEW;
      END $$`);
    await q.query(`
      CREATE TRIGGER tr_cascades_inactive_since BEFORE INSERT OR UPDATE OF status, inactive_since ON cascades
        FOR EACH ROW EXECUTE FUNCTION cascades_track_inactive_since()`);
    await q.query(`ALTER TABLE cascades ADD CONSTRAINT ck_cascades_inactive_since CHECK ((status = 'active') = (inactive_since IS NULL))`);

    await q.query(`
      CREATE TABLE parent_accounts (
        id uuid CONSTRAINT pk_parent_accounts PRIMARY KEY DEFAULT gen_random_uuid(),
        -- Keyed hash of the sign-in identifier (e-mail), and the sealed contact details.
        login_hash bytea CONSTRAINT uq_parent_accounts_login_hash UNIQUE,
        sealed bytea,
        encryption_key_id text,
        created_at timestamptz NOT NULL DEFAULT now(),
        last_seen_at timestamptz,
        CONSTRAINT ck_parent_accounts_sealed_key CHECK ((sealed IS NULL) = (encryption_key_id IS NULL))
      )`);
    await q.query(`
      CREATE TABLE parent_children (
        parent_id uuid NOT NULL CONSTRAINT fk_parent_children_parent REFERENCES parent_accounts(id) ON DELETE CASCADE,
        child_id uuid NOT NULL CONSTRAINT fk_parent_children_child REFERENCES children(id) ON DELETE CASCADE,
        created_at timestamptz NOT NULL DEFAULT now(),
        CONSTRAINT pk_parent_children PRIMARY KEY (parent_id, child_id)
      )`);
    // Deleting a child (retention) finds its links without a scan.
    await q.query(`CREATE INDEX ix_parent_children_child ON parent_children (child_id)`);

    await q.query(`
      CREATE TABLE audit_events (
        id bigint GENERATED ALWAYS AS IDENTITY CONSTRAINT pk_audit_events PRIMARY KEY,
        at timestamptz NOT NULL DEFAULT now(),
        actor_kind text NOT NULL CONSTRAINT ck_audit_events_actor_kind CHECK (actor_kind IN ('authority', 'parent', 'operator', 'system')),
        -- An id (token, account, job): never a name, a number or a code.
        actor_id text,
        action text NOT NULL,
        subject_kind text NOT NULL,
        subject_id uuid,
        -- Counts, statuses and reasons only.
        details jsonb NOT NULL DEFAULT '{}'::jsonb
      )`);
    await q.query(`CREATE INDEX ix_audit_events_at ON audit_events (at)`);
    await q.query(`CREATE INDEX ix_audit_events_subject ON audit_events (subject_kind, subject_id, at)`);

    await q.query(`
      CREATE TABLE authority_tokens (
        id uuid CONSTRAINT pk_authority_tokens PRIMARY KEY DEFAULT gen_random_uuid(),
        name text NOT NULL CONSTRAINT ck_authority_tokens_name CHECK (name ~ '^[A-Za-z0-9._-]{1,64}$'),
        token_hash bytea NOT NULL CONSTRAINT uq_authority_tokens_token_hash UNIQUE,
        created_at timestamptz NOT NULL DEFAULT now(),
        last_used_at timestamptz,
        revoked_at timestamptz
      )`);
    await q.query(`CREATE UNIQUE INDEX uq_authority_tokens_live_name ON authority_tokens (name) WHERE revoked_at IS NULL`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP TABLE authority_tokens`);
    await q.query(`DROP TABLE audit_events`);
    await q.query(`DROP TABLE parent_children`);
    await q.query(`DROP TABLE parent_accounts`);
    await q.query(`ALTER TABLE cascades DROP CONSTRAINT ck_cascades_inactive_since`);
    await q.query(`DROP TRIGGER tr_cascades_inactive_since ON cascades`);
    await q.query(`DROP FUNCTION cascades_track_inactive_since()`);
    await q.query(`ALTER TABLE cascades DROP COLUMN inactive_since`);
    await q.query(`DROP INDEX ix_cards_encryption_key_id`);
    await q.query(`DROP INDEX ix_cards_child_issued`);
    await q.query(`CREATE INDEX ix_cards_child_issued ON cards (child_id, issued_on DESC)`);
    await q.query(`
      ALTER TABLE cards
        DROP CONSTRAINT ck_cards_sealed_key,
        DROP CONSTRAINT uq_cards_ingest_key,
        DROP COLUMN superseded_at,
        DROP COLUMN encryption_key_id,
        DROP COLUMN sealed,
        DROP COLUMN ingest_key,
        DROP COLUMN seq`);
  }
}
