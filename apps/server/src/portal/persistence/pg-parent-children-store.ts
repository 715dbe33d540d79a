import { Language } from '../../languages';
import { Database, Queryable } from '../../database/database';
import { CascadeNumber } from '../domain/cascade-numbers';
import { CascadeStatus, LinkedChild, ParentChildrenStore, StoredCascadeState } from '../domain/parent-children';

interface ChildRow {
  child_id: string;
  linked_at: Date;
  national_number_hash: Buffer;
  encryption_key_id: string | null;
  sealed: Buffer | null;
  cascade_id: string | null;
  status: CascadeStatus | null;
  blocked_reason: string | null;
  inactive_since: Date | null;
  language: Language | null;
  activated_at: Date | null;
  terms_version: string | null;
  terms_accepted_at: Date | null;
  updated_at: Date | null;
  numbers: { position: number; e164: string; country: string; label: string }[];
}

/** A parent's children with the newest card (sealed) and the cascade with its numbers, in one statement. */
const CHILDREN = `
  SELECT pc.child_id, pc.created_at AS linked_at, ch.national_number_hash, k.encryption_key_id, k.sealed,
         c.id AS cascade_id, c.status, c.blocked_reason, c.inactive_since, c.language, c.activated_at, c.terms_version, c.terms_accepted_at, c.updated_at,
         COALESCE((SELECT json_agg(json_build_object('position', n.position, 'e164', n.e164, 'country', n.country, 'label', n.label) ORDER BY n.position)
                     FROM cascade_numbers n WHERE n.cascade_id = c.id), '[]'::json) AS numbers
    FROM parent_children pc
    JOIN children ch ON ch.id = pc.child_id
    LEFT JOIN LATERAL (SELECT encryption_key_id, sealed FROM cards WHERE child_id = ch.id ORDER BY issued_on DESC, seq DESC LIMIT 1) k ON true
    LEFT JOIN cascades c ON c.child_id = ch.id
   WHERE pc.parent_id = $1`;

/** One child of a parent ($1 the parent, $2 the child), as a named prepared statement: the portal's cascade read (the portal benchmark runs it bare too). */
export const CHILD = 'portal-child';
export const CHILD_SQL = `${CHILDREN} AND pc.child_id = $2`;

function toChild(row: ChildRow): LinkedChild {
  return {
    childId: row.child_id,
    linkedAt: row.linked_at,
    card: row.sealed && row.encryption_key_id ? { nationalNumberHash: row.national_number_hash, keyId: row.encryption_key_id, sealed: row.sealed } : null,
    cascade:
      row.cascade_id === null
        ? null
        : {
            id: row.cascade_id,
            status: row.status!,
            blockedReason: row.blocked_reason,
            inactiveSince: row.inactive_since,
            language: row.language!,
            activatedAt: row.activated_at,
            termsVersion: row.terms_version,
            termsAcceptedAt: row.terms_accepted_at,
            updatedAt: row.updated_at!,
            numbers: row.numbers.map((n) => ({ position: n.position, e164: n.e164, country: n.country.trim(), label: n.label })),
          },
  };
}

export class PgParentChildrenStore implements ParentChildrenStore {
  constructor(
    private readonly db: Database,
    private readonly defaultLanguage: Language,
  ) {}

  async link(parentId: string, childId: string): Promise<void> {
    await this.db.query(`INSERT INTO parent_children (parent_id, child_id) VALUES ($1, $2) ON CONFLICT ON CONSTRAINT pk_parent_children DO NOTHING`, [parentId, childId]);
  }

  async unlink(parentId: string, childId: string): Promise<boolean> {
    return (await this.db.query(`DELETE FROM parent_children WHERE parent_id = $1 AND child_id = $2`, [parentId, childId])).count === 1;
  }

  async isLinked(parentId: string, childId: string): Promise<boolean> {
    return (await this.db.query(`SELECT 1 FROM parent_children WHERE parent_id = $1 AND child_id = $2`, [parentId, childId])).rows.length === 1;
  }

  async children(parentId: string): Promise<LinkedChild[]> {
    return (await this.db.prepared<ChildRow>('portal-children', `${CHILDREN} ORDER BY pc.created_at, pc.child_id`, [parentId])).rows.map(toChild);
  }

  async child(parentId: string, childId: string): Promise<LinkedChild | null> {
    const row = (await this.db.prepared<ChildRow>(CHILD, CHILD_SQL, [parentId, childId])).rows[0];
    return row ? toChild(row) : null;
  }

  async cascadeOf(childId: string): Promise<StoredCascadeState | null> {
    const { rows } = await this.db.query<Omit<ChildRow, 'child_id' | 'linked_at' | 'national_number_hash' | 'encryption_key_id' | 'sealed'>>(
      `SELECT c.id AS cascade_id, c.status, c.blocked_reason, c.inactive_since, c.language, c.activated_at, c.terms_version, c.terms_accepted_at, c.updated_at,
              COALESCE((SELECT json_agg(json_build_object('position', n.position, 'e164', n.e164, 'country', n.country, 'label', n.label) ORDER BY n.position)
                          FROM cascade_numbers n WHERE n.cascade_id = c.id), '[]'::json) AS numbers
         FROM cascades c WHERE c.child_id = $1`,
      [childId],
    );
    return rows[0] ? toChild({ ...rows[0], child_id: childId, linked_at: new Date(0), national_number_hash: Buffer.alloc(0), encryption_key_id: null, sealed: null }).cascade : null;
  }

  async saveNumbers(childId: string, numbers: CascadeNumber[], language: Language | undefined, actor: string | null): Promise<void> {
    await this.db.transaction(async (tx) => {
      // The upsert locks the cascade row: concurrent saves of one cascade run one after the other.
      const { rows } = await tx.query<{ id: string }>(
        `INSERT INTO cascades (child_id, language) VALUES ($1, COALESCE($2::text, $3::text))
         ON CONFLICT ON CONSTRAINT uq_cascades_child DO UPDATE SET updated_at = now(), language = COALESCE($2::text, cascades.language)
         RETURNING id`,
        [childId, language ?? null, this.defaultLanguage],
      );
      const cascadeId = rows[0].id;
      // A number kept in the list keeps its test results (a test of the list, its last key 1).
      const { rows: checks } = await tx.query<{ e164: string; last_verified_at: Date | null; last_check_at: Date | null; last_check_result: string | null }>(
        `DELETE FROM cascade_numbers WHERE cascade_id = $1 RETURNING e164, last_verified_at, last_check_at, last_check_result`,
        [cascadeId],
      );
      const checkOf = new Map(checks.map((c) => [c.e164, c]));
      if (numbers.length > 0) {
        await tx.query(
          `INSERT INTO cascade_numbers (cascade_id, position, e164, country, label, last_verified_at, last_check_at, last_check_result)
           SELECT $1, * FROM unnest($2::smallint[], $3::text[], $4::text[], $5::text[], $6::timestamptz[], $7::timestamptz[], $8::text[])`,
          [
            cascadeId,
            numbers.map((_, i) => i + 1),
            numbers.map((n) => n.e164),
            numbers.map((n) => n.country),
            numbers.map((n) => n.label),
            numbers.map((n) => checkOf.get(n.e164)?.last_verified_at ?? null),
            numbers.map((n) => checkOf.get(n.e164)?.last_check_at ?? null),
            numbers.map((n) => checkOf.get(n.e164)?.last_check_result ?? null),
          ],
        );
      }
      await audit(tx, actor, 'cascade.numbers-saved', cascadeId, { numbers: numbers.length });
    });
  }

  async activate(childId: string, termsVersion: string, actor: string | null, expectedStatus: CascadeStatus): Promise<boolean> {
    return this.db.transaction(async (tx) => {
      const { rows } = await tx.query<{ id: string }>(
        `UPDATE cascades SET status = 'active', blocked_reason = NULL, activated_at = now(), terms_version = $2, terms_accepted_at = now(), updated_at = now()
          WHERE child_id = $1 AND status = $3 RETURNING id`,
        [childId, termsVersion, expectedStatus],
      );
      if (rows.length === 0) return false;
      await audit(tx, actor, 'cascade.activated', rows[0].id, { termsVersion, from: expectedStatus });
      return true;
    });
  }

  /**
   * One guarded update: only from the expected status, so a cascade a new card blocked meanwhile
   * stays blocked. The trigger on `cascades.status` keeps `inactive_since` (set at the pause,
   * cleared on resuming).
   */
  async setPaused(childId: string, paused: boolean, actor: string | null): Promise<boolean> {
    const [from, to] = paused ? (['active', 'paused'] as const) : (['paused', 'active'] as const);
    return this.db.transaction(async (tx) => {
      const { rows } = await tx.query<{ id: string }>(`UPDATE cascades SET status = $3, updated_at = now() WHERE child_id = $1 AND status = $2 RETURNING id`, [childId, from, to]);
      if (rows.length === 0) return false;
      await audit(tx, actor, paused ? 'cascade.paused' : 'cascade.resumed', rows[0].id, {});
      return true;
    });
  }

  async deleteCascade(childId: string, actor: string): Promise<boolean> {
    return this.db.transaction(async (tx) => {
      const { rows } = await tx.query<{ id: string }>(`DELETE FROM cascades WHERE child_id = $1 RETURNING id`, [childId]);
      if (rows.length === 0) return false;
      await audit(tx, actor, 'cascade.deleted', rows[0].id, {});
      return true;
    });
  }
}

/**
 * The audit trail: the parent's account id and counts, never a number or a label. `parentId` null:
 * a parent on the parents' line (no account): no actor id, and `by: 'phone'` in the details.
 */
export async function audit(tx: Queryable, parentId: string | null, action: string, subjectId: string, details: Record<string, unknown>, subjectKind = 'cascade'): Promise<void> {
  await tx.query(
    `INSERT INTO audit_events (actor_kind, actor_id, action, subject_kind, subject_id, details) VALUES ('parent', $1, $2, $3, $4, $5::jsonb)`,
    [parentId, action, subjectKind, subjectId, JSON.stringify(parentId === null ? { ...details, by: 'phone' } : details)],
  );
}
