import type { ClientBase } from 'pg';
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
 * 4. active cascades of children whose newest card just arrived are blocked ('new-card') until a
 *    parent re-activates them with the new code; each block goes to the audit trail.
 *
 * A transaction-scoped advisory lock serialises merges, so two batches for the same child cannot
 * both believe their card is the newest.
 */
export const CARD_MERGE_LOCK = 0x616c6c6f_63617264n; // 'allocard'

export async function prepareStaging(client: ClientBase): Promise<void> {
  await client.query(`
    CREATE TEMP TABLE IF NOT EXISTS card_staging (
      ord int NOT NULL,
      national_number_hash bytea NOT NULL,
      ingest_key bytea NOT NULL,
      issued_on date NOT NULL,
      sealed bytea NOT NULL,
      encryption_key_id text NOT NULL
    ) ON COMMIT DELETE ROWS`);
  await client.query(`CREATE TEMP TABLE IF NOT EXISTS card_ingested (id uuid, child_id uuid, ingest_key bytea) ON COMMIT DELETE ROWS`);
}

export interface MergeResult {
  created: number;
  createdKeys: Buffer[];
  blockedCascades: number;
}

export async function mergeStagedCards(client: ClientBase, audit: { actor: AuditActor; received: number; rejected: number; returnKeys: boolean }): Promise<MergeResult> {
  await client.query(`SELECT pg_advisory_xact_lock($1)`, [CARD_MERGE_LOCK.toString()]);
  // Temporary tables have no statistics until analysed; without them the planner guesses badly.
  await client.query(`ANALYZE card_staging`);
  await client.query(`
    INSERT INTO children (national_number_hash)
    SELECT DISTINCT national_number_hash FROM card_staging
    ON CONFLICT ON CONSTRAINT uq_children_national_number_hash DO NOTHING`);
  const inserted = await client.query(`
    WITH inserted AS (
      INSERT INTO cards (child_id, issued_on, ingest_key, sealed, encryption_key_id)
      SELECT ch.id, s.issued_on, s.ingest_key, s.sealed, s.encryption_key_id
        FROM card_staging s JOIN children ch ON ch.national_number_hash = s.national_number_hash
       ORDER BY s.ord
      ON CONFLICT ON CONSTRAINT uq_cards_ingest_key DO NOTHING
      RETURNING id, child_id, ingest_key)
    INSERT INTO card_ingested SELECT id, child_id, ingest_key FROM inserted`);
  const created = inserted.rowCount ?? 0;
  let blockedCascades = 0;
  if (created > 0) {
    await client.query(`ANALYZE card_ingested`);
    await client.query(`
      UPDATE cards k SET sealed = NULL, encryption_key_id = NULL, superseded_at = now()
       WHERE k.child_id IN (SELECT child_id FROM card_ingested)
         AND k.superseded_at IS NULL
         AND EXISTS (SELECT 1 FROM cards n WHERE n.child_id = k.child_id AND (n.issued_on, n.seq) > (k.issued_on, k.seq))`);
    const blocked = await client.query(
      `WITH blocked AS (
         UPDATE cascades c SET status = 'blocked', blocked_reason = 'new-card', updated_at = now()
          WHERE c.status = 'active'
            AND c.child_id IN (SELECT i.child_id FROM card_ingested i JOIN cards k ON k.id = i.id WHERE k.superseded_at IS NULL)
         RETURNING c.id)
       INSERT INTO audit_events (actor_kind, actor_id, action, subject_kind, subject_id, details)
       SELECT $1, $2, 'cascade.blocked', 'cascade', id, '{"reason":"new-card"}'::jsonb FROM blocked`,
      [audit.actor.kind, audit.actor.id],
    );
    blockedCascades = blocked.rowCount ?? 0;
  }
  const createdKeys = audit.returnKeys && created > 0 ? (await client.query<{ ingest_key: Buffer }>(`SELECT ingest_key FROM card_ingested`)).rows.map((r) => r.ingest_key) : [];
  await client.query(
    `INSERT INTO audit_events (actor_kind, actor_id, action, subject_kind, details) VALUES ($1, $2, 'cards.ingested', 'card-batch', $3)`,
    [audit.actor.kind, audit.actor.id, JSON.stringify({ received: audit.received, created, alreadyPresent: audit.received - audit.rejected - created, rejected: audit.rejected, blockedCascades })],
  );
  return { created, createdKeys, blockedCascades };
}
