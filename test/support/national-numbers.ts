import { randomInt } from 'node:crypto';
import { makeNationalNumber } from '../../apps/server/src/cascades/domain/national-number';

/**
 * A random valid national number of a child born 2000-2023 (bis months included: ~24 million
 * numbers), so tests seeding their own children do not collide with earlier runs. Not later than
 * 2023: a card the tests date up to ~2.9 years back must not predate the birth (refused).
 */
export function randomNationalNumber(): string {
  const yy = String(randomInt(0, 24)).padStart(2, '0');
  const mm = String(randomInt(1, 13) + [0, 20, 40][randomInt(0, 3)]).padStart(2, '0');
  const dd = String(randomInt(1, 29)).padStart(2, '0');
  const yymmdd = `${yy}${mm}${dd}`;
  // 170312 is the finder look-up suite's range (it counts on some numbers being unknown).
  if (yymmdd === '170312') return randomNationalNumber();
  return makeNationalNumber(yymmdd, String(randomInt(1, 999)).padStart(3, '0'), true);
}
