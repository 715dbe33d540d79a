import { randomUUID } from 'node:crypto';
import { Encryptor } from '../../privacy/encryptor';
import { Pseudonymizer } from '../../privacy/pseudonymizer';
import { Language } from '../../languages';
import { mailText } from './mail-texts';
import { Mailer } from './mailer';
import { PasswordGuesses } from './password-guesses';
import { PasswordHasher, checkPassword } from './passwords';
import { PortalError } from './portal-error';
import { hashSecretToken, isWellFormedToken, newSecretToken } from './secret-tokens';

export type TokenPurpose = 'verify-email' | 'reset-password';

export const TOKEN_LIFETIME_MS: Record<TokenPurpose, number> = { 'verify-email': 24 * 3_600_000, 'reset-password': 3_600_000 };

export interface StoredAccount {
  id: string;
  passwordHash: string | null;
  emailVerifiedAt: Date | null;
  createdAt: Date;
  lastSeenAt: Date | null;
  keyId: string | null;
  sealed: Buffer | null;
}

/** Port: parent accounts and their one-time tokens. */
export interface AccountStore {
  /** false when the login hash is taken. */
  create(account: { id: string; loginHash: Buffer; passwordHash: string; keyId: string; sealed: Buffer }): Promise<boolean>;
  findByLogin(loginHash: Buffer): Promise<StoredAccount | null>;
  findById(id: string): Promise<StoredAccount | null>;
  markVerified(id: string): Promise<void>;
  setPassword(id: string, passwordHash: string): Promise<void>;
  noteSignIn(id: string): Promise<void>;
  issueToken(parentId: string, purpose: TokenPurpose, tokenHash: Buffer, expiresAt: Date): Promise<void>;
  /** Marks the token used and returns its account, if it exists, is unused, unexpired and of this purpose. */
  consumeToken(tokenHash: Buffer, purpose: TokenPurpose): Promise<string | null>;
  /** The account of a usable token, without spending it. */
  peekToken(tokenHash: Buffer, purpose: TokenPurpose): Promise<string | null>;
}

export interface AccountProfile {
  id: string;
  email: string;
  emailVerified: boolean;
  createdAt: string;
}

/** The sign-in identifier as compared: trimmed, lower case. */
export function normalizeEmail(email: string): string {
  return email.trim().toLowerCase();
}

const WRONG_CREDENTIALS = 'wrong e-mail address or password';

/**
 * Local accounts: e-mail + password. The address is stored as a keyed hash (look-up) and sealed
 * (read back to send mail); it never reaches a log. Registration answers the same whether or not
 * the address already has an account (the owner is told by mail instead), and sign-in spends the
 * same time on an unknown address as on a wrong password.
 */
export class AccountService {
  constructor(
    private readonly store: AccountStore,
    private readonly hasher: PasswordHasher,
    private readonly mailer: Mailer,
    private readonly pseudonymizer: Pseudonymizer,
    private readonly encryptor: Encryptor,
    private readonly publicUrl: string,
    /** The language of mail when the request names none. */
    private readonly defaultLanguage: Language = 'en',
    /** Wrong passwords per login (none: unlimited, for unit tests of other rules). */
    private readonly guesses: PasswordGuesses | null = null,
  ) {}

  /** `language`: the page's language, for the mail. */
  async register(rawEmail: string, password: string, language?: Language): Promise<void> {
    const email = normalizeEmail(rawEmail);
    const problem = checkPassword(password, email);
    if (problem) throw PortalError.invalid([problem]);
    const id = randomUUID();
    const passwordHash = await this.hasher.hash(password);
    const { keyId, sealed } = this.encryptor.seal(JSON.stringify({ email }), accountAad(id));
    const created = await this.store.create({ id, loginHash: this.loginHash(email), passwordHash, keyId, sealed });
    if (created) {
      await this.sendToken(id, email, 'verify-email', language);
    } else {
      await this.mailer.send({ to: email, ...mailText('already-registered', language ?? this.defaultLanguage) });
    }
  }

  async verifyEmail(token: string): Promise<void> {
    const parentId = await this.consume(token, 'verify-email');
    await this.store.markVerified(parentId);
  }

  async resendVerification(parentId: string, language?: Language): Promise<void> {
    const account = await this.store.findById(parentId);
    if (!account || account.emailVerifiedAt) return;
    await this.sendToken(parentId, this.emailOf(account), 'verify-email', language);
  }

  /** Returns the account id; one message for an unknown address and a wrong password. */
  async signIn(rawEmail: string, password: string): Promise<string> {
    const email = normalizeEmail(rawEmail);
    const loginHash = this.loginHash(email);
    await this.guesses?.assertOpen(loginHash);
    const account = await this.findByEmail(email);
    if (!account || !account.passwordHash) {
      await this.hasher.burn(password);
      await this.guesses?.failed(loginHash);
      throw new PortalError('unauthenticated', WRONG_CREDENTIALS);
    }
    if (!(await this.hasher.verify(account.passwordHash, password))) {
      await this.guesses?.failed(loginHash);
      throw new PortalError('unauthenticated', WRONG_CREDENTIALS);
    }
    if (!account.emailVerifiedAt) {
      throw new PortalError('email-not-verified', 'confirm your e-mail address first: follow the link we sent you (or reset your password to get a new one)');
    }
    await this.store.noteSignIn(account.id);
    return account.id;
  }

  /** Always succeeds from the caller's side: whether the address has an account is not revealed. */
  async requestPasswordReset(rawEmail: string, language?: Language): Promise<void> {
    const email = normalizeEmail(rawEmail);
    const account = await this.findByEmail(email);
    if (account) await this.sendToken(account.id, email, 'reset-password', language);
  }

  /** Sets a new password; the address counts as verified (the parent proved they read its mail). Returns the account id. */
  async resetPassword(token: string, password: string): Promise<string> {
    if (!isWellFormedToken(token)) throw invalidToken();
    const tokenHash = hashSecretToken(token);
    const parentId = await this.store.peekToken(tokenHash, 'reset-password');
    const account = parentId ? await this.store.findById(parentId) : null;
    if (!parentId || !account) throw invalidToken();
    // Checked before the token is spent, so a refused password can be retried from the same link.
    const problem = checkPassword(password, this.emailOf(account));
    if (problem) throw PortalError.invalid([problem]);
    if ((await this.store.consumeToken(tokenHash, 'reset-password')) !== parentId) throw invalidToken();
    await this.store.setPassword(parentId, await this.hasher.hash(password));
    await this.store.markVerified(parentId);
    await this.guesses?.reset(this.loginHash(normalizeEmail(this.emailOf(account))));
    return parentId;
  }

  async profile(parentId: string): Promise<AccountProfile> {
    const account = await this.store.findById(parentId);
    if (!account) throw new PortalError('unauthenticated', 'sign in first');
    return { id: account.id, email: this.emailOf(account), emailVerified: account.emailVerifiedAt !== null, createdAt: account.createdAt.toISOString() };
  }

  emailOf(account: StoredAccount): string {
    if (!account.sealed || !account.keyId) return '';
    return (JSON.parse(this.encryptor.open(account.keyId, account.sealed, accountAad(account.id)).toString('utf8')) as { email: string }).email;
  }

  /** During a pseudonym key rotation, an account not rehashed yet is found under the previous key. */
  private async findByEmail(email: string): Promise<StoredAccount | null> {
    const account = await this.store.findByLogin(this.loginHash(email));
    const previous = account ? null : this.pseudonymizer.previousHash('parent-login', email);
    return account ?? (previous ? this.store.findByLogin(previous) : null);
  }

  private loginHash(email: string): Buffer {
    return this.pseudonymizer.hash('parent-login', email);
  }

  private async consume(token: string, purpose: TokenPurpose): Promise<string> {
    if (!isWellFormedToken(token)) throw invalidToken();
    const parentId = await this.store.consumeToken(hashSecretToken(token), purpose);
    if (!parentId) throw invalidToken();
    return parentId;
  }

  private async sendToken(parentId: string, email: string, purpose: TokenPurpose, language = this.defaultLanguage): Promise<void> {
    const { token, hash } = newSecretToken();
    await this.store.issueToken(parentId, purpose, hash, new Date(Date.now() + TOKEN_LIFETIME_MS[purpose]));
    // In the fragment: the browser never sends it, so it reaches no server or proxy log and no
    // Referer; the page reads it and posts it.
    const link = `${this.publicUrl}/${purpose}#token=${token}`;
    await this.mailer.send({ to: email, ...mailText(purpose, language, link), link });
  }
}

/** Binds a sealed contact record to its account row. */
export function accountAad(parentId: string): Buffer {
  return Buffer.from(`parent-account\0${parentId}`, 'utf8');
}

function invalidToken(): PortalError {
  return new PortalError('token-invalid', 'this link is invalid, already used or expired: ask for a new one');
}
