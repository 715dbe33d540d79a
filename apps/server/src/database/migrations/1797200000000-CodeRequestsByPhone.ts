import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Lost-code requests on the parents' line count against the caller's number (its keyed hash),
 * as the portal's count against the account.
 */
export class CodeRequestsByPhone1797200000000 implements MigrationInterface {
  name = 'CodeRequestsByPhone1797200000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`ALTER TABLE code_call_requests DROP CONSTRAINT ck_code_call_requests_subject_kind`);
    await q.query(`ALTER TABLE code_call_requests ADD CONSTRAINT ck_code_call_requests_subject_kind CHECK (subject_kind IN ('national-number', 'account', 'caller'))`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DELETE FROM code_call_requests WHERE subject_kind = 'caller'`);
    await q.query(`ALTER TABLE code_call_requests DROP CONSTRAINT ck_code_call_requests_subject_kind`);
    await q.query(`ALTER TABLE code_call_requests ADD CONSTRAINT ck_code_call_requests_subject_kind CHECK (subject_kind IN ('national-number', 'account'))`);
  }
}
