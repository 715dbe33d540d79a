import { Database } from '../../database/database';
import { OidcIdentityStore } from '../domain/oidc-sign-in';

export class PgOidcIdentityStore implements OidcIdentityStore {
  constructor(private readonly db: Database) {}

  async findParent(issuer: string, subjectHashes: Buffer[]): Promise<string | null> {
    const { rows } = await this.db.query<{ parent_id: string }>(
      `WITH used AS (
         UPDATE parent_oidc_identities SET last_used_at = now(), subject_hash = $3 WHERE issuer = $1 AND subject_hash = ANY($2::bytea[]) RETURNING parent_id
       )
       UPDATE parent_accounts SET last_seen_at = now() FROM used WHERE parent_accounts.id = used.parent_id RETURNING used.parent_id`,
      [issuer, subjectHashes, subjectHashes[0]],
    );
    return rows[0]?.parent_id ?? null;
  }

  async createParent(a: { id: string; loginHash: Buffer; keyId: string; sealed: Buffer; issuer: string; subjectHash: Buffer }): Promise<'created' | 'login-taken' | { existing: string }> {
    return this.db.transaction(async (tx) => {
      const account = await tx.query(
        `INSERT INTO parent_accounts (id, login_hash, encryption_key_id, sealed, email_verified_at, last_seen_at) VALUES ($1, $2, $3, $4, now(), now())
         ON CONFLICT ON CONSTRAINT uq_parent_accounts_login_hash DO NOTHING`,
        [a.id, a.loginHash, a.keyId, a.sealed],
      );
      if (account.count !== 1) {
        // Either a local account has the address, or a simultaneous first sign-in of this same
        // identity created it a moment ago (the insert waited for that transaction's commit).
        const { rows } = await tx.query<{ parent_id: string }>(`SELECT parent_id FROM parent_oidc_identities WHERE issuer = $1 AND subject_hash = $2`, [a.issuer, a.subjectHash]);
        return rows[0] ? { existing: rows[0].parent_id } : 'login-taken';
      }
      await tx.query(`INSERT INTO parent_oidc_identities (issuer, subject_hash, parent_id) VALUES ($1, $2, $3)`, [a.issuer, a.subjectHash, a.id]);
      return 'created';
    });
  }
}
