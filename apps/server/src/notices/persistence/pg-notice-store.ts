import { Connection, Database } from '../../database/database';
import { Language } from '../../languages';
import { ServiceMode } from '../../service-mode/domain/service-mode';
import { ClaimedNotice, NoticePreferences, NoticeStore, NoticeSweepSession, RecordedNotice } from '../domain/notice-store';
import { CARD_VALIDITY_MONTHS } from '../../cascades/domain/card-validity';
import { CascadeStatus } from '../../cascades/domain/cascade-status';
import { CARD_RECORD_RETENTION_MONTHS } from '../../retention/retention-policy';
import { ChildFacts, DELETION_NOTICE_DAYS, MANDATORY_NOTICE_KINDS, DueNotice, NoticeDetails, NoticeKind, SwitchAudience, SwitchChange, UNVERIFIED_NUMBER_MONTHS, noticeKey } from '../domain/notices';

/** The sweep's advisory lock: one instance sweeps at a time. */
export const NOTICES_LOCK = 'alloparents:notices-sweep';

/** A few days of slack on the SQL pre-filters: the domain decides to the day. */
const SLACK_DAYS = 3;

type FactsRow = {
  parent_id: string;
  child_id: string;
  cascade_id: string;
  status: CascadeStatus;
  blocked_reason: string | null;
  inactive_since: Date | null;
  activated_at: Date | null;
  test_running: boolean;
  card_id: string | null;
  issued_on: string | null;
  numbers: { id: string; position: number; lastVerifiedAt: string | null; lastCheckAt: string | null; lastCheckResult: string | null }[];
};

const date = (value: string | null): Date | null => (value === null ? null : new Date(value));

class PgNoticeSweepSession implements NoticeSweepSession {
  constructor(private readonly on: Connection) {}

  async childFacts(today: string, now: Date): Promise<ChildFacts[]> {
    // Links (account, child) with a notice that may be due and is not recorded yet for that
    // account, the kinds it turned off left out: blocked since a time no notice covers; the
    // newest card past its validity, or its record deleted within DELETION_NOTICE_DAYS; a number
    // that failed a check or went unconfirmed since the last notice about it. The bounds are
    // loose by SLACK_DAYS: the domain decides to the day, and the unique key has the last word.
    const { rows } = await this.on.query<FactsRow>(
      `SELECT pc.parent_id, pc.child_id, c.id AS cascade_id, c.status, c.blocked_reason, c.inactive_since, c.activated_at,
              EXISTS (SELECT 1 FROM cascade_tests t WHERE t.cascade_id = c.id AND t.finished_at IS NULL AND t.started_at > $4::timestamptz - interval '1 hour') AS test_running,
              k.id AS card_id, k.issued_on::text AS issued_on,
              COALESCE((SELECT json_agg(json_build_object('id', n.id, 'position', n.position, 'lastVerifiedAt', n.last_verified_at,
                                                          'lastCheckAt', n.last_check_at, 'lastCheckResult', n.last_check_result) ORDER BY n.position)
                          FROM cascade_numbers n WHERE n.cascade_id = c.id), '[]'::json) AS numbers
         FROM parent_children pc
         JOIN cascades c ON c.child_id = pc.child_id
         LEFT JOIN notice_preferences p ON p.parent_id = pc.parent_id
         LEFT JOIN LATERAL (SELECT id, issued_on FROM cards WHERE child_id = c.child_id ORDER BY issued_on DESC, seq DESC LIMIT 1) k ON true
        WHERE (c.status = 'blocked'
               AND NOT EXISTS (SELECT 1 FROM notices_sent s WHERE s.parent_id = pc.parent_id AND s.kind = 'cascade-blocked' AND s.cascade_id = c.id AND s.created_at >= c.inactive_since))
           OR (c.status = 'active' AND k.issued_on <= ($1::date - make_interval(months => $2::int))::date + $3::int
               AND NOT ('card-expired' = ANY (COALESCE(p.disabled_kinds, '{}')))
               AND NOT EXISTS (SELECT 1 FROM notices_sent s WHERE s.parent_id = pc.parent_id AND s.kind = 'card-expired' AND s.card_id = k.id))
           OR (k.issued_on <= ($1::date + ($6::int + $3::int) - make_interval(months => $7::int))::date
               AND NOT ('deletion-soon' = ANY (COALESCE(p.disabled_kinds, '{}')))
               AND NOT EXISTS (SELECT 1 FROM notices_sent s WHERE s.parent_id = pc.parent_id AND s.kind = 'deletion-soon' AND s.cascade_id = c.id AND s.card_id = k.id))
           OR (c.status = 'active'
               AND NOT ('number-check' = ANY (COALESCE(p.disabled_kinds, '{}')))
               AND EXISTS (
                 SELECT 1 FROM cascade_numbers n
                  WHERE n.cascade_id = c.id
                    -- Not yet covered: no check notice about the cascade recorded since this number's
                    -- problem began (a sweep then saw it, and the domain told every number's).
                    AND ((n.last_check_result IS NOT NULL AND n.last_check_result <> 'confirmed' AND (n.last_verified_at IS NULL OR n.last_verified_at < n.last_check_at)
                          AND NOT EXISTS (SELECT 1 FROM notices_sent s WHERE s.parent_id = pc.parent_id AND s.kind = 'number-check' AND s.cascade_id = c.id AND s.created_at >= n.last_check_at))
                      OR (COALESCE(n.last_verified_at, c.activated_at) < $4::timestamptz - make_interval(months => $5::int) + make_interval(days => $3::int)
                          AND NOT EXISTS (SELECT 1 FROM notices_sent s WHERE s.parent_id = pc.parent_id AND s.kind = 'number-check' AND s.cascade_id = c.id
                                                                         AND s.created_at >= COALESCE(n.last_verified_at, c.activated_at) + make_interval(months => $5::int) - make_interval(days => $3::int))))))`,
      [today, CARD_VALIDITY_MONTHS, SLACK_DAYS, now.toISOString(), UNVERIFIED_NUMBER_MONTHS, DELETION_NOTICE_DAYS, CARD_RECORD_RETENTION_MONTHS],
    );
    return rows.map((r) => ({
      parentId: r.parent_id,
      childId: r.child_id,
      cascade: {
        id: r.cascade_id,
        status: r.status,
        blockedReason: r.blocked_reason,
        inactiveSince: r.inactive_since,
        activatedAt: r.activated_at,
        testRunning: r.test_running,
        numbers: r.numbers.map((n) => ({ id: n.id, position: n.position, lastVerifiedAt: date(n.lastVerifiedAt), lastCheckAt: date(n.lastCheckAt), lastCheckResult: n.lastCheckResult })),
      },
      newestCard: r.card_id && r.issued_on ? { id: r.card_id, issuedOn: r.issued_on } : null,
    }));
  }

  async latestSwitchChange(): Promise<SwitchChange | null> {
    // The switch's changes are audited in the same transaction as the change itself. Ordered by
    // the table's bigint id, not the text selected under the same name ('99' > '100' as text).
    const { rows } = await this.on.query<{ id: string; action: string; at: Date }>(
      `SELECT e.id::text AS id, e.action, e.at FROM audit_events e
        WHERE e.subject_kind = 'service' AND e.subject_id IS NULL AND e.action IN ('service.suspended', 'service.resumed')
        ORDER BY e.id DESC LIMIT 1`,
    );
    const row = rows[0];
    if (!row) return null;
    const mode: ServiceMode = row.action === 'service.suspended' ? 'suspended' : 'normal';
    return { eventId: row.id, mode, at: row.at };
  }

  async switchAudience(): Promise<SwitchAudience[]> {
    const { rows } = await this.on.query<{ parent_id: string; told: boolean }>(
      `SELECT p.parent_id,
              EXISTS (SELECT 1 FROM notices_sent s WHERE s.parent_id = p.parent_id AND s.kind = 'service-switch' AND s.occurrence = 'suspended') AS told
         FROM (SELECT DISTINCT pc.parent_id FROM parent_children pc JOIN cascades c ON c.child_id = pc.child_id) p`,
    );
    return rows.map((r) => ({ parentId: r.parent_id, toldOfSuspension: r.told }));
  }

  async disabledKinds(parentIds: readonly string[]): Promise<Map<string, Set<NoticeKind>>> {
    if (parentIds.length === 0) return new Map();
    const { rows } = await this.on.query<{ parent_id: string; disabled_kinds: NoticeKind[] }>(
      `SELECT parent_id, disabled_kinds FROM notice_preferences WHERE parent_id = ANY($1::uuid[]) AND cardinality(disabled_kinds) > 0`,
      [parentIds],
    );
    return new Map(rows.map((r) => [r.parent_id, new Set(r.disabled_kinds)]));
  }

  async recordedKeys(parentIds: readonly string[]): Promise<Set<string>> {
    if (parentIds.length === 0) return new Set();
    const { rows } = await this.on.query<{ parent_id: string; kind: NoticeKind; subject: string; occurrence: string }>(
      `SELECT parent_id, kind, subject, occurrence FROM notices_sent WHERE parent_id = ANY($1::uuid[])`,
      [parentIds],
    );
    return new Set(rows.map((r) => noticeKey({ parentId: r.parent_id, kind: r.kind, subject: r.subject, occurrence: r.occurrence })));
  }

  async record(notices: readonly DueNotice[]): Promise<number> {
    if (notices.length === 0) return 0;
    const column = <K extends keyof DueNotice>(key: K) => notices.map((n) => n[key]);
    // A subject deleted since it was read (a purge in between) is skipped, not a foreign-key error.
    const { count } = await this.on.query(
      `INSERT INTO notices_sent (parent_id, kind, subject, occurrence, child_id, cascade_id, card_id, switch_event_id, details)
       SELECT n.parent_id, n.kind, n.subject, n.occurrence, n.child_id, n.cascade_id, n.card_id, n.switch_event_id, n.details
         FROM unnest($1::uuid[], $2::text[], $3::text[], $4::text[], $5::uuid[], $6::uuid[], $7::uuid[], $8::bigint[], $9::jsonb[])
              AS n(parent_id, kind, subject, occurrence, child_id, cascade_id, card_id, switch_event_id, details)
        WHERE EXISTS (SELECT 1 FROM parent_accounts a WHERE a.id = n.parent_id)
          AND (n.cascade_id IS NULL OR EXISTS (SELECT 1 FROM cascades c WHERE c.id = n.cascade_id))
          AND (n.card_id IS NULL OR EXISTS (SELECT 1 FROM cards k WHERE k.id = n.card_id))
       ON CONFLICT ON CONSTRAINT uq_notices_sent_once DO NOTHING`,
      [
        column('parentId'),
        column('kind'),
        column('subject'),
        column('occurrence'),
        column('childId'),
        column('cascadeId'),
        column('cardId'),
        column('switchEventId'),
        notices.map((n) => JSON.stringify(n.details)),
      ],
    );
    return count;
  }

  async claim(limit: number, afterId: string): Promise<ClaimedNotice[]> {
    const { rows } = await this.on.query<{
      id: string;
      parent_id: string;
      kind: NoticeKind;
      child_id: string | null;
      details: NoticeDetails;
      attempts: number;
      account_key: string | null;
      account_sealed: Buffer | null;
      national_number_hash: Buffer | null;
      card_key: string | null;
      card_sealed: Buffer | null;
      chosen_language: Language | null;
      cascade_language: Language | null;
      turned_off: boolean;
    }>(
      `WITH claimed AS (
         UPDATE notices_sent SET status = 'sending', attempts = attempts + 1
          WHERE id IN (SELECT id FROM notices_sent WHERE status = 'pending' AND id > $2::bigint ORDER BY id LIMIT $1 FOR UPDATE SKIP LOCKED)
          RETURNING id, parent_id, kind, child_id, details, attempts)
       SELECT s.id::text, s.parent_id, s.kind, s.child_id, s.details, s.attempts,
              a.encryption_key_id AS account_key, a.sealed AS account_sealed,
              ch.national_number_hash, k.encryption_key_id AS card_key, k.sealed AS card_sealed,
              p.language AS chosen_language,
              (s.kind <> ALL ($3::text[]) AND s.kind = ANY (COALESCE(p.disabled_kinds, '{}'))) AS turned_off,
              COALESCE(c.language, (SELECT c2.language FROM parent_children pc2 JOIN cascades c2 ON c2.child_id = pc2.child_id
                                     WHERE pc2.parent_id = s.parent_id ORDER BY pc2.created_at LIMIT 1)) AS cascade_language
         FROM claimed s
         JOIN parent_accounts a ON a.id = s.parent_id
         LEFT JOIN notice_preferences p ON p.parent_id = s.parent_id
         LEFT JOIN children ch ON ch.id = s.child_id
         LEFT JOIN cascades c ON c.child_id = s.child_id
         -- The newest card that still holds the names (a revoked one holds none).
         LEFT JOIN LATERAL (SELECT encryption_key_id, sealed FROM cards WHERE child_id = s.child_id AND sealed IS NOT NULL ORDER BY issued_on DESC, seq DESC LIMIT 1) k ON true
        ORDER BY s.id`,
      [limit, afterId, MANDATORY_NOTICE_KINDS],
    );
    return rows.map((r) => ({
      id: r.id,
      parentId: r.parent_id,
      kind: r.kind,
      childId: r.child_id,
      details: r.details,
      attempts: r.attempts,
      account: r.account_key && r.account_sealed ? { keyId: r.account_key, sealed: r.account_sealed } : null,
      card: r.national_number_hash && r.card_key && r.card_sealed ? { nationalNumberHash: r.national_number_hash, keyId: r.card_key, sealed: r.card_sealed } : null,
      chosenLanguage: r.chosen_language,
      cascadeLanguage: r.cascade_language,
      turnedOff: r.turned_off,
    }));
  }

  async markSent(id: string): Promise<void> {
    await this.on.query(`UPDATE notices_sent SET status = 'sent', sent_at = now(), last_error = NULL WHERE id = $1::bigint`, [id]);
  }

  async markFailed(id: string, reason: string, abandon: boolean): Promise<void> {
    await this.on.query(`UPDATE notices_sent SET status = $2, last_error = left($3, 200) WHERE id = $1::bigint`, [id, abandon ? 'abandoned' : 'pending', reason]);
  }

  async countStuck(): Promise<number> {
    const { rows } = await this.on.query<{ n: number }>(`SELECT count(*)::int AS n FROM notices_sent WHERE status = 'sending'`);
    return rows[0].n;
  }
}

export class PgNoticeStore extends NoticeStore {
  constructor(private readonly db: Database) {
    super();
  }

  exclusively<T>(work: (session: NoticeSweepSession) => Promise<T>): Promise<T | undefined> {
    return this.db.exclusively(NOTICES_LOCK, (on) => work(new PgNoticeSweepSession(on)));
  }

  async preferences(parentId: string): Promise<NoticePreferences> {
    const { rows } = await this.db.query<{ language: Language | null; disabled_kinds: NoticeKind[] }>(`SELECT language, disabled_kinds FROM notice_preferences WHERE parent_id = $1`, [parentId]);
    return rows[0] ? { language: rows[0].language, disabledKinds: rows[0].disabled_kinds } : { language: null, disabledKinds: [] };
  }

  async setPreferences(parentId: string, preferences: NoticePreferences): Promise<void> {
    await this.db.query(
      `INSERT INTO notice_preferences (parent_id, language, disabled_kinds) VALUES ($1, $2, $3::text[])
       ON CONFLICT (parent_id) DO UPDATE SET language = EXCLUDED.language, disabled_kinds = EXCLUDED.disabled_kinds, updated_at = now()`,
      [parentId, preferences.language, preferences.disabledKinds],
    );
  }

  async recordedFor(parentId: string): Promise<RecordedNotice[]> {
    const { rows } = await this.db.query<{ kind: NoticeKind; child_id: string | null; details: NoticeDetails; status: RecordedNotice['status']; created_at: Date; sent_at: Date | null }>(
      `SELECT kind, child_id, details, status, created_at, sent_at FROM notices_sent WHERE parent_id = $1 ORDER BY id`,
      [parentId],
    );
    return rows.map((r) => ({ kind: r.kind, childId: r.child_id, details: r.details, status: r.status, recordedAt: r.created_at, sentAt: r.sent_at }));
  }
}
