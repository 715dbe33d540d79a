import type { ThrottlerStorage } from '@nestjs/throttler';
import { Database } from '../../database/database';
import { GuessCounter } from '../domain/password-guesses';

const PURGE_EVERY_MS = 10 * 60_000;

type ThrottlerStorageRecord = Awaited<ReturnType<ThrottlerStorage['increment']>>;

/**
 * The throttler's counts in PostgreSQL (portal_rate_limits): every app process behind the proxy
 * counts into the same window, and a restart resets nothing. A fixed window per key: the first hit
 * opens it for `ttl`, each hit adds one in a single upsert (no read-then-write race), and the
 * client is refused while the window holds more hits than the limit. The clock is the database's.
 * The key is the throttler's SHA-256 of the route and the client address. Windows that ended are
 * deleted as the store goes, at most every PURGE_EVERY_MS per process.
 */
export class PgRateLimitStore implements ThrottlerStorage, GuessCounter {
  private lastPurge = 0;

  constructor(
    private readonly db: Database,
    private readonly now: () => number = Date.now,
  ) {}

  async increment(key: string, ttl: number, limit: number): Promise<ThrottlerStorageRecord> {
    if (this.now() - this.lastPurge >= PURGE_EVERY_MS) {
      this.lastPurge = this.now();
      await this.db.query(`DELETE FROM portal_rate_limits WHERE expires_at < now()`);
    }
    const { rows } = await this.db.prepared<{ hits: number; ms_left: number }>(
      'portal-rate-limit-hit',
      `INSERT INTO portal_rate_limits AS r (key, hits, expires_at) VALUES ($1, 1, now() + $2 * interval '1 millisecond')
       ON CONFLICT (key) DO UPDATE SET
         hits = CASE WHEN r.expires_at <= now() THEN 1 ELSE r.hits + 1 END,
         expires_at = CASE WHEN r.expires_at <= now() THEN now() + $2 * interval '1 millisecond' ELSE r.expires_at END
       RETURNING hits, GREATEST(0, EXTRACT(EPOCH FROM (expires_at - now())) * 1000)::float8 AS ms_left`,
      [key, ttl],
    );
    const { hits, ms_left: msLeft } = rows[0];
    const secondsLeft = Math.max(1, Math.ceil(msLeft / 1000));
    return { totalHits: hits, timeToExpire: secondsLeft, isBlocked: hits > limit, timeToBlockExpire: hits > limit ? secondsLeft : 0 };
  }

  async hits(key: string): Promise<number> {
    const { rows } = await this.db.query<{ hits: number }>(`SELECT hits FROM portal_rate_limits WHERE key = $1 AND expires_at > now()`, [key]);
    return rows[0]?.hits ?? 0;
  }

  async add(key: string, windowMs: number): Promise<void> {
    await this.increment(key, windowMs, Number.MAX_SAFE_INTEGER);
  }

  async clear(key: string): Promise<void> {
    await this.db.query(`DELETE FROM portal_rate_limits WHERE key = $1`, [key]);
  }
}
