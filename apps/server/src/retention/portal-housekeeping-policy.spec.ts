import { LINK_LOCK_MS, LINK_WINDOW_MS } from '../portal/domain/link-lockout';
import { SESSION_ABSOLUTE_MS, SESSION_IDLE_MS } from '../portal/domain/sessions';
import {
  FAILED_ATTEMPT_RETENTION_HOURS,
  LONGEST_LOCKOUT_LOOKBACK_MS,
  isFailedAttemptExpired,
  isSessionExpired,
  isTokenDead,
  portalHousekeepingCutoffs,
} from './portal-housekeeping-policy';

const now = new Date('2026-03-29T01:30:00Z'); // the night Brussels moves to summer time: the cut-offs are instants, not wall-clock times
const ms = (delta: number) => new Date(now.getTime() + delta);

describe('the portal housekeeping cut-offs', () => {
  it('given now, then failed tries go after 24 hours, sessions after 15 minutes idle or 12 hours, tokens and challenges at expiry', () => {
    expect(portalHousekeepingCutoffs(now)).toEqual({
      failedAttemptsBefore: new Date('2026-03-28T01:30:00Z'),
      sessionsIdleSince: new Date('2026-03-29T01:15:00Z'),
      sessionsCreatedBefore: new Date('2026-03-28T13:30:00Z'),
      expiredAtOrBefore: now,
    });
  });

  it('given the lock-outs, then a failed try is kept longer than any of them looks back (linking: 2 hours)', () => {
    expect(LONGEST_LOCKOUT_LOOKBACK_MS).toBe(LINK_WINDOW_MS + LINK_LOCK_MS);
    expect(FAILED_ATTEMPT_RETENTION_HOURS * 3_600_000).toBeGreaterThan(LONGEST_LOCKOUT_LOOKBACK_MS);
    expect(isFailedAttemptExpired(ms(-LONGEST_LOCKOUT_LOOKBACK_MS), now)).toBe(false);
  });

  it('given a failed try exactly 24 hours old, then it stays; a millisecond older, it goes', () => {
    expect(isFailedAttemptExpired(ms(-24 * 3_600_000), now)).toBe(false);
    expect(isFailedAttemptExpired(ms(-24 * 3_600_000 - 1), now)).toBe(true);
    expect(isFailedAttemptExpired(ms(-1), now)).toBe(false);
  });

  it('given a session, then it goes exactly when the session check stops accepting it: idle 15 minutes, or 12 hours old', () => {
    const fresh = ms(-60_000);
    expect(isSessionExpired({ createdAt: fresh, lastSeenAt: fresh }, now)).toBe(false);
    expect(isSessionExpired({ createdAt: ms(-3_600_000), lastSeenAt: ms(-SESSION_IDLE_MS + 1) }, now)).toBe(false);
    expect(isSessionExpired({ createdAt: ms(-3_600_000), lastSeenAt: ms(-SESSION_IDLE_MS) }, now)).toBe(true);
    expect(isSessionExpired({ createdAt: ms(-SESSION_ABSOLUTE_MS + 1), lastSeenAt: fresh }, now)).toBe(false);
    expect(isSessionExpired({ createdAt: ms(-SESSION_ABSOLUTE_MS), lastSeenAt: fresh }, now)).toBe(true);
  });

  it('given a mailed token, then it goes once used or expired, and not a millisecond before', () => {
    expect(isTokenDead({ expiresAt: ms(1), usedAt: null }, now)).toBe(false);
    expect(isTokenDead({ expiresAt: now, usedAt: null }, now)).toBe(true);
    expect(isTokenDead({ expiresAt: ms(3_600_000), usedAt: ms(-1) }, now)).toBe(true);
    expect(isTokenDead({ expiresAt: ms(3_600_000), usedAt: now }, now)).toBe(true);
    // Used "after now" only happens when the job runs with a clock behind the database's: kept until the next run.
    expect(isTokenDead({ expiresAt: ms(3_600_000), usedAt: ms(1) }, now)).toBe(false);
  });
});
