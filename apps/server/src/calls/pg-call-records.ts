import { DataSource } from 'typeorm';
import { CallRecordStore } from './write-behind-call-records';

export class PgCallRecords implements CallRecordStore {
  constructor(private readonly db: DataSource) {}

  async callStarted(callId: string, at: Date): Promise<void> {
    await this.db.query(`INSERT INTO call_records (id, started_at) VALUES ($1, $2) ON CONFLICT (id) DO NOTHING`, [callId, at]);
  }

  async lookupNoted(callId: string, callerHash: Buffer, nationalNumberHash: Buffer, at: Date): Promise<void> {
    await this.db.query(
      `UPDATE call_records SET caller_hash = $2, national_number_hash = $3, number_entered_at = $4 WHERE id = $1`,
      [callId, callerHash, nationalNumberHash, at],
    );
  }

  async noteLookup(callId: string, callerHash: Buffer, nationalNumberHash: Buffer, at: Date, since: Date): Promise<number> {
    await this.lookupNoted(callId, callerHash, nationalNumberHash, at);
    const [{ distinct }] = await this.db.query(
      `SELECT count(DISTINCT national_number_hash)::int AS distinct FROM call_records
        WHERE caller_hash = $1 AND started_at >= $2 AND national_number_hash IS NOT NULL`,
      [callerHash, since],
    );
    return distinct as number;
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
