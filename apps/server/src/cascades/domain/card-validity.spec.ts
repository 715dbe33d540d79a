import { addDays, cardRecordCutoff } from '../../retention/retention-policy';
import { cardStillRings } from './card-validity';

describe('a card\'s cascade rings until its record is deleted (3 years and 6 months)', () => {
  it.each([
    // Around the three years: the card stops being valid, its cascade rings on.
    ['2023-05-10', '2026-05-09', true],
    ['2023-05-10', '2026-05-10', true],
    ['2023-05-10', '2026-05-11', true],
    // Around 3 years and 6 months: the day before, the day of (the record's last day), the day after.
    ['2023-05-10', '2026-11-09', true],
    ['2023-05-10', '2026-11-10', true],
    ['2023-05-10', '2026-11-11', false],
    // Leap days: issued on 29 February; a 31 August whose 42nd month ends on 28 or 29 February.
    ['2024-02-29', '2027-08-29', true],
    ['2024-02-29', '2027-08-30', false],
    ['2023-08-31', '2027-02-28', true],
    ['2023-08-31', '2027-03-01', false],
    ['2024-08-31', '2028-02-29', true],
    ['2024-08-31', '2028-03-01', false],
  ])('a card issued on %s still rings its cascade on %s: %s', (issuedOn, today, rings) => {
    expect(cardStillRings(issuedOn, today)).toBe(rings);
  });

  it('rings exactly as long as the purge keeps the card record', () => {
    for (let day = '2026-01-01'; day < '2029-01-01'; day = addDays(day, 1)) {
      const cutoff = cardRecordCutoff(day);
      expect(cardStillRings(cutoff, day)).toBe(true);
      expect(cardStillRings(addDays(cutoff, -1), day)).toBe(false);
    }
  });
});
