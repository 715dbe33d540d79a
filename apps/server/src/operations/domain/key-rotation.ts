/** The tables whose values are sealed with ENCRYPTION_KEYS (docs/data.md, "Protection at rest"). */
export const SEALED_TABLES = ['cards', 'parent_accounts', 'parent_totp'] as const;
export type SealedTable = (typeof SEALED_TABLES)[number];

/** One sealed value as stored: its row, the key that sealed it, and what its associated data is made of. */
export interface SealedRow {
  id: string;
  keyId: string;
  sealed: Buffer;
  /** cards: the child's keyed hash; the parent tables: the account id. */
  aadSource: Buffer | string;
}

/** Port: the sealed values not sealed with a given key, in batches, each rewritten in its own short transaction. */
export interface SealedValueStore {
  /** How many values each key id seals, per table. */
  countByKey(): Promise<Record<SealedTable, Record<string, number>>>;
  /**
   * Locks (skipping rows another transaction holds) up to `limit` rows of `table` after `afterId`
   * not sealed with `currentKeyId`, hands them to `reseal`, writes what it returns, and commits.
   * Returns the rows seen (the last one's id is where the next batch starts) and how many it rewrote.
   */
  resealBatch(
    table: SealedTable,
    currentKeyId: string,
    afterId: string | null,
    limit: number,
    reseal: (row: SealedRow) => { keyId: string; sealed: Buffer } | null,
  ): Promise<{ seen: number; lastId: string | null; rewritten: number }>;
}
