import { checkDestination, DEFAULT_DESTINATION_POLICY, DestinationCheck, DestinationPolicy } from './allowed-destinations';

const verdict = (check: DestinationCheck) => (check.allowed ? 'allowed' : `refused: ${check.reason}`);

describe('the numbers the service may dial', () => {
  it.each([
    ['a Belgian mobile', '+32470123456', 'allowed'],
    ['a Belgian landline', '+3222345678', 'allowed'],
    ['a Dutch mobile', '+31612345678', 'allowed'],
    ['a German landline', '+4930123456', 'allowed'],
    ['a UK mobile', '+447400123456', 'allowed'],
    ['a Swiss mobile', '+41781234567', 'allowed'],
    ['a Swiss landline', '+41211234567', 'allowed'],
    ['an Icelandic landline (EEA)', '+3545511234', 'allowed'],
    ['a Belgian premium-rate 0900 number', '+3290012345', 'refused: type'],
    ['a Belgian premium-rate 070 number', '+3270245245', 'refused: type'],
    ['a French premium-rate 08 number', '+33812345678', 'refused: type'],
    ['a UK premium-rate 087 number', '+448712345678', 'refused: type'],
    ['a Swiss premium-rate 0900 number', '+41900123456', 'refused: type'],
    ['a Belgian 078 (UAN) number', '+3278151234', 'refused: type'],
    ['a Belgian toll-free 0800 number', '+3280012345', 'refused: type'],
    ['a UK personal number (070)', '+447012345678', 'refused: type'],
    ['a UK 03 non-geographic number', '+443001234567', 'refused: type'],
    ['a US number (FIXED_LINE_OR_MOBILE, but not Europe)', '+12015550123', 'refused: country'],
    ['a Canadian number', '+14165550123', 'refused: country'],
    ['a Moroccan mobile', '+212612345678', 'refused: country'],
    ['a Jersey landline (shares +44, not the UK)', '+441534123456', 'refused: country'],
    ['a satellite phone (+881)', '+881612345678', 'refused: country'],
    ['an international network (+883)', '+883510012345', 'refused: country'],
    ['an international toll-free number (+800)', '+80012345678', 'refused: country'],
    ['a number too short for its country', '+32800123', 'refused: invalid'],
    ['no number at all', 'anonymous', 'refused: invalid'],
  ])('given the default policy and %s (%s), then %s', (_what, number, expected) => {
    expect(verdict(checkDestination(number, DEFAULT_DESTINATION_POLICY))).toBe(expected);
  });

  it('given an operator who allows only Belgian mobiles, then a Belgian landline and a Dutch mobile are refused', () => {
    const policy: DestinationPolicy = { countries: ['BE'], types: ['MOBILE'] };
    expect([ '+32470123456', '+3222345678', '+31612345678'].map((n) => verdict(checkDestination(n, policy)))).toEqual(['allowed', 'refused: type', 'refused: country']);
  });

  it('given an operator who allows the US and FIXED_LINE_OR_MOBILE, then a US number is allowed', () => {
    const policy: DestinationPolicy = { countries: ['US'], types: ['FIXED_LINE_OR_MOBILE'] };
    expect(verdict(checkDestination('+12015550123', policy))).toBe('allowed');
  });

  it('given an operator who allows every allowable type, then premium-rate is still refused', () => {
    const policy: DestinationPolicy = { countries: ['BE'], types: ['MOBILE', 'FIXED_LINE', 'TOLL_FREE', 'UAN', 'SHARED_COST', 'VOIP'] };
    expect(verdict(checkDestination('+3290012345', policy))).toBe('refused: type');
    expect(verdict(checkDestination('+3280012345', policy))).toBe('allowed');
  });
});
