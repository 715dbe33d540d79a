import { randomInt } from 'node:crypto';
import { makeNationalNumber } from '../../apps/server/src/cascades/domain/national-number';
import { addDays } from '../../apps/server/src/retention/retention-policy';

/**
 * A random valid national number of a child born 2000-2023 (bis months included: ~24 million
 * numbers), so tests seeding their own children do not collide with earlier runs. Not later than
 * 2023: a card the tests date up to ~2.9 years back must not predate the birth (refused).
 */
export function randomChildNumber(): string {
  const yy = String(randomInt(0, 24)).padStart(2, '0');
  const mm = String(randomInt(1, 13) + [0, 20, 40][randomInt(0, 3)]).padStart(2, '0');
  const dd = String(randomInt(1, 29)).padStart(2, '0');
  const yymmdd = `${yy}${mm}${dd}`;
  // 170312 is the finder look-up suite's range (it counts on some numbers being unknown).
  if (yymmdd === '170312') return randomChildNumber();
  return makeNationalNumber(yymmdd, String(randomInt(1, 999)).padStart(3, '0'), true);
}

export function randomCode(): string {
  return Array.from({ length: 10 }, () => 'ABCDEFGHJKLMNPQRSTUVWXYZ23456789'[randomInt(0, 32)]).join('');
}

export function daysAgo(days: number): string {
  return addDays(new Date().toISOString().slice(0, 10), -days);
}

type CardFields = 'nationalNumber' | 'contactCode' | 'issuedOn' | 'firstName' | 'lastName';

/** A valid card record; overrides may break it on purpose (wrong types included). */
export function cardRecord(overrides: Partial<Record<CardFields, unknown>> = {}): Record<CardFields, string> {
  return { nationalNumber: randomChildNumber(), contactCode: randomCode(), issuedOn: daysAgo(30), firstName: 'Lina', lastName: 'Peeters', ...overrides } as Record<CardFields, string>;
}
