import { addMonths, isCardRecordExpired } from '../../retention/retention-policy';

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

/** A card is valid this many months from its creation (the cascade rings on until the record's retention ends). */
export const CARD_VALIDITY_MONTHS = 36;

/** The last day the card is valid ('YYYY-MM-DD'). */
export function cardValidUntil(issuedOn: string): string {
  return addMonths(issuedOn, CARD_VALIDITY_MONTHS);
}

/** True once the card's validity has passed (its cascade may still ring: cardStillRings). */
export function isCardPastValidity(issuedOn: string, today: string): boolean {
  return cardValidUntil(issuedOn) < today;
}
