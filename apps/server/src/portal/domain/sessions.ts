import { hashSecretToken, isWellFormedToken, newSecretToken } from './secret-tokens';

/** A session ends 15 minutes after its last request, and 12 hours after sign-in whatever happens. */
export const SESSION_IDLE_MS = 15 * 60_000;
export const SESSION_ABSOLUTE_MS = 12 * 3_600_000;
/**
 * A use is written to the database at most this often per session: the other requests only read
 * it (no WAL, no commit flush: the UPDATE on every read halved the portal's throughput, see
 * docs/performance.md). The idle clock can lag by this much, so a session ends at most 10 s
 * before 15 minutes after its real last request, never after.
 */
export const SESSION_TOUCH_EVERY_MS = 10_000;

/** Port: server-side sessions, identified by the SHA-256 of the cookie's value. */
export interface SessionStore {
  create(idHash: Buffer, parentId: string): Promise<void>;
  /**
   * Returns the session's account if the session is still alive (checked with the database
   * clock), and records this use unless one was recorded less than `everyMs` ago.
   */
  touch(idHash: Buffer, idleMs: number, absoluteMs: number, everyMs: number): Promise<string | null>;
  delete(idHash: Buffer): Promise<void>;
  deleteAllOf(parentId: string): Promise<number>;
  /** Removes this account's dead sessions (run at each sign-in, so the table does not grow). */
  sweep(parentId: string, idleMs: number, absoluteMs: number): Promise<void>;
}

export class Sessions {
  constructor(private readonly store: SessionStore) {}

  /** Returns the cookie value: the only place the session id exists in clear. */
  async start(parentId: string): Promise<string> {
    await this.store.sweep(parentId, SESSION_IDLE_MS, SESSION_ABSOLUTE_MS);
    const { token, hash } = newSecretToken();
    await this.store.create(hash, parentId);
    return token;
  }

  async resolve(token: unknown): Promise<string | null> {
    if (!isWellFormedToken(token)) return null;
    return this.store.touch(hashSecretToken(token), SESSION_IDLE_MS, SESSION_ABSOLUTE_MS, SESSION_TOUCH_EVERY_MS);
  }

  async end(token: unknown): Promise<void> {
    if (isWellFormedToken(token)) await this.store.delete(hashSecretToken(token));
  }

  async endAll(parentId: string): Promise<number> {
    return this.store.deleteAllOf(parentId);
  }
}
