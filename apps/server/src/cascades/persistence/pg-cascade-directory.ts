import { DataSource } from 'typeorm';
import { Language } from '../../config/app-config';
import { CascadeDirectory, CascadeLeg, StoredCascade } from '../domain/finder-lookup';

interface Row {
  cascade_id: string;
  status: StoredCascade['status'];
  language: Language;
  latest_card_issued_on: string | null;
  legs: CascadeLeg[];
}

/** One indexed query per look-up: the child by hash, its cascade, its latest card, its numbers. */
export class PgCascadeDirectory implements CascadeDirectory {
  constructor(private readonly db: DataSource) {}

  async findByNationalNumberHash(hash: Buffer): Promise<StoredCascade | null> {
    const rows: Row[] = await this.db.query(
      `SELECT c.id AS cascade_id, c.status, c.language,
              (SELECT to_char(max(k.issued_on), 'YYYY-MM-DD') FROM cards k WHERE k.child_id = ch.id) AS latest_card_issued_on,
              COALESCE((SELECT json_agg(json_build_object('position', n.position, 'number', n.e164) ORDER BY n.position)
                          FROM cascade_numbers n WHERE n.cascade_id = c.id), '[]') AS legs
         FROM children ch JOIN cascades c ON c.child_id = ch.id
        WHERE ch.national_number_hash = $1`,
      [hash],
    );
    const row = rows[0];
    if (!row) return null;
    return {
      cascadeId: row.cascade_id,
      status: row.status,
      language: row.language,
      latestCardIssuedOn: row.latest_card_issued_on,
      legs: row.legs,
      childFirstName: null,
    };
  }
}
