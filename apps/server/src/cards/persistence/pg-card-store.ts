import { Database } from '../../database/database';
import { AuditActor, CardStore, PreparedCard } from '../domain/card-ingest';
import { CurrentCards } from '../domain/contact-code-verifier';
import { mergeStagedCards, prepareStaging } from './card-merge';

/** The authority API's batches: staged with one INSERT ... unnest, merged like the bulk import. */
export class PgCardStore implements CardStore, CurrentCards {
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
