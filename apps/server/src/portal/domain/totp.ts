import { randomBytes } from 'node:crypto';
import { Secret, TOTP } from 'otpauth';
import { Encryptor } from '../../privacy/encryptor';
import { Pseudonymizer } from '../../privacy/pseudonymizer';
import { AccountService, AccountStore } from './accounts';
import { LockoutRule, lockedUntil } from './link-lockout';
import { PasswordHasher } from './passwords';
import { PortalError } from './portal-error';
import { hashSecretToken, isWellFormedToken, newSecretToken } from './secret-tokens';

/** RFC 6238 as every authenticator app reads it: SHA-1, 6 digits, 30-second steps. */
export const TOTP_SETTINGS = { issuer: 'Allo Parents', algorithm: 'SHA1', digits: 6, period: 30 } as const;
/** Codes of the previous and the next step are accepted too (clock drift, typing time). */
export const TOTP_WINDOW = 1;
export const RECOVERY_CODE_COUNT = 8;
/** Between the password and the code: long enough to open the app, short enough to be useless later. */
export const CHALLENGE_LIFETIME_MS = 5 * 60_000;
/** Wrong codes (sign-in, turning TOTP off) per account: 5 within 15 minutes pause code checks for 15 minutes. */
export const SECOND_FACTOR_LOCKOUT: LockoutRule = { maxFailures: 5, windowMs: 15 * 60_000, lockMs: 15 * 60_000 };

export interface StoredTotp {
  keyId: string;
  sealed: Buffer;
  confirmedAt: Date | null;
  lastUsedStep: number | null;
}

/** Port: TOTP secrets, recovery codes (hashed), sign-in challenges (hashed) and wrong codes. */
export interface TotpStore {
  find(parentId: string): Promise<StoredTotp | null>;
  /** Starts (or restarts) an enrolment; false when TOTP is already on for this account. */
  savePending(parentId: string, keyId: string, sealed: Buffer): Promise<boolean>;
  /** Turns the pending enrolment on, with `step` used and these recovery codes; false if none is pending. */
  confirm(parentId: string, step: number, recoveryCodeHashes: Buffer[]): Promise<boolean>;
  /** Records `step` as used if it comes after the last used one, atomically: false is a replay. */
  useStep(parentId: string, step: number): Promise<boolean>;
  /** Spends an unused recovery code: false if there is none with this hash. */
  useRecoveryCode(parentId: string, codeHash: Buffer): Promise<boolean>;
  recoveryCodesLeft(parentId: string): Promise<number>;
  /** Replaces every recovery code (used or not) with these, while TOTP is on: false if it is not. */
  replaceRecoveryCodes(parentId: string, recoveryCodeHashes: Buffer[]): Promise<boolean>;
  /** Turns TOTP off: the secret, the recovery codes and the pending challenges go. */
  remove(parentId: string): Promise<void>;
  createChallenge(tokenHash: Buffer, parentId: string, expiresAt: Date): Promise<void>;
  /** The account of an unexpired challenge. */
  challengeOwner(tokenHash: Buffer): Promise<string | null>;
  deleteChallenge(tokenHash: Buffer): Promise<void>;
  failuresSince(parentId: string, since: Date): Promise<Date[]>;
  recordFailure(parentId: string, at: Date): Promise<void>;
}

/** Port: what the second factor needs to know of the account (local accounts only: they have a password). */
export interface LocalAccounts {
  /** The label shown in the authenticator app (the e-mail address), or null when the account has no password. */
  localLabel(parentId: string): Promise<string | null>;
  verifyPassword(parentId: string, password: string): Promise<boolean>;
}

export interface TotpStatus {
  enabled: boolean;
  /** An enrolment was started and waits for its first code. */
  pending: boolean;
  recoveryCodesLeft: number;
}

export interface TotpEnrolment {
  /** base32, for typing into the app by hand. */
  secret: string;
  /** otpauth://totp/… (what the QR code holds). */
  uri: string;
}

const RECOVERY_ALPHABET = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ234567';

/** 10 base32 characters (50 random bits), shown as XXXXX-XXXXX. */
export function newRecoveryCode(): string {
  const bytes = randomBytes(10);
  const chars = [...bytes].map((b) => RECOVERY_ALPHABET[b & 31]).join('');
  return `${chars.slice(0, 5)}-${chars.slice(5)}`;
}

/** What the parent typed, as compared: a 6-digit TOTP code, a recovery code, or nothing we issue. */
export function readCode(input: string): { kind: 'totp'; code: string } | { kind: 'recovery'; code: string } | null {
  const compact = input.replace(/[\s-]/g, '').toUpperCase();
  if (/^\d{6}$/.test(compact)) return { kind: 'totp', code: compact };
  if (/^[A-Z2-7]{10}$/.test(compact)) return { kind: 'recovery', code: compact };
  return null;
}

/** The time step a valid code belongs to (`now` ± TOTP_WINDOW), or null. Pure, for tests and for the service. */
export function matchingStep(secretBase32: string, code: string, now: Date): number | null {
  const timestamp = now.getTime();
  const delta = TOTP.validate({ token: code, secret: Secret.fromBase32(secretBase32), ...TOTP_SETTINGS, timestamp, window: TOTP_WINDOW });
  return delta === null ? null : TOTP.counter({ period: TOTP_SETTINGS.period, timestamp }) + delta;
}

const WRONG_CODE = 'this code is wrong, expired or already used: type the current code from your app, or one of your recovery codes';

/**
 * The optional second factor of local accounts (RFC 6238, via otpauth). The secret is generated
 * here, sealed at rest, and required only once a first code confirmed that the app has it. Each
 * accepted code's time step is recorded, so a code (or an earlier one) never works twice. Wrong
 * codes are counted per account (SECOND_FACTOR_LOCKOUT), on top of the per-address rate limit.
 * Recovery codes are single use and stored as keyed hashes.
 */
export class TotpService {
  constructor(
    private readonly store: TotpStore,
    private readonly accounts: LocalAccounts,
    private readonly encryptor: Encryptor,
    private readonly pseudonymizer: Pseudonymizer,
    private readonly now: () => Date = () => new Date(),
  ) {}

  async status(parentId: string): Promise<TotpStatus> {
    const totp = await this.store.find(parentId);
    const enabled = Boolean(totp?.confirmedAt);
    return { enabled, pending: Boolean(totp && !totp.confirmedAt), recoveryCodesLeft: enabled ? await this.store.recoveryCodesLeft(parentId) : 0 };
  }

  async isEnabled(parentId: string): Promise<boolean> {
    return Boolean((await this.store.find(parentId))?.confirmedAt);
  }

  /** A new secret, pending until confirmed; starting again replaces a pending one. */
  async startEnrolment(parentId: string): Promise<TotpEnrolment> {
    const label = await this.accounts.localLabel(parentId);
    if (label === null) throw new PortalError('conflict', 'a second factor is for accounts that sign in with a password');
    const secret = new Secret({ size: 20 }).base32;
    const { keyId, sealed } = this.encryptor.seal(secret, totpAad(parentId));
    if (!(await this.store.savePending(parentId, keyId, sealed))) {
      throw new PortalError('conflict', 'two-step sign-in is already on: turn it off first to set up another app');
    }
    return { secret, uri: this.uri(secret, label) };
  }

  /** The pending enrolment's otpauth:// URI (for the QR code); never once TOTP is on. */
  async pendingUri(parentId: string): Promise<string> {
    const totp = await this.store.find(parentId);
    const label = await this.accounts.localLabel(parentId);
    if (!totp || totp.confirmedAt || label === null) throw PortalError.notFound('two-step sign-in being set up');
    return this.uri(this.secretOf(parentId, totp), label);
  }

  /** The first code turns TOTP on; returns the recovery codes, shown this once. */
  async confirmEnrolment(parentId: string, input: string): Promise<string[]> {
    const totp = await this.store.find(parentId);
    if (!totp || totp.confirmedAt) throw new PortalError('conflict', 'no two-step sign-in is being set up: start again');
    const read = readCode(input);
    const step = read?.kind === 'totp' ? matchingStep(this.secretOf(parentId, totp), read.code, this.now()) : null;
    if (step === null) throw PortalError.invalid([{ field: 'code', code: 'wrong-code', message: 'this code is wrong or expired: type the code your app shows now' }]);
    const codes = Array.from({ length: RECOVERY_CODE_COUNT }, newRecoveryCode);
    if (!(await this.store.confirm(parentId, step, codes.map((code) => this.recoveryHash(parentId, code))))) {
      throw new PortalError('conflict', 'no two-step sign-in is being set up: start again');
    }
    return codes;
  }

  /** After the right password of an account with TOTP on: the token the code step must bring back. */
  async startSignIn(parentId: string): Promise<string> {
    const { token, hash } = newSecretToken();
    await this.store.createChallenge(hash, parentId, new Date(this.now().getTime() + CHALLENGE_LIFETIME_MS));
    return token;
  }

  /** The code step of a sign-in: returns the account id; the challenge is spent on success only. */
  async completeSignIn(challenge: unknown, input: string): Promise<string> {
    const hash = isWellFormedToken(challenge) ? hashSecretToken(challenge) : null;
    const parentId = hash ? await this.store.challengeOwner(hash) : null;
    if (!hash || !parentId) throw new PortalError('unauthenticated', 'this sign-in has expired (5 minutes): enter your e-mail address and password again');
    await this.checkCode(parentId, input);
    await this.store.deleteChallenge(hash);
    return parentId;
  }

  /**
   * New recovery codes, replacing every earlier one (the old ones stop working): shown this once.
   * Needs a current code from the app, not a recovery code — whoever holds the old sheet must not
   * be able to mint a new one, and the parent proves they still have the phone.
   */
  async regenerateRecoveryCodes(parentId: string, input: string): Promise<string[]> {
    if (!(await this.isEnabled(parentId))) throw new PortalError('conflict', 'two-step sign-in is not on');
    if (readCode(input)?.kind === 'recovery') {
      throw PortalError.invalid([{ field: 'code', code: 'app-code-needed', message: 'type the current code from your authenticator app: a recovery code cannot make new recovery codes' }]);
    }
    await this.checkCode(parentId, input);
    const codes = Array.from({ length: RECOVERY_CODE_COUNT }, newRecoveryCode);
    if (!(await this.store.replaceRecoveryCodes(parentId, codes.map((code) => this.recoveryHash(parentId, code))))) {
      throw new PortalError('conflict', 'two-step sign-in is not on');
    }
    return codes;
  }

  /** Needs the password and a code (or a recovery code): a stolen session alone cannot remove the factor. */
  async disable(parentId: string, password: string, input: string): Promise<void> {
    if (!(await this.isEnabled(parentId))) throw new PortalError('conflict', 'two-step sign-in is not on');
    if (!(await this.accounts.verifyPassword(parentId, password))) {
      throw PortalError.invalid([{ field: 'password', code: 'wrong-password', message: 'this is not your password' }]);
    }
    await this.checkCode(parentId, input);
    await this.store.remove(parentId);
  }

  private async checkCode(parentId: string, input: string): Promise<void> {
    const now = this.now();
    const failures = await this.store.failuresSince(parentId, new Date(now.getTime() - SECOND_FACTOR_LOCKOUT.windowMs - SECOND_FACTOR_LOCKOUT.lockMs));
    if (lockedUntil(failures, now, SECOND_FACTOR_LOCKOUT)) {
      throw new PortalError('rate-limited', 'too many wrong codes: codes are refused for 15 minutes (at most 5 wrong codes in 15 minutes)');
    }
    const totp = await this.store.find(parentId);
    if (!totp?.confirmedAt) throw new PortalError('unauthenticated', 'two-step sign-in is not on for this account: sign in again');
    if (!(await this.accepts(parentId, totp, input, now))) {
      await this.store.recordFailure(parentId, now);
      throw PortalError.invalid([{ field: 'code', code: 'wrong-code', message: WRONG_CODE }]);
    }
  }

  private async accepts(parentId: string, totp: StoredTotp, input: string, now: Date): Promise<boolean> {
    const read = readCode(input);
    if (!read) return false;
    if (read.kind === 'recovery') {
      if (await this.store.useRecoveryCode(parentId, this.recoveryHash(parentId, read.code))) return true;
      // Codes given before a pseudonym key rotation keep working while the previous key is set.
      const previous = this.pseudonymizer.previousHash('recovery-code', recoveryInput(parentId, read.code));
      return previous ? this.store.useRecoveryCode(parentId, previous) : false;
    }
    const step = matchingStep(this.secretOf(parentId, totp), read.code, now);
    return step !== null && this.store.useStep(parentId, step);
  }

  private secretOf(parentId: string, totp: StoredTotp): string {
    return this.encryptor.open(totp.keyId, totp.sealed, totpAad(parentId)).toString('utf8');
  }

  private uri(secret: string, label: string): string {
    return new TOTP({ ...TOTP_SETTINGS, label, secret: Secret.fromBase32(secret) }).toString();
  }

  private recoveryHash(parentId: string, code: string): Buffer {
    return this.pseudonymizer.hash('recovery-code', recoveryInput(parentId, code));
  }
}

/** Binds a sealed TOTP secret to its account. */
/** What a recovery code's keyed hash is made of: the account and the code as typed, without spaces or dashes. */
function recoveryInput(parentId: string, code: string): string {
  return `${parentId}\0${code.replace(/[\s-]/g, '').toUpperCase()}`;
}

export function totpAad(parentId: string): Buffer {
  return Buffer.from(`parent-totp\0${parentId}`, 'utf8');
}

/** LocalAccounts from the account store: local means "has a password" (not an OpenID Connect account). */
export class PasswordAccounts implements LocalAccounts {
  constructor(
    private readonly store: AccountStore,
    private readonly hasher: PasswordHasher,
    private readonly accounts: AccountService,
  ) {}

  async localLabel(parentId: string): Promise<string | null> {
    const account = await this.store.findById(parentId);
    return account?.passwordHash ? this.accounts.emailOf(account) : null;
  }

  async verifyPassword(parentId: string, password: string): Promise<boolean> {
    const account = await this.store.findById(parentId);
    if (!account?.passwordHash) {
      await this.hasher.burn(password);
      return false;
    }
    return this.hasher.verify(account.passwordHash, password);
  }
}
