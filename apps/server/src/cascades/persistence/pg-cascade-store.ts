import { CardSealer } from '../../cards/domain/card-ingest';
import { Language } from '../../languages';
import { Database } from '../../database/database';
import { CascadeDirectory, CascadeLeg, StoredCascade } from '../domain/finder-lookup';

interface Row {
  cascade_id: string;
  child_hash: Buffer;
  status: StoredCascade['status'];
  language: Language;
  latest_card_issued_on: string | null;
  card_key_id: string | null;
  card_sealed: Buffer | null;
  legs: CascadeLeg[];
}

/**
 * The look-up's one statement ($1: the national number's keyed hashes, under the current pseudonym
 * key first and, while a rotation runs, the previous one), a named prepared statement
 * (planned once per connection: planning costs more than running it); the data benchmark runs it
 * bare too.
 */
export const CASCADE_BY_HASH = 'cascade-by-hash';
export const CASCADE_BY_HASH_SQL = `
  SELECT c.id AS cascade_id, ch.national_number_hash AS child_hash,
         -- An operator's suspension reads as blocked: the finder goes to the hotline.
         CASE WHEN c.suspended_at IS NOT NULL THEN 'blocked' ELSE c.status END AS status, c.language,
         to_char(k.issued_on, 'YYYY-MM-DD') AS latest_card_issued_on, k.encryption_key_id AS card_key_id, k.sealed AS card_sealed,
         COALESCE((SELECT json_agg(json_build_object('position', n.position, 'number', n.e164) ORDER BY n.position)
                     FROM cascade_numbers n WHERE n.cascade_id = c.id), '[]') AS legs
    FROM children ch
    JOIN cascades c ON c.child_id = ch.id
    LEFT JOIN LATERAL (SELECT issued_on, encryption_key_id, sealed FROM cards
                        WHERE child_id = ch.id ORDER BY issued_on DESC, seq DESC LIMIT 1) k ON true
   WHERE ch.national_number_hash = ANY($1::bytea[])
   ORDER BY array_position($1::bytea[], ch.national_number_hash)
   LIMIT 1`;

/**
 * One indexed query per look-up: the child by hash, its cascade, its newest card (for the
 * validity date and the sealed first name the parents hear) and its numbers.
 */
export class PgCascadeStore implements CascadeDirectory {
  constructor(
    private readonly db: Database,
    private readonly sealer?: CardSealer,
  ) {}

  async findByNationalNumberHash(hashes: Buffer[]): Promise<StoredCascade | null> {
    const { rows } = await this.db.prepared<Row>(CASCADE_BY_HASH, CASCADE_BY_HASH_SQL, [hashes]);
    const row = rows[0];
    if (!row) return null;
    return {
      cascadeId: row.cascade_id,
      status: row.status,
      language: row.language,
      latestCardIssuedOn: row.latest_card_issued_on,
      legs: row.legs,
      childFirstName: this.firstName(row.child_hash, row),
    };
  }

  /** The name is a courtesy to the parents: a card without one, or one that will not open, costs nothing. */
  private firstName(hash: Buffer, row: Row): string | null {
    if (!this.sealer || !row.card_sealed || !row.card_key_id) return null;
    try {
      return this.sealer.open(hash, row.card_key_id, row.card_sealed).firstName || null;
    } catch {
      return null;
    }
  }
}
