import { Database } from '../../database/database';
import { SEALED_TABLES, SealedRow, SealedTable, SealedValueStore } from '../domain/key-rotation';

/** Per table: its row id, its sealed column, and the source of its associated data. */
const SHAPES: Record<SealedTable, { id: string; sealed: string; select: string; from: string }> = {
  cards: { id: 'k.id', sealed: 'sealed', select: 'k.id::text AS id, k.encryption_key_id AS key_id, k.sealed, ch.national_number_hash AS aad_source', from: 'cards k JOIN children ch ON ch.id = k.child_id' },
  parent_accounts: { id: 'k.id', sealed: 'sealed', select: 'k.id::text AS id, k.encryption_key_id AS key_id, k.sealed, k.id::text AS aad_source', from: 'parent_accounts k' },
  parent_totp: { id: 'k.parent_id', sealed: 'sealed_secret', select: 'k.parent_id::text AS id, k.encryption_key_id AS key_id, k.sealed_secret AS sealed, k.parent_id::text AS aad_source', from: 'parent_totp k' },
};

export class PgSealedValueStore implements SealedValueStore {
  constructor(private readonly db: Database) {}

  async countByKey(): Promise<Record<SealedTable, Record<string, number>>> {
    const counts = { cards: {}, parent_accounts: {}, parent_totp: {} } as Record<SealedTable, Record<string, number>>;
    for (const table of SEALED_TABLES) {
      const { rows } = await this.db.query<{ key_id: string; n: number }>(
        `SELECT encryption_key_id AS key_id, count(*)::int AS n FROM ${table} WHERE encryption_key_id IS NOT NULL GROUP BY 1 ORDER BY 1`,
      );
      for (const r of rows) counts[table][r.key_id] = r.n;
    }
    return counts;
  }

  async resealBatch(
    table: SealedTable,
    currentKeyId: string,
    afterId: string | null,
    limit: number,
    reseal: (row: SealedRow) => { keyId: string; sealed: Buffer } | null,
  ): Promise<{ seen: number; lastId: string | null; rewritten: number }> {
    const shape = SHAPES[table];
    return this.db.transaction(async (tx) => {
      // The partial index on the key id (cards) finds the rows; SKIP LOCKED never waits on the app.
      const { rows } = await tx.query<{ id: string; key_id: string; sealed: Buffer; aad_source: Buffer | string }>(
        `SELECT ${shape.select} FROM ${shape.from}
          WHERE k.encryption_key_id IS NOT NULL AND k.encryption_key_id <> $1 AND ($2::uuid IS NULL OR ${shape.id} > $2::uuid)
          ORDER BY ${shape.id} LIMIT $3 FOR UPDATE OF k SKIP LOCKED`,
        [currentKeyId, afterId, limit],
      );
      const ids: string[] = [];
      const keys: string[] = [];
      const values: Buffer[] = [];
      for (const row of rows) {
        const next = reseal({ id: row.id, keyId: row.key_id, sealed: row.sealed, aadSource: row.aad_source });
        if (!next) continue;
        ids.push(row.id);
        keys.push(next.keyId);
        values.push(next.sealed);
      }
      if (ids.length > 0) {
        const idColumn = shape.id.slice(2);
        await tx.query(
          `UPDATE ${table} t SET encryption_key_id = v.key_id, ${shape.sealed} = v.sealed
             FROM unnest($1::uuid[], $2::text[], $3::bytea[]) AS v(id, key_id, sealed)
            WHERE t.${idColumn} = v.id`,
          [ids, keys, values],
        );
      }
      return { seen: rows.length, lastId: rows.at(-1)?.id ?? null, rewritten: ids.length };
    });
  }
}
