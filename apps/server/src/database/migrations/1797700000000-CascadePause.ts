import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Parents may pause an active cascade and resume it (status `paused`): while paused it calls no
 * one, and a finder goes to the hotline as for any number without an active cascade.
 *
 * Only the status list changes. The other constraints already say the right thing:
 * - ck_cascades_blocked_reason: a paused cascade has no blocked_reason;
 * - ck_cascades_inactive_since: a paused cascade is not active, so inactive_since is set. The
 *   trigger (cascades_track_inactive_since) sets it to the time of the pause (active -> paused),
 *   clears it on resuming (paused -> active) and keeps it when a new card blocks a paused cascade
 *   (paused -> blocked): the retention of parent accounts counts a paused cascade as inactive
 *   from its pause, exactly like any other inactive one.
 */
export class CascadePause1797700000000 implements MigrationInterface {
  name = 'CascadePause1797700000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      ALTER TABLE cascades
        DROP CONSTRAINT ck_cascades_status,
        ADD CONSTRAINT ck_cascades_status CHECK (status IN ('draft', 'active', 'paused', 'blocked'))`);
  }

  async down(q: QueryRunner): Promise<void> {
    // Without the status, a paused cascade becomes a draft: it still calls no one, and ringing
    // again takes a parent's activation (never an automatic return to active).
    await q.query(`UPDATE cascades SET status = 'draft', updated_at = now() WHERE status = 'paused'`);
    await q.query(`
      ALTER TABLE cascades
        DROP CONSTRAINT ck_cascades_status,
        ADD CONSTRAINT ck_cascades_status CHECK (status IN ('draft', 'active', 'blocked'))`);
  }
}
