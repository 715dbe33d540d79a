import { birthDateOf, checkNationalNumber, makeNationalNumber, parseNationalNumber, TYPED_NATIONAL_NUMBER } from './national-number';

describe('checking a national register number', () => {
  it.each([
    ['the textbook example, born in 1985', '85073003328'],
    ['a child born in 2017 (the 9 digits prefixed with 2)', '17073003384'],
    ['a child born on 1 January 2000', '00010100105'],
    ['a person born on 1 January 1900', '00010100173'],
    ['a bis number (month + 20)', makeNationalNumber('152403', '001', true)],
    ['a bis number (month + 40)', makeNationalNumber('154403', '001', true)],
    ['a bis number with an unknown birth date (month 20, day 0)', makeNationalNumber('152000', '017', true)],
    ['an unknown birth month and day (00)', makeNationalNumber('150000', '017', true)],
    ['day 31', makeNationalNumber('150131', '002', true)],
    ['month 12', makeNationalNumber('151201', '002', false)],
    ['a check number of 97 (base divisible by 97)', '00000009797'],
  ])('accepts %s', (_, digits) => {
    expect(checkNationalNumber(digits)).toEqual({ valid: true });
  });

  it.each([
    ['an empty entry', '', 'length'],
    ['10 digits', '8507300332', 'length'],
    ['12 digits', '850730033280', 'length'],
    ['a letter', '8507300332a', 'not-digits'],
    ['a star typed as a digit', '85073003*28', 'not-digits'],
    ['spaces and dots', '85.07.30-033.28', 'not-digits'],
    ['a negative sign', '-8507300332', 'not-digits'],
    ['month 13', makeNationalNumber('151301', '001', true), 'date'],
    ['month 19 (between the normal and the bis range)', makeNationalNumber('151901', '001', true), 'date'],
    ['month 33 (bis + 13)', makeNationalNumber('153301', '001', true), 'date'],
    ['month 53 (bis + 13)', makeNationalNumber('155301', '001', true), 'date'],
    ['month 99', makeNationalNumber('159901', '001', true), 'date'],
    ['day 32', makeNationalNumber('150132', '001', true), 'date'],
    ['wrong check digits', '85073003329', 'check-digits'],
    ['check digits 00 (never produced by the rule)', '85073003300', 'check-digits'],
    ['two serial digits swapped', '85073030328', 'check-digits'],
  ])('rejects %s (%s -> %s)', (_, digits, reason) => {
    expect(checkNationalNumber(digits)).toEqual({ valid: false, reason });
  });

  it('accepts both century forms of the same first nine digits', () => {
    const before2000 = makeNationalNumber('150314', '123', false);
    const from2000 = makeNationalNumber('150314', '123', true);
    expect(before2000).not.toBe(from2000);
    expect(checkNationalNumber(before2000).valid).toBe(true);
    expect(checkNationalNumber(from2000).valid).toBe(true);
  });

  it('makes numbers that always pass the check, in both centuries', () => {
    for (let i = 0; i < 500; i++) {
      const yymmdd = `${String(i % 100).padStart(2, '0')}${String((i % 12) + 1).padStart(2, '0')}${String((i % 31) + 1).padStart(2, '0')}`;
      const sss = String((i * 7) % 1000).padStart(3, '0');
      for (const born2000 of [false, true]) {
        const number = makeNationalNumber(yymmdd, sss, born2000);
        expect(number).toHaveLength(11);
        expect(checkNationalNumber(number)).toEqual({ valid: true });
      }
    }
  });

  it.each([
    ['a short date', '15031', '123'],
    ['a long serial', '150314', '1234'],
    ['letters', '15o314', '123'],
  ])('refuses to make a number from %s', (_, yymmdd, sss) => {
    expect(() => makeNationalNumber(yymmdd, sss, true)).toThrow();
  });
});

describe('the birth date in a national number', () => {
  it.each([
    [makeNationalNumber('150314', '123', true), '2015-03-14'],
    [makeNationalNumber('850314', '123', false), '1985-03-14'],
    [makeNationalNumber('153314', '123', true), null], // month 33 - 20 = 13: not a date
    [makeNationalNumber('152314', '123', true), '2015-03-14'], // bis number: month + 20
    [makeNationalNumber('150014', '123', true), null], // month unknown
    [makeNationalNumber('150431', '123', true), null], // 31 April
    [makeNationalNumber('150430', '123', true), '2015-04-30'],
    [makeNationalNumber('161231', '123', true), '2016-12-31'],
    [makeNationalNumber('160229', '123', true), '2016-02-29'], // leap year
    [makeNationalNumber('150229', '123', true), null], // not a leap year
    [makeNationalNumber('000229', '123', true), '2000-02-29'], // divisible by 400: leap
    [makeNationalNumber('000229', '123', false), null], // 1900: divisible by 100, not leap
    [makeNationalNumber('150230', '123', true), null],
  ])('%s was born on %s', (digits, expected) => {
    expect(birthDateOf(digits)).toBe(expected);
  });

  it('given an invalid number, then there is no birth date', () => {
    expect(birthDateOf('15031412300')).toBeNull();
  });
});

describe('parsing a national register number typed on a form', () => {
  it.each([
    ['as printed on the card', '85.07.30-033.28'],
    ['with spaces', ' 850730 033 28 '],
    ['as 11 digits', '85073003328'],
  ])('accepts it %s and keeps the 11 digits', (_, typed) => {
    expect(TYPED_NATIONAL_NUMBER.test(typed.trim())).toBe(true);
    expect(parseNationalNumber(typed)).toEqual({ valid: true, digits: '85073003328' });
  });

  it.each([
    ['wrong check digits', '85.07.30-033.29', 'check-digits'],
    ['10 digits', '85.07.30-033.2', 'length'],
    ['a slash', '85/07/30-033.28', 'not-digits'],
  ])('refuses %s, with the problem', (_, typed, reason) => {
    expect(parseNationalNumber(typed)).toEqual({ valid: false, reason });
  });
});
