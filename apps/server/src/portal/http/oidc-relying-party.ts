import * as client from 'openid-client';
import { OidcConfig } from '../../config/app-config';
import { DecryptionError, Encryptor, sameSecret } from '../../privacy/encryptor';
import { OidcIdentity, OidcSignInError } from '../domain/oidc-sign-in';

/** What the browser carries from /start to /callback (sealed in a cookie): the checks of this one round trip. */
export interface OidcRoundTrip {
  state: string;
  nonce: string;
  codeVerifier: string;
  /** ms since the epoch */
  startedAt: number;
}

/** A parent who takes longer than this at the provider (card reader, app confirmation) starts again. */
export const ROUND_TRIP_MS = 10 * 60_000;
const DISCOVERY_TIMEOUT_SECONDS = 5;
const ROUND_TRIP_AAD = Buffer.from('oidc-round-trip', 'utf8');

/**
 * The relying party, on openid-client: authorization code flow with PKCE (S256), state and nonce;
 * the library checks the ID token (signature against the provider's JWKS, issuer, audience,
 * expiry, nonce) and the userinfo subject. Discovery happens on first use and is kept; a failed
 * discovery is forgotten, so the next sign-in tries again (the portal's local accounts never
 * depend on the provider).
 */
export class OidcRelyingParty {
  private configuration: Promise<client.Configuration> | null = null;

  constructor(readonly settings: OidcConfig) {}

  discover(): Promise<client.Configuration> {
    this.configuration ??= client
      .discovery(new URL(this.settings.issuerUrl), this.settings.clientId, undefined, client.ClientSecretBasic(this.settings.clientSecret), {
        timeout: DISCOVERY_TIMEOUT_SECONDS,
        // Plain http is only accepted for a provider on this machine (checked in environment.ts).
        execute: new URL(this.settings.issuerUrl).protocol === 'http:' ? [client.allowInsecureRequests] : [],
      })
      .catch((error: unknown) => {
        this.configuration = null;
        throw new OidcSignInError('unavailable', `the OpenID Connect provider ${this.settings.issuerUrl} cannot be reached or described itself wrongly: ${describe(error)}`);
      });
    return this.configuration;
  }

  /** The provider's authorization URL for a new round trip, and the checks to keep for its return. */
  async begin(): Promise<{ url: URL; roundTrip: OidcRoundTrip }> {
    const configuration = await this.discover();
    const roundTrip: OidcRoundTrip = { state: client.randomState(), nonce: client.randomNonce(), codeVerifier: client.randomPKCECodeVerifier(), startedAt: Date.now() };
    const url = client.buildAuthorizationUrl(configuration, {
      redirect_uri: this.settings.redirectUri,
      scope: this.settings.scopes,
      state: roundTrip.state,
      nonce: roundTrip.nonce,
      code_challenge: await client.calculatePKCECodeChallenge(roundTrip.codeVerifier),
      code_challenge_method: 'S256',
    });
    return { url, roundTrip };
  }

  /** Completes the round trip from the callback's query string; the identity the provider vouches for. */
  async complete(query: URLSearchParams, roundTrip: OidcRoundTrip | null): Promise<OidcIdentity> {
    const returned = query.get('state');
    if (!roundTrip || Date.now() - roundTrip.startedAt > ROUND_TRIP_MS || returned === null || !sameSecret(returned, roundTrip.state)) {
      throw new OidcSignInError('state', 'the sign-in round trip is unknown, expired or was started in another browser: start again');
    }
    const configuration = await this.discover();
    // The registered redirect URI with the provider's parameters (not the request's own URL, which
    // behind a proxy is not the address the provider sent the parent to).
    const callbackUrl = new URL(this.settings.redirectUri);
    callbackUrl.search = query.toString();
    try {
      const tokens = await client.authorizationCodeGrant(configuration, callbackUrl, {
        pkceCodeVerifier: roundTrip.codeVerifier,
        expectedState: roundTrip.state,
        expectedNonce: roundTrip.nonce,
        idTokenExpected: true,
      });
      const claims = tokens.claims()!;
      let email: unknown = claims.email;
      let emailVerified: unknown = claims.email_verified;
      if (typeof email !== 'string') {
        // Providers put the e-mail claims in the ID token or only in userinfo (as the spec prefers when an access token is issued).
        const info = await client.fetchUserInfo(configuration, tokens.access_token, claims.sub);
        email = info.email;
        emailVerified = info.email_verified;
      }
      return { issuer: claims.iss, subject: claims.sub, email: typeof email === 'string' ? email : null, emailVerified: emailVerified === true };
    } catch (error) {
      throw new OidcSignInError('provider', `the OpenID Connect provider did not confirm the sign-in: ${describe(error)}`);
    }
  }
}

/** The round trip sealed (AES-256-GCM) for its cookie: the browser can neither read the code verifier nor alter any of it. */
export function sealRoundTrip(encryptor: Encryptor, roundTrip: OidcRoundTrip): string {
  const { keyId, sealed } = encryptor.seal(JSON.stringify(roundTrip), ROUND_TRIP_AAD);
  return `${keyId}.${sealed.toString('base64url')}`;
}

/** null when the cookie is missing, malformed, tampered with or sealed with a retired key. */
export function openRoundTrip(encryptor: Encryptor, value: unknown): OidcRoundTrip | null {
  if (typeof value !== 'string' || value.length > 1024) return null;
  const dot = value.indexOf('.');
  if (dot < 1) return null;
  try {
    const parsed = JSON.parse(encryptor.open(value.slice(0, dot), Buffer.from(value.slice(dot + 1), 'base64url'), ROUND_TRIP_AAD).toString('utf8')) as Partial<OidcRoundTrip>;
    const { state, nonce, codeVerifier, startedAt } = parsed;
    if (typeof state !== 'string' || typeof nonce !== 'string' || typeof codeVerifier !== 'string' || typeof startedAt !== 'number') return null;
    return { state, nonce, codeVerifier, startedAt };
  } catch (error) {
    if (error instanceof DecryptionError || error instanceof SyntaxError) return null;
    throw error;
  }
}

/** The library's error, for the log: its code and message (they carry no personal data: no tokens, no claims). */
function describe(error: unknown): string {
  if (error instanceof client.AuthorizationResponseError) return `${error.error}${error.error_description ? ` (${error.error_description})` : ''}`;
  if (error instanceof Error) return `${(error as { code?: string }).code ?? error.name}: ${error.message}`;
  return String(error);
}
