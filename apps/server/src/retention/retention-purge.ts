import type { ClientBase } from 'pg';
import { DataSource } from 'typeorm';
import { withPgClient, withSessionLock } from '../database/pg-client';
import { accountInactivityCutoff, auditCutoff, calendarDay, callRecordCutoff, cardRecordCutoff, orphanAccountCutoff } from './retention-policy';

export interface RetentionSettings {
  timeZone: string;
  callRecordDays: number;
  batchSize: number;
  /** Connections purging expired cards at the same time (default PURGE_LANES), and from how many expired cards (default LANE_MIN_CARDS). */
  lanes?: number;
  laneMinCards?: number;
}

/** How many rows each rule deleted (or would delete, in a dry run). Counts only: never who. */
export interface PurgeCounts {
  cards: number;
  children: number;
  cascades: number;
  parentAccounts: number;
  callRecords: number;
  auditEvents: number;
}

export type PurgeOutcome =
  | { ran: false; reason: 'another-instance-is-purging' }
  | { ran: true; dryRun: boolean; counts: PurgeCounts; cutoffs: Record<string, string>; batches: number; maxBatchMs: number; batchesOver100Ms: number; elapsedMs: number };

/** A purge batch is one transaction: kept well under the 100 ms the look-ups may wait behind. */
const TARGET_BATCH_MS = 30;
const MIN_BATCH = 100;

/**
 * Connections purging expired cards at the same time, over disjoint key ranges (one per core of
 * the 2-core reference machine). Small purges (under LANE_MIN_CARDS) use one.
 */
export const PURGE_LANES = 2;
export const LANE_MIN_CARDS = 20_000;
const DEADLOCK_DETECTED = '40P01';

/** A position in the purge's walk over cards, in (issued_on, id) order. */
interface CardKey {
  issuedOn: string;
  id: string;
}
const FIRST_KEY: CardKey = { issuedOn: '-infinity', id: '00000000-0000-0000-0000-000000000000' };
const LAST_KEY: CardKey = { issuedOn: 'infinity', id: 'ffffffff-ffff-ffff-ffff-ffffffffffff' };

/** One batch of expired cards after key ($2, $3) up to key ($5, $6) included; see purge(). */
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

/** Session advisory lock id ('alloretn'): one purge at a time across every instance. */
export const RETENTION_LOCK = 0x616c6c6f_7265746en;

/**
 * The daily purge (PRODUCT.md, "Data kept, and for how long"). Every rule deletes in batches of
 * `batchSize` rows, each batch its own short transaction (autocommit), so a look-up never waits
 * for more than one batch's row locks; the cut-offs come from retention-policy.ts.
 */
export class RetentionPurge {
  constructor(
    private readonly db: DataSource,
    private readonly settings: RetentionSettings,
    private readonly now: () => Date = () => new Date(),
  ) {}

  async run(options: { dryRun: boolean }): Promise<PurgeOutcome> {
    const outcome = await withSessionLock(this.db, RETENTION_LOCK, (client) => this.purge(client, options.dryRun));
    return outcome ?? { ran: false, reason: 'another-instance-is-purging' };
  }

  /**
   * Keys cutting the expired cards into `lanes` ranges of about the same size: lane i purges
   * the keys after bounds[i] up to bounds[i + 1] included. Read from ix_cards_issued_on_id
   * (index-only, no lock kept: the keys only split the work, any split is correct).
   */
  private async laneBounds(client: ClientBase, cutoff: string): Promise<CardKey[]> {
    const lanes = this.settings.lanes ?? PURGE_LANES;
    const minCards = this.settings.laneMinCards ?? LANE_MIN_CARDS;
    if (lanes < 2) return [FIRST_KEY, LAST_KEY];
    const [{ n }] = (await client.query<{ n: number }>(`SELECT count(*)::int AS n FROM (SELECT 1 FROM cards WHERE issued_on < $1 LIMIT $2) e`, [cutoff, minCards])).rows;
    if (n < minCards) return [FIRST_KEY, LAST_KEY];
    const [{ total }] = (await client.query<{ total: number }>(`SELECT count(*)::int AS total FROM cards WHERE issued_on < $1`, [cutoff])).rows;
    const bounds = [FIRST_KEY];
    for (let i = 1; i < lanes; i += 1) {
      const { rows } = await client.query<{ issued_on: string; id: string }>(
        `SELECT to_char(issued_on, 'YYYY-MM-DD') AS issued_on, id FROM cards WHERE issued_on < $1 ORDER BY issued_on, id OFFSET $2 LIMIT 1`,
        [cutoff, Math.floor((total * i) / lanes)],
      );
      if (rows.length === 1) bounds.push({ issuedOn: rows[0].issued_on, id: rows[0].id });
    }
    return [...bounds, LAST_KEY];
  }

  private async purge(client: ClientBase, dryRun: boolean): Promise<PurgeOutcome> {
    const started = Date.now();
    const now = this.now();
    const cutoffs = {
      cardIssuedBefore: cardRecordCutoff(calendarDay(now, this.settings.timeZone)),
      accountsInactiveSince: accountInactivityCutoff(now).toISOString(),
      orphanAccountsCreatedBefore: orphanAccountCutoff(now).toISOString(),
      callRecordsStartedBefore: callRecordCutoff(now, this.settings.callRecordDays).toISOString(),
      auditEventsBefore: auditCutoff(now).toISOString(),
    };
    const counts: PurgeCounts = { cards: 0, children: 0, cascades: 0, parentAccounts: 0, callRecords: 0, auditEvents: 0 };
    let batches = 0;
    let maxBatchMs = 0;
    let batchesOver100Ms = 0;
    const batch = async <R extends Record<string, unknown>>(on: ClientBase, sql: string, params: unknown[]): Promise<R> => {
      const t0 = process.hrtime.bigint();
      const { rows } = await on.query<R>(sql, params);
      const tookMs = Number(process.hrtime.bigint() - t0) / 1e6;
      maxBatchMs = Math.max(maxBatchMs, tookMs);
      if (tookMs > 100) batchesOver100Ms += 1;
      batches += 1;
      return rows[0];
    };
    const size = this.settings.batchSize;

    if (dryRun) {
      const r = await batch<{ cards: string; children: string; cascades: string; accounts: string; calls: string; audit: string }>(
        client,
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
      Object.assign(counts, { cards: +r.cards, children: +r.children, cascades: +r.cascades, parentAccounts: +r.accounts, callRecords: +r.calls, auditEvents: +r.audit });
      return { ran: true, dryRun, counts, cutoffs, batches, maxBatchMs, batchesOver100Ms, elapsedMs: Date.now() - started };
    }

    // 1. Cards past retention, walked in (issued_on, id) order (keyset: no batch re-reads what
    //    the previous ones deleted). A child left without a card goes too, with its other cards,
    //    its cascade, the cascade's numbers and its guardian links, all deleted explicitly and
    //    set-based in the batch's one statement (dependants before the rows they reference; the
    //    foreign keys' ON DELETE actions then find nothing left to do). One statement is one
    //    short transaction. The expired range is cut into `lanes` disjoint key ranges purged at
    //    the same time on their own connections: the per-row foreign-key triggers are CPU work in
    //    the server, and one connection uses one core.
    const bounds = await this.laneBounds(client, cutoffs.cardIssuedBefore);
    const lanes = bounds.slice(1).map((upper, i) => ({ lower: bounds[i], upper }));
    const lane = async (laneClient: ClientBase, range: { lower: CardKey; upper: CardKey }): Promise<void> => {
      let last = range.lower;
      // Each batch deletes a card's child, cascade, numbers and links too: the batch shrinks while
      // batches take longer than TARGET_BATCH_MS, and grows back (up to `batchSize`) when faster.
      let cardBatch = Math.min(size, 500);
      for (;;) {
        const t0 = process.hrtime.bigint();
        let r: { cards: string; children: string; cascades: string; last_issued_on: string | null; last_id: string | null };
        try {
          r = await batch(laneClient, PURGE_CARDS_BATCH, [cutoffs.cardIssuedBefore, last.issuedOn, last.id, cardBatch, range.upper.issuedOn, range.upper.id]);
        } catch (error) {
          // A child whose cards lie in two lanes can make both delete it at once; PostgreSQL
          // then aborts one statement (nothing of it stays) and that batch is simply run again.
          if ((error as { code?: string }).code === DEADLOCK_DETECTED) continue;
          throw error;
        }
        const tookMs = Number(process.hrtime.bigint() - t0) / 1e6;
        if (tookMs > TARGET_BATCH_MS) cardBatch = Math.max(MIN_BATCH, Math.floor(cardBatch / 2));
        else if (tookMs < TARGET_BATCH_MS / 2) cardBatch = Math.min(size, Math.ceil(cardBatch * 1.25));
        counts.cards += +r.cards;
        counts.children += +r.children;
        counts.cascades += +r.cascades;
        if (!r.last_issued_on || !r.last_id) return;
        last = { issuedOn: r.last_issued_on, id: r.last_id };
      }
    };
    // The batches commit without waiting for their WAL to reach the disk: a crash can lose only
    // the last few deletions (never half of one: atomicity and the constraints are unchanged),
    // and the next run deletes them again; a purge of 1,000,000 cards commits thousands of times.
    const laneOn = async (laneClient: ClientBase, range: { lower: CardKey; upper: CardKey }): Promise<void> => {
      await laneClient.query(`SET synchronous_commit = off`);
      try {
        await lane(laneClient, range);
      } finally {
        await laneClient.query(`RESET synchronous_commit`);
      }
    };
    await Promise.all(lanes.map((range, i) => (i === 0 ? laneOn(client, range) : withPgClient(this.db, (other) => laneOn(other, range)))));

    // 2. Parent accounts: every linked cascade inactive for 3y6m, or no child left. Keyset pages
    //    over the primary key, so accounts that stay are read once, not once per batch.
    let after = '00000000-0000-0000-0000-000000000000';
    for (;;) {
      const r = await batch<{ last: string | null; deleted: string }>(
        client,
        `WITH page AS (SELECT id, created_at FROM parent_accounts WHERE id > $1 ORDER BY id LIMIT $2),
              doomed AS (SELECT p.id FROM page p WHERE ${accountExpired('p', '$3', '$4')}),
              gone AS (DELETE FROM parent_accounts a USING doomed d WHERE a.id = d.id RETURNING a.id)
         SELECT (SELECT id FROM page ORDER BY id DESC LIMIT 1) AS last, (SELECT count(*) FROM gone) AS deleted`,
        [after, size, cutoffs.orphanAccountsCreatedBefore, cutoffs.accountsInactiveSince],
      );
      counts.parentAccounts += +r.deleted;
      if (!r.last) break;
      after = r.last;
    }

    // 3. Call records (their legs go with them) and 4. the audit trail: rows older than a cut-off.
    const deleteOlder = async (table: 'call_records' | 'audit_events', column: 'started_at' | 'at', before: Date | string): Promise<number> => {
      let total = 0;
      for (;;) {
        const r = await batch<{ deleted: string }>(
          client,
          `WITH gone AS (DELETE FROM ${table} WHERE id IN (SELECT id FROM ${table} WHERE ${column} < $1 LIMIT $2) RETURNING 1)
           SELECT count(*) AS deleted FROM gone`,
          [before, size],
        );
        total += +r.deleted;
        if (+r.deleted < size) return total;
      }
    };
    counts.callRecords += await deleteOlder('call_records', 'started_at', cutoffs.callRecordsStartedBefore);
    counts.auditEvents += await deleteOlder('audit_events', 'at', cutoffs.auditEventsBefore);

    await client.query(
      `INSERT INTO audit_events (actor_kind, actor_id, action, subject_kind, details) VALUES ('system', 'retention', 'retention.purged', 'retention', $1)`,
      [JSON.stringify({ ...counts, cutoffs })],
    );
    return { ran: true, dryRun, counts, cutoffs, batches, maxBatchMs, batchesOver100Ms, elapsedMs: Date.now() - started };
  }
}

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
