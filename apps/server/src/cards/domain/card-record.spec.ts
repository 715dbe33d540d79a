import { makeNationalNumber } from '../../cascades/domain/national-number';
import { addDays, cardRecordCutoff } from '../../retention/retention-policy';
import { checkCardRecord, keypadForm } from './card-record';

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

describe('a contact code on a phone keypad', () => {
  it('maps each letter to the key that carries it (ITU E.161) and keeps digits, ignoring case, spaces and dashes', () => {
    expect(keypadForm('ABCDEFGHIJKLMNOPQRSTUVWXYZ')).toBe('22233344455566677778889999');
    expect(keypadForm('ab12-cd 34')).toBe('22122334');
    expect(keypadForm('0123456789')).toBe('0123456789');
  });
});
