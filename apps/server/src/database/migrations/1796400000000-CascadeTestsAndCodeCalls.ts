import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Calls the service places to a parent on the parent's request:
 * - a test of the list calls each number in turn; each number keeps the time and result of its
 *   last check (last_verified_at, already there, is the last time someone answered and pressed 1);
 * - a parent who lost the contact code has it read out on the first number of the active
 *   cascade; requests are counted by keyed hash (of the national number, of the account) for the
 *   rate limit, never stored in clear.
 */
export class CascadeTestsAndCodeCalls1796400000000 implements MigrationInterface {
  name = 'CascadeTestsAndCodeCalls1796400000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`ALTER TABLE cascade_numbers ADD COLUMN last_check_at timestamptz`);
    await q.query(`
      ALTER TABLE cascade_numbers ADD COLUMN last_check_result text
        CONSTRAINT ck_cascade_numbers_last_check_result
        CHECK (last_check_result IN ('confirmed', 'busy', 'no-answer', 'voicemail', 'unreachable', 'declined', 'hung-up', 'failed'))`);
    await q.query(`
      CREATE TABLE cascade_tests (
        id uuid CONSTRAINT pk_cascade_tests PRIMARY KEY DEFAULT gen_random_uuid(),
        cascade_id uuid NOT NULL CONSTRAINT fk_cascade_tests_cascade REFERENCES cascades(id) ON DELETE CASCADE,
        started_at timestamptz NOT NULL DEFAULT now(),
        finished_at timestamptz,
        -- The position being called while the test runs.
        current_position smallint
      )`);
    await q.query(`CREATE INDEX ix_cascade_tests_cascade_started ON cascade_tests (cascade_id, started_at DESC)`);
    await q.query(`
      CREATE TABLE code_call_requests (
        subject_kind text NOT NULL CONSTRAINT ck_code_call_requests_subject_kind CHECK (subject_kind IN ('national-number', 'account')),
        subject_hash bytea NOT NULL,
        requested_at timestamptz NOT NULL
      )`);
    await q.query(`CREATE INDEX ix_code_call_requests_subject ON code_call_requests (subject_kind, subject_hash, requested_at)`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP TABLE code_call_requests`);
    await q.query(`DROP TABLE cascade_tests`);
    await q.query(`ALTER TABLE cascade_numbers DROP COLUMN last_check_result`);
    await q.query(`ALTER TABLE cascade_numbers DROP COLUMN last_check_at`);
  }
}
