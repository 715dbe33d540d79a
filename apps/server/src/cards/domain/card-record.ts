import { birthDateOf, checkNationalNumber } from '../../cascades/domain/national-number';
import { cardRecordCutoff } from '../../retention/retention-policy';

/** One card as the issuing authority sends it (API body or CSV row). */
export interface CardRecordInput {
  nationalNumber: string;
  contactCode: string;
  issuedOn: string;
  firstName: string;
  lastName: string;
}

/** A record that passed every check, normalised (trimmed names, canonical contact code). */
export type CardRecord = CardRecordInput;

export type CardField = keyof CardRecordInput | 'record';

/** Why a record was refused: the field and a stable code the authority's software can act on. */
export interface CardProblem {
  field: CardField;
  problem:
    | 'not-an-object'
    | 'missing'
    | 'not-a-string'
    | 'length'
    | 'not-digits'
    | 'check-digits'
    | 'date'
    | 'format'
    | 'in-the-future'
    | 'past-retention'
    | 'before-birth'
    | 'characters';
}

export type CardCheck = { valid: true; card: CardRecord } | { valid: false; problems: CardProblem[] };

export const NAME_MAX_LENGTH = 100;
export const CONTACT_CODE_PATTERN = /^[A-Z0-9]{6,32}$/;

/**
 * The contact code as compared and stored: what a parent types may carry spaces, dashes and
 * lower case ("ab12-cd34" is "AB12CD34").
 */
export function normalizeContactCode(code: string): string {
  return code.replace(/[\s-]/g, '').toUpperCase();
}

/** The phone keys (ITU E.161) that carry each letter: ABC 2, DEF 3, GHI 4, JKL 5, MNO 6, PQRS 7, TUV 8, WXYZ 9. */
const KEY_OF_LETTER = 'ABC2DEF3GHI4JKL5MNO6PQRS7TUV8WXYZ9'.split(/(?<=\d)/).reduce<Record<string, string>>((keys, group) => {
  for (const letter of group.slice(0, -1)) keys[letter] = group.slice(-1);
  return keys;
}, {});

/**
 * A contact code as typed on a phone's keypad: each letter becomes the key that carries it,
 * digits stay ("AB12-CD34" is "22122334"). On the parents' line this is what is compared.
 */
export function keypadForm(code: string): string {
  return [...normalizeContactCode(code)].map((ch) => KEY_OF_LETTER[ch] ?? ch).join('');
}

/**
 * Checks one record against `today` (a calendar day): the national number (length, digits,
 * mod-97), the contact code (6 to 32 letters or digits), the issue date (a real day, not in the
 * future, not before the child's birth, not already past retention), the names (1 to 100
 * characters, at least one letter, no control characters). Every problem is reported, not just
 * the first.
 */
export function checkCardRecord(raw: unknown, today: string): CardCheck {
  if (typeof raw !== 'object' || raw === null || Array.isArray(raw)) return { valid: false, problems: [{ field: 'record', problem: 'not-an-object' }] };
  const input = raw as Record<string, unknown>;
  const problems: CardProblem[] = [];
  const text = (field: keyof CardRecordInput): string | undefined => {
    const value = input[field];
    if (value === undefined || value === null || value === '') {
      problems.push({ field, problem: 'missing' });
      return undefined;
    }
    if (typeof value !== 'string') {
      problems.push({ field, problem: 'not-a-string' });
      return undefined;
    }
    return value;
  };

  const nationalNumber = text('nationalNumber');
  if (nationalNumber !== undefined) {
    const check = checkNationalNumber(nationalNumber);
    if (!check.valid) problems.push({ field: 'nationalNumber', problem: check.reason });
  }

  const rawCode = text('contactCode');
  const contactCode = rawCode === undefined ? undefined : normalizeContactCode(rawCode);
  if (contactCode !== undefined && !CONTACT_CODE_PATTERN.test(contactCode)) problems.push({ field: 'contactCode', problem: 'format' });

  const issuedOn = text('issuedOn');
  if (issuedOn !== undefined) {
    if (!isCalendarDay(issuedOn)) problems.push({ field: 'issuedOn', problem: 'date' });
    else if (issuedOn > today) problems.push({ field: 'issuedOn', problem: 'in-the-future' });
    else if (issuedOn < cutoffOn(today)) problems.push({ field: 'issuedOn', problem: 'past-retention' });
    else {
      const born = nationalNumber === undefined ? null : birthDateOf(nationalNumber);
      if (born !== null && issuedOn < born) problems.push({ field: 'issuedOn', problem: 'before-birth' });
    }
  }

  const firstName = name('firstName', text('firstName'), problems);
  const lastName = name('lastName', text('lastName'), problems);

  if (problems.length > 0) return { valid: false, problems };
  return { valid: true, card: { nationalNumber: nationalNumber!, contactCode: contactCode!, issuedOn: issuedOn!, firstName: firstName!, lastName: lastName! } };
}

/** cardRecordCutoff(today), computed once per day rather than once per card (the bulk import checks millions). */
let cutoffCache = { today: '', cutoff: '' };
function cutoffOn(today: string): string {
  if (cutoffCache.today !== today) cutoffCache = { today, cutoff: cardRecordCutoff(today) };
  return cutoffCache.cutoff;
}

function name(field: 'firstName' | 'lastName', value: string | undefined, problems: CardProblem[]): string | undefined {
  if (value === undefined) return undefined;
  const trimmed = value.normalize('NFC').trim().replace(/\s+/g, ' ');
  if (trimmed.length < 1 || trimmed.length > NAME_MAX_LENGTH) problems.push({ field, problem: 'length' });
  else if (/\p{Cc}/u.test(value) || !/\p{L}/u.test(trimmed)) problems.push({ field, problem: 'characters' });
  return trimmed;
}

/** A real calendar day written YYYY-MM-DD, from 1900 on. */
export function isCalendarDay(value: string): boolean {
  const match = /^(\d{4})-(\d{2})-(\d{2})$/.exec(value);
  if (!match) return false;
  const [y, m, d] = [Number(match[1]), Number(match[2]), Number(match[3])];
  const date = new Date(Date.UTC(y, m - 1, d));
  return y >= 1900 && date.getUTCFullYear() === y && date.getUTCMonth() === m - 1 && date.getUTCDate() === d;
}
