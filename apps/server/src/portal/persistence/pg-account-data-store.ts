import { Database } from '../../database/database';
import { AccountDataStore } from '../domain/account-data';
import { AttemptSubject } from '../domain/link-lockout';
import { audit } from './pg-parent-children-store';

export class PgAccountDataStore implements AccountDataStore {
  constructor(private readonly db: Database) {}

  async sessions(parentId: string): Promise<{ createdAt: Date; lastSeenAt: Date }[]> {
    const { rows } = await this.db.query<{ created_at: Date; last_seen_at: Date }>(`SELECT created_at, last_seen_at FROM portal_sessions WHERE parent_id = $1 ORDER BY created_at`, [parentId]);
    return rows.map((r) => ({ createdAt: r.created_at, lastSeenAt: r.last_seen_at }));
  }

  async signInProviders(parentId: string): Promise<{ issuer: string; linkedAt: Date; lastUsedAt: Date }[]> {
    const { rows } = await this.db.query<{ issuer: string; created_at: Date; last_used_at: Date }>(
      `SELECT issuer, created_at, last_used_at FROM parent_oidc_identities WHERE parent_id = $1 ORDER BY created_at`,
      [parentId],
    );
    return rows.map((r) => ({ issuer: r.issuer, linkedAt: r.created_at, lastUsedAt: r.last_used_at }));
  }

  async soleGuardianCascades(parentId: string): Promise<string[]> {
    const { rows } = await this.db.query<{ child_id: string }>(
      `SELECT pc.child_id FROM parent_children pc JOIN cascades c ON c.child_id = pc.child_id
        WHERE pc.parent_id = $1
          AND NOT EXISTS (SELECT 1 FROM parent_children o WHERE o.child_id = pc.child_id AND o.parent_id <> $1)`,
      [parentId],
    );
    return rows.map((r) => r.child_id);
  }

  async deleteAccount(parentId: string, cascadesOf: string[], attempts: AttemptSubject): Promise<void> {
    await this.db.transaction(async (tx) => {
      const { rows } = await tx.query<{ id: string }>(`DELETE FROM cascades WHERE child_id = ANY($1::uuid[]) RETURNING id`, [cascadesOf]);
      for (const { id } of rows) await audit(tx, parentId, 'cascade.deleted', id, { with: 'account' });
      await tx.query(`DELETE FROM link_attempts WHERE subject_kind = $1 AND subject_hash = $2`, [attempts.kind, attempts.hash]);
      // Sessions, mailed tokens and links to children go with the account (ON DELETE CASCADE).
      await tx.query(`DELETE FROM parent_accounts WHERE id = $1`, [parentId]);
      await audit(tx, parentId, 'account.deleted', parentId, { deletedCascades: rows.length }, 'parent-account');
    });
  }
}
