import { Database } from '../../database/database';
import { StoredTotp, TotpStore } from '../domain/totp';

interface TotpRow {
  encryption_key_id: string;
  sealed_secret: Buffer;
  confirmed_at: Date | null;
  last_used_step: string | null;
}

/** The second factor in PostgreSQL; replay and single use are decided by conditional UPDATEs, so two requests cannot both win. */
export class PgTotpStore implements TotpStore {
  constructor(private readonly db: Database) {}

  async find(parentId: string): Promise<StoredTotp | null> {
    const row = (await this.db.query<TotpRow>(`SELECT encryption_key_id, sealed_secret, confirmed_at, last_used_step FROM parent_totp WHERE parent_id = $1`, [parentId])).rows[0];
    if (!row) return null;
    return { keyId: row.encryption_key_id, sealed: row.sealed_secret, confirmedAt: row.confirmed_at, lastUsedStep: row.last_used_step === null ? null : Number(row.last_used_step) };
  }

  async savePending(parentId: string, keyId: string, sealed: Buffer): Promise<boolean> {
    const { count } = await this.db.query(
      `INSERT INTO parent_totp (parent_id, encryption_key_id, sealed_secret) VALUES ($1, $2, $3)
       ON CONFLICT ON CONSTRAINT pk_parent_totp DO UPDATE SET encryption_key_id = EXCLUDED.encryption_key_id, sealed_secret = EXCLUDED.sealed_secret, created_at = now()
         WHERE parent_totp.confirmed_at IS NULL`,
      [parentId, keyId, sealed],
    );
    return count === 1;
  }

  async confirm(parentId: string, step: number, recoveryCodeHashes: Buffer[]): Promise<boolean> {
    return this.db.transaction(async (tx) => {
      const { count } = await tx.query(`UPDATE parent_totp SET confirmed_at = now(), last_used_step = $2 WHERE parent_id = $1 AND confirmed_at IS NULL`, [parentId, step]);
      if (count !== 1) return false;
      await tx.query(`DELETE FROM parent_recovery_codes WHERE parent_id = $1`, [parentId]);
      await tx.query(`INSERT INTO parent_recovery_codes (parent_id, code_hash) SELECT $1, unnest($2::bytea[])`, [parentId, recoveryCodeHashes]);
      return true;
    });
  }

  async useStep(parentId: string, step: number): Promise<boolean> {
    const { count } = await this.db.query(
      `UPDATE parent_totp SET last_used_step = $2 WHERE parent_id = $1 AND confirmed_at IS NOT NULL AND last_used_step < $2`,
      [parentId, step],
    );
    return count === 1;
  }

  async useRecoveryCode(parentId: string, codeHash: Buffer): Promise<boolean> {
    const { count } = await this.db.query(`UPDATE parent_recovery_codes SET used_at = now() WHERE parent_id = $1 AND code_hash = $2 AND used_at IS NULL`, [parentId, codeHash]);
    return count === 1;
  }

  async recoveryCodesLeft(parentId: string): Promise<number> {
    const { rows } = await this.db.query<{ left: number }>(`SELECT count(*)::int AS left FROM parent_recovery_codes WHERE parent_id = $1 AND used_at IS NULL`, [parentId]);
    return rows[0].left;
  }

  async replaceRecoveryCodes(parentId: string, recoveryCodeHashes: Buffer[]): Promise<boolean> {
    return this.db.transaction(async (tx) => {
      // Locks the account's TOTP row: a concurrent turn-off or second regeneration waits, then sees the outcome.
      const { rows } = await tx.query(`SELECT 1 FROM parent_totp WHERE parent_id = $1 AND confirmed_at IS NOT NULL FOR UPDATE`, [parentId]);
      if (rows.length !== 1) return false;
      await tx.query(`DELETE FROM parent_recovery_codes WHERE parent_id = $1`, [parentId]);
      await tx.query(`INSERT INTO parent_recovery_codes (parent_id, code_hash) SELECT $1, unnest($2::bytea[])`, [parentId, recoveryCodeHashes]);
      return true;
    });
  }

  async remove(parentId: string): Promise<void> {
    await this.db.transaction(async (tx) => {
      await tx.query(`DELETE FROM second_factor_challenges WHERE parent_id = $1`, [parentId]);
      await tx.query(`DELETE FROM parent_recovery_codes WHERE parent_id = $1`, [parentId]);
      await tx.query(`DELETE FROM parent_totp WHERE parent_id = $1`, [parentId]);
    });
  }

  async createChallenge(tokenHash: Buffer, parentId: string, expiresAt: Date): Promise<void> {
    // This account's expired challenges go at each new one, so the table does not grow.
    await this.db.query(`DELETE FROM second_factor_challenges WHERE parent_id = $1 AND expires_at <= now()`, [parentId]);
    await this.db.query(`INSERT INTO second_factor_challenges (token_hash, parent_id, expires_at) VALUES ($1, $2, $3)`, [tokenHash, parentId, expiresAt]);
  }

  async challengeOwner(tokenHash: Buffer): Promise<string | null> {
    const { rows } = await this.db.query<{ parent_id: string }>(`SELECT parent_id FROM second_factor_challenges WHERE token_hash = $1 AND expires_at > now()`, [tokenHash]);
    return rows[0]?.parent_id ?? null;
  }

  async deleteChallenge(tokenHash: Buffer): Promise<void> {
    await this.db.query(`DELETE FROM second_factor_challenges WHERE token_hash = $1`, [tokenHash]);
  }

  async failuresSince(parentId: string, since: Date): Promise<Date[]> {
    const { rows } = await this.db.query<{ failed_at: Date }>(`SELECT failed_at FROM second_factor_failures WHERE parent_id = $1 AND failed_at > $2`, [parentId, since]);
    return rows.map((r) => r.failed_at);
  }

  async recordFailure(parentId: string, at: Date): Promise<void> {
    // Older failures no longer count for anything.
    await this.db.query(`DELETE FROM second_factor_failures WHERE parent_id = $1 AND failed_at < $2::timestamptz - interval '1 day'`, [parentId, at]);
    await this.db.query(`INSERT INTO second_factor_failures (parent_id, failed_at) VALUES ($1, $2)`, [parentId, at]);
  }
}
