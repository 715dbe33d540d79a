import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * The data the finder's call needs: children (found by a keyed hash of the national number,
 * never the number itself), their cards, one cascade per child with up to 7 numbers, and the
 * call and leg records. Limits live in the database, not only in code.
 */
export class CardsCascadesAndCallRecords1795500000000 implements MigrationInterface {
  name = 'CardsCascadesAndCallRecords1795500000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE TABLE children (
        id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        national_number_hash bytea NOT NULL,
        created_at timestamptz NOT NULL DEFAULT now(),
        CONSTRAINT uq_children_national_number_hash UNIQUE (national_number_hash)
      )`);
    await q.query(`
      CREATE TABLE cards (
        id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        child_id uuid NOT NULL CONSTRAINT fk_cards_child REFERENCES children(id) ON DELETE CASCADE,
        issued_on date NOT NULL,
        created_at timestamptz NOT NULL DEFAULT now()
      )`);
    await q.query(`CREATE INDEX ix_cards_child_issued ON cards (child_id, issued_on DESC)`);
    await q.query(`CREATE INDEX ix_cards_issued_on ON cards (issued_on)`);
    await q.query(`
      CREATE TABLE cascades (
        id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        child_id uuid NOT NULL CONSTRAINT fk_cascades_child REFERENCES children(id) ON DELETE CASCADE,
        status text NOT NULL DEFAULT 'draft' CONSTRAINT ck_cascades_status CHECK (status IN ('draft', 'active', 'blocked')),
        blocked_reason text CONSTRAINT ck_cascades_blocked_reason CHECK ((status = 'blocked') = (blocked_reason IS NOT NULL)),
        language text NOT NULL DEFAULT 'fr' CONSTRAINT ck_cascades_language CHECK (language IN ('fr', 'nl', 'de', 'en')),
        activated_at timestamptz,
        terms_version text,
        terms_accepted_at timestamptz,
        created_at timestamptz NOT NULL DEFAULT now(),
        updated_at timestamptz NOT NULL DEFAULT now(),
        CONSTRAINT uq_cascades_child UNIQUE (child_id)
      )`);
    await q.query(`
      CREATE TABLE cascade_numbers (
        id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        cascade_id uuid NOT NULL CONSTRAINT fk_cascade_numbers_cascade REFERENCES cascades(id) ON DELETE CASCADE,
        position smallint NOT NULL CONSTRAINT ck_cascade_numbers_position CHECK (position BETWEEN 1 AND 7),
        e164 text NOT NULL CONSTRAINT ck_cascade_numbers_e164 CHECK (e164 ~ '^\\+[1-9][0-9]{6,14}$'),
        country char(2) NOT NULL,
        label text NOT NULL DEFAULT '',
        last_verified_at timestamptz,
        -- Deferrable, so a reorder can swap positions inside one transaction.
        CONSTRAINT uq_cascade_numbers_position UNIQUE (cascade_id, position) DEFERRABLE INITIALLY IMMEDIATE,
        CONSTRAINT uq_cascade_numbers_e164 UNIQUE (cascade_id, e164)
      )`);
    await q.query(`
      CREATE TABLE call_records (
        id uuid PRIMARY KEY,
        started_at timestamptz NOT NULL,
        ended_at timestamptz,
        outcome text,
        language text,
        -- Keyed hashes: enough to count one caller's look-ups (abuse) and show a cascade's
        -- history, without storing who called or which child was asked for.
        caller_hash bytea,
        national_number_hash bytea,
        cascade_id uuid CONSTRAINT fk_call_records_cascade REFERENCES cascades(id) ON DELETE SET NULL,
        number_entered_at timestamptz,
        connected_at timestamptz,
        connected_position text
      )`);
    await q.query(`CREATE INDEX ix_call_records_started_at ON call_records (started_at)`);
    await q.query(`CREATE INDEX ix_call_records_caller_recent ON call_records (caller_hash, started_at)`);
    await q.query(`CREATE INDEX ix_call_records_cascade ON call_records (cascade_id, started_at)`);
    await q.query(`
      CREATE TABLE leg_records (
        id text PRIMARY KEY,
        call_id uuid NOT NULL CONSTRAINT fk_leg_records_call REFERENCES call_records(id) ON DELETE CASCADE,
        position text NOT NULL,
        result text NOT NULL,
        started_at timestamptz NOT NULL,
        ended_at timestamptz NOT NULL
      )`);
    await q.query(`CREATE INDEX ix_leg_records_call ON leg_records (call_id)`);
  }

  async down(q: QueryRunner): Promise<void> {
    for (const table of ['leg_records', 'call_records', 'cascade_numbers', 'cascades', 'cards', 'children']) {
      await q.query(`DROP TABLE ${table}`);
    }
  }
}
