import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * The parents' call history (issue 5): for each linked child, the calls about it, newest first,
 * and which number answered.
 * - leg_records.label: the label of the number a leg rang ("Mum, mobile"), copied when the leg
 *   ends, so the history still names the right number after the parents edit or reorder their
 *   list (positions shift, labels change). NULL for the hotline and unlabelled numbers. No phone
 *   number is copied: the label is enough for a parent to recognise the leg.
 * - call_records are found by the child's keyed hash (the number the finder typed), which also
 *   finds the calls that went straight to the hotline because the cascade was a draft, blocked or
 *   expired; the index serves "the newest N calls of this child".
 */
export class CallHistoryForParents1796000000000 implements MigrationInterface {
  name = 'CallHistoryForParents1796000000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`ALTER TABLE leg_records ADD COLUMN label text`);
    await q.query(`CREATE INDEX ix_call_records_national_number_recent ON call_records (national_number_hash, started_at DESC)`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP INDEX ix_call_records_national_number_recent`);
    await q.query(`ALTER TABLE leg_records DROP COLUMN label`);
  }
}
