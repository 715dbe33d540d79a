import { Database } from '../../database/database';
import { AttemptSubject, LinkAttemptStore } from '../domain/link-lockout';

export class PgLinkAttemptStore implements LinkAttemptStore {
  constructor(private readonly db: Database) {}

  async failuresSince(subjects: AttemptSubject[], since: Date): Promise<{ kind: AttemptSubject['kind']; at: Date }[]> {
    const { rows } = await this.db.query<{ subject_kind: AttemptSubject['kind']; failed_at: Date }>(
      `SELECT a.subject_kind, a.failed_at
         FROM link_attempts a JOIN unnest($1::text[], $2::bytea[]) AS s(kind, hash) ON a.subject_kind = s.kind AND a.subject_hash = s.hash
        WHERE a.failed_at > $3`,
      [subjects.map((s) => s.kind), subjects.map((s) => s.hash), since],
    );
    return rows.map((r) => ({ kind: r.subject_kind, at: r.failed_at }));
  }

  async recordFailure(subjects: AttemptSubject[], at: Date): Promise<void> {
    await this.db.query(`INSERT INTO link_attempts (subject_kind, subject_hash, failed_at) SELECT * FROM unnest($1::text[], $2::bytea[], $3::timestamptz[])`, [
      subjects.map((s) => s.kind),
      subjects.map((s) => s.hash),
      subjects.map(() => at),
    ]);
  }
}
