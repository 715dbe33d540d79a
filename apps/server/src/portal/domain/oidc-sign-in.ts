import { randomUUID } from 'node:crypto';
import { Encryptor } from '../../privacy/encryptor';
import { Pseudonymizer } from '../../privacy/pseudonymizer';
import { accountAad, normalizeEmail } from './accounts';

/** Who the provider says signed in, after the relying party validated the ID token (and read userinfo). */
export interface OidcIdentity {
  issuer: string;
  subject: string;
  /** From the provider's `email` claim; null when it gave none. */
  email: string | null;
  /** The provider's `email_verified` claim: only `true` counts. */
  emailVerified: boolean;
}

/** Port: identities at OpenID Connect providers and the accounts they belong to. */
export interface OidcIdentityStore {
  /**
   * The account of this identity (and records its use), or null. `subjectHashes`: under the
   * current pseudonym key first, then (during a rotation) the previous one; an identity found
   * under the previous key is stored under the current one from then on.
   */
  findParent(issuer: string, subjectHashes: Buffer[]): Promise<string | null>;
  /**
   * In one transaction: a parent account without a password, its address verified, and the
   * identity pointing at it. 'login-taken' when an account already has this address (nothing
   * created); the existing account's id when the identity was created meanwhile (a double click).
   */
  createParent(account: { id: string; loginHash: Buffer; keyId: string; sealed: Buffer; issuer: string; subjectHash: Buffer }): Promise<'created' | 'login-taken' | { existing: string }>;
}

/**
 * Why a sign-in with the provider did not end in a session. The HTTP edge sends the parent back to
 * the sign-in page with this reason, which the page explains in the parent's language.
 */
export type OidcRefusal =
  /** The round trip's state is missing, expired, tampered with, or from another browser. */
  | 'state'
  /** The provider refused or failed (the parent cancelled, or a token/ID token check failed). */
  | 'provider'
  /** The provider cannot be reached (discovery failed). */
  | 'unavailable'
  /** No e-mail address the provider vouches for: an account cannot be created. */
  | 'email-unverified'
  /** A local account already uses this address: it is not taken over by the provider's identity. */
  | 'account-exists';

export class OidcSignInError extends Error {
  constructor(
    readonly reason: OidcRefusal,
    message: string,
  ) {
    super(message);
    this.name = 'OidcSignInError';
  }
}

/**
 * Parent accounts behind an OpenID Connect provider. An identity (issuer + subject) maps to one
 * account; the first sign-in creates it from the provider's verified e-mail address, without a
 * password. An existing local account with the same address is never taken over: taking it over
 * would hand the account (and its children's cascades) to whoever controls the provider identity,
 * and the address is the only thing tying the two together. The parent is told to sign in with
 * their password instead. (Telling them an account exists reveals nothing: the provider has
 * just vouched that they own the address.)
 */
export class OidcAccounts {
  constructor(
    private readonly store: OidcIdentityStore,
    private readonly pseudonymizer: Pseudonymizer,
    private readonly encryptor: Encryptor,
  ) {}

  /** Returns the account id to start a session for. */
  async signIn(identity: OidcIdentity): Promise<string> {
    const subjectHashes = this.pseudonymizer.hashes('oidc-subject', identity.subject);
    const subjectHash = subjectHashes[0];
    const known = await this.store.findParent(identity.issuer, subjectHashes);
    if (known) return known;

    if (!identity.emailVerified || !identity.email || !identity.email.includes('@')) {
      throw new OidcSignInError('email-unverified', 'the provider did not give a verified e-mail address, which a new account needs');
    }
    const email = normalizeEmail(identity.email);
    const id = randomUUID();
    // The same sealed record as a local account's, so the profile, mails and export read it alike.
    const { keyId, sealed } = this.encryptor.seal(JSON.stringify({ email }), accountAad(id));
    const outcome = await this.store.createParent({ id, loginHash: this.pseudonymizer.hash('parent-login', email), keyId, sealed, issuer: identity.issuer, subjectHash });
    if (outcome === 'created') return id;
    if (outcome === 'login-taken') {
      throw new OidcSignInError('account-exists', 'an account already uses this e-mail address: sign in with its password (it is not joined to the provider\'s identity automatically)');
    }
    return outcome.existing;
  }
}
