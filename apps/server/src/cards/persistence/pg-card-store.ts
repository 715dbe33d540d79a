import { Database } from '../../database/database';
import { AuditActor, CardStore, PreparedCard } from '../domain/card-ingest';
import { RevocationOutcome, RevocationStore } from '../domain/card-revocation';
import { CurrentCards } from '../domain/contact-code-verifier';
import { CARD_MERGE_LOCK, mergeStagedCards, prepareStaging } from './card-merge';

/**
 * The authority API's batches: staged with one INSERT ... unnest, merged like the bulk import;
 * revocations of lost or stolen cards.
 */
export class PgCardStore implements CardStore, CurrentCards, RevocationStore {
  constructor(private readonly db: Database) {}

  async store(cards: PreparedCard[], audit: { actor: AuditActor; rejected: number }): Promise<{ created: Buffer[]; blockedCascades: number }> {
    return this.db.connection(async (client) => {
      await prepareStaging(client);
      return client.transaction(async () => {
        await client.query(
          `INSERT INTO card_staging (ord, national_number_hash, ingest_key, issued_on, sealed, encryption_key_id)
           SELECT * FROM unnest($1::int[], $2::bytea[], $3::bytea[], $4::date[], $5::bytea[], $6::text[])`,
          [cards.map((_, i) => i), cards.map((c) => c.nationalNumberHash), cards.map((c) => c.ingestKey), cards.map((c) => c.issuedOn), cards.map((c) => c.sealed), cards.map((c) => c.keyId)],
        );
        const result = await mergeStagedCards(client, { actor: audit.actor, received: cards.length + audit.rejected, rejected: audit.rejected, returnKeys: true });
        return { created: result.createdKeys, blockedCascades: result.blockedCascades };
      });
    });
  }

  /**
   * Under the merge's lock (a card arriving at the same time cannot interleave): each named card
   * is erased and marked revoked; then every cascade whose child's newest card is now revoked is
   * blocked ('card-revoked'), an active one, a paused one (resuming it would skip the new code)
   * and one blocked for another reason alike, since the code a parent would re-activate it with
   * no longer exists. Both go to the audit trail.
   */
  async revoke(cards: { nationalNumberHash: Buffer; issuedOn: string }[], actor: AuditActor): Promise<{ outcomes: RevocationOutcome[]; blockedCascades: number }> {
    return this.db.transaction(async (tx) => {
      await tx.lockForTransaction(CARD_MERGE_LOCK);
      const { rows } = await tx.query<{ ord: number; outcome: RevocationOutcome; child_id: string | null }>(
        `WITH input AS (
           SELECT * FROM unnest($1::int[], $2::bytea[], $3::date[]) AS t(ord, national_number_hash, issued_on)),
         matched AS (
           SELECT i.ord, k.id, k.child_id, k.revoked_at
             FROM input i JOIN children ch ON ch.national_number_hash = i.national_number_hash
             JOIN cards k ON k.child_id = ch.id AND k.issued_on = i.issued_on),
         revoked AS (
           UPDATE cards k SET sealed = NULL, encryption_key_id = NULL, revoked_at = now()
             FROM matched m WHERE k.id = m.id AND k.revoked_at IS NULL
           RETURNING k.id, k.child_id),
         audited AS (
           INSERT INTO audit_events (actor_kind, actor_id, action, subject_kind, subject_id)
           SELECT $4, $5, 'card.revoked', 'card', id FROM revoked)
         SELECT i.ord,
                CASE WHEN bool_or(r.id IS NOT NULL) THEN 'revoked' WHEN bool_or(m.id IS NOT NULL) THEN 'already-revoked' ELSE 'not-found' END AS outcome,
                min(m.child_id::text) AS child_id
           FROM input i LEFT JOIN matched m ON m.ord = i.ord LEFT JOIN revoked r ON r.id = m.id
          GROUP BY i.ord ORDER BY i.ord`,
        [cards.map((_, i) => i), cards.map((c) => c.nationalNumberHash), cards.map((c) => c.issuedOn), actor.kind, actor.id],
      );
      const children = [...new Set(rows.filter((r) => r.outcome === 'revoked').map((r) => r.child_id!))];
      let blockedCascades = 0;
      if (children.length > 0) {
        const blocked = await tx.query(
          `WITH blocked AS (
             UPDATE cascades c SET status = 'blocked', blocked_reason = 'card-revoked', updated_at = now()
              WHERE c.child_id = ANY($1::uuid[])
                AND c.status IN ('active', 'paused', 'blocked') AND c.blocked_reason IS DISTINCT FROM 'card-revoked'
                AND (SELECT k.revoked_at FROM cards k WHERE k.child_id = c.child_id ORDER BY k.issued_on DESC, k.seq DESC LIMIT 1) IS NOT NULL
             RETURNING c.id)
           INSERT INTO audit_events (actor_kind, actor_id, action, subject_kind, subject_id, details)
           SELECT $2, $3, 'cascade.blocked', 'cascade', id, '{"reason":"card-revoked"}'::jsonb FROM blocked`,
          [children, actor.kind, actor.id],
        );
        blockedCascades = blocked.count;
      }
      return { outcomes: rows.map((r) => r.outcome), blockedCascades };
    });
  }

  async currentCard(nationalNumberHashes: Buffer[]): Promise<{ childId: string; childHash: Buffer; keyId: string; sealed: Buffer } | null> {
    const { rows } = await this.db.query<{ child_id: string; child_hash: Buffer; encryption_key_id: string | null; sealed: Buffer | null }>(
      `SELECT k.child_id, ch.national_number_hash AS child_hash, k.encryption_key_id, k.sealed
         FROM children ch JOIN LATERAL (
           SELECT child_id, encryption_key_id, sealed FROM cards WHERE child_id = ch.id ORDER BY issued_on DESC, seq DESC LIMIT 1) k ON true
        WHERE ch.national_number_hash = ANY($1::bytea[])
        ORDER BY array_position($1::bytea[], ch.national_number_hash) LIMIT 1`,
      [nationalNumberHashes],
    );
    const row = rows[0];
    if (!row || !row.sealed || !row.encryption_key_id) return null;
    return { childId: row.child_id, childHash: row.child_hash, keyId: row.encryption_key_id, sealed: row.sealed };
  }
}
