import { birthDateOf, checkNationalNumber, makeNationalNumber } from '../../cascades/domain/national-number';
import { Pseudonymizer } from '../../privacy/pseudonymizer';
import { daysBetween, nationalNumbersBornOn } from './pseudonym-rotation';

describe('the national numbers of one birth date (the pseudonym rotation tries them all)', () => {
  it('given a day in 2019, then every number is valid, born that day, unique, and the three month forms times 998 serials are there', () => {
    const numbers = nationalNumbersBornOn('2019-05-04');
    expect(numbers).toHaveLength(3 * 998);
    expect(new Set(numbers).size).toBe(numbers.length);
    for (const nn of numbers) {
      expect(checkNationalNumber(nn)).toEqual({ valid: true });
      expect(birthDateOf(nn)).toBe('2019-05-04');
    }
    expect(numbers).toContain(makeNationalNumber('190504', '001', true));
    expect(numbers).toContain(makeNationalNumber('192504', '500', true));
    expect(numbers).toContain(makeNationalNumber('194504', '998', true));
  });

  it('given a day before 2000, then the check digits are those of the 1900s', () => {
    expect(nationalNumbersBornOn('1999-12-31')).toContain(makeNationalNumber('991231', '123', false));
    expect(nationalNumbersBornOn('1999-12-31')).not.toContain(makeNationalNumber('991231', '123', true));
  });

  it('given a range over a leap day, then every day is there once, in order', () => {
    expect([...daysBetween('2020-02-27', '2020-03-01')]).toEqual(['2020-02-27', '2020-02-28', '2020-02-29', '2020-03-01']);
    expect([...daysBetween('2020-03-02', '2020-03-01')]).toEqual([]);
  });
});

describe('the pseudonymizer during a key rotation', () => {
  const current = Buffer.alloc(32, 1);
  const previous = Buffer.alloc(32, 2);

  it('given a previous key, then a value has two hashes, the current key\'s first, each equal to what that key alone makes', () => {
    const rotating = new Pseudonymizer(current, previous);
    expect(rotating.rotating).toBe(true);
    expect(rotating.hashes('national-number', '19050412345')).toEqual([
      new Pseudonymizer(current).hash('national-number', '19050412345'),
      new Pseudonymizer(previous).hash('national-number', '19050412345'),
    ]);
  });

  it('given no previous key, then a value has one hash and no previous one', () => {
    const plain = new Pseudonymizer(current);
    expect(plain.rotating).toBe(false);
    expect(plain.hashes('caller', '32470123456')).toHaveLength(1);
    expect(plain.previousHash('caller', '32470123456')).toBeNull();
  });

  it('given a short previous key, then it refuses to start', () => {
    expect(() => new Pseudonymizer(current, Buffer.alloc(16))).toThrow(/previous pseudonym key must be at least 32 bytes/);
  });
});
