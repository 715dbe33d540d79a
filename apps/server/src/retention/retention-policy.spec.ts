import {
  accountInactivityCutoff,
  addDays,
  addMonths,
  calendarDay,
  callRecordCutoff,
  cardRecordCutoff,
  isCardRecordExpired,
  orphanAccountCutoff,
} from './retention-policy';

describe('retention cut-offs', () => {
  describe('card records: deleted once created more than 3 years and 6 months ago', () => {
    it.each([
      // issued on,   today,        expired?
      ['2023-01-15', '2026-07-14', false], // the day before the 3y6m anniversary
      ['2023-01-15', '2026-07-15', false], // the anniversary itself: exactly 3y6m, not more
      ['2023-01-15', '2026-07-16', true], // the day after
      ['2024-02-29', '2027-08-29', false], // leap day: its anniversary exists
      ['2024-02-29', '2027-08-30', true],
      ['2023-08-31', '2027-02-28', false], // 31 August + 42 months has no 31 February: clamped to the 28th
      ['2023-08-31', '2027-03-01', true],
      ['2024-08-31', '2028-02-29', false], // ...and to the 29th in a leap year
      ['2024-08-31', '2028-03-01', true],
    ])('given a card issued on %s, on %s it is expired: %s', (issuedOn, today, expired) => {
      expect(isCardRecordExpired(issuedOn, today)).toBe(expired);
    });

    it('given any day over six years, then the cut-off keeps exactly the cards that are not expired (the purge uses issued_on < cut-off)', () => {
      for (let today = '2026-01-01'; today < '2032-01-01'; today = addDays(today, 1)) {
        const cutoff = cardRecordCutoff(today);
        expect(isCardRecordExpired(cutoff, today)).toBe(false);
        expect(isCardRecordExpired(addDays(cutoff, -1), today)).toBe(true);
        for (const offset of [-40, -3, -2, 1, 2, 3, 40]) {
          const issuedOn = addDays(cutoff, offset);
          expect(isCardRecordExpired(issuedOn, today)).toBe(issuedOn < cutoff);
        }
      }
    });

    it.each([
      ['2026-07-16', '2023-01-16'],
      ['2027-08-30', '2024-03-01'], // after the leap-day anniversary, 29 February is gone too
      ['2027-03-01', '2023-09-01'], // 29, 30 and 31 August all reached their (clamped) anniversary on 28 February
    ])('given today %s, then cards issued before %s are deleted', (today, cutoff) => {
      expect(cardRecordCutoff(today)).toBe(cutoff);
    });
  });

  it.each([
    ['2024-01-31', 1, '2024-02-29'],
    ['2023-01-31', 1, '2023-02-28'],
    ['2024-02-29', 12, '2025-02-28'],
    ['2024-02-29', 48, '2028-02-29'],
    ['2027-03-31', -1, '2027-02-28'],
    ['2027-01-15', -42, '2023-07-15'],
  ])('adding months: %s + %i months = %s', (day, months, expected) => {
    expect(addMonths(day, months)).toBe(expected);
  });

  describe('parent accounts: all cascades inactive for more than 3 years and 6 months', () => {
    it('given now, then the cut-off is the same instant 42 months earlier', () => {
      expect(accountInactivityCutoff(new Date('2027-08-15T03:17:00.000Z')).toISOString()).toBe('2024-02-15T03:17:00.000Z');
    });

    it('given a leap day 42 months back does not exist, then the cut-off is clamped to the end of February', () => {
      expect(accountInactivityCutoff(new Date('2028-08-29T10:00:00.000Z')).toISOString()).toBe('2025-02-28T10:00:00.000Z');
      expect(accountInactivityCutoff(new Date('2027-08-29T10:00:00.000Z')).toISOString()).toBe('2024-02-29T10:00:00.000Z');
    });

    it('given an account with no child, then it goes 7 days after its creation', () => {
      expect(orphanAccountCutoff(new Date('2026-03-08T00:00:00.000Z')).toISOString()).toBe('2026-03-01T00:00:00.000Z');
    });
  });

  describe('call records: older than CALL_RECORD_RETENTION_DAYS', () => {
    it('given 183 days, then the cut-off is 183 × 24 h before now, across a leap day', () => {
      expect(callRecordCutoff(new Date('2028-06-30T12:00:00.000Z'), 183).toISOString()).toBe('2027-12-30T12:00:00.000Z');
      expect(callRecordCutoff(new Date('2028-03-01T00:00:00.000Z'), 1).toISOString()).toBe('2028-02-29T00:00:00.000Z');
    });

    it.each([0, -1, 1.5])('given %p days, then it refuses', (days) => {
      expect(() => callRecordCutoff(new Date(), days)).toThrow(/whole number of days/);
    });
  });

  it('given an instant just after midnight in Brussels, then the calendar day is Brussels', () => {
    expect(calendarDay(new Date('2026-06-30T22:30:00.000Z'), 'Europe/Brussels')).toBe('2026-07-01');
    expect(calendarDay(new Date('2026-06-30T22:30:00.000Z'), 'UTC')).toBe('2026-06-30');
  });
});
