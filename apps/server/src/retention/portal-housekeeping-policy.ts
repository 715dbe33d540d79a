/**
 * How long the portal's short-lived security records are kept, as pure functions of `now`: the
 * daily housekeeping (portal-housekeeping.ts) deletes what is older. Each record is useless past
 * its cut-off: the rule that reads it has stopped looking, so deleting it changes no answer.
 */
import { LINK_LOCK_MS, LINK_WINDOW_MS } from '../portal/domain/link-lockout';
import { SESSION_ABSOLUTE_MS, SESSION_IDLE_MS } from '../portal/domain/sessions';
import { SECOND_FACTOR_LOCKOUT } from '../portal/domain/totp';

const HOUR_MS = 3_600_000;

/**
 * Failed tries (linking a child, second-factor codes) are kept a day: the lock-outs look back
 * at most window + lock (2 hours for linking, 30 minutes for codes), the day leaves a margin.
 */
export const FAILED_ATTEMPT_RETENTION_HOURS = 24;

export interface PortalHousekeepingCutoffs {
  /** link_attempts and second_factor_failures with failed_at before this go. */
  failedAttemptsBefore: Date;
  /** Sessions last used at or before this are past the idle limit (the session check refuses them). */
  sessionsIdleSince: Date;
  /** Sessions begun at or before this are past the absolute limit. */
  sessionsCreatedBefore: Date;
  /** Mailed tokens and second-factor challenges expiring at or before this are dead, and tokens and recovery codes used by then. */
  expiredAtOrBefore: Date;
}

export function portalHousekeepingCutoffs(now: Date): PortalHousekeepingCutoffs {
  const t = now.getTime();
  return {
    failedAttemptsBefore: new Date(t - FAILED_ATTEMPT_RETENTION_HOURS * HOUR_MS),
    sessionsIdleSince: new Date(t - SESSION_IDLE_MS),
    sessionsCreatedBefore: new Date(t - SESSION_ABSOLUTE_MS),
    expiredAtOrBefore: now,
  };
}

/** The longest look-back of a lock-out: the failed-attempt retention must cover it. */
export const LONGEST_LOCKOUT_LOOKBACK_MS = Math.max(LINK_WINDOW_MS + LINK_LOCK_MS, SECOND_FACTOR_LOCKOUT.windowMs + SECOND_FACTOR_LOCKOUT.lockMs);

/** A failed try still counted by a lock-out at `now` is never older than the cut-off. */
export function isFailedAttemptExpired(failedAt: Date, now: Date): boolean {
  return failedAt < portalHousekeepingCutoffs(now).failedAttemptsBefore;
}

/** The same rule as the session check (sessions.ts, pg-session-store.ts touch): expired once idle 15 min or 12 h old. */
export function isSessionExpired(session: { createdAt: Date; lastSeenAt: Date }, now: Date): boolean {
  const c = portalHousekeepingCutoffs(now);
  return session.lastSeenAt <= c.sessionsIdleSince || session.createdAt <= c.sessionsCreatedBefore;
}

/** A mailed token is dead once used or expired (the token check wants `used_at IS NULL AND expires_at > now`). */
export function isTokenDead(token: { expiresAt: Date; usedAt: Date | null }, now: Date): boolean {
  const cutoff = portalHousekeepingCutoffs(now).expiredAtOrBefore;
  return (token.usedAt !== null && token.usedAt <= cutoff) || token.expiresAt <= cutoff;
}
