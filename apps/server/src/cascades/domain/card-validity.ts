import { isCardRecordExpired } from '../../retention/retention-policy';

/**
 * A card is valid three years from its creation, but its cascade rings until the card record is
 * deleted, 3 years and 6 months after the creation (the retention rule, one source): the terms
 * say the cascade "reste active pendant 3 ans et 6 mois", the six months after the card's
 * validity leaving time to order the next card. On the last day the record is kept, it still
 * rings. Dates are calendar days (YYYY-MM-DD).
 */
export function cardStillRings(issuedOn: string, today: string): boolean {
  return !isCardRecordExpired(issuedOn, today);
}
