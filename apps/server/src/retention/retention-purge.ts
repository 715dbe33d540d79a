import { Connection, isDeadlock } from '../database/database';
import { CardKey, PgRetentionStore, PurgeCounts, PurgeCutoffs } from './persistence/pg-retention-store';
import { accountInactivityCutoff, auditCutoff, calendarDay, callRecordCutoff, cardRecordCutoff, orphanAccountCutoff } from './retention-policy';

export type { PurgeCounts } from './persistence/pg-retention-store';
export { RETENTION_LOCK } from './persistence/pg-retention-store';

export interface RetentionSettings {
  timeZone: string;
  callRecordDays: number;
  batchSize: number;
  /** Connections purging expired cards at the same time (default PURGE_LANES), and from how many expired cards (default LANE_MIN_CARDS). */
  lanes?: number;
  laneMinCards?: number;
}

export type PurgeOutcome =
  | { ran: false; reason: 'another-instance-is-purging' }
  | { ran: true; dryRun: boolean; counts: PurgeCounts; cutoffs: PurgeCutoffs; batches: number; maxBatchMs: number; batchesOver100Ms: number; elapsedMs: number };

/** A purge batch is one transaction: kept well under the 100 ms the look-ups may wait behind. */
const TARGET_BATCH_MS = 30;
const MIN_BATCH = 100;

/**
 * Connections purging expired cards at the same time, over disjoint key ranges (one per core of
 * the 2-core reference machine). Small purges (under LANE_MIN_CARDS) use one.
 */
export const PURGE_LANES = 2;
export const LANE_MIN_CARDS = 20_000;

/**
 * The daily purge (PRODUCT.md, "Data kept, and for how long"). Every rule deletes in batches of
 * `batchSize` rows, each batch its own short transaction (autocommit), so a look-up never waits
 * for more than one batch's row locks; the cut-offs come from retention-policy.ts, the
 * statements from the store (persistence/pg-retention-store.ts).
 */
export class RetentionPurge {
  constructor(
    private readonly store: PgRetentionStore,
    private readonly settings: RetentionSettings,
    private readonly now: () => Date = () => new Date(),
  ) {}

  async run(options: { dryRun: boolean }): Promise<PurgeOutcome> {
    const outcome = await this.store.exclusively((on) => this.purge(on, options.dryRun));
    return outcome ?? { ran: false, reason: 'another-instance-is-purging' };
  }

  private async purge(on: Connection, dryRun: boolean): Promise<PurgeOutcome> {
    const started = Date.now();
    const now = this.now();
    const cutoffs: PurgeCutoffs = {
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
    const batch = async <R>(statement: () => Promise<R>): Promise<R> => {
      const t0 = process.hrtime.bigint();
      const result = await statement();
      const tookMs = Number(process.hrtime.bigint() - t0) / 1e6;
      maxBatchMs = Math.max(maxBatchMs, tookMs);
      if (tookMs > 100) batchesOver100Ms += 1;
      batches += 1;
      return result;
    };
    const size = this.settings.batchSize;

    if (dryRun) {
      Object.assign(counts, await batch(() => this.store.wouldDelete(on, cutoffs)));
      return { ran: true, dryRun, counts, cutoffs, batches, maxBatchMs, batchesOver100Ms, elapsedMs: Date.now() - started };
    }

    // 1. Cards past retention, walked in (issued_on, id) order (keyset: no batch re-reads what
    //    the previous ones deleted); a child left without a card goes too, with everything that
    //    hangs on it (PgRetentionStore.purgeCards). One statement is one short transaction. The
    //    expired range is cut into `lanes` disjoint key ranges purged at the same time on their
    //    own connections: the per-row foreign-key triggers are CPU work in the server, and one
    //    connection uses one core.
    const bounds = await this.store.laneBounds(on, cutoffs.cardIssuedBefore, this.settings.lanes ?? PURGE_LANES, this.settings.laneMinCards ?? LANE_MIN_CARDS);
    const lanes = bounds.slice(1).map((upper, i) => ({ lower: bounds[i], upper }));
    const lane = async (laneOn: Connection, range: { lower: CardKey; upper: CardKey }): Promise<void> => {
      let last = range.lower;
      // Each batch deletes a card's child, cascade, numbers and links too: the batch shrinks while
      // batches take longer than TARGET_BATCH_MS, and grows back (up to `batchSize`) when faster.
      let cardBatch = Math.min(size, 500);
      for (;;) {
        const t0 = process.hrtime.bigint();
        let r: Awaited<ReturnType<PgRetentionStore['purgeCards']>>;
        try {
          r = await batch(() => this.store.purgeCards(laneOn, cutoffs.cardIssuedBefore, last, range.upper, cardBatch));
        } catch (error) {
          // A child whose cards lie in two lanes can make both delete it at once; PostgreSQL
          // then aborts one statement (nothing of it stays) and that batch is simply run again.
          if (isDeadlock(error)) continue;
          throw error;
        }
        const tookMs = Number(process.hrtime.bigint() - t0) / 1e6;
        if (tookMs > TARGET_BATCH_MS) cardBatch = Math.max(MIN_BATCH, Math.floor(cardBatch / 2));
        else if (tookMs < TARGET_BATCH_MS / 2) cardBatch = Math.min(size, Math.ceil(cardBatch * 1.25));
        counts.cards += r.cards;
        counts.children += r.children;
        counts.cascades += r.cascades;
        if (!r.last) return;
        last = r.last;
      }
    };
    // The batches commit without waiting for their WAL to reach the disk: a purge of 1,000,000
    // cards commits thousands of times (PgRetentionStore.withoutWaitingForDisk says what a crash costs).
    const laneOn = (laneConnection: Connection, range: { lower: CardKey; upper: CardKey }): Promise<void> =>
      this.store.withoutWaitingForDisk(laneConnection, () => lane(laneConnection, range));
    await Promise.all(lanes.map((range, i) => (i === 0 ? laneOn(on, range) : this.store.connection((other) => laneOn(other, range)))));

    // 2. Parent accounts: every linked cascade inactive for 3y6m, or no child left. Keyset pages
    //    over the primary key, so accounts that stay are read once, not once per batch.
    let after = '00000000-0000-0000-0000-000000000000';
    for (;;) {
      const r = await batch(() => this.store.purgeAccounts(on, after, size, cutoffs));
      counts.parentAccounts += r.deleted;
      if (!r.last) break;
      after = r.last;
    }

    // 3. Call records (their legs go with them) and 4. the audit trail: rows older than a cut-off.
    const deleteOlder = async (rows: 'call-records' | 'audit-events', before: string): Promise<number> => {
      let total = 0;
      for (;;) {
        const deleted = await batch(() => this.store.purgeOlder(on, rows, before, size));
        total += deleted;
        if (deleted < size) return total;
      }
    };
    counts.callRecords += await deleteOlder('call-records', cutoffs.callRecordsStartedBefore);
    counts.auditEvents += await deleteOlder('audit-events', cutoffs.auditEventsBefore);

    await this.store.recordPurge(on, counts, cutoffs);
    return { ran: true, dryRun, counts, cutoffs, batches, maxBatchMs, batchesOver100Ms, elapsedMs: Date.now() - started };
  }
}
