import { Database, isUniqueViolation } from '../../database/database';
import { AuthorityToken, AuthorityTokenStore } from '../domain/authority-tokens';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

export class PgAuthorityTokenStore implements AuthorityTokenStore {
  constructor(private readonly db: Database) {}

  async create(name: string, tokenHash: Buffer): Promise<{ id: string }> {
    try {
      const {
        rows: [row],
      } = await this.db.query<{ id: string }>(`INSERT INTO authority_tokens (name, token_hash) VALUES ($1, $2) RETURNING id`, [name, tokenHash]);
      await this.audit('authority-token.created', row.id);
      return { id: row.id };
    } catch (error) {
      if (isUniqueViolation(error, 'uq_authority_tokens_live_name')) {
        throw new Error(`a live token named '${name}' exists already: revoke it first or choose another name`);
      }
      throw error;
    }
  }

  async use(tokenHash: Buffer): Promise<{ id: string; name: string } | null> {
    // last_used_at at minute resolution: one write per token per minute, not one per request.
    const { rows } = await this.db.query<{ id: string; name: string }>(
      `WITH live AS (SELECT id, name, last_used_at FROM authority_tokens WHERE token_hash = $1 AND revoked_at IS NULL),
            touched AS (UPDATE authority_tokens t SET last_used_at = now() FROM live
                         WHERE t.id = live.id AND (live.last_used_at IS NULL OR live.last_used_at < now() - interval '1 minute'))
       SELECT id, name FROM live`,
      [tokenHash],
    );
    return rows[0] ?? null;
  }

  async revoke(nameOrId: string): Promise<number> {
    const byId = UUID.test(nameOrId);
    const { rows } = await this.db.query<{ id: string }>(
      `UPDATE authority_tokens SET revoked_at = now() WHERE revoked_at IS NULL AND ${byId ? 'id = $1::uuid' : 'name = $1'} RETURNING id`,
      [nameOrId],
    );
    for (const row of rows) await this.audit('authority-token.revoked', row.id);
    return rows.length;
  }

  async list(): Promise<AuthorityToken[]> {
    const { rows } = await this.db.query<{ id: string; name: string; created_at: Date; last_used_at: Date | null; revoked_at: Date | null }>(
      `SELECT id, name, created_at, last_used_at, revoked_at FROM authority_tokens ORDER BY created_at`,
    );
    return rows.map((r) => ({ id: r.id, name: r.name, createdAt: r.created_at, lastUsedAt: r.last_used_at, revokedAt: r.revoked_at }));
  }

  private async audit(action: string, tokenId: string): Promise<void> {
    await this.db.query(`INSERT INTO audit_events (actor_kind, actor_id, action, subject_kind, subject_id) VALUES ('operator', 'cli', $1, 'authority-token', $2)`, [action, tokenId]);
  }
}
