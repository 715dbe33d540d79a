import { decide, StoredCascade } from './finder-lookup';

const active: StoredCascade = {
  cascadeId: 'c1',
  status: 'active',
  language: 'nl',
  latestCardIssuedOn: '2025-01-01',
  legs: [
    { position: 2, number: '+32470000002' },
    { position: 1, number: '+32470000001' },
  ],
  childFirstName: null,
};

describe('deciding whether a cascade may ring', () => {
  it.each([
    ['exactly three years ago (the card no longer valid)', '2023-11-24'],
    ['3 years and 6 months ago, the last day its record is kept', '2023-05-24'],
  ])('given a card issued %s, then its cascade still rings', (_, issuedOn) => {
    expect(decide({ ...active, latestCardIssuedOn: issuedOn }, '2026-11-24')).toMatchObject({ kind: 'found' });
  });

  it('given an active cascade with a valid card, then its legs come back in position order', () => {
    const result = decide(active, '2026-11-24');
    expect(result).toMatchObject({ kind: 'found', language: 'nl' });
    expect(result.kind === 'found' && result.legs.map((l) => l.position)).toEqual([1, 2]);
  });

  it.each([
    ['no cascade', null, 'unknown'],
    ['a draft', { ...active, status: 'draft' as const }, 'draft'],
    ['a blocked cascade', { ...active, status: 'blocked' as const }, 'blocked'],
    ['a cascade its parents paused (numbers and a valid card, as when it was active)', { ...active, status: 'paused' as const }, 'paused'],
    ['a card issued 3 years, 6 months and a day ago (its record is due for deletion)', { ...active, latestCardIssuedOn: '2023-05-23' }, 'expired'],
    ['no card at all', { ...active, latestCardIssuedOn: null }, 'expired'],
    ['no numbers', { ...active, legs: [] }, 'no-numbers'],
  ])('given %s, then the cascade is unavailable (%s)', (_, stored, reason) => {
    expect(decide(stored, '2026-11-24')).toEqual({ kind: 'unavailable', reason });
  });
});
