import { DataSource } from 'typeorm';
import { AccountDataStore } from '../domain/account-data';
import { AttemptSubject } from '../domain/link-lockout';
import { audit } from './pg-parent-children';
import { query, sql, withRunner } from './sql';

export class PgAccountDataStore implements AccountDataStore {
  constructor(private readonly db: DataSource) {}

  async sessions(parentId: string): Promise<{ createdAt: Date; lastSeenAt: Date }[]> {
    const { rows } = await query<{ created_at: Date; last_seen_at: Date }>(this.db, `SELECT created_at, last_seen_at FROM portal_sessions WHERE parent_id = $1 ORDER BY created_at`, [parentId]);
    return rows.map((r) => ({ createdAt: r.created_at, lastSeenAt: r.last_seen_at }));
  }

  async signInProviders(parentId: string): Promise<{ issuer: string; linkedAt: Date; lastUsedAt: Date }[]> {
    const { rows } = await query<{ issuer: string; created_at: Date; last_used_at: Date }>(
      this.db,
      `SELECT issuer, created_at, last_used_at FROM parent_oidc_identities WHERE parent_id = $1 ORDER BY created_at`,
      [parentId],
    );
    return rows.map((r) => ({ issuer: r.issuer, linkedAt: r.created_at, lastUsedAt: r.last_used_at }));
  }

  async soleGuardianCascades(parentId: string): Promise<string[]> {
    const { rows } = await query<{ child_id: string }>(
      this.db,
      `SELECT pc.child_id FROM parent_children pc JOIN cascades c ON c.child_id = pc.child_id
        WHERE pc.parent_id = $1
          AND NOT EXISTS (SELECT 1 FROM parent_children o WHERE o.child_id = pc.child_id AND o.parent_id <> $1)`,
      [parentId],
    );
    return rows.map((r) => r.child_id);
  }

  async deleteAccount(parentId: string, cascadesOf: string[], attempts: AttemptSubject): Promise<void> {
    await withRunner(
      this.db,
      async (runner) => {
        const { rows } = await sql<{ id: string }>(runner, `DELETE FROM cascades WHERE child_id = ANY($1::uuid[]) RETURNING id`, [cascadesOf]);
        for (const { id } of rows) await audit(runner, parentId, 'cascade.deleted', id, { with: 'account' });
        await sql(runner, `DELETE FROM link_attempts WHERE subject_kind = $1 AND subject_hash = $2`, [attempts.kind, attempts.hash]);
        // Sessions, mailed tokens and links to children go with the account (ON DELETE CASCADE).
        await sql(runner, `DELETE FROM parent_accounts WHERE id = $1`, [parentId]);
        await audit(runner, parentId, 'account.deleted', parentId, { deletedCascades: rows.length }, 'parent-account');
      },
      true,
    );
  }
}
