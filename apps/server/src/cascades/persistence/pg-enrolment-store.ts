import { CardSealer } from '../../cards/domain/card-ingest';
import { Language } from '../../languages';
import { Database } from '../../database/database';
import { Pseudonymizer } from '../../privacy/pseudonymizer';
import { CascadeStatus } from '../domain/cascade-status';

export interface EnrolmentNumber {
  e164: string;
  country: string;
  label?: string;
}

/**
 * Writes a child, a card and a cascade. The minimal write side the call flow needs until the
 * authority ingest and the portal (cards and portal issues) build theirs; tests seed through it.
 */
export class PgEnrolmentStore {
  constructor(
    private readonly db: Database,
    private readonly pseudonymizer: Pseudonymizer,
    private readonly sealer?: CardSealer,
  ) {}

  async enrol(input: {
    nationalNumber: string;
    issuedOn: string;
    status: CascadeStatus;
    language: Language;
    numbers: EnrolmentNumber[];
    /** Sealed on the card as the authority's ingest does (needs the sealer). */
    child?: { firstName: string; lastName: string; contactCode: string };
  }): Promise<{ childId: string; cascadeId: string }> {
    return this.db.transaction(async (tx) => {
      const hash = this.pseudonymizer.hash('national-number', input.nationalNumber);
      const {
        rows: [{ id: childId }],
      } = await tx.query<{ id: string }>(
        `INSERT INTO children (national_number_hash) VALUES ($1)
         ON CONFLICT ON CONSTRAINT uq_children_national_number_hash DO UPDATE SET national_number_hash = EXCLUDED.national_number_hash
         RETURNING id`,
        [hash],
      );
      if (input.child && this.sealer) {
        const card = this.sealer.prepare({ nationalNumber: input.nationalNumber, issuedOn: input.issuedOn, ...input.child });
        await tx.query(`INSERT INTO cards (child_id, issued_on, ingest_key, encryption_key_id, sealed) VALUES ($1, $2, $3, $4, $5)`, [
          childId,
          input.issuedOn,
          card.ingestKey,
          card.keyId,
          card.sealed,
        ]);
      } else {
        await tx.query(`INSERT INTO cards (child_id, issued_on) VALUES ($1, $2)`, [childId, input.issuedOn]);
      }
      const {
        rows: [{ id: cascadeId }],
      } = await tx.query<{ id: string }>(
        `INSERT INTO cascades (child_id, status, blocked_reason, language, activated_at)
         VALUES ($1, $2, $3, $4, CASE WHEN $2 = 'active' THEN now() END)
         ON CONFLICT ON CONSTRAINT uq_cascades_child DO UPDATE
           SET status = EXCLUDED.status, blocked_reason = EXCLUDED.blocked_reason, language = EXCLUDED.language, updated_at = now()
         RETURNING id`,
        [childId, input.status, input.status === 'blocked' ? 'new-card' : null, input.language],
      );
      await tx.query(`DELETE FROM cascade_numbers WHERE cascade_id = $1`, [cascadeId]);
      for (const [index, n] of input.numbers.entries()) {
        await tx.query(`INSERT INTO cascade_numbers (cascade_id, position, e164, country, label) VALUES ($1, $2, $3, $4, $5)`, [
          cascadeId,
          index + 1,
          n.e164,
          n.country,
          n.label ?? '',
        ]);
      }
      return { childId, cascadeId };
    });
  }
}
