import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * What operators decide in an incident (docs/operations.md, "Operator commands"):
 * - a cascade suspended by an operator (fraud, court order): kept apart from `status`, so a
 *   parent's re-activation with a new code never lifts it; while it is set, the finder's look-up
 *   treats the cascade as blocked (the hotline);
 * - caller numbers blocked until a time, stored as the caller's keyed hashes (the same as
 *   call_records.caller_hash; one per form the trunk may deliver, with and without '+'), with the
 *   reason; a finder calling from one goes to the hotline like
 *   a caller over the abuse limit. Unblocking sets `lifted_at`; rows are kept as history and go
 *   with the audit trail's retention.
 */
export class OperatorControls1796700000000 implements MigrationInterface {
  name = 'OperatorControls1796700000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      ALTER TABLE cascades
        ADD COLUMN suspended_at timestamptz,
        ADD COLUMN suspended_reason text CONSTRAINT ck_cascades_suspended_reason CHECK (suspended_reason IN ('fraud', 'court-order')),
        ADD CONSTRAINT ck_cascades_suspended CHECK ((suspended_at IS NULL) = (suspended_reason IS NULL))`);
    await q.query(`
      CREATE TABLE blocked_callers (
        id uuid CONSTRAINT pk_blocked_callers PRIMARY KEY DEFAULT gen_random_uuid(),
        caller_hashes bytea[] NOT NULL CONSTRAINT ck_blocked_callers_caller_hashes CHECK (cardinality(caller_hashes) BETWEEN 1 AND 4),
        reason text NOT NULL CONSTRAINT ck_blocked_callers_reason CHECK (reason IN ('abuse', 'fraud', 'court-order')),
        blocked_at timestamptz NOT NULL DEFAULT now(),
        blocked_until timestamptz NOT NULL,
        lifted_at timestamptz,
        CONSTRAINT ck_blocked_callers_until CHECK (blocked_until > blocked_at)
      )`);
    // The look-up asks "is this caller blocked now?" on every finder's call.
    await q.query(`CREATE INDEX ix_blocked_callers_live ON blocked_callers USING gin (caller_hashes) WHERE lifted_at IS NULL`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP TABLE blocked_callers`);
    await q.query(`ALTER TABLE cascades DROP CONSTRAINT ck_cascades_suspended, DROP COLUMN suspended_reason, DROP COLUMN suspended_at`);
  }
}
