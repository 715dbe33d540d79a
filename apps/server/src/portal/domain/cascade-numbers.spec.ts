import { checkCascadeNumbers } from './cascade-numbers';

const forbidden = { serviceNumbers: ['3278150000'], hotlineNumber: '116000' };
const codes = (inputs: Parameters<typeof checkCascadeNumbers>[0]) => {
  const check = checkCascadeNumbers(inputs, forbidden);
  return check.valid ? check.numbers : check.problems.map((p) => `${p.field}:${p.code}`);
};

describe('the cascade numbers rules', () => {
  it('given Belgian numbers typed the national way, then E.164 with country BE', () => {
    expect(codes([{ number: '0470/12.34.56', label: '  Mum,   mobile ' }])).toEqual([{ e164: '+32470123456', country: 'BE', label: 'Mum, mobile' }]);
  });

  it('given a country, then the number is read as that country’s; an international number keeps its own country', () => {
    expect(codes([{ number: '06 12 34 56 78', country: 'fr' }, { number: '+31 6 12345678' }])).toEqual([
      { e164: '+33612345678', country: 'FR', label: '' },
      { e164: '+31612345678', country: 'NL', label: '' },
    ]);
  });

  it.each([
    [[{ number: '12' }], 'numbers[0].number:invalid'],
    [[{ number: '0900 12 345' }], 'numbers[0].number:premium-rate'],
    [[{ number: '+3278150000' }], 'numbers[0].number:service-number'],
    [[{ number: '116 000' }], 'numbers[0].number:hotline'],
    [[{ number: '0470123456', country: 'ZZ' }], 'numbers[0].country:unknown-country'],
    [[{ number: '0470123456', label: 'a\nb' }], 'numbers[0].label:label'],
    [[{ number: '+1 201 555 0123' }], 'numbers[0].number:country-not-allowed'],
    [[{ number: '+881 6 1234 5678' }], 'numbers[0].number:country-not-allowed'],
    [[{ number: '0800 12 345' }], 'numbers[0].number:type-not-allowed'],
    [[{ number: '078 15 12 34' }], 'numbers[0].number:type-not-allowed'],
  ])('given %j, then %s', (inputs, expected) => {
    expect(codes(inputs)).toEqual([expected]);
  });

  it('given the same number twice in two spellings, then the second is a duplicate of position 1', () => {
    const check = checkCascadeNumbers([{ number: '0470 12 34 56' }, { number: '+32 470 12 34 56' }], forbidden);
    expect(check.valid ? [] : check.problems).toEqual([{ field: 'numbers[1].number', code: 'duplicate', message: expect.stringContaining('position 1') }]);
  });

  it('given an operator who allows only Belgian mobiles, then a Belgian landline and a Dutch mobile are refused, each with its own code', () => {
    const check = checkCascadeNumbers([{ number: '0470 12 34 56' }, { number: '02 234 56 78' }, { number: '+31 6 12345678' }], {
      ...forbidden,
      allowedDestinations: { countries: ['BE'], types: ['MOBILE'] },
    });
    expect(check.valid ? [] : check.problems.map((p) => `${p.field}:${p.code}`)).toEqual(['numbers[1].number:type-not-allowed', 'numbers[2].number:country-not-allowed']);
  });

  it('given 7 numbers, then accepted; given 8, then the 8th is refused on its own', () => {
    const numbers = Array.from({ length: 8 }, (_, i) => ({ number: `+3247000000${i}` }));
    expect(codes(numbers.slice(0, 7))).toHaveLength(7);
    expect(codes(numbers)).toEqual(['numbers[7]:too-many']);
  });
});
