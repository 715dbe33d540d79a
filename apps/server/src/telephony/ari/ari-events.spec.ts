import { isPresentationRestricted, legFailureFromCause, usableCallerNumber } from './ari-events';

describe('reading ARI events in the call flow\'s words', () => {
  it.each([
    [17, 'busy'],
    [21, 'rejected'],
    [19, 'no-answer'],
    [1, 'unreachable'],
    [34, 'unreachable'],
    [16, 'failed'],
  ])('a leg that ended with Q.850 cause %i before answering is %s', (cause, result) => {
    expect(legFailureFromCause(cause)).toBe(result);
  });

  it.each([
    ['prohib_passed_screen', true],
    ['prohib', true],
    ['unavailable', true],
    ['allowed_not_screened', false],
    [undefined, false],
  ])('presentation %p is restricted: %p', (pres, restricted) => {
    expect(isPresentationRestricted(pres)).toBe(restricted);
  });

  it.each([
    ['32470000001', '32470000001'],
    ['+32470000001', '+32470000001'],
    ['32470000001,x,suspended', '32470000001'],
    ['"Jan" <32470000001>', '32470000001'],
    ['3247+0000001', '32470000001'],
    ['no-digits-here', null],
    ['anonymous', null],
    ['Anonymous', null],
    ['', null],
    [undefined, null],
  ])('caller number %p is usable as %p', (number, usable) => {
    expect(usableCallerNumber(number)).toBe(usable);
  });
});
