import { addYears, isCardValid } from './card-validity';

describe('card validity (three years from the creation date)', () => {
  it.each([
    ['2023-05-10', '2026-05-09', true],
    ['2023-05-10', '2026-05-10', false],
    ['2023-05-10', '2026-05-11', false],
    ['2024-02-29', '2027-02-28', true],
    ['2024-02-29', '2027-03-01', false],
  ])('a card issued on %s is valid on %s: %s', (issuedOn, today, valid) => {
    expect(isCardValid(issuedOn, today)).toBe(valid);
  });

  it('adds years across a leap day', () => {
    expect(addYears('2024-02-29', 4)).toBe('2028-02-29');
  });
});
