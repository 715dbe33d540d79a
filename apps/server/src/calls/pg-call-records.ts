import { DataSource } from 'typeorm';
import { LookupLedger } from '../cascades/domain/finder-lookup';
import { CallRecords } from './call-records';

export class PgCallRecords implements CallRecords, LookupLedger {
  constructor(private readonly db: DataSource) {}

  async callStarted(callId: string, at: Date): Promise<void> {
    await this.db.query(`INSERT INTO call_records (id, started_at) VALUES ($1, $2) ON CONFLICT (id) DO NOTHING`, [callId, at]);
  }

  async noteLookup(callId: string, callerHash: Buffer, nationalNumberHash: Buffer, at: Date, since: Date): Promise<number> {
    await this.db.query(
      `UPDATE call_records SET caller_hash = $2, national_number_hash = $3, number_entered_at = $4 WHERE id = $1`,
      [callId, callerHash, nationalNumberHash, at],
    );
    const [{ distinct }] = await this.db.query(
      `SELECT count(DISTINCT national_number_hash)::int AS distinct FROM call_records
        WHERE caller_hash = $1 AND started_at >= $2 AND national_number_hash IS NOT NULL`,
      [callerHash, since],
    );
    return distinct as number;
  }

  async legEnded(leg: { legId: string; callId: string; position: string; result: string; startedAt: Date; endedAt: Date }): Promise<void> {
    await this.db.query(
      `INSERT INTO leg_records (id, call_id, position, result, started_at, ended_at) VALUES ($1, $2, $3, $4, $5, $6)
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
