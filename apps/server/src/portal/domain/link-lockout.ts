import { createHash } from 'node:crypto';
import type { Pseudonymizer } from '../../privacy/pseudonymizer';
import { PortalError } from './portal-error';

export const LINK_MAX_FAILURES = 5;
export const LINK_WINDOW_MS = 3_600_000;
export const LINK_LOCK_MS = 3_600_000;

/**
 * What a failed try (or a code request) is counted against: the national number typed (keyed
 * hash) and the account, or on the parents' line the caller's number (keyed hash).
 */
export interface AttemptSubject {
  kind: 'national-number' | 'account' | 'caller';
  hash: Buffer;
}

/** Port: the failed tries (hashes and times only). */
export interface LinkAttemptStore {
  failuresSince(subjects: AttemptSubject[], since: Date): Promise<{ kind: AttemptSubject['kind']; at: Date }[]>;
  recordFailure(subjects: AttemptSubject[], at: Date): Promise<void>;
}

/** `maxFailures` failed tries within `windowMs` lock further tries for `lockMs` from the last of them. */
export interface LockoutRule {
  maxFailures: number;
  windowMs: number;
  lockMs: number;
}

export const LINK_LOCKOUT: LockoutRule = { maxFailures: LINK_MAX_FAILURES, windowMs: LINK_WINDOW_MS, lockMs: LINK_LOCK_MS };

/**
 * The lock-out rule, pure: once 5 tries failed within an hour, further tries are refused for an
 * hour from the 5th. Refused tries are not recorded, so the lock ends an hour after it began.
 * (Other counts and durations: `rule`, e.g. the second factor's.)
 */
export function lockedUntil(failures: Date[], now: Date, rule: LockoutRule = LINK_LOCKOUT): Date | null {
  const times = failures.map((d) => d.getTime()).sort((a, b) => a - b);
  let until: number | null = null;
  for (let i = rule.maxFailures - 1; i < times.length; i += 1) {
    if (times[i] - times[i - rule.maxFailures + 1] <= rule.windowMs) {
      const end = times[i] + rule.lockMs;
      if (until === null || end > until) until = end;
    }
  }
  return until !== null && until > now.getTime() ? new Date(until) : null;
}

export function accountSubject(parentId: string): AttemptSubject {
  return { kind: 'account', hash: createHash('sha256').update(`account\0${parentId}`).digest() };
}

/** A caller on the parents' line, by the digits of the number (the same line with or without its '+' is one caller). */
export function callerSubject(pseudonymizer: Pick<Pseudonymizer, 'hash'>, callerNumber: string): AttemptSubject {
  return { kind: 'caller', hash: pseudonymizer.hash('caller', callerNumber.replace(/\D/g, '')) };
}

/** Guards every check of a contact code (linking a child, re-activating a blocked cascade, the parents' line). */
export class LinkLockout {
  constructor(
    private readonly store: LinkAttemptStore,
    private readonly now: () => Date = () => new Date(),
  ) {}

  async assertOpen(subjects: AttemptSubject[]): Promise<void> {
    const now = this.now();
    const failures = await this.store.failuresSince(subjects, new Date(now.getTime() - LINK_WINDOW_MS - LINK_LOCK_MS));
    for (const kind of ['national-number', 'account', 'caller'] as const) {
      if (lockedUntil(failures.filter((f) => f.kind === kind).map((f) => f.at), now)) {
        throw new PortalError('link-locked', `too many wrong tries: linking is paused for an hour (at most ${LINK_MAX_FAILURES} wrong tries per hour for one number or one account)`);
      }
    }
  }

  async recordFailure(subjects: AttemptSubject[]): Promise<void> {
    await this.store.recordFailure(subjects, this.now());
  }
}
