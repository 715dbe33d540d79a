/**
 * The Belgian national register number (PRODUCT.md, "The Belgian national register number"):
 * 11 digits YYMMDD SSS CC, where CC = 97 - (YYMMDDSSS mod 97) for people born before 2000 and
 * 97 - (2YYMMDDSSS mod 97) for people born in 2000 or later. The century is not written in the
 * number, so both forms are accepted.
 *
 * Plain arithmetic is exact here: 2YYMMDDSSS is below 3e9, far under Number.MAX_SAFE_INTEGER.
 */

export type NationalNumberProblem = 'length' | 'not-digits' | 'check-digits' | 'date';

export type NationalNumberCheck = { valid: true } | { valid: false; reason: NationalNumberProblem };

export const NATIONAL_NUMBER_LENGTH = 11;

/**
 * Checks the digits a finder typed. Only the shape is checked: a valid number may still belong
 * to nobody. Month 0 and day 0 are allowed (the register uses them when the birth date is
 * unknown); "bis" numbers add 20 or 40 to the month.
 */
export function checkNationalNumber(digits: string): NationalNumberCheck {
  if (!/^\d*$/.test(digits)) return invalid('not-digits');
  if (digits.length !== NATIONAL_NUMBER_LENGTH) return invalid('length');

  const month = withoutBisOffset(Number(digits.slice(2, 4)));
  const day = Number(digits.slice(4, 6));
  if (month > 12 || day > 31) return invalid('date');

  const base = Number(digits.slice(0, 9));
  const check = Number(digits.slice(9, 11));
  if (check !== checkDigits(base, false) && check !== checkDigits(base, true)) return invalid('check-digits');
  return { valid: true };
}

/**
 * What a form accepts before parsing: the 11 digits with the spaces, dots and dashes a person may
 * copy from the card (at most 20 characters in all).
 */
export const TYPED_NATIONAL_NUMBER = /^[\d\s.-]{11,20}$/;

/** The number a person typed on a form, with its spaces, dots and dashes dropped, then checked. */
export function parseNationalNumber(typed: string): { valid: true; digits: string } | { valid: false; reason: NationalNumberProblem } {
  const digits = typed.replace(/[\s.-]/g, '');
  const check = checkNationalNumber(digits);
  return check.valid ? { valid: true, digits } : check;
}

/**
 * Builds a valid number, for tests and seed data: `makeNationalNumber('150314', '123', true)`.
 * Throws on malformed parts, since a seed with a wrong number would only fail much later.
 */
export function makeNationalNumber(yymmdd: string, sss: string, born2000: boolean): string {
  if (!/^\d{6}$/.test(yymmdd)) throw new Error(`yymmdd must be 6 digits, got '${yymmdd}'`);
  if (!/^\d{3}$/.test(sss)) throw new Error(`sss must be 3 digits, got '${sss}'`);
  const check = checkDigits(Number(yymmdd + sss), born2000);
  return `${yymmdd}${sss}${String(check).padStart(2, '0')}`;
}

/** 97 - (n mod 97), with the 9 digits prefixed by '2' (i.e. + 2e9) for births from 2000. */
function checkDigits(firstNine: number, born2000: boolean): number {
  const n = born2000 ? 2_000_000_000 + firstNine : firstNine;
  return 97 - (n % 97);
}

/** Bis numbers: month + 20 (sex known) or + 40 (sex unknown). 13-19 and 33-39 stay invalid. */
function withoutBisOffset(month: number): number {
  if (month >= 40) return month - 40;
  if (month >= 20) return month - 20;
  return month;
}

function invalid(reason: NationalNumberProblem): NationalNumberCheck {
  return { valid: false, reason };
}

/**
 * The birth date a valid number encodes ('YYYY-MM-DD'), the century told by which check-digit
 * form matches; null when the register left the month or day unknown (0) or the number is invalid.
 */
export function birthDateOf(digits: string): string | null {
  if (!checkNationalNumber(digits).valid) return null;
  const base = Number(digits.slice(0, 9));
  const born2000 = Number(digits.slice(9, 11)) === checkDigits(base, true);
  const year = (born2000 ? 2000 : 1900) + Number(digits.slice(0, 2));
  const month = withoutBisOffset(Number(digits.slice(2, 4)));
  const day = Number(digits.slice(4, 6));
  if (month === 0 || day === 0) return null;
  if (day > daysInMonth(year, month)) return null; // 31 April and the like
  // Plain string work: this runs for every card of a bulk import (a Date costs several times more).
  return `${year}-${String(month).padStart(2, '0')}-${digits.slice(4, 6)}`;
}

const DAYS_IN_MONTH = [31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31];

function daysInMonth(year: number, month: number): number {
  const leap = (year % 4 === 0 && year % 100 !== 0) || year % 400 === 0;
  return month === 2 && leap ? 29 : DAYS_IN_MONTH[month - 1];
}
