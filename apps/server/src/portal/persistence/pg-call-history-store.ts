import { Database } from '../../database/database';
import { CallHistoryStore, StoredCall } from '../domain/call-history';

interface CallRow {
  id: string;
  started_at: Date;
  ended_at: Date | null;
  outcome: string | null;
  connected_position: string | null;
  legs: { position: string; label: string | null; result: string; started_at: string; ended_at: string }[];
}

/**
 * The calls about one child: those where the finder typed the child's national number (matched by
 * keyed hash, index ix_call_records_national_number_recent), with their legs. Selects only what
 * the history shows: never the caller's hash or the number's hash.
 */
export class PgCallHistoryStore implements CallHistoryStore {
  constructor(private readonly db: Database) {}

  async recentCallsOfChild(childId: string, limit: number | null): Promise<StoredCall[]> {
    const { rows } = await this.db.query<CallRow>(
      `SELECT c.id, c.started_at, c.ended_at, c.outcome, c.connected_position,
              COALESCE((SELECT json_agg(json_build_object('position', l.position, 'label', l.label, 'result', l.result,
                                                          'started_at', l.started_at, 'ended_at', l.ended_at)
                                        ORDER BY l.started_at, l.ended_at, l.id)
                          FROM leg_records l WHERE l.call_id = c.id), '[]'::json) AS legs
         FROM children ch
         JOIN call_records c ON c.national_number_hash = ch.national_number_hash
        WHERE ch.id = $1
        ORDER BY c.started_at DESC, c.id DESC
        LIMIT $2::int`, // LIMIT NULL: every row
      [childId, limit],
    );
    return rows.map((row) => ({
      id: row.id,
      startedAt: row.started_at,
      endedAt: row.ended_at,
      outcome: row.outcome,
      connectedPosition: row.connected_position,
      // json_build_object renders timestamptz in the session's time zone, with its offset: Date reads it exactly.
      legs: row.legs.map((l) => ({ position: l.position, label: l.label, result: l.result, startedAt: new Date(l.started_at), endedAt: new Date(l.ended_at) })),
    }));
  }
}
