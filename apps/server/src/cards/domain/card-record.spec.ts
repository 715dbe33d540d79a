import { makeNationalNumber } from '../../cascades/domain/national-number';
import { addDays, cardRecordCutoff } from '../../retention/retention-policy';
import { checkCardRecord } from './card-record';

describe('checking a card record', () => {
  const record = (issuedOn: string) => ({ nationalNumber: makeNationalNumber('150314', '123', true), contactCode: 'ab12-cd34', issuedOn, firstName: ' Lina ', lastName: 'Peeters' });
  const problemsOn = (issuedOn: string, today: string) => {
    const check = checkCardRecord(record(issuedOn), today);
    return check.valid ? [] : check.problems.map((p) => `${p.field}:${p.problem}`);
  };

  it('given a valid record, then it is normalised (trimmed names, canonical code)', () => {
    expect(checkCardRecord(record('2024-02-29'), '2026-11-30')).toEqual({
      valid: true,
      card: { nationalNumber: makeNationalNumber('150314', '123', true), contactCode: 'AB12CD34', issuedOn: '2024-02-29', firstName: 'Lina', lastName: 'Peeters' },
    });
  });

  it.each(['2026-11-30', '2024-02-29', '2023-08-31', '2023-03-01'])('on %s, a card issued on the cut-off day is kept and the day before is past retention', (today) => {
    const cutoff = cardRecordCutoff(today);
    expect(problemsOn(cutoff, today)).toEqual([]);
    expect(problemsOn(addDays(cutoff, -1), today)).toEqual(['issuedOn:past-retention']);
  });

  it('given checks on different days one after the other, then each uses its own day (the cut-off is cached per day)', () => {
    const issuedOn = addDays(cardRecordCutoff('2026-11-30'), -1);
    expect(problemsOn(issuedOn, '2026-11-30')).toEqual(['issuedOn:past-retention']);
    expect(problemsOn(issuedOn, '2026-11-29')).toEqual([]);
    expect(problemsOn(issuedOn, '2026-11-30')).toEqual(['issuedOn:past-retention']);
  });

  it('given an issue date in the future or before the birth, then it says which', () => {
    expect(problemsOn('2026-12-01', '2026-11-30')).toEqual(['issuedOn:in-the-future']);
    expect(problemsOn('2015-03-13', '2026-11-30')).toEqual(['issuedOn:past-retention']);
    expect(problemsOn('2015-03-13', '2016-01-01')).toEqual(['issuedOn:before-birth']);
  });
});
