import { Connection, Database } from '../../database/database';

/** How many rows each rule deleted (or would delete, in a dry run). Counts only: never who. */
export interface PurgeCounts {
  cards: number;
  children: number;
  cascades: number;
  parentAccounts: number;
  callRecords: number;
  auditEvents: number;
}

/** The purge's cut-offs (retention-policy.ts), as PostgreSQL reads them. */
export interface PurgeCutoffs {
  cardIssuedBefore: string;
  accountsInactiveSince: string;
  orphanAccountsCreatedBefore: string;
  callRecordsStartedBefore: string;
  auditEventsBefore: string;
}

/** A position in the purge's walk over cards, in (issued_on, id) order. */
export interface CardKey {
  issuedOn: string;
  id: string;
}
export const FIRST_KEY: CardKey = { issuedOn: '-infinity', id: '00000000-0000-0000-0000-000000000000' };
export const LAST_KEY: CardKey = { issuedOn: 'infinity', id: 'ffffffff-ffff-ffff-ffff-ffffffffffff' };

/** Session advisory lock id ('alloretn'): one purge at a time across every instance. */
export const RETENTION_LOCK = 0x616c6c6f_7265746en;

/** One batch of expired cards after key ($2, $3) up to key ($5, $6) included; see RetentionPurge. */
const PURGE_CARDS_BATCH = `
  WITH doomed AS MATERIALIZED (
         SELECT id, child_id, issued_on FROM cards
          WHERE issued_on < $1 AND (issued_on, id) > ($2::date, $3::uuid) AND (issued_on, id) <= ($5::date, $6::uuid)
          ORDER BY issued_on, id LIMIT $4),
       orphans AS MATERIALIZED (
         SELECT DISTINCT d.child_id AS id FROM doomed d
          WHERE NOT EXISTS (SELECT 1 FROM cards k WHERE k.child_id = d.child_id AND k.issued_on >= $1)),
       orphan_cascades AS MATERIALIZED (SELECT c.id FROM cascades c JOIN orphans o ON c.child_id = o.id),
       numbers_gone AS (DELETE FROM cascade_numbers n USING orphan_cascades oc WHERE n.cascade_id = oc.id),
       cascades_gone AS (DELETE FROM cascades c USING orphan_cascades oc WHERE c.id = oc.id RETURNING 1),
       links_gone AS (DELETE FROM parent_children pc USING orphans o WHERE pc.child_id = o.id),
       orphan_cards_gone AS (DELETE FROM cards k USING orphans o WHERE k.child_id = o.id RETURNING 1),
       other_cards_gone AS (
         DELETE FROM cards k USING doomed d WHERE k.id = d.id AND NOT EXISTS (SELECT 1 FROM orphans o WHERE o.id = d.child_id) RETURNING 1),
       children_gone AS (DELETE FROM children ch USING orphans o WHERE ch.id = o.id RETURNING 1),
       tail AS (SELECT issued_on, id FROM doomed ORDER BY issued_on DESC, id DESC LIMIT 1)
  SELECT (SELECT count(*) FROM orphan_cards_gone) + (SELECT count(*) FROM other_cards_gone) AS cards, (SELECT count(*) FROM children_gone) AS children,
         (SELECT count(*) FROM cascades_gone) AS cascades,
         (SELECT to_char(issued_on, 'YYYY-MM-DD') FROM tail) AS last_issued_on, (SELECT id FROM tail) AS last_id`;

/**
 * SQL condition: the account `p` was created before the orphan cut-off and has no live link — a
 * link is live while its child's cascade is active, or inactive since the inactivity cut-off or
 * later (a child without a cascade counts from when the link was made).
 */
function accountExpired(p: string, orphanCutoff: string, inactiveCutoff: string): string {
  return `${p}.created_at < ${orphanCutoff} AND NOT EXISTS (
            SELECT 1 FROM parent_children pc LEFT JOIN cascades c ON c.child_id = pc.child_id
             WHERE pc.parent_id = ${p}.id AND (c.status = 'active' OR COALESCE(c.inactive_since, pc.created_at) >= ${inactiveCutoff}))`;
}

/**
 * The retention purge's statements (the job, retention-purge.ts, decides the batches and lanes).
 * Each statement runs on the connection it is given: the one holding the purge's lock, or a
 * lane's own. Every delete is one statement, so one short transaction (autocommit).
 */
export class PgRetentionStore {
  constructor(private readonly db: Database) {}

  /** `work` on one connection holding the purge's lock; undefined at once when another instance holds it. */
  exclusively<T>(work: (on: Connection) => Promise<T>): Promise<T | undefined> {
    return this.db.exclusively(RETENTION_LOCK, work);
  }

  /** `work` on another pooled connection (a lane beside the locked one). */
  connection<T>(work: (on: Connection) => Promise<T>): Promise<T> {
    return this.db.connection(work);
  }

  /**
   * `work` with this connection's commits not waiting for their WAL to reach the disk: a crash can
   * lose only the last few deletions (never half of one: atomicity and the constraints are
   * unchanged), and the next run deletes them again.
   */
  async withoutWaitingForDisk<T>(on: Connection, work: () => Promise<T>): Promise<T> {
    await on.query(`SET synchronous_commit = off`);
    try {
      return await work();
    } finally {
      await on.query(`RESET synchronous_commit`);
    }
  }

  /** What a purge at these cut-offs would delete. */
  async wouldDelete(on: Connection, cutoffs: PurgeCutoffs): Promise<PurgeCounts> {
    const {
      rows: [r],
    } = await on.query<{ cards: string; children: string; cascades: string; accounts: string; calls: string; audit: string }>(
      `WITH expired_children AS (
         SELECT ch.id FROM children ch
          WHERE EXISTS (SELECT 1 FROM cards k WHERE k.child_id = ch.id AND k.issued_on < $1)
            AND NOT EXISTS (SELECT 1 FROM cards k WHERE k.child_id = ch.id AND k.issued_on >= $1))
       SELECT (SELECT count(*) FROM cards WHERE issued_on < $1) AS cards,
              (SELECT count(*) FROM expired_children) AS children,
              (SELECT count(*) FROM cascades WHERE child_id IN (SELECT id FROM expired_children)) AS cascades,
              (SELECT count(*) FROM parent_accounts p WHERE ${accountExpired('p', '$2', '$3')}) AS accounts,
              (SELECT count(*) FROM call_records WHERE started_at < $4) AS calls,
              (SELECT count(*) FROM audit_events WHERE at < $5) AS audit`,
      [cutoffs.cardIssuedBefore, cutoffs.orphanAccountsCreatedBefore, cutoffs.accountsInactiveSince, cutoffs.callRecordsStartedBefore, cutoffs.auditEventsBefore],
    );
    return { cards: +r.cards, children: +r.children, cascades: +r.cascades, parentAccounts: +r.accounts, callRecords: +r.calls, auditEvents: +r.audit };
  }

  /**
   * Keys cutting the cards issued before `cutoff` into `lanes` ranges of about the same size, or
   * one range when fewer than `minCards` are: lane i purges the keys after bounds[i] up to
   * bounds[i + 1] included. Read from ix_cards_issued_on_id (index-only, no lock kept: the keys
   * only split the work, any split is correct).
   */
  async laneBounds(on: Connection, cutoff: string, lanes: number, minCards: number): Promise<CardKey[]> {
    if (lanes < 2) return [FIRST_KEY, LAST_KEY];
    const [{ n }] = (await on.query<{ n: number }>(`SELECT count(*)::int AS n FROM (SELECT 1 FROM cards WHERE issued_on < $1 LIMIT $2) e`, [cutoff, minCards])).rows;
    if (n < minCards) return [FIRST_KEY, LAST_KEY];
    const [{ total }] = (await on.query<{ total: number }>(`SELECT count(*)::int AS total FROM cards WHERE issued_on < $1`, [cutoff])).rows;
    const bounds = [FIRST_KEY];
    for (let i = 1; i < lanes; i += 1) {
      const { rows } = await on.query<{ issued_on: string; id: string }>(
        `SELECT to_char(issued_on, 'YYYY-MM-DD') AS issued_on, id FROM cards WHERE issued_on < $1 ORDER BY issued_on, id OFFSET $2 LIMIT 1`,
        [cutoff, Math.floor((total * i) / lanes)],
      );
      if (rows.length === 1) bounds.push({ issuedOn: rows[0].issued_on, id: rows[0].id });
    }
    return [...bounds, LAST_KEY];
  }

  /**
   * Up to `limit` cards issued before `cutoff`, after key `after` up to key `upTo` included, in
   * (issued_on, id) order. A child left without a card goes too, with its other cards, its
   * cascade, the cascade's numbers and its guardian links, all deleted explicitly and set-based
   * in the one statement (dependants before the rows they reference; the foreign keys' ON DELETE
   * actions then find nothing left to do). `last`: the batch's last key, null when none was left.
   */
  async purgeCards(on: Connection, cutoff: string, after: CardKey, upTo: CardKey, limit: number): Promise<{ cards: number; children: number; cascades: number; last: CardKey | null }> {
    const {
      rows: [r],
    } = await on.query<{ cards: string; children: string; cascades: string; last_issued_on: string | null; last_id: string | null }>(PURGE_CARDS_BATCH, [
      cutoff,
      after.issuedOn,
      after.id,
      limit,
      upTo.issuedOn,
      upTo.id,
    ]);
    return { cards: +r.cards, children: +r.children, cascades: +r.cascades, last: r.last_issued_on && r.last_id ? { issuedOn: r.last_issued_on, id: r.last_id } : null };
  }

  /**
   * One page of `size` parent accounts after id `after`: those among them with every linked
   * cascade inactive since the cut-off, or no child, go. `last`: the page's last id, null at the end.
   */
  async purgeAccounts(on: Connection, after: string, size: number, cutoffs: PurgeCutoffs): Promise<{ deleted: number; last: string | null }> {
    const {
      rows: [r],
    } = await on.query<{ last: string | null; deleted: string }>(
      `WITH page AS (SELECT id, created_at FROM parent_accounts WHERE id > $1 ORDER BY id LIMIT $2),
            doomed AS (SELECT p.id FROM page p WHERE ${accountExpired('p', '$3', '$4')}),
            gone AS (DELETE FROM parent_accounts a USING doomed d WHERE a.id = d.id RETURNING a.id)
       SELECT (SELECT id FROM page ORDER BY id DESC LIMIT 1) AS last, (SELECT count(*) FROM gone) AS deleted`,
      [after, size, cutoffs.orphanAccountsCreatedBefore, cutoffs.accountsInactiveSince],
    );
    return { deleted: +r.deleted, last: r.last };
  }

  /**
   * Up to `size` call records (their legs go with them) or audit events older than `before`. With
   * the audit events go the operators' caller blocks that ended before the same cut-off (a few
   * rows: not counted apart).
   */
  async purgeOlder(on: Connection, rows: 'call-records' | 'audit-events', before: string, size: number): Promise<number> {
    const [table, column] = rows === 'call-records' ? ['call_records', 'started_at'] : ['audit_events', 'at'];
    if (rows === 'audit-events') await on.query(`DELETE FROM blocked_callers WHERE COALESCE(lifted_at, blocked_until) < $1`, [before]);
    const {
      rows: [r],
    } = await on.query<{ deleted: string }>(
      `WITH gone AS (DELETE FROM ${table} WHERE id IN (SELECT id FROM ${table} WHERE ${column} < $1 LIMIT $2) RETURNING 1)
       SELECT count(*) AS deleted FROM gone`,
      [before, size],
    );
    return +r.deleted;
  }

  /** The purge's own line in the audit trail: counts and cut-offs only. */
  async recordPurge(on: Connection, counts: PurgeCounts, cutoffs: PurgeCutoffs): Promise<void> {
    await on.query(`INSERT INTO audit_events (actor_kind, actor_id, action, subject_kind, details) VALUES ('system', 'retention', 'retention.purged', 'retention', $1)`, [
      JSON.stringify({ ...counts, cutoffs }),
    ]);
  }
}
