import { Database } from '../../database/database';
import type { AnnouncementResult } from '../../telephony/announcement/announcement-machine';
import { AttemptSubject } from '../domain/link-lockout';
import { CascadeToTest, CodeCallTarget, CodeRequester, ParentCallsStore, StoredCheckView } from '../domain/parent-calls';
import { audit } from './pg-parent-children-store';

/**
 * The cascade of a child linked to the parent ($1 parent, $2 child): no row when they are not
 * linked, null cascade columns when the child has no cascade; its numbers as JSON objects of
 * `numberColumns`, in call order, and `also` selected beside.
 */
function linkedCascade(numberColumns: string[], also: string): string {
  const number = numberColumns.map((column) => `'${column}', n.${column}`).join(', ');
  return `SELECT c.id AS cascade_id, ${also},
                 COALESCE((SELECT json_agg(json_build_object(${number}) ORDER BY n.position)
                             FROM cascade_numbers n WHERE n.cascade_id = c.id), '[]'::json) AS numbers
            FROM parent_children pc LEFT JOIN cascades c ON c.child_id = pc.child_id
           WHERE pc.parent_id = $1 AND pc.child_id = $2`;
}

export class PgParentCallsStore implements ParentCallsStore {
  constructor(private readonly db: Database) {}

  async cascadeToTest(parentId: string, childId: string): Promise<{ cascade: CascadeToTest | null } | null> {
    const { rows } = await this.db.query<{ cascade_id: string | null; language: CascadeToTest['language'] | null; numbers: { position: number; e164: string }[] }>(
      linkedCascade(['position', 'e164'], 'c.language'),
      [parentId, childId],
    );
    const row = rows[0];
    if (!row) return null;
    return { cascade: row.cascade_id ? { cascadeId: row.cascade_id, language: row.language!, numbers: row.numbers } : null };
  }

  async beginTest(cascadeId: string, parentId: string, notBefore: Date, firstPosition: number): Promise<string | null> {
    return this.db.transaction(async (tx) => {
      // The cascade's row lock: two requests at once start one test.
      await tx.query(`SELECT 1 FROM cascades WHERE id = $1 FOR UPDATE`, [cascadeId]);
      const recent = await tx.query(`SELECT 1 FROM cascade_tests WHERE cascade_id = $1 AND started_at > $2`, [cascadeId, notBefore]);
      if (recent.rows.length > 0) return null;
      const { rows } = await tx.query<{ id: string }>(`INSERT INTO cascade_tests (cascade_id, current_position) VALUES ($1, $2) RETURNING id`, [cascadeId, firstPosition]);
      await audit(tx, parentId, 'cascade.test-started', cascadeId, {});
      return rows[0].id;
    });
  }

  async testProgress(testId: string, position: number): Promise<void> {
    await this.db.query(`UPDATE cascade_tests SET current_position = $2 WHERE id = $1`, [testId, position]);
  }

  async recordCheck(cascadeId: string, e164: string, result: AnnouncementResult, at: Date): Promise<void> {
    // By number, not position: the parent may have reordered the list while the test ran.
    await this.db.query(
      `UPDATE cascade_numbers SET last_check_at = $3, last_check_result = $4,
              last_verified_at = CASE WHEN $4 = 'confirmed' THEN $3 ELSE last_verified_at END
        WHERE cascade_id = $1 AND e164 = $2`,
      [cascadeId, e164, at, result],
    );
  }

  async finishTest(testId: string): Promise<void> {
    await this.db.query(`UPDATE cascade_tests SET finished_at = now(), current_position = NULL WHERE id = $1`, [testId]);
  }

  async checkView(parentId: string, childId: string): Promise<StoredCheckView | null> {
    const { rows } = await this.db.query<{
      cascade_id: string | null;
      test: { started_at: string; finished_at: string | null; current_position: number | null } | null;
      numbers: { position: number; e164: string; label: string; last_verified_at: string | null; last_check_at: string | null; last_check_result: AnnouncementResult | null }[];
    }>(
      linkedCascade(
        ['position', 'e164', 'label', 'last_verified_at', 'last_check_at', 'last_check_result'],
        `(SELECT row_to_json(t) FROM (SELECT started_at, finished_at, current_position FROM cascade_tests
                                       WHERE cascade_id = c.id ORDER BY started_at DESC LIMIT 1) t) AS test`,
      ),
      [parentId, childId],
    );
    const row = rows[0];
    if (!row) return null;
    const date = (v: string | null) => (v === null ? null : new Date(v));
    return {
      test: row.test && { startedAt: new Date(row.test.started_at), finishedAt: date(row.test.finished_at), currentPosition: row.test.current_position },
      numbers: row.numbers.map((n) => ({
        position: n.position,
        e164: n.e164,
        label: n.label,
        lastVerifiedAt: date(n.last_verified_at),
        lastCheckAt: date(n.last_check_at),
        lastCheckResult: n.last_check_result,
      })),
    };
  }

  async admitCodeRequest(
    subjects: AttemptSubject[],
    requester: CodeRequester,
    at: Date,
    since: Date,
    allow: (recent: { kind: AttemptSubject['kind'] }[]) => boolean,
  ): Promise<boolean> {
    return this.db.transaction(async (tx) => {
      // One request per subject at a time (locks in a fixed order: no deadlock between two).
      const keys = subjects.map((s) => `code-request:${s.kind}:${s.hash.toString('hex')}`).sort();
      for (const key of keys) await tx.lockForTransaction(key);
      const { rows } = await tx.query<{ subject_kind: AttemptSubject['kind'] }>(
        `SELECT r.subject_kind FROM code_call_requests r JOIN unnest($1::text[], $2::bytea[]) AS s(kind, hash) ON r.subject_kind = s.kind AND r.subject_hash = s.hash
          WHERE r.requested_at > $3`,
        [subjects.map((s) => s.kind), subjects.map((s) => s.hash), since],
      );
      if (!allow(rows.map((r) => ({ kind: r.subject_kind })))) return false;
      // Only the rate limit needs these rows, and only for a day.
      await tx.query(`DELETE FROM code_call_requests WHERE requested_at < $1`, [new Date(at.getTime() - 2 * 24 * 3_600_000)]);
      await tx.query(`INSERT INTO code_call_requests (subject_kind, subject_hash, requested_at) SELECT * FROM unnest($1::text[], $2::bytea[], $3::timestamptz[])`, [
        subjects.map((s) => s.kind),
        subjects.map((s) => s.hash),
        subjects.map(() => at),
      ]);
      // The account (or "by phone") asked; which child it asked about is not written anywhere.
      await tx.query(
        `INSERT INTO audit_events (actor_kind, actor_id, action, subject_kind, subject_id, details) VALUES ('parent', $1, 'code.call-requested', 'code-request', NULL, $2::jsonb)`,
        requester.kind === 'account' ? [requester.parentId, '{}'] : [null, JSON.stringify({ by: 'phone' })],
      );
      return true;
    });
  }

  async codeCallTarget(nationalNumberHashes: Buffer[]): Promise<CodeCallTarget | null> {
    const { rows } = await this.db.query<{ cascade_id: string; child_hash: Buffer; e164: string; language: CodeCallTarget['language']; encryption_key_id: string; sealed: Buffer }>(
      `SELECT c.id AS cascade_id, ch.national_number_hash AS child_hash, n.e164, c.language, k.encryption_key_id, k.sealed
         FROM children ch
         JOIN cascades c ON c.child_id = ch.id AND c.status = 'active' AND c.suspended_at IS NULL
         JOIN LATERAL (SELECT e164 FROM cascade_numbers WHERE cascade_id = c.id ORDER BY position LIMIT 1) n ON true
         JOIN LATERAL (SELECT encryption_key_id, sealed FROM cards WHERE child_id = ch.id ORDER BY issued_on DESC, seq DESC LIMIT 1) k ON true
        WHERE ch.national_number_hash = ANY($1::bytea[])
        ORDER BY array_position($1::bytea[], ch.national_number_hash) LIMIT 1`,
      [nationalNumberHashes],
    );
    const row = rows[0];
    if (!row || !row.sealed || !row.encryption_key_id) return null;
    return { cascadeId: row.cascade_id, childHash: row.child_hash, firstNumber: row.e164, language: row.language, card: { keyId: row.encryption_key_id, sealed: row.sealed } };
  }

  async auditCodeCall(cascadeId: string, result: AnnouncementResult): Promise<void> {
    await this.db.query(
      `INSERT INTO audit_events (actor_kind, actor_id, action, subject_kind, subject_id, details) VALUES ('system', 'code-call', 'code.call-placed', 'cascade', $1, $2::jsonb)`,
      [cascadeId, JSON.stringify({ result })],
    );
  }
}
