import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * A card declared lost or stolen to the issuing authority is revoked: its sealed values (names
 * and contact code) are erased as for a superseded card, and the day of the revocation is kept.
 */
export class CardRevocations1797300000000 implements MigrationInterface {
  name = 'CardRevocations1797300000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`ALTER TABLE cards ADD COLUMN revoked_at timestamptz`);
    // A revoked card opens nothing any more.
    await q.query(`ALTER TABLE cards ADD CONSTRAINT ck_cards_revoked_sealed CHECK (revoked_at IS NULL OR sealed IS NULL)`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`ALTER TABLE cards DROP CONSTRAINT ck_cards_revoked_sealed`);
    await q.query(`ALTER TABLE cards DROP COLUMN revoked_at`);
  }
}
