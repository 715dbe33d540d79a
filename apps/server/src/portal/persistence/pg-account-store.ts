import { Database } from '../../database/database';
import { AccountStore, StoredAccount, TokenPurpose } from '../domain/accounts';

interface AccountRow {
  id: string;
  password_hash: string | null;
  email_verified_at: Date | null;
  created_at: Date;
  last_seen_at: Date | null;
  encryption_key_id: string | null;
  sealed: Buffer | null;
}

const COLUMNS = 'id, password_hash, email_verified_at, created_at, last_seen_at, encryption_key_id, sealed';

function toAccount(row: AccountRow | undefined): StoredAccount | null {
  if (!row) return null;
  return {
    id: row.id,
    passwordHash: row.password_hash,
    emailVerifiedAt: row.email_verified_at,
    createdAt: row.created_at,
    lastSeenAt: row.last_seen_at,
    keyId: row.encryption_key_id,
    sealed: row.sealed,
  };
}

export class PgAccountStore implements AccountStore {
  constructor(private readonly db: Database) {}

  async create(a: { id: string; loginHash: Buffer; passwordHash: string; keyId: string; sealed: Buffer }): Promise<boolean> {
    const { count } = await this.db.query(
      `INSERT INTO parent_accounts (id, login_hash, password_hash, encryption_key_id, sealed) VALUES ($1, $2, $3, $4, $5)
       ON CONFLICT ON CONSTRAINT uq_parent_accounts_login_hash DO NOTHING`,
      [a.id, a.loginHash, a.passwordHash, a.keyId, a.sealed],
    );
    return count === 1;
  }

  async findByLogin(loginHash: Buffer): Promise<StoredAccount | null> {
    return toAccount((await this.db.query<AccountRow>(`SELECT ${COLUMNS} FROM parent_accounts WHERE login_hash = $1`, [loginHash])).rows[0]);
  }

  async findById(id: string): Promise<StoredAccount | null> {
    return toAccount((await this.db.query<AccountRow>(`SELECT ${COLUMNS} FROM parent_accounts WHERE id = $1`, [id])).rows[0]);
  }

  async markVerified(id: string): Promise<void> {
    await this.db.query(`UPDATE parent_accounts SET email_verified_at = COALESCE(email_verified_at, now()) WHERE id = $1`, [id]);
  }

  async setPassword(id: string, passwordHash: string): Promise<void> {
    await this.db.query(`UPDATE parent_accounts SET password_hash = $2 WHERE id = $1`, [id, passwordHash]);
    // Every other reset link of this account dies with the old password.
    await this.db.query(`UPDATE parent_tokens SET used_at = now() WHERE parent_id = $1 AND purpose = 'reset-password' AND used_at IS NULL`, [id]);
  }

  async noteSignIn(id: string): Promise<void> {
    await this.db.query(`UPDATE parent_accounts SET last_seen_at = now() WHERE id = $1`, [id]);
  }

  async issueToken(parentId: string, purpose: TokenPurpose, tokenHash: Buffer, expiresAt: Date): Promise<void> {
    // Spent and expired tokens of this account are kept no longer than needed.
    await this.db.query(`DELETE FROM parent_tokens WHERE parent_id = $1 AND (used_at IS NOT NULL OR expires_at < now())`, [parentId]);
    await this.db.query(`INSERT INTO parent_tokens (token_hash, parent_id, purpose, expires_at) VALUES ($1, $2, $3, $4)`, [tokenHash, parentId, purpose, expiresAt]);
  }

  async consumeToken(tokenHash: Buffer, purpose: TokenPurpose): Promise<string | null> {
    const { rows } = await this.db.query<{ parent_id: string }>(
      `UPDATE parent_tokens SET used_at = now() WHERE token_hash = $1 AND purpose = $2 AND used_at IS NULL AND expires_at > now() RETURNING parent_id`,
      [tokenHash, purpose],
    );
    return rows[0]?.parent_id ?? null;
  }

  async peekToken(tokenHash: Buffer, purpose: TokenPurpose): Promise<string | null> {
    const { rows } = await this.db.query<{ parent_id: string }>(
      `SELECT parent_id FROM parent_tokens WHERE token_hash = $1 AND purpose = $2 AND used_at IS NULL AND expires_at > now()`,
      [tokenHash, purpose],
    );
    return rows[0]?.parent_id ?? null;
  }
}
