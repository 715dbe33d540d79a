import { CallAdmission, CapCounts, CapLimit } from '../../cascades/domain/call-caps';
import { LookupNote } from '../../cascades/domain/finder-lookup';
import { Database } from '../../database/database';
import { CallRecordStore } from '../write-behind-call-records';

/** The finder's calls and their legs; the caps' admission is decided here, in a transaction. */
export class PgCallRecordStore implements CallRecordStore, CallAdmission {
  constructor(private readonly db: Database) {}

  async callStarted(callId: string, at: Date): Promise<void> {
    await this.db.query(`INSERT INTO call_records (id, started_at) VALUES ($1, $2) ON CONFLICT (id) DO NOTHING`, [callId, at]);
  }

  async lookupNoted(callId: string, callerHash: Buffer, nationalNumberHash: Buffer, at: Date): Promise<void> {
    await this.db.query(
      `UPDATE call_records SET caller_hash = $2, national_number_hash = $3, number_entered_at = $4 WHERE id = $1`,
      [callId, callerHash, nationalNumberHash, at],
    );
  }

  /** One round trip after the write: the abuse count and an operator's block of the caller (blocked_callers). */
  async noteLookup(callId: string, callerHashes: Buffer[], nationalNumberHash: Buffer, at: Date, since: Date): Promise<LookupNote> {
    await this.lookupNoted(callId, callerHashes[0], nationalNumberHash, at);
    const {
      rows: [note],
    } = await this.db.query<LookupNote>(
      `SELECT (SELECT count(DISTINCT national_number_hash)::int FROM call_records
                WHERE caller_hash = $1 AND started_at >= $2 AND national_number_hash IS NOT NULL) AS "distinctNumbers",
              EXISTS (SELECT 1 FROM blocked_callers
                       WHERE caller_hashes && $3::bytea[] AND lifted_at IS NULL AND blocked_until > $4 AND blocked_at <= $4) AS "callerBlocked"`,
      [callerHashes[0], since, callerHashes, at],
    );
    return note;
  }

  /**
   * The caps are counted from call_records and leg_records themselves: a call is "in progress
   * for a cascade" from the moment it is admitted (cascade_id set here) until its end is recorded
   * (ended_at), or the caps' openCallMaxAgeMs at most.
   *
   * Races: two look-ups for the same cascade, or from the same caller, at the same moment must
   * not both count the same "nothing in progress" and both pass a cap of 1. Each admission is a
   * transaction that first takes a transaction-level advisory lock on the cascade, then on the
   * caller (always in that order, so two admissions cannot deadlock each other), counts, and
   * marks its call admitted before committing; the lock is released at commit, so the next
   * admission's count (read committed, a new snapshot per statement) includes it. A constraint
   * could not express "at most N open calls"; SERIALIZABLE would do it but fails one of the two
   * instead of making it wait. Calls for other cascades and callers never wait on each other.
   * The daily leg counts are read in the same transaction but legs are recorded when they end:
   * a day's cap may be passed by the legs of the calls ringing at that moment (a handful).
   */
  async admit(
    call: { callId: string; cascadeId: string; callerHash: Buffer | null },
    window: { openSince: Date; legsSince: Date },
    decide: (counts: CapCounts) => CapLimit | null,
  ): Promise<CapLimit | null> {
    return this.db.transaction(async (tx) => {
      await tx.lockForTransaction(`call-caps:cascade:${call.cascadeId}`);
      if (call.callerHash) await tx.lockForTransaction(`call-caps:caller:${call.callerHash.toString('hex')}`);
      const {
        rows: [counts],
      } = await tx.query<CapCounts>(
        `SELECT
           (SELECT count(*)::int FROM call_records
             WHERE cascade_id = $1 AND ended_at IS NULL AND started_at >= $3 AND id <> $2) AS "cascadeCalls",
           (SELECT count(*)::int FROM call_records
             WHERE $4::bytea IS NOT NULL AND caller_hash = $4 AND cascade_id IS NOT NULL AND ended_at IS NULL AND started_at >= $3 AND id <> $2) AS "callerCalls",
           (SELECT count(*)::int FROM leg_records l JOIN call_records c ON c.id = l.call_id
             WHERE c.cascade_id = $1 AND c.started_at >= $5 AND l.started_at >= $5 AND l.position <> 'hotline' AND l.result <> 'not-allowed') AS "cascadeLegsToday",
           (SELECT count(*)::int FROM leg_records
             WHERE started_at >= $5 AND position <> 'hotline' AND result <> 'not-allowed') AS "serviceLegsToday"`,
        [call.cascadeId, call.callId, window.openSince, call.callerHash, window.legsSince],
      );
      const exceeded = decide(counts);
      if (!exceeded) await tx.query(`UPDATE call_records SET cascade_id = $1 WHERE id = $2`, [call.cascadeId, call.callId]);
      return exceeded;
    });
  }

  async legEnded(leg: { legId: string; callId: string; position: string; result: string; startedAt: Date; endedAt: Date }): Promise<void> {
    // The label of the number at this position of the child's cascade (the child found by the
    // number the finder typed), copied now: the parents' history must still name the right
    // number after they edit or reorder the list. One statement, indexed look-ups only.
    await this.db.query(
      `INSERT INTO leg_records (id, call_id, position, result, started_at, ended_at, label)
       SELECT $1::text, $2::uuid, $3::text, $4::text, $5::timestamptz, $6::timestamptz,
              (SELECT NULLIF(n.label, '')
                 FROM call_records c
                 JOIN children ch ON ch.national_number_hash = c.national_number_hash
                 JOIN cascades k ON k.child_id = ch.id
                 JOIN cascade_numbers n ON n.cascade_id = k.id AND n.position::text = $3
                WHERE c.id = $2)
       ON CONFLICT (id) DO NOTHING`,
      [leg.legId, leg.callId, leg.position, leg.result, leg.startedAt, leg.endedAt],
    );
  }

  async callEnded(callId: string, outcome: string, at: Date, details: { language?: string; connectedPosition?: string; connectedAt?: Date; cascadeId?: string }): Promise<void> {
    await this.db.query(
      `UPDATE call_records SET ended_at = $2, outcome = $3, language = COALESCE($4, language),
              connected_position = COALESCE($5, connected_position), connected_at = COALESCE($6, connected_at),
              cascade_id = COALESCE($7, cascade_id)
        WHERE id = $1`,
      [callId, at, outcome, details.language ?? null, details.connectedPosition ?? null, details.connectedAt ?? null, details.cascadeId ?? null],
    );
  }
}
