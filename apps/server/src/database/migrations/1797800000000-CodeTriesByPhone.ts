import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Wrong contact codes typed on the parents' line count against the child's national number, as
 * on the portal, and against the caller's number (its keyed hash), as the portal's count against
 * the account.
 */
export class CodeTriesByPhone1797800000000 implements MigrationInterface {
  name = 'CodeTriesByPhone1797800000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`ALTER TABLE link_attempts DROP CONSTRAINT ck_link_attempts_subject_kind`);
    await q.query(`ALTER TABLE link_attempts ADD CONSTRAINT ck_link_attempts_subject_kind CHECK (subject_kind IN ('national-number', 'account', 'caller'))`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DELETE FROM link_attempts WHERE subject_kind = 'caller'`);
    await q.query(`ALTER TABLE link_attempts DROP CONSTRAINT ck_link_attempts_subject_kind`);
    await q.query(`ALTER TABLE link_attempts ADD CONSTRAINT ck_link_attempts_subject_kind CHECK (subject_kind IN ('national-number', 'account'))`);
  }
}
