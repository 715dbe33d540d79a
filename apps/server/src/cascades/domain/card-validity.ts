/** A card is valid three years from its creation date (PRODUCT.md, "Data kept"). */
export const CARD_VALIDITY_YEARS = 3;

/** Dates are calendar days (YYYY-MM-DD); a card issued on 2024-02-29 expires on 2027-03-01. */
export function isCardValid(issuedOn: string, today: string): boolean {
  return today < addYears(issuedOn, CARD_VALIDITY_YEARS);
}

export function addYears(day: string, years: number): string {
  const [y, m, d] = day.split('-').map(Number);
  // Date.UTC rolls 29 February over to 1 March in common years.
  return new Date(Date.UTC(y + years, m - 1, d)).toISOString().slice(0, 10);
}
