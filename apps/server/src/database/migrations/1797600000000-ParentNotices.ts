import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Mail that tells parents what happens to their cascade (docs/data.md, "Notices to parents"):
 * - `notices_sent`: one row per notice per account, keyed by (account, kind, subject, occurrence)
 *   so each goes once: the subject is what the notice is about (a cascade, a card, a service
 *   switch change), the occurrence which time (the blocking's start, the deletion day, a number's
 *   failed test or last confirmation…). A row is written `pending` in the sweep's transaction, turned `sending` in a
 *   committed step before the mail leaves and `sent` after: a failed send goes back to `pending`
 *   (retried by the next sweep), a crash during the send leaves `sending`, never sent again. The
 *   subject's own row carries it away (ON DELETE CASCADE): a purged card or cascade takes its
 *   notices with it. `details` holds codes only (a position, a reason), never a name or a number.
 * - `notice_preferences`: the kinds an account turned off (never the blocking notice) and the
 *   language it wants its notices in.
 */
export class ParentNotices1797600000000 implements MigrationInterface {
  name = 'ParentNotices1797600000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE TABLE notices_sent (
        id bigint GENERATED ALWAYS AS IDENTITY CONSTRAINT pk_notices_sent PRIMARY KEY,
        parent_id uuid NOT NULL CONSTRAINT fk_notices_sent_parent REFERENCES parent_accounts(id) ON DELETE CASCADE,
        kind text NOT NULL CONSTRAINT ck_notices_sent_kind CHECK (kind IN ('cascade-blocked', 'card-expired', 'deletion-soon', 'number-check', 'service-switch')),
        -- The subject's id as text (a uuid, or an audit event's number), and its row below for ON DELETE CASCADE.
        subject text NOT NULL,
        occurrence text NOT NULL,
        child_id uuid CONSTRAINT fk_notices_sent_child REFERENCES children(id) ON DELETE CASCADE,
        cascade_id uuid CONSTRAINT fk_notices_sent_cascade REFERENCES cascades(id) ON DELETE CASCADE,
        card_id uuid CONSTRAINT fk_notices_sent_card REFERENCES cards(id) ON DELETE CASCADE,
        switch_event_id bigint CONSTRAINT fk_notices_sent_switch_event REFERENCES audit_events(id) ON DELETE CASCADE,
        details jsonb NOT NULL DEFAULT '{}'::jsonb,
        status text NOT NULL DEFAULT 'pending' CONSTRAINT ck_notices_sent_status CHECK (status IN ('pending', 'sending', 'sent', 'abandoned')),
        attempts integer NOT NULL DEFAULT 0,
        created_at timestamptz NOT NULL DEFAULT now(),
        sent_at timestamptz,
        -- nodemailer's error code, never its message (servers echo the recipient in it).
        last_error text,
        CONSTRAINT uq_notices_sent_once UNIQUE (parent_id, kind, subject, occurrence),
        CONSTRAINT ck_notices_sent_sent_at CHECK ((status = 'sent') = (sent_at IS NOT NULL))
      )`);
    // The send phase picks the pending rows without a scan.
    await q.query(`CREATE INDEX ix_notices_sent_pending ON notices_sent (id) WHERE status = 'pending'`);
    // Deleting a subject finds its notices without a scan.
    await q.query(`CREATE INDEX ix_notices_sent_child ON notices_sent (child_id) WHERE child_id IS NOT NULL`);
    await q.query(`CREATE INDEX ix_notices_sent_cascade ON notices_sent (cascade_id) WHERE cascade_id IS NOT NULL`);
    await q.query(`CREATE INDEX ix_notices_sent_card ON notices_sent (card_id) WHERE card_id IS NOT NULL`);
    await q.query(`CREATE INDEX ix_notices_sent_switch_event ON notices_sent (switch_event_id) WHERE switch_event_id IS NOT NULL`);

    await q.query(`
      CREATE TABLE notice_preferences (
        parent_id uuid CONSTRAINT pk_notice_preferences PRIMARY KEY CONSTRAINT fk_notice_preferences_parent REFERENCES parent_accounts(id) ON DELETE CASCADE,
        language text CONSTRAINT ck_notice_preferences_language CHECK (language IN ('fr', 'nl', 'de', 'en')),
        -- The blocking notice cannot be turned off.
        disabled_kinds text[] NOT NULL DEFAULT '{}'
          CONSTRAINT ck_notice_preferences_disabled_kinds CHECK (disabled_kinds <@ ARRAY['card-expired', 'deletion-soon', 'number-check', 'service-switch']::text[]),
        updated_at timestamptz NOT NULL DEFAULT now()
      )`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP TABLE notice_preferences`);
    await q.query(`DROP TABLE notices_sent`);
  }
}
