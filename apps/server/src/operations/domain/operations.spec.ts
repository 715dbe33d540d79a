import { callerNumberForms, OperationError, parseDuration } from './operations';

describe('an operator\'s durations', () => {
  it.each([
    ['1m', 60_000],
    ['30m', 1_800_000],
    ['12h', 43_200_000],
    ['7d', 604_800_000],
    ['366d', 366 * 86_400_000],
  ])('given %p, then it lasts %p ms', (text, ms) => {
    expect(parseDuration(text)).toBe(ms);
  });

  it.each(['0m', '367d', '2 weeks', '12', 'h', '-1h', '1.5h', ''])('given %p, then it is refused with what to type', (text) => {
    expect(() => parseDuration(text)).toThrow(OperationError);
    expect(() => parseDuration(text)).toThrow(/30m, 12h or 7d/);
  });
});

describe('a caller number typed by an operator', () => {
  it.each([
    ['+32 470 12 34 56', ['32470123456', '+32470123456']],
    ['32470123456', ['32470123456', '+32470123456']],
    ['0470.12.34.56', ['0470123456', '+0470123456']],
  ])('given %p, then both forms the trunk may deliver are matched: %p', (typed, forms) => {
    expect(callerNumberForms(typed)).toEqual(forms);
  });

  it.each(['', 'anonymous', '12', '+1234567890123456', '32 470 abc'])('given %p, then it is refused', (typed) => {
    expect(() => callerNumberForms(typed)).toThrow(/3 to 15 digits/);
  });
});
