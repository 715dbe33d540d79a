import { Connection } from '../../database/database';
import { AuditActor } from '../domain/card-ingest';

/**
 * The one write path for cards, shared by the authority API and the bulk import: rows are first
 * put in a session-local staging table (the API with one INSERT ... unnest, the import with
 * COPY), then merged here in set-based statements, inside the caller's transaction:
 *
 * 1. children are created for unknown national-number hashes;
 * 2. cards are inserted unless their ingest key is already there (a retried batch, a re-run
 *    import): ON CONFLICT DO NOTHING, so re-running is harmless;
 * 3. every card older than its child's newest one is superseded: its sealed values (names and
 *    contact code) are erased, so the old code opens nothing any more;
 * 4. active and paused cascades of children whose newest card just arrived are blocked
 *    ('new-card') until a parent re-activates them with the new code (so resuming a paused one
 *    can never skip the new code); each block goes to the audit trail.
 *
 * A transaction-scoped advisory lock serialises merges, so two batches for the same child cannot
 * both believe their card is the newest.
 */
export const CARD_MERGE_LOCK = 0x616c6c6f_63617264n; // 'allocard'

export async function prepareStaging(client: Connection): Promise<void> {
  await client.query(`
    CREATE TEMP TABLE IF NOT EXISTS card_staging (
      ord int NOT NULL,
      national_number_hash bytea NOT NULL,
      ingest_key bytea NOT NULL,
      issued_on date NOT NULL,
      sealed bytea NOT NULL,
      encryption_key_id text NOT NULL
    ) ON COMMIT DELETE ROWS`);
  // The batch's children (hash -> id), and whether this merge created them.
  await client.query(`CREATE TEMP TABLE IF NOT EXISTS card_children (national_number_hash bytea, child_id uuid, fresh boolean) ON COMMIT DELETE ROWS`);
  await client.query(`CREATE TEMP TABLE IF NOT EXISTS card_ingested (id uuid, child_id uuid, ingest_key bytea, fresh boolean) ON COMMIT DELETE ROWS`);
  // Children that had a card before this batch, or get several in it: the only ones whose older
  // cards may need superseding and whose cascade may need blocking.
  await client.query(`CREATE TEMP TABLE IF NOT EXISTS card_touched (child_id uuid) ON COMMIT DELETE ROWS`);
}

export interface MergeResult {
  created: number;
  createdKeys: Buffer[];
  blockedCascades: number;
}

/**
 * Set-based, and sized for the initial load (2,000,000 new children): no statement reads more
 * than the batch and the index entries of its own children.
 * - Children created by this merge (RETURNING of the insert) cannot have an older card nor a
 *   cascade (nobody else can see them yet), so steps 3 and 4 only look at the others: for an
 *   initial load there are none and both steps are skipped.
 * - Children that already existed are found by index, one probe per hash (a hash join would read
 *   the whole children table for every batch).
 */
export async function mergeStagedCards(client: Connection, audit: { actor: AuditActor; received: number; rejected: number; returnKeys: boolean }): Promise<MergeResult> {
  await client.lockForTransaction(CARD_MERGE_LOCK);
  // Sorting a 50,000-row batch in memory rather than in temporary files; no JIT compilation
  // (the temporary tables have no statistics: the planner overestimates and compiles for ~300 ms).
  await client.query(`SET LOCAL work_mem = '64MB'`);
  await client.query(`SET LOCAL jit = off`);
  const {
    rows: [{ fresh, hashes }],
  } = await client.query<{ fresh: string; hashes: string }>(`
    WITH fresh AS (
      INSERT INTO children (national_number_hash)
      SELECT DISTINCT national_number_hash FROM card_staging
      ON CONFLICT ON CONSTRAINT uq_children_national_number_hash DO NOTHING
      RETURNING id, national_number_hash),
    kept AS (INSERT INTO card_children (national_number_hash, child_id, fresh) SELECT national_number_hash, id, true FROM fresh RETURNING 1)
    SELECT (SELECT count(*) FROM kept) AS fresh, (SELECT count(DISTINCT national_number_hash) FROM card_staging) AS hashes`);
  if (+hashes > +fresh) {
    // The statement sees the children committed before it, including the ones the insert above
    // skipped; an index probe per hash, never a scan of the children table.
    await client.query(`SET LOCAL enable_hashjoin = off`);
    await client.query(`SET LOCAL enable_mergejoin = off`);
    await client.query(`
      INSERT INTO card_children (national_number_hash, child_id, fresh)
      SELECT ch.national_number_hash, ch.id, false
        FROM (SELECT DISTINCT national_number_hash FROM card_staging s
               WHERE NOT EXISTS (SELECT 1 FROM card_children c WHERE c.national_number_hash = s.national_number_hash)) s
        JOIN children ch ON ch.national_number_hash = s.national_number_hash`);
    await client.query(`SET LOCAL enable_hashjoin = on`);
    await client.query(`SET LOCAL enable_mergejoin = on`);
  }
  const inserted = await client.query(`
    WITH inserted AS (
      INSERT INTO cards (child_id, issued_on, ingest_key, sealed, encryption_key_id)
      SELECT c.child_id, s.issued_on, s.ingest_key, s.sealed, s.encryption_key_id
        FROM card_staging s JOIN card_children c ON c.national_number_hash = s.national_number_hash
       ORDER BY s.ord
      ON CONFLICT ON CONSTRAINT uq_cards_child_issued_ingest DO NOTHING
      RETURNING id, child_id, ingest_key)
    INSERT INTO card_ingested (id, child_id, ingest_key, fresh)
    SELECT i.id, i.child_id, i.ingest_key, c.fresh FROM inserted i JOIN card_children c ON c.child_id = i.child_id`);
  const created = inserted.count;
  let blockedCascades = 0;
  const touched = created > 0 ? await client.query(`INSERT INTO card_touched SELECT child_id FROM card_ingested GROUP BY child_id HAVING count(*) > 1 OR NOT bool_and(fresh)`) : null;
  if ((touched?.count ?? 0) > 0) {
    await client.query(`ANALYZE card_touched`);
    await client.query(`
      UPDATE cards k SET sealed = NULL, encryption_key_id = NULL, superseded_at = now()
       WHERE k.child_id IN (SELECT child_id FROM card_touched)
         AND k.superseded_at IS NULL
         AND EXISTS (SELECT 1 FROM cards n WHERE n.child_id = k.child_id AND (n.issued_on, n.seq) > (k.issued_on, k.seq))`);
    const blocked = await client.query(
      `WITH blocked AS (
         UPDATE cascades c SET status = 'blocked', blocked_reason = 'new-card', updated_at = now()
          WHERE c.status IN ('active', 'paused')
            AND c.child_id IN (SELECT i.child_id FROM card_ingested i JOIN cards k ON k.id = i.id
                                WHERE k.superseded_at IS NULL AND i.child_id IN (SELECT child_id FROM card_touched))
         RETURNING c.id)
       INSERT INTO audit_events (actor_kind, actor_id, action, subject_kind, subject_id, details)
       SELECT $1, $2, 'cascade.blocked', 'cascade', id, '{"reason":"new-card"}'::jsonb FROM blocked`,
      [audit.actor.kind, audit.actor.id],
    );
    blockedCascades = blocked.count;
  }
  const createdKeys = audit.returnKeys && created > 0 ? (await client.query<{ ingest_key: Buffer }>(`SELECT ingest_key FROM card_ingested`)).rows.map((r) => r.ingest_key) : [];
  await recordIngest(client, audit.actor, { received: audit.received, created, alreadyPresent: audit.received - audit.rejected - created, rejected: audit.rejected, blockedCascades });
  return { created, createdKeys, blockedCascades };
}

/** The audit trail of one stored batch or chunk: counts only. */
export async function recordIngest(
  client: Connection,
  actor: AuditActor,
  counts: { received: number; created: number; alreadyPresent: number; rejected: number; blockedCascades: number },
): Promise<void> {
  await client.query(`INSERT INTO audit_events (actor_kind, actor_id, action, subject_kind, details) VALUES ($1, $2, 'cards.ingested', 'card-batch', $3)`, [
    actor.kind,
    actor.id,
    JSON.stringify(counts),
  ]);
}
