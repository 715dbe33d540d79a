import { CascadeStatus } from '../../cascades/domain/cascade-status';
import { Database, Queryable } from '../../database/database';
import { Language } from '../../languages';
import { AuditLine, BlockReason, CallerBlock, CallLegs, OperatedChild, OperationsStore, ParentContact, SuspensionReason } from '../domain/operations';

interface BlockRow {
  id: string;
  reason: BlockReason;
  blocked_at: Date;
  blocked_until: Date;
}

const block = (r: BlockRow): CallerBlock => ({ id: r.id, reason: r.reason, blockedAt: r.blocked_at, blockedUntil: r.blocked_until });

/** The operator commands' statements; each change and its audit event commit together. */
export class PgOperationsStore implements OperationsStore {
  constructor(private readonly db: Database) {}

  async findChild(hashes: Buffer[]): Promise<OperatedChild | null> {
    const { rows } = await this.db.query<{ child_id: string; cascade_id: string | null; status: CascadeStatus | null; suspended_reason: SuspensionReason | null; language: Language }>(
      `SELECT ch.id AS child_id, c.id AS cascade_id, c.status, c.suspended_reason, c.language
         FROM children ch LEFT JOIN cascades c ON c.child_id = ch.id
        WHERE ch.national_number_hash = ANY($1::bytea[])
        ORDER BY array_position($1::bytea[], ch.national_number_hash) LIMIT 1`,
      [hashes],
    );
    const row = rows[0];
    if (!row) return null;
    return {
      childId: row.child_id,
      cascade: row.cascade_id ? { id: row.cascade_id, status: row.status!, suspendedReason: row.suspended_reason, language: row.language } : null,
    };
  }

  async setSuspension(cascadeId: string, reason: SuspensionReason | null, operator: string): Promise<boolean> {
    return this.db.transaction(async (tx) => {
      const { rows } = await tx.query<{ before: SuspensionReason | null }>(
        `UPDATE cascades c SET suspended_at = CASE WHEN $2::text IS NULL THEN NULL ELSE now() END, suspended_reason = $2, updated_at = now()
           FROM (SELECT id, suspended_reason AS before FROM cascades WHERE id = $1 FOR UPDATE) old
          WHERE c.id = old.id AND c.suspended_reason IS DISTINCT FROM $2
          RETURNING old.before`,
        [cascadeId, reason],
      );
      if (rows.length === 0) return false;
      await audit(tx, operator, reason ? 'cascade.suspended' : 'cascade.resumed', 'cascade', cascadeId, reason ? { reason, before: rows[0].before } : { before: rows[0].before });
      return true;
    });
  }

  async parentsOf(childId: string): Promise<ParentContact[]> {
    const { rows } = await this.db.query<{ id: string; encryption_key_id: string; sealed: Buffer }>(
      `SELECT p.id, p.encryption_key_id, p.sealed FROM parent_children pc JOIN parent_accounts p ON p.id = pc.parent_id
        WHERE pc.child_id = $1 AND p.sealed IS NOT NULL ORDER BY pc.created_at`,
      [childId],
    );
    return rows.map((r) => ({ parentId: r.id, keyId: r.encryption_key_id, sealed: r.sealed }));
  }

  async blockCaller(callerHashes: Buffer[], reason: BlockReason, until: Date, operator: string): Promise<CallerBlock> {
    return this.db.transaction(async (tx) => {
      const { rows } = await tx.query<BlockRow>(
        `INSERT INTO blocked_callers (caller_hashes, reason, blocked_until) VALUES ($1::bytea[], $2, $3) RETURNING id, reason, blocked_at, blocked_until`,
        [callerHashes, reason, until],
      );
      await audit(tx, operator, 'caller.blocked', 'caller-block', rows[0].id, { reason, until: until.toISOString() });
      return block(rows[0]);
    });
  }

  async unblockCaller(callerHashes: Buffer[], operator: string): Promise<CallerBlock[]> {
    return this.db.transaction(async (tx) => {
      const { rows } = await tx.query<BlockRow>(
        `UPDATE blocked_callers SET lifted_at = now()
          WHERE caller_hashes && $1::bytea[] AND lifted_at IS NULL AND blocked_until > now()
          RETURNING id, reason, blocked_at, blocked_until`,
        [callerHashes],
      );
      for (const r of rows) await audit(tx, operator, 'caller.unblocked', 'caller-block', r.id, { reason: r.reason });
      return rows.map(block);
    });
  }

  /**
   * What was done to the child, its cascade (the current one) and its cards: the audit events keep
   * ids, counts, statuses and reasons only, and that is all this returns.
   */
  async auditTrail(child: OperatedChild): Promise<AuditLine[]> {
    const { rows } = await this.db.query<{ at: Date; actor_kind: string; actor_id: string | null; action: string; subject_kind: string; subject_id: string | null; details: Record<string, unknown> }>(
      `SELECT at, actor_kind, actor_id, action, subject_kind, subject_id, details FROM audit_events
        WHERE (subject_kind = 'child' AND subject_id = $1)
           OR (subject_kind = 'cascade' AND subject_id = $2)
           OR (subject_kind = 'card' AND subject_id IN (SELECT id FROM cards WHERE child_id = $1))
        ORDER BY at, id`,
      [child.childId, child.cascade?.id ?? null],
    );
    return rows.map((r) => ({ at: r.at, actorKind: r.actor_kind, actorId: r.actor_id, action: r.action, subjectKind: r.subject_kind, subjectId: r.subject_id, details: r.details }));
  }

  async callLegs(callId: string): Promise<CallLegs | null> {
    const { rows } = await this.db.query<{ id: string; started_at: Date; ended_at: Date | null; outcome: string | null; language: string | null; cascade_id: string | null; number_entered_at: Date | null; connected_at: Date | null; connected_position: string | null }>(
      `SELECT id, started_at, ended_at, outcome, language, cascade_id, number_entered_at, connected_at, connected_position FROM call_records WHERE id = $1`,
      [callId],
    );
    const c = rows[0];
    if (!c) return null;
    const legs = await this.db.query<{ id: string; position: string; result: string; started_at: Date; ended_at: Date }>(
      `SELECT id, position, result, started_at, ended_at FROM leg_records WHERE call_id = $1 ORDER BY started_at, id`,
      [callId],
    );
    return {
      call: { id: c.id, startedAt: c.started_at, endedAt: c.ended_at, outcome: c.outcome, language: c.language, cascadeId: c.cascade_id, numberEnteredAt: c.number_entered_at, connectedAt: c.connected_at, connectedPosition: c.connected_position },
      legs: legs.rows.map((l) => ({ id: l.id, position: l.position, result: l.result, startedAt: l.started_at, endedAt: l.ended_at })),
    };
  }

  async audit(operator: string, action: string, subjectKind: string, subjectId: string | null, details: Record<string, unknown>): Promise<void> {
    await audit(this.db, operator, action, subjectKind, subjectId, details);
  }
}

/** An operator's audit event: their name, the action, the record's id, counts and reasons only. */
async function audit(on: Queryable, operator: string, action: string, subjectKind: string, subjectId: string | null, details: Record<string, unknown>): Promise<void> {
  await on.query(`INSERT INTO audit_events (actor_kind, actor_id, action, subject_kind, subject_id, details) VALUES ('operator', $1, $2, $3, $4, $5::jsonb)`, [
    operator,
    action,
    subjectKind,
    subjectId,
    JSON.stringify(details),
  ]);
}
