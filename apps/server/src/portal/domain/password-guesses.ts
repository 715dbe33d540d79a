import { createHash } from 'node:crypto';
import { PortalError } from './portal-error';

/**
 * Wrong passwords counted per account, whatever address they come from (the per-address rate
 * limit alone lets a botnet guess one parent's password from thousands of addresses): 10 wrong
 * passwords for one login within a 15-minute window refuse every password try for that login until
 * the window ends. Short on purpose: an attacker can hold a parent's password sign-in shut for at
 * most 15 minutes per 10 guesses they spend, and a password reset (mailed to the parent) opens it
 * at once. Counted by the login's keyed hash, known or not, so the lock says nothing about whether
 * an account exists.
 */
export const PASSWORD_GUESSES = { maxFailures: 10, windowMs: 15 * 60_000 } as const;

/** Port: counts in a shared store (PostgreSQL: every app process sees the same). */
export interface GuessCounter {
  /** Hits in the key's open window (0 when none). */
  hits(key: string): Promise<number>;
  /** One more hit; the first opens a window of `windowMs`. */
  add(key: string, windowMs: number): Promise<void>;
  clear(key: string): Promise<void>;
}

export class PasswordGuesses {
  constructor(private readonly counter: GuessCounter) {}

  async assertOpen(loginHash: Buffer): Promise<void> {
    if ((await this.counter.hits(keyOf(loginHash))) >= PASSWORD_GUESSES.maxFailures) {
      throw new PortalError('rate-limited', 'too many wrong passwords for this address: wait up to 15 minutes, or reset the password');
    }
  }

  async failed(loginHash: Buffer): Promise<void> {
    await this.counter.add(keyOf(loginHash), PASSWORD_GUESSES.windowMs);
  }

  /** A password reset proved the parent reads the mail: their sign-in opens at once. */
  async reset(loginHash: Buffer): Promise<void> {
    await this.counter.clear(keyOf(loginHash));
  }
}

function keyOf(loginHash: Buffer): string {
  return createHash('sha256').update('password-guesses\0').update(loginHash).digest('hex');
}
