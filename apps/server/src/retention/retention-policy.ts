/**
 * How long personal data is kept (PRODUCT.md, "Data kept, and for how long"), as pure functions
 * of today's date: the purge job and the ingest (which refuses cards already past retention) use
 * the same cut-offs. Calendar days are 'YYYY-MM-DD' strings in RETENTION_TIME_ZONE.
 */

/** Card records are deleted (with their cascades) once created more than 3 years and 6 months ago. */
export const CARD_RECORD_RETENTION_MONTHS = 42;
/** Parent accounts whose cascades have all been inactive for more than 3 years and 6 months. */
export const ACCOUNT_INACTIVITY_MONTHS = 42;
/** An account with no child left (or never linked) goes after this many days. */
export const ORPHAN_ACCOUNT_GRACE_DAYS = 7;
/** The audit trail follows the longest rule above: nothing it refers to outlives it. */
export const AUDIT_RETENTION_MONTHS = 42;

const DAY_MS = 86_400_000;

/**
 * Adds calendar months; a day that does not exist in the target month is clamped to the month's
 * last day (2023-08-31 + 42 months = 2027-02-28, 2024-02-29 + 12 months = 2025-02-28), as
 * PostgreSQL's `date + interval` does. Clamping errs towards deleting a few days earlier.
 */
export function addMonths(day: string, months: number): string {
  const [y, m, d] = parseDay(day);
  const monthIndex = y * 12 + (m - 1) + months;
  const year = Math.floor(monthIndex / 12);
  const month = monthIndex - year * 12 + 1;
  return formatDay(year, month, Math.min(d, daysInMonth(year, month)));
}

export function addDays(day: string, days: number): string {
  const [y, m, d] = parseDay(day);
  return new Date(Date.UTC(y, m - 1, d) + days * DAY_MS).toISOString().slice(0, 10);
}

/** True when the card was issued more than 3 years and 6 months before `today`. */
export function isCardRecordExpired(issuedOn: string, today: string): boolean {
  return addMonths(issuedOn, CARD_RECORD_RETENTION_MONTHS) < today;
}

/** The day the purge deletes a card record issued on `issuedOn` (the first day isCardRecordExpired holds). */
export function cardRecordDeletionDay(issuedOn: string): string {
  return addDays(addMonths(issuedOn, CARD_RECORD_RETENTION_MONTHS), 1);
}

/**
 * The earliest issue date still kept on `today`: cards with `issued_on < cardRecordCutoff(today)`
 * are exactly those for which isCardRecordExpired holds (addMonths is monotonic, so they form a
 * prefix of the calendar); the purge uses this bound with the index on issued_on.
 */
export function cardRecordCutoff(today: string): string {
  let cutoff = addMonths(today, -CARD_RECORD_RETENTION_MONTHS);
  while (!isCardRecordExpired(addDays(cutoff, -1), today)) cutoff = addDays(cutoff, -1);
  while (isCardRecordExpired(cutoff, today)) cutoff = addDays(cutoff, 1);
  return cutoff;
}

/** Cascades inactive since before this instant count as inactive for more than 3 years and 6 months. */
export function accountInactivityCutoff(now: Date): Date {
  return minusMonths(now, ACCOUNT_INACTIVITY_MONTHS);
}

/** Accounts with no child, created before this instant, are deleted. */
export function orphanAccountCutoff(now: Date): Date {
  return new Date(now.getTime() - ORPHAN_ACCOUNT_GRACE_DAYS * DAY_MS);
}

/** Call records (and their legs) that started before this instant are deleted. */
export function callRecordCutoff(now: Date, retentionDays: number): Date {
  if (!Number.isInteger(retentionDays) || retentionDays < 1) throw new Error('the call record retention must be a whole number of days, at least 1');
  return new Date(now.getTime() - retentionDays * DAY_MS);
}

export function auditCutoff(now: Date): Date {
  return minusMonths(now, AUDIT_RETENTION_MONTHS);
}

/** The calendar day an instant falls on in a time zone ('YYYY-MM-DD'). */
export function calendarDay(at: Date, timeZone: string): string {
  // en-CA formats dates as YYYY-MM-DD.
  return new Intl.DateTimeFormat('en-CA', { timeZone, year: 'numeric', month: '2-digit', day: '2-digit' }).format(at);
}

/** Same wall-clock time (UTC) `months` earlier, the day clamped to the target month's length. */
function minusMonths(at: Date, months: number): Date {
  const day = addMonths(at.toISOString().slice(0, 10), -months);
  const [y, m, d] = parseDay(day);
  return new Date(Date.UTC(y, m - 1, d) + (at.getTime() % DAY_MS + DAY_MS) % DAY_MS);
}

function parseDay(day: string): [number, number, number] {
  const match = /^(\d{4})-(\d{2})-(\d{2})$/.exec(day);
  if (!match) throw new Error(`not a calendar day: '${day}'`);
  return [Number(match[1]), Number(match[2]), Number(match[3])];
}

function daysInMonth(year: number, month: number): number {
  return new Date(Date.UTC(year, month, 0)).getUTCDate();
}

function formatDay(year: number, month: number, day: number): string {
  return `${String(year).padStart(4, '0')}-${String(month).padStart(2, '0')}-${String(day).padStart(2, '0')}`;
}
