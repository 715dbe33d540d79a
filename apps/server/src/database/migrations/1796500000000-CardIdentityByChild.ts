import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * A card is the same card when the same child gets it on the same day with the same contact code:
 * the ingest key (keyed hash of number, issue date and code) is now unique per child and issue
 * day, in one index that also serves "the child's newest card", instead of unique on its own.
 * Same rule (the key already implied the child and the day), one index fewer, and no index keyed
 * by a random hash on the 2,000,000-row table: a bulk load appends to this one (children get
 * time-ordered ids) where the old unique index took a random page per card — the largest
 * PostgreSQL cost of the import (docs/performance.md).
 */
export class CardIdentityByChild1796500000000 implements MigrationInterface {
  name = 'CardIdentityByChild1796500000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`ALTER TABLE cards ADD CONSTRAINT uq_cards_child_issued_ingest UNIQUE (child_id, issued_on, ingest_key)`);
    await q.query(`ALTER TABLE cards DROP CONSTRAINT uq_cards_ingest_key`);
    await q.query(`DROP INDEX ix_cards_child_issued`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`CREATE INDEX ix_cards_child_issued ON cards (child_id, issued_on DESC, seq DESC)`);
    await q.query(`ALTER TABLE cards ADD CONSTRAINT uq_cards_ingest_key UNIQUE (ingest_key)`);
    await q.query(`ALTER TABLE cards DROP CONSTRAINT uq_cards_child_issued_ingest`);
  }
}
