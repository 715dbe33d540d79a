import { Database } from '../../database/database';
import { SessionStore } from '../domain/sessions';

/**
 * The session check of every portal request, as a named prepared statement ($1 the cookie's
 * hash, $2 idle ms, $3 absolute ms, $4 touch-every ms): one statement; the UPDATE only runs (and
 * only then writes) when the recorded use is older than $4. The portal benchmark runs it bare too.
 */
export const SESSION_TOUCH = 'portal-session-touch';
export const SESSION_TOUCH_SQL = `
  WITH live AS (
    SELECT id_hash, parent_id, last_seen_at FROM portal_sessions
     WHERE id_hash = $1
       AND last_seen_at > now() - make_interval(secs => $2::double precision / 1000)
       AND created_at > now() - make_interval(secs => $3::double precision / 1000)
  ), touched AS (
    UPDATE portal_sessions s SET last_seen_at = now()
      FROM live
     WHERE s.id_hash = live.id_hash AND live.last_seen_at <= now() - make_interval(secs => $4::double precision / 1000)
  )
  SELECT parent_id FROM live`;

/** Sessions in PostgreSQL; expiry is decided with the database's clock, in the statement that records the use. */
export class PgSessionStore implements SessionStore {
  constructor(private readonly db: Database) {}

  async create(idHash: Buffer, parentId: string): Promise<void> {
    await this.db.query(`INSERT INTO portal_sessions (id_hash, parent_id) VALUES ($1, $2)`, [idHash, parentId]);
  }

  async touch(idHash: Buffer, idleMs: number, absoluteMs: number, everyMs: number): Promise<string | null> {
    const { rows } = await this.db.prepared<{ parent_id: string }>(
      SESSION_TOUCH,
      SESSION_TOUCH_SQL,
      [idHash, idleMs, absoluteMs, everyMs],
    );
    return rows[0]?.parent_id ?? null;
  }

  async delete(idHash: Buffer): Promise<void> {
    await this.db.query(`DELETE FROM portal_sessions WHERE id_hash = $1`, [idHash]);
  }

  async deleteAllOf(parentId: string): Promise<number> {
    return (await this.db.query(`DELETE FROM portal_sessions WHERE parent_id = $1`, [parentId])).count;
  }

  async sweep(parentId: string, idleMs: number, absoluteMs: number): Promise<void> {
    await this.db.query(
      `DELETE FROM portal_sessions
        WHERE parent_id = $1
          AND (last_seen_at <= now() - make_interval(secs => $2::double precision / 1000)
               OR created_at <= now() - make_interval(secs => $3::double precision / 1000))`,
      [parentId, idleMs, absoluteMs],
    );
  }
}
