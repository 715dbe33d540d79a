import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * The service-wide daily cap counts the parent legs dialled in the last 24 hours on every
 * look-up that finds a cascade (docs/security.md, "Limits on what the service dials"): a partial
 * index on exactly those legs keeps that count an index-only range scan.
 */
export class LegCapsIndex1796600000000 implements MigrationInterface {
  name = 'LegCapsIndex1796600000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`CREATE INDEX ix_leg_records_dialled_started_at ON leg_records (started_at) WHERE position <> 'hotline' AND result <> 'not-allowed'`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP INDEX ix_leg_records_dialled_started_at`);
  }
}
