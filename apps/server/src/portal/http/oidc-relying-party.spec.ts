import { Encryptor } from '../../privacy/encryptor';
import { OidcRelyingParty, OidcRoundTrip, ROUND_TRIP_MS, openRoundTrip, sealRoundTrip } from './oidc-relying-party';

describe('the OpenID Connect round trip kept in a sealed cookie', () => {
  const encryptor = new Encryptor({ current: 'k1', keys: { k1: Buffer.alloc(32, 5) } });
  const roundTrip: OidcRoundTrip = { state: 'state-value', nonce: 'nonce-value', codeVerifier: 'verifier-value-that-stays-secret', startedAt: 1_700_000_000_000 };

  it('given a sealed round trip, then it opens to the same checks, and the cookie shows none of them', () => {
    const cookie = sealRoundTrip(encryptor, roundTrip);
    expect(cookie).toMatch(/^k1\.[\w-]+$/);
    expect(cookie).not.toContain('verifier');
    expect(Buffer.from(cookie.slice(3), 'base64url').toString('latin1')).not.toContain('state-value');
    expect(openRoundTrip(encryptor, cookie)).toEqual(roundTrip);
  });

  it.each([
    ['missing', undefined],
    ['not sealed', 'k1.eyJzdGF0ZSI6IngifQ'],
    ['of an unknown key', 'k9.AAAA'],
    ['without a key id', 'AAAA'],
  ])('given a cookie %s, then there is no round trip', (_, value) => {
    expect(openRoundTrip(encryptor, value)).toBeNull();
  });

  it('given one altered character, then there is no round trip', () => {
    const cookie = sealRoundTrip(encryptor, roundTrip);
    const last = cookie.length - 5;
    const altered = `${cookie.slice(0, last)}${cookie[last] === 'A' ? 'B' : 'A'}${cookie.slice(last + 1)}`;
    expect(openRoundTrip(encryptor, altered)).toBeNull();
  });

  it('given a callback without a round trip, with another state, or after 10 minutes, then it is refused as state before the provider is asked anything', async () => {
    // An issuer nothing listens on: reaching discovery would fail as 'unavailable', not 'state'.
    const party = new OidcRelyingParty({ issuerUrl: 'http://127.0.0.1:1', clientId: 'c', clientSecret: 's', displayName: 'X', scopes: 'openid email', redirectUri: 'http://127.0.0.1:3000/cb' });
    const fresh = { ...roundTrip, startedAt: Date.now() };
    const reason = (query: string, trip: OidcRoundTrip | null) => party.complete(new URLSearchParams(query), trip).then(() => null, (error: { reason: string }) => error.reason);
    expect(await reason('code=c&state=state-value', null)).toBe('state');
    expect(await reason('code=c&state=another', fresh)).toBe('state');
    expect(await reason('code=c', fresh)).toBe('state');
    expect(await reason('code=c&state=state-value', { ...fresh, startedAt: Date.now() - ROUND_TRIP_MS - 1 })).toBe('state');
    expect(await reason('code=c&state=state-value', fresh)).toBe('unavailable');
  });
});
