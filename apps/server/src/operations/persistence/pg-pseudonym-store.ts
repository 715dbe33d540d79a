import { Database } from '../../database/database';
import { PseudonymStore, RehashedChild } from '../domain/pseudonym-rotation';

/** The pseudonym rotation's statements: every row keyed by a national number's hash, and the parents' sign-in hashes. */
export class PgPseudonymStore implements PseudonymStore {
  constructor(private readonly db: Database) {}

  async countChildren(): Promise<number> {
    const { rows } = await this.db.query<{ n: number }>(`SELECT count(*)::int AS n FROM children`);
    return rows[0].n;
  }

  async childrenByHash(hashes: Buffer[]): Promise<{ childId: string; hash: Buffer }[]> {
    const { rows } = await this.db.query<{ id: string; national_number_hash: Buffer }>(`SELECT id, national_number_hash FROM children WHERE national_number_hash = ANY($1::bytea[])`, [hashes]);
    return rows.map((r) => ({ childId: r.id, hash: r.national_number_hash }));
  }

  async sealedCards(childIds: string[]): Promise<Map<string, RehashedChild['cards']>> {
    const { rows } = await this.db.query<{ id: string; child_id: string; issued_on: string; encryption_key_id: string; sealed: Buffer }>(
      `SELECT id, child_id, to_char(issued_on, 'YYYY-MM-DD') AS issued_on, encryption_key_id, sealed FROM cards WHERE child_id = ANY($1::uuid[]) AND sealed IS NOT NULL`,
      [childIds],
    );
    const byChild = new Map<string, RehashedChild['cards']>();
    for (const r of rows) {
      const list = byChild.get(r.child_id) ?? [];
      list.push({ id: r.id, issuedOn: r.issued_on, keyId: r.encryption_key_id, sealed: r.sealed });
      byChild.set(r.child_id, list);
    }
    return byChild;
  }

  async rewriteChildren(children: { childId: string; oldHash: Buffer; newHash: Buffer; cards: { id: string; keyId: string; sealed: Buffer; ingestKey: Buffer }[] }[]): Promise<{ rewritten: number; conflicts: string[] }> {
    return this.db.transaction(async (tx) => {
      const taken = new Set(
        (await tx.query<{ national_number_hash: Buffer }>(`SELECT national_number_hash FROM children WHERE national_number_hash = ANY($1::bytea[])`, [children.map((c) => c.newHash)])).rows.map((r) =>
          r.national_number_hash.toString('hex'),
        ),
      );
      const conflicts = children.filter((c) => taken.has(c.newHash.toString('hex'))).map((c) => c.childId);
      const todo = children.filter((c) => !taken.has(c.newHash.toString('hex')));
      if (todo.length === 0) return { rewritten: 0, conflicts };
      const olds = todo.map((c) => c.oldHash);
      const news = todo.map((c) => c.newHash);
      // The child's row first (locks it: a concurrent ingest of its card waits), only while still under its old hash.
      const { rows } = await tx.query<{ id: string }>(
        `UPDATE children ch SET national_number_hash = v.new FROM unnest($1::uuid[], $2::bytea[], $3::bytea[]) AS v(id, old, new)
          WHERE ch.id = v.id AND ch.national_number_hash = v.old RETURNING ch.id`,
        [todo.map((c) => c.childId), olds, news],
      );
      const done = new Set(rows.map((r) => r.id));
      const cards = todo.filter((c) => done.has(c.childId)).flatMap((c) => c.cards);
      if (cards.length > 0) {
        await tx.query(
          `UPDATE cards k SET encryption_key_id = v.key_id, sealed = v.sealed, ingest_key = v.ingest_key
             FROM unnest($1::uuid[], $2::text[], $3::bytea[], $4::bytea[]) AS v(id, key_id, sealed, ingest_key) WHERE k.id = v.id`,
          [cards.map((c) => c.id), cards.map((c) => c.keyId), cards.map((c) => c.sealed), cards.map((c) => c.ingestKey)],
        );
      }
      const doneIds = [...done];
      // A superseded card's ingest key hashed its (erased) code: it cannot be recomputed, and a key under the old pseudonym key is dropped.
      await tx.query(`UPDATE cards SET ingest_key = NULL WHERE child_id = ANY($1::uuid[]) AND sealed IS NULL AND ingest_key IS NOT NULL`, [doneIds]);
      const pairs = todo.filter((c) => done.has(c.childId));
      const o = pairs.map((c) => c.oldHash);
      const n = pairs.map((c) => c.newHash);
      await tx.query(`UPDATE call_records r SET national_number_hash = v.new FROM unnest($1::bytea[], $2::bytea[]) AS v(old, new) WHERE r.national_number_hash = v.old`, [o, n]);
      await tx.query(
        `UPDATE link_attempts a SET subject_hash = v.new FROM unnest($1::bytea[], $2::bytea[]) AS v(old, new) WHERE a.subject_kind = 'national-number' AND a.subject_hash = v.old`,
        [o, n],
      );
      await tx.query(
        `UPDATE code_call_requests r SET subject_hash = v.new FROM unnest($1::bytea[], $2::bytea[]) AS v(old, new) WHERE r.subject_kind = 'national-number' AND r.subject_hash = v.old`,
        [o, n],
      );
      return { rewritten: done.size, conflicts };
    });
  }

  async parentAccounts(afterId: string | null, limit: number): Promise<{ id: string; loginHash: Buffer | null; keyId: string | null; sealed: Buffer | null }[]> {
    const { rows } = await this.db.query<{ id: string; login_hash: Buffer | null; encryption_key_id: string | null; sealed: Buffer | null }>(
      `SELECT id, login_hash, encryption_key_id, sealed FROM parent_accounts WHERE ($1::uuid IS NULL OR id > $1::uuid) ORDER BY id LIMIT $2`,
      [afterId, limit],
    );
    return rows.map((r) => ({ id: r.id, loginHash: r.login_hash, keyId: r.encryption_key_id, sealed: r.sealed }));
  }

  async rewriteLoginHashes(updates: { id: string; loginHash: Buffer }[]): Promise<number> {
    const { count } = await this.db.query(
      `UPDATE parent_accounts p SET login_hash = v.hash FROM unnest($1::uuid[], $2::bytea[]) AS v(id, hash)
        WHERE p.id = v.id AND NOT EXISTS (SELECT 1 FROM parent_accounts o WHERE o.login_hash = v.hash)`,
      [updates.map((u) => u.id), updates.map((u) => u.loginHash)],
    );
    return count;
  }

  async unrecomputable(): Promise<{ liveCallerBlocks: number; oidcIdentities: number; unusedRecoveryCodes: number }> {
    const { rows } = await this.db.query<{ blocks: number; oidc: number; codes: number }>(
      `SELECT (SELECT count(*)::int FROM blocked_callers WHERE lifted_at IS NULL AND blocked_until > now()) AS blocks,
              (SELECT count(*)::int FROM parent_oidc_identities) AS oidc,
              (SELECT count(*)::int FROM parent_recovery_codes WHERE used_at IS NULL) AS codes`,
    );
    return { liveCallerBlocks: rows[0].blocks, oidcIdentities: rows[0].oidc, unusedRecoveryCodes: rows[0].codes };
  }
}
