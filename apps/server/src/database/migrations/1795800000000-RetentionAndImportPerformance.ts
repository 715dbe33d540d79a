import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Bulk import and retention purge at the scale of the benchmark (docs/performance.md):
 * - children and cards get time-ordered ids (UUID version 7 layout: 48 bits of milliseconds, then
 *   random bits): a load appends to the ends of the primary keys and of the cards' (child_id, ...)
 *   index instead of touching random pages of indexes far larger than the buffer cache. The ids
 *   reveal when a row was created, which `created_at` already records;
 * - the purge walks expired cards in (issued_on, id) order from where its previous batch stopped
 *   (keyset), so no batch re-reads the index entries of the cards the previous batches deleted:
 *   the index on issued_on alone becomes one on (issued_on, id).
 * Every foreign key already has an index leading with its columns (checked: cards, cascades,
 * cascade_numbers, call_records, leg_records, parent_children, portal_sessions, parent_tokens).
 */
export class RetentionAndImportPerformance1795800000000 implements MigrationInterface {
  name = 'RetentionAndImportPerformance1795800000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE FUNCTION uuid_time_ordered() RETURNS uuid LANGUAGE sql VOLATILE PARALLEL SAFE AS $$
        SELECT encode(
                 set_bit(set_bit(
                   overlay(uuid_send(gen_random_uuid())
                           PLACING substring(int8send(floor(extract(epoch FROM clock_timestamp()) * 1000)::bigint) FROM 3)
                           FROM 1 FOR 6),
                   52, 1), 53, 1),
                 'hex')::uuid
      $$`);
    await q.query(`ALTER TABLE children ALTER COLUMN id SET DEFAULT uuid_time_ordered()`);
    await q.query(`ALTER TABLE cards ALTER COLUMN id SET DEFAULT uuid_time_ordered()`);
    await q.query(`CREATE INDEX ix_cards_issued_on_id ON cards (issued_on, id)`);
    await q.query(`DROP INDEX ix_cards_issued_on`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`CREATE INDEX ix_cards_issued_on ON cards (issued_on)`);
    await q.query(`DROP INDEX ix_cards_issued_on_id`);
    await q.query(`ALTER TABLE cards ALTER COLUMN id SET DEFAULT gen_random_uuid()`);
    await q.query(`ALTER TABLE children ALTER COLUMN id SET DEFAULT gen_random_uuid()`);
    await q.query(`DROP FUNCTION uuid_time_ordered()`);
  }
}
