import { addDays, addMonths, cardRecordCutoff } from '../../retention/retention-policy';
import { cardStillRings } from './card-validity';

describe('a card\'s cascade rings until its record is deleted (3 years and 6 months)', () => {
  // [issued on, the last day its cascade rings]: a plain date, 29 February, and two 31 Augusts
  // whose 42nd month ends on 28 February (a common year) or 29 February (a leap year).
  it.each([
    ['2023-05-10', '2026-11-10'],
    ['2024-02-29', '2027-08-29'],
    ['2023-08-31', '2027-02-28'],
    ['2024-08-31', '2028-02-29'],
  ])('a card issued on %s rings the day before, of and after its three years, and until %s, not the day after', (issuedOn, lastDay) => {
    const threeYears = addMonths(issuedOn, 36);
    const ringing = [addDays(threeYears, -1), threeYears, addDays(threeYears, 1), addDays(lastDay, -1), lastDay];
    expect(ringing.map((day) => cardStillRings(issuedOn, day))).toEqual(ringing.map(() => true));
    expect(cardStillRings(issuedOn, addDays(lastDay, 1))).toBe(false);
  });

  it('rings exactly as long as the purge keeps the card record', () => {
    for (let day = '2026-01-01'; day < '2029-01-01'; day = addDays(day, 1)) {
      const cutoff = cardRecordCutoff(day);
      expect(cardStillRings(cutoff, day)).toBe(true);
      expect(cardStillRings(addDays(cutoff, -1), day)).toBe(false);
    }
  });
});
